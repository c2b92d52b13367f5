"""Outages are weather: Kafka is stopped three times for 30 s while the extractor, the stories
consumer, the indexer and the alerter run as real processes under a steady load of articles. All three stay
alive, their metrics endpoints answer throughout, their logs say what happened in a few
lines, and Elasticsearch ends with every unique event.

The test runs its own Kafka broker (free ports, its own data directory) so that stopping it
disturbs nothing else; Elasticsearch is the shared one, under a private index prefix."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka.structs import TopicPartition

from bench.extractor_bench import article_corpus
from tests.conftest import free_port
from tests.kafka_io import wait_for

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
OUTAGES = 3
OUTAGE_S = 30
ARTICLES_PER_S = 3.0
STAGES = ("extractor", "stories", "indexer", "alerter")


class OwnKafka:
    """A single-node Kafka of this test, controlled with infra/local/services.py."""

    def __init__(self, var: Path) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "NEWS_VAR_DIR": str(var),
            "NEWS_LOCAL_CACHE": str(ROOT / "var" / "local"),
            "KAFKA_PORT": str(self.port),
            "KAFKA_CONTROLLER_PORT": str(free_port()),
            "KAFKA_HEAP": "384m",
            "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{self.port}",
        }

    def control(self, action: str) -> None:
        subprocess.run(
            [sys.executable, "infra/local/services.py", action], cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=240
        )


@pytest.fixture
def own_kafka(tmp_path: Path, es_prefix: str) -> Iterator[OwnKafka]:
    kafka = OwnKafka(tmp_path / "var")
    kafka.control("start-kafka")
    try:
        subprocess.run([sys.executable, "-m", "common.bootstrap", "--kafka"], cwd=ROOT, env=kafka.env, check=True, capture_output=True, timeout=120)
        yield kafka
    finally:
        kafka.control("stop-kafka")


class Scraper(threading.Thread):
    """GETs /metrics and /healthz of every consumer each second and counts failures."""

    def __init__(self, ports: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.ports = ports
        self.stop = threading.Event()
        self.answered: dict[str, int] = dict.fromkeys(ports, 0)
        self.failures: list[str] = []
        self.not_ready: dict[str, int] = dict.fromkeys(ports, 0)

    def run(self) -> None:
        while not self.stop.wait(1.0):
            for stage, port in self.ports.items():
                for path in ("/metrics", "/healthz"):
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
                            body = resp.read().decode()
                            assert resp.status == 200
                            if path == "/metrics":
                                assert "news_consumer_records_consumed_total" in body or "news_consumer_lag" in body
                                self.answered[stage] += 1
                    except Exception as exc:  # noqa: BLE001 - every failure is recorded and asserted on
                        self.failures.append(f"{time.strftime('%H:%M:%S')} {stage}{path}: {exc!r}")
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5).close()
                except Exception:  # noqa: BLE001 - not ready during an outage is expected
                    self.not_ready[stage] += 1


class Load(threading.Thread):
    """Produces articles at a steady rate, like the ingest DAG: each one is acknowledged before
    the next, and a send that fails during an outage is retried with a new producer."""

    def __init__(self, articles: list[dict[str, Any]]) -> None:
        super().__init__(daemon=True)
        self.articles = articles
        self.stop = threading.Event()
        self.sent: list[str] = []
        self.retries = 0

    def run(self) -> None:
        from kafka.errors import KafkaError

        from common.config import topic
        from common.kafka import make_producer

        producer = None
        for article in self.articles:
            if self.stop.wait(1 / ARTICLES_PER_S):
                break
            while not self.stop.is_set():
                try:
                    producer = producer or make_producer(request_timeout_ms=10_000)
                    producer.send(topic("articles_raw"), key=article["id"], value=article).get(timeout=20)
                    self.sent.append(article["id"])
                    break
                except KafkaError:
                    self.retries += 1
                    _close(producer)
                    producer = None
                    self.stop.wait(1)
        _close(producer)


def _close(producer: Any) -> None:
    from kafka.errors import KafkaError

    try:
        if producer is not None:
            producer.close(timeout=5)
    except KafkaError:
        pass  # records it could not deliver are retried by the load loop with a new producer


def _group_caught_up(group: str, topics: list[str]) -> bool:
    """The group's committed offsets reached the end of its inputs (a consumer that never subscribes does not join)."""
    from common.kafka import make_consumer

    consumer = make_consumer(group)
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        ends = consumer.end_offsets(partitions)
        return bool(partitions) and all((consumer.committed(tp) or 0) >= ends[tp] for tp in partitions)
    finally:
        consumer.close(autocommit=False)


def _ids_on_topic(name: str, field: str) -> set[str]:
    from common.kafka import make_consumer

    consumer = make_consumer(f"reader-{uuid.uuid4().hex[:6]}")
    try:
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        ids: set[str] = set()
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=500).values():
                ids.update(json.loads(m.value)[field] for m in batch)
        return ids
    finally:
        consumer.close()


