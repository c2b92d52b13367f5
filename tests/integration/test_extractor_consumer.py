"""The extractor consumer on the real Kafka (and, end to end, Elasticsearch): the seed
article's events come out right, poison messages are dead-lettered while good ones flow,
and a SIGKILL mid-stream loses and duplicates nothing."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.extractor_bench import article_corpus
from common.config import topic
from common.es import index_name, make_es
from common.kafka import make_producer, send_all
from consumers.extract.pipeline import load_pipeline, process_articles
from consumers.extractor import Extractor
from consumers.indexer import Indexer
from consumers.stories.consumer import StoriesAggregator, StoriesRouter, run_both
from tests.kafka_io import read_dead_letters, read_topic, topic_size, wait_for

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "seed_article.txt"


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_pipeline()


def seed_article() -> dict[str, Any]:
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    url = "https://news.example.org/2017/05/11/rein-in-assad"
    return {
        "schema_version": 1,
        "id": hashlib.sha256(url.encode()).hexdigest()[:32],
        "url": url,
        "canonical_url": url,
        "source": "seed",
        "source_kind": "html",
        "title": title.strip(),
        "text": body.strip(),
        "content_hash": "sha256:" + hashlib.sha256(body.encode()).hexdigest(),
        "published_at": "2017-05-12T09:00:00Z",
        "fetched_at": "2017-05-12T10:00:00Z",
        "language": "en",
    }


def produce(records: list[tuple[str | None, Any]], topic_name: str | None = None) -> None:
    producer = make_producer()
    try:
        send_all(producer, topic_name or topic("articles_raw"), records)
    finally:
        producer.close()


def run_stories(idle_s: float) -> None:
    """The stories consumer between the extractor and the indexer: events reach the index with their story_id."""
    run_both(router=StoriesRouter(), aggregator=StoriesAggregator(), stop_when_idle_s=idle_s)


def actors(event: dict[str, Any], role: str) -> set[str | None]:
    return {a["country"] for a in event[role]}


def test_seed_article_end_to_end_through_kafka_into_elasticsearch(isolated_topics: dict, es_prefix: str, nlp: Any) -> None:
    article = seed_article()
    produce([(article["id"], article)])
    stats = Extractor(nlp=nlp).run(stop_when_idle_s=2)
    assert stats["articles"] == 1 and not any(k.startswith("dead_letter") for k in stats)

    events = read_topic(topic("events"))
    assert {e["article_id"] for e in events} == {article["id"]}
    by_type: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_type.setdefault(event["event_type"], []).append(event)

    assert any({"RUS", "TUR", "IRN"} <= actors(e, "source") | actors(e, "target") for e in by_type.get("AGREE", [])), by_type.get("AGREE")
    assert any(any(a["name"].endswith("Putin") for a in e["source"]) for e in by_type.get("CONSULT", [])), by_type.get("CONSULT")
    assert any("USA" in actors(e, "source") and "SYR" in actors(e, "target") for e in by_type.get("ASSAULT", [])), by_type.get("ASSAULT")
    demands = by_type.get("REQUEST", []) + by_type.get("COERCE", [])
    assert any("USA" in actors(e, "source") and "RUS" in actors(e, "target") for e in demands), demands

    enriched = read_topic(topic("articles_enriched"))
    assert [e["article_id"] for e in enriched] == [article["id"]]
    assert {"RUS", "SYR", "USA"} <= set(enriched[0]["countries"])

    run_stories(2)
    Indexer().run(stop_when_idle_s=2)
    es = make_es()
    es.indices.refresh(index=f"{index_name('events')},{index_name('articles')}")
    found = es.search(index=index_name("articles"), query={"match_phrase": {"text": "de-escalation zones"}})["hits"]["hits"]
    assert [h["_id"] for h in found] == [article["id"]]
    agree = es.search(index=index_name("events"), query={"bool": {"filter": [{"term": {"event_type": "AGREE"}}]}})["hits"]["hits"]
    assert agree and all(h["_source"]["article_id"] == article["id"] for h in agree)


def test_poison_messages_are_dead_lettered_while_good_ones_flow(isolated_topics: dict, nlp: Any) -> None:
    good = article_corpus(2)
    schema_violation = {**good[0], "id": "not-a-hex-id", "text": ""}
    produce([
        (good[0]["id"], good[0]),
        ("bad-json", b'{"id": "truncated'),
        ("bad-schema", schema_violation),
        ("binary", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
        (good[1]["id"], good[1]),
    ])
    stats = Extractor(nlp=nlp).run(stop_when_idle_s=2)
    assert stats["articles"] == 2

    letters = read_dead_letters(isolated_topics["dlq_extractor"], expected=3)
    by_key = {d.key.decode(): d for d in letters}
    assert set(by_key) == {"bad-json", "bad-schema", "binary"}
    assert by_key["bad-json"].reason == "malformed_json"
    assert by_key["binary"].reason == "malformed_json" and by_key["binary"].value == b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
    assert by_key["bad-schema"].reason == "schema_violation" and "id" in by_key["bad-schema"].error
    assert all(d.stage == "extractor" and d.origin_topic == topic("articles_raw") for d in letters)

    enriched = read_topic(topic("articles_enriched"))
    assert sorted(e["article_id"] for e in enriched) == sorted(a["id"] for a in good)


def test_killed_extractor_resumes_without_losing_or_duplicating_events(isolated_topics: dict, es_prefix: str, nlp: Any) -> None:
    articles = article_corpus(120)
    expected = {e["event_id"] for result in process_articles(nlp, articles) for e in result.events}
    assert expected, "the corpus must yield events"
    produce([(a["id"], a) for a in articles])

    cmd = [sys.executable, "-m", "consumers.extractor", "--batch-size", "4"]
    first = subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: topic_size(topic("articles_enriched")) >= 8, 120, "the first extractor to make progress")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert len({e["article_id"] for e in read_topic(topic("articles_enriched"))}) < len(articles), "the kill must land mid-stream"

    second = subprocess.run(cmd + ["--stop-when-idle", "4"], cwd=ROOT, env=os.environ.copy(), capture_output=True, timeout=300)
    assert second.returncode == 0, second.stderr.decode()[-2000:]

    events = read_topic(topic("events"))
    produced = [e["event_id"] for e in events]
    assert set(produced) == expected, "no event lost, none invented"
    enriched = read_topic(topic("articles_enriched"))
    assert {e["article_id"] for e in enriched} == {a["id"] for a in articles}

    # At-least-once: a batch in flight at the kill may be produced twice, with the same ids,
    # so downstream stores that key on event_id hold each event exactly once.
    run_stories(3)
    Indexer().run(stop_when_idle_s=3)
    es = make_es()
    es.indices.refresh(index=index_name("events"))
    assert es.count(index=index_name("events"))["count"] == len(expected)
