"""The indexer against real Kafka and Elasticsearch: index, dead-letter rejections, commit."""

from __future__ import annotations

import json
import uuid

import pytest
from kafka import TopicPartition

from common.config import dead_letter_topic, topic
from common.es import index_name, make_es
from common.kafka import make_consumer, make_producer, send_all
from consumers.indexer import Indexer, default_inputs
from tests.event_factories import make_enriched_article, make_event
from tests.kafka_io import read_dead_letters

pytestmark = pytest.mark.integration


def _committed_everything(group_id: str, topics: list[str]) -> bool:
    consumer = make_consumer(group_id)
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        ends = consumer.end_offsets(partitions)
        assert partitions
        return all((consumer.committed(tp) or 0) == ends[tp] for tp in partitions)
    finally:
        consumer.close(autocommit=False)


def test_indexer_indexes_dead_letters_and_commits(isolated_topics: dict[str, str], es_prefix: str) -> None:
    events = [make_event(event_id=f"{i:032x}", article_id=f"{i % 2:032x}") for i in range(1, 6)]
    # Valid by the JSON Schema (an integer), not indexable (overflows the integer mapping).
    bad_mapping = make_event(event_id="e" * 32, sentence_offsets={"start": 2**40, "end": 2**40 + 80})
    producer = make_producer()
    try:
        send_all(producer, topic("events_storied"), [(e["article_id"], e) for e in [*events, events[0], bad_mapping]])
        send_all(producer, topic("events_storied"), [("k", b"{not json")])
        send_all(producer, topic("articles_enriched"), [(a["article_id"], a) for a in [make_enriched_article()]])
    finally:
        producer.close()

    group = f"indexer-{uuid.uuid4().hex[:8]}"
    indexer = Indexer(inputs=default_inputs(), group_id=group, batch_size=100, batch_timeout_s=0.3)
    stats = indexer.run(max_seconds=90, stop_when_idle_s=3)

    assert stats["indexed:events"] == 5
    assert stats["indexed:articles"] == 1
    assert stats.get("batch_retries", 0) == 0
    es = make_es()
    es.indices.refresh(index=index_name("events"))
    assert es.count(index=index_name("events"))["count"] == 5  # the repeat overwrote itself
    assert es.count(index=index_name("articles"))["count"] == 1
    stored = es.search(index=index_name("events"), query={"ids": {"values": [events[0]["event_id"]]}})["hits"]["hits"][0]["_source"]
    assert stored["location"]["point"] == {"lat": 49.98, "lon": 36.25}

    dead = read_dead_letters(dead_letter_topic("indexer"), expected=2)
    reasons = sorted(d.reason for d in dead)
    assert reasons == ["es_rejected", "malformed_json"]
    rejected = next(d for d in dead if d.reason == "es_rejected")
    assert rejected.stage == group and rejected.origin_topic == topic("events_storied")
    assert rejected.error.startswith("400 document_parsing_exception")
    assert json.loads(rejected.value)["event_id"] == "e" * 32
    assert {d.origin_topic for d in dead} == {topic("events_storied")}  # nothing from articles.enriched

    assert _committed_everything(group, [topic("events_storied"), topic("articles_enriched")])
    # Each landed in the partition of its own time, created on the first write with its aliases.
    assert sorted(es.indices.get(index=f"{es_prefix}-events-v1-2024.05.01").body) == [f"{es_prefix}-events-v1-2024.05.01"]


def test_a_generation_never_started_means_retry_not_dead_letters(isolated_topics: dict[str, str], es_prefix: str) -> None:
    producer = make_producer()
    try:
        send_all(producer, topic("events_storied"), [(e["article_id"], e) for e in [make_event()]])
    finally:
        producer.close()
    group = f"indexer-{uuid.uuid4().hex[:8]}"
    inputs = default_inputs(["events"], events_index=f"{es_prefix}-events-v7")  # a generation never started
    stats = Indexer(inputs=inputs, group_id=group, batch_timeout_s=0.2, max_backoff_s=0.5).run(max_seconds=8)
    assert stats["batch_retries"] >= 2
    assert stats.get("commits", 0) == 0
    assert read_dead_letters(dead_letter_topic("indexer"), expected=0, timeout=4) == []
    assert not make_es().indices.exists(index=f"{es_prefix}-events-v7")