@pytest.mark.timeout(1800)  # 3 x 30 s outages; a broker restart takes 10-60 s on a busy machine
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the load's own producers, closed mid-outage
def test_consumers_ride_out_three_kafka_outages(own_kafka: OwnKafka, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from common.config import topic
    from common.es import index_name, make_es

    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", own_kafka.env["KAFKA_BOOTSTRAP_SERVERS"])
    ports = {stage: free_port() for stage in STAGES}
    logs = {stage: (tmp_path / f"{stage}.log").open("wb") for stage in STAGES}
    env = {**own_kafka.env, "NEWS_LOG_FORMAT": "json", "NEWS_INDEX_PREFIX": os.environ["NEWS_INDEX_PREFIX"], "NEWS_STARTUP_TIMEOUT_S": "30"}
    processes = {
        stage: subprocess.Popen(
            [sys.executable, "-m", f"consumers.{stage}", "--metrics-port", str(ports[stage])]
            + (["--batch-size", "16"] if stage == "extractor" else []),
            cwd=ROOT, env=env, stdout=logs[stage], stderr=subprocess.STDOUT,
        )
        for stage in STAGES
    }
    scraper = Scraper(ports)
    load = Load(article_corpus(2000))
    try:
        wait_for(lambda: all(_answers(p, "/readyz") for p in ports.values()), 120, "every consumer to be ready")
        scraper.start()
        load.start()
        t0 = time.monotonic()
        timeline: list[str] = []
        time.sleep(15)
        for outage in range(OUTAGES):
            own_kafka.control("stop-kafka")
            time.sleep(OUTAGE_S)
            _assert_alive(processes, f"during outage {outage + 1}")
            own_kafka.control("start-kafka")
            # Back to work before the next outage: every consumer ready and the load flowing again.
            sent_before = len(load.sent)
            wait_for(lambda: all(_answers(p, "/readyz") for p in ports.values()), 180, f"the consumers to be ready after outage {outage + 1}")
            wait_for(lambda: len(load.sent) > sent_before + 5, 120, f"the load to flow after outage {outage + 1}")
            time.sleep(10)
            _assert_alive(processes, f"after outage {outage + 1}")
            timeline.append(f"outage {outage + 1} over at {time.monotonic() - t0:.0f}s, {len(load.sent)} articles sent")
        load.stop.set()
        load.join(timeout=60)
        assert len(load.sent) > 60, f"only {len(load.sent)} articles sent: {timeline}"

        wait_for(lambda: _group_caught_up("extractor", [topic("articles_raw")]), 300, "the extractor to catch up")
        wait_for(lambda: _group_caught_up("stories-router", [topic("events")]), 180, "the stories router to catch up")
        wait_for(lambda: _group_caught_up("stories", [topic("stories_mentions")]), 180, "the stories aggregator to catch up")
        storied = [topic("events_storied"), topic("stories")]
        wait_for(lambda: _group_caught_up("indexer", [*storied, topic("articles_enriched")]), 180, "the indexer to catch up")
        wait_for(lambda: _group_caught_up("alerter", storied), 120, "the alerter to catch up")
        _assert_alive(processes, "at the end")
    finally:
        scraper.stop.set()
        load.stop.set()
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        exit_codes = {stage: p.wait(timeout=120) for stage, p in processes.items()}
        for handle in logs.values():
            handle.close()

    assert exit_codes == dict.fromkeys(STAGES, 0), exit_codes
    assert not scraper.failures, scraper.failures[:10]
    assert min(scraper.answered.values()) > (OUTAGES * OUTAGE_S) * 0.8, scraper.answered
    assert min(scraper.not_ready.values()) > 0, "readiness should drop while Kafka is down"

    es = make_es()
    es.indices.refresh(index=f"{index_name('events')},{index_name('articles')}")
    unique_events = _ids_on_topic(topic("events"), "event_id")
    assert unique_events
    assert _ids_on_topic(topic("events_storied"), "event_id") == unique_events  # none lost on the way through stories
    assert es.count(index=index_name("events"))["count"] == len(unique_events)
    found = es.search(index=index_name("events"), query={"ids": {"values": sorted(unique_events)}}, size=0, track_total_hits=True)
    assert found["hits"]["total"]["value"] == len(unique_events)
    articles = _ids_on_topic(topic("articles_raw"), "id")
    assert set(load.sent) <= articles
    assert es.count(index=index_name("articles"))["count"] == len(articles)

    for stage in STAGES:
        lines = (tmp_path / f"{stage}.log").read_text().splitlines()
        records = [json.loads(line) for line in lines]  # every line is JSON
        text = "\n".join(lines)
        assert "Traceback" not in text, f"{stage} logged a traceback"
        # A few lines per outage (unreachable, back, a partition or two recovering), not one per retry.
        warnings = [r for r in records if r.get("level") in ("warning", "error")]
        consumers = 2 if stage == "stories" else 1  # the stories process runs the router and the aggregator
        assert len(warnings) <= 12 * OUTAGES * consumers, f"{stage}: {len(warnings)} warnings, e.g. {[r['event'] for r in warnings[:20]]}"
        assert sum(r["event"] == "kafka unreachable; clients keep retrying quietly" for r in records) >= OUTAGES


def _answers(port: int, path: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status == 200
    except Exception:  # noqa: BLE001
        return False


def _assert_alive(processes: dict[str, subprocess.Popen[bytes]], when: str) -> None:
    dead = {stage: p.returncode for stage, p in processes.items() if p.poll() is not None}
    assert not dead, f"consumers exited {when}: {dead}"
