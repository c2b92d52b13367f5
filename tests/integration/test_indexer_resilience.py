"""The indexer on the real Kafka and Elasticsearch: searchable output, no loss and no
duplicates across a SIGKILL, an Elasticsearch outage, and documents the mapping rejects."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from elasticsearch import ApiError, Elasticsearch, TransportError

from bench.corpus import synthetic_event
from common.config import topic
from common.es import index_name, make_es
from common.kafka import make_producer, send_all
from consumers.indexer import Indexer, default_inputs
from tests.conftest import free_port
from tests.kafka_io import read_dead_letters, wait_for

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _count(es: Elasticsearch) -> int:
    """Documents in the events alias; -1 while the node cannot answer (it may be restarting)."""
    try:
        es.indices.refresh(index=index_name("events"))
        return es.count(index=index_name("events"))["count"]
    except (ApiError, TransportError):
        return -1


def _produce_events(events: list[dict]) -> None:
    producer = make_producer()
    try:
        send_all(producer, topic("events_storied"), ((e["article_id"], e) for e in events))
    finally:
        producer.close()


def test_produce_to_searchable(isolated_topics: dict, es_prefix: str) -> None:
    event = synthetic_event(1, run="searchable") | {"sentence": "Russia, Turkey and Iran agreed on de-escalation zones in Syria."}
    _produce_events([event])
    indexer = Indexer(inputs=default_inputs(["events"]), batch_timeout_s=0.2)
    indexer.run(stop_when_idle_s=2)
    es = make_es()
    es.indices.refresh(index=index_name("events"))
    hits = es.search(index=index_name("events"), query={"match_phrase": {"sentence": "de-escalation zones"}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == [event["event_id"]]
    assert hits[0]["_source"]["location"]["point"] == {"lat": event["location"]["lat"], "lon": event["location"]["lon"]}


def test_killed_indexer_restarted_mid_stream_leaves_exactly_the_unique_documents(isolated_topics: dict, es_prefix: str) -> None:
    unique = [synthetic_event(i, run="kill") for i in range(3000)]
    _produce_events(unique + unique[:400])  # redeliveries, as after an upstream retry
    es = make_es()
    cmd = [sys.executable, "-m", "consumers.indexer", "--kinds", "events", "--batch-size", "50", "--batch-timeout", "0.2"]
    first = subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _count(es) >= 300, 60, "the first indexer to index some documents")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    indexed_before_restart = _count(es)
    assert 0 < indexed_before_restart < len(unique), "the kill must land mid-stream"

    second = subprocess.run(cmd + ["--stop-when-idle", "4"], cwd=ROOT, env=os.environ.copy(), capture_output=True, timeout=180)
    assert second.returncode == 0, second.stderr.decode()[-2000:]
    assert _count(es) == len(unique)
    found = es.search(index=index_name("events"), query={"ids": {"values": [e["event_id"] for e in unique]}}, size=0, track_total_hits=True)
    assert found["hits"]["total"]["value"] == len(unique)


def test_mapping_violation_is_dead_lettered_while_the_rest_index(isolated_topics: dict, es_prefix: str) -> None:
    good = [synthetic_event(i, run="mapping") for i in range(20)]
    # Valid by the contract, but a 40 kB keyword is an "immense term" that Lucene refuses.
    bad = synthetic_event(99, run="mapping") | {"article_id": "x" * 40_000}
    _produce_events(good[:10] + [bad] + good[10:])
    indexer = Indexer(inputs=default_inputs(["events"]), batch_timeout_s=0.2)
    stats = indexer.run(stop_when_idle_s=2)
    assert _count(make_es()) == len(good)
    assert stats.get("dead_letter:es_rejected") == 1
    letters = read_dead_letters(isolated_topics["dlq_indexer"], expected=1)
    assert len(letters) == 1
    letter = letters[0]
    assert letter.reason == "es_rejected" and letter.stage == "indexer"
    assert "immense term" in letter.error or "article_id" in letter.error
    assert orjson.loads(letter.value)["event_id"] == bad["event_id"]
    assert letter.origin_topic == topic("events_storied")


@pytest.fixture
def second_es_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """A dedicated Elasticsearch node that this test may stop and start (never the shared one),
    on free ports: fixed ones may belong to someone else's services on a shared machine."""
    http_port, transport_port = free_port(), free_port()
    env = {
        **os.environ,
        "NEWS_VAR_DIR": str(tmp_path / "var"),
        "NEWS_LOCAL_CACHE": str(ROOT / "var" / "local"),
        "ES_HTTP_PORT": str(http_port),
        "ES_TRANSPORT_PORT": str(transport_port),
        "ES_HEAP": "512m",
    }

    def control(action: str) -> None:
        subprocess.run([sys.executable, "infra/local/services.py", action], cwd=ROOT, env=env, check=True, capture_output=True, timeout=240)

    control("start-es")
    monkeypatch.setenv("ELASTICSEARCH_URL", f"http://127.0.0.1:{http_port}")
    try:
        yield control
    finally:
        control("stop-es")


def _metric(port: int, name: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        body = resp.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in body.splitlines() if line.startswith(name))


def test_elasticsearch_outage_loses_nothing_and_says_so_in_a_few_lines(
    isolated_topics: dict, second_es_node: Callable[[str], None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from common.es_setup import apply_all

    monkeypatch.setenv("NEWS_INDEX_PREFIX", "outage")
    es = make_es(request_timeout=5, max_retries=0)
    apply_all(es)
    events = [synthetic_event(i, run="outage") for i in range(1000)]
    port = free_port()
    env = {**os.environ, "NEWS_LOG_FORMAT": "json", "NEWS_RETRY_BACKOFF_MAX_S": "2", "ELASTICSEARCH_TIMEOUT": "5"}
    cmd = [sys.executable, "-m", "consumers.indexer", "--kinds", "events", "--batch-size", "100", "--batch-timeout", "0.2", "--metrics-port", str(port)]
    log_path = tmp_path / "indexer.log"
    with log_path.open("wb") as log:
        indexer = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _produce_events(events[:500])
        wait_for(lambda: _count(es) == 500, 90, "the first half to be indexed")
        second_es_node("stop-es")
        _produce_events(events[500:])
        time.sleep(20)  # the indexer fails, backs off and must not commit meanwhile; it used to log a traceback per retry
        assert indexer.poll() is None, "the indexer must outlive an Elasticsearch outage"
        assert _metric(port, 'news_consumer_batch_failures_total{group="indexer",kind="outage"}') > 0
        assert _metric(port, "news_consumer_lag{") >= 500
        assert _metric(port, 'news_consumer_dead_letters_total{group="indexer"') == 0  # an outage is never dead-lettered
        second_es_node("start-es")
        wait_for(lambda: _count(es) == len(events), 180, "the indexer to catch up after the outage")
    finally:
        indexer.send_signal(signal.SIGTERM)
        code = indexer.wait(timeout=60)
    assert code == 0
    text = log_path.read_text()
    records = [json.loads(line) for line in text.splitlines()]  # JSON lines only
    assert "Traceback" not in text
    noisy = [r["event"] for r in records if r["level"] in ("warning", "error")]
    assert len(noisy) <= 8, noisy
    events_logged = [r["event"] for r in records]
    assert "elasticsearch unreachable; clients keep retrying quietly" in events_logged
    assert "partition recovered" in events_logged
