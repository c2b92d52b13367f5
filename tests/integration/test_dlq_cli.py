"""news-dlq on the real Kafka: list and show dead letters of every stage, replay the chosen
ones (by reason and age) into their source topic with key, value and headers intact."""

from __future__ import annotations

import json
import time
import uuid

import orjson
import pytest
from kafka.consumer.fetcher import ConsumerRecord

from common.config import dead_letter_topic, topic
from common.dlq import REPLAYED_FROM, error_headers
from common.kafka import make_consumer, make_producer
from tests.event_factories import make_event
from tools.dlq import main

pytestmark = pytest.mark.integration
DAY_MS = 86_400_000


def _origin(offset: int, value: bytes, key: bytes = b"article-1") -> ConsumerRecord:
    return ConsumerRecord(topic("events"), 1, None, offset, 0, 0, key, value, [("trace", b"t-1")], None, 0, 0, 0)


def _dead_letter(stage: str, reason: str, record: ConsumerRecord, timestamp_ms: int | None = None) -> None:
    producer = make_producer()
    try:
        headers = error_headers(record, stage=stage, reason=reason, error="RuntimeError: boom", failed_at="2026-01-01T00:00:00Z")
        producer.send(dead_letter_topic(stage), key=record.key, value=record.value, headers=headers, timestamp_ms=timestamp_ms).get(30)
    finally:
        producer.close()


def _read(topic_name: str, expected: int, timeout: float = 30) -> list[ConsumerRecord]:
    consumer = make_consumer(f"reader-{uuid.uuid4().hex[:8]}", [topic_name])
    records: list[ConsumerRecord] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and len(records) < expected:
            for batch in consumer.poll(timeout_ms=300).values():
                records.extend(batch)
        time.sleep(1)
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
    finally:
        consumer.close()
    return records


def test_list_show_and_replay(isolated_topics: dict, capsys: pytest.CaptureFixture[str]) -> None:
    event = make_event()
    fresh = _origin(17, orjson.dumps(event))
    _dead_letter("indexer", "retries_exhausted", fresh)
    _dead_letter("indexer", "es_rejected", _origin(18, b'{"bad": true}', key=b"article-2"))
    _dead_letter("indexer", "retries_exhausted", _origin(5, b'{"old": true}', key=b"article-0"), timestamp_ms=int(time.time() * 1000) - 3 * DAY_MS)
    _dead_letter("alerter", "malformed_json", _origin(19, b"\xff not json", key=b"article-3"))
    # A dead letter in the earlier JSON-envelope format is still understood.
    producer = make_producer()
    envelope = {
        "schema_version": 1, "stage": "extractor", "reason": "extraction_error", "error": "boom", "failed_at": "2026-01-01T00:00:00Z",
        "origin": {"topic": topic("articles_raw"), "partition": 0, "offset": 3, "key": "a-9"}, "payload": '{"id": "a-9"}', "payload_encoding": "utf-8",
    }
    producer.send(dead_letter_topic("extractor"), key=b"a-9", value=envelope).get(30)
    producer.close()

    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert f"{dead_letter_topic('indexer')}: 3 dead letters" in out
    assert "2  retries_exhausted" in out and f"from {topic('events')}" in out
    assert f"{dead_letter_topic('alerter')}: 1 dead letters" in out
    assert f"{dead_letter_topic('ingest')}: no dead letters" in out

    assert main(["show", "--stage", "indexer", "--reason", "retries_exhausted", "--since", "1d", "--json", "--max-chars", "5000"]) == 0
    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(shown) == 1 and shown[0]["key"] == "article-1" and shown[0]["headers"] == {"trace": "t-1"}
    assert shown[0]["origin"] == f"{topic('events')}/1/17" and json.loads(shown[0]["value"]) == event

    assert main(["replay", "--reason", "retries_exhausted", "--since", "1d", "--dry-run"]) == 0
    assert "would replay 1 dead letters" in capsys.readouterr().out

    assert main(["replay", "--reason", "retries_exhausted", "--reason", "extraction_error", "--since", "1d"]) == 0
    assert "replayed 2 dead letters" in capsys.readouterr().out
    (replayed,) = _read(topic("events"), expected=1)
    assert (replayed.key, replayed.value) == (fresh.key, fresh.value)
    headers = dict(replayed.headers)
    assert headers["trace"] == b"t-1" and not any(k.startswith("__news.errors.") for k in headers)
    assert headers[REPLAYED_FROM].decode().startswith(f"{dead_letter_topic('indexer')}/0/")
    (from_envelope,) = _read(topic("articles_raw"), expected=1)
    assert (from_envelope.key, from_envelope.value) == (b"a-9", b'{"id": "a-9"}')


def test_kafka_missing_means_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import free_port

    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{free_port()}")
    monkeypatch.setenv("NEWS_STARTUP_TIMEOUT_S", "2")
    monkeypatch.setenv("NEWS_LOG_FORMAT", "console")
    assert main(["list"]) == 2
    assert "make up" in capsys.readouterr().err
