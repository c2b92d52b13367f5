"""The base loop on the real Kafka: a partition whose batch keeps failing is paused and
backed off on its own while the other partitions flow, its records are dead-lettered with
`retries_exhausted` once the retry budget is spent, and the loop moves on. Draining stops
on lag 0 (end offsets vs committed), not on idle time."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import TopicPartition

from common.config import topic
from common.dlq import PREFIX, parse
from common.kafka import make_consumer, make_producer
from consumers.base import BatchConsumer, RetryPolicy
from tests.kafka_io import wait_for

pytestmark = pytest.mark.integration


class _Stage(BatchConsumer):
    """Fails every batch holding a b'poison' record; remembers when it failed and what it did."""

    def __init__(self, dlq: str, **kwargs: Any) -> None:
        super().__init__(group_id=kwargs.pop("group_id", "loop-test"), topics=[topic("events")], dead_letter_topic=dlq, **kwargs)
        self.attempts: dict[int, list[float]] = {}
        self.done: dict[int, list[tuple[int, float]]] = {}
        self.slow_first_batch_s = 0.0

    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        if self.slow_first_batch_s:
            time.sleep(self.slow_first_batch_s)
            self.slow_first_batch_s = 0.0
        if any(m.value == b"poison" for m in messages):
            self.attempts.setdefault(tp.partition, []).append(time.monotonic())
            raise RuntimeError("cannot handle poison")
        now = time.monotonic()
        self.done.setdefault(tp.partition, []).extend((m.offset, now) for m in messages)


def _send(records: list[tuple[int, bytes, bytes]], headers: list[tuple[str, bytes]] | None = None) -> None:
    producer = make_producer()
    try:
        futures = [producer.send(topic("events"), key=k, value=v, partition=p, headers=headers) for p, k, v in records]
        producer.flush()
        for future in futures:
            future.get(timeout=30)
    finally:
        producer.close()


def _read_all(topic_name: str, timeout: float = 20.0) -> list[ConsumerRecord]:
    consumer = make_consumer(f"reader-{time.monotonic_ns()}")
    try:
        partitions = [TopicPartition(topic_name, p) for p in consumer.partitions_for_topic(topic_name) or []]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        records: list[ConsumerRecord] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < ends[tp] for tp in partitions) and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def test_a_poison_partition_backs_off_alone_and_is_dead_lettered_after_its_budget(isolated_topics: dict) -> None:
    stage = _Stage(
        isolated_topics["dlq_indexer"],
        batch_timeout_s=0.1,
        retry=RetryPolicy(max_attempts=5, timeout_s=0, initial_backoff_s=0.5, max_backoff_s=30),
    )
    _send([(0, b"p-0", b"poison")], headers=[("trace", b"abc")])
    worker = threading.Thread(target=stage.run, daemon=True)
    worker.start()
    try:
        wait_for(lambda: len(stage.attempts.get(0, [])) >= 1, 60, "the poison batch to fail once")
        # While partition 0 backs off, the others flow, and records that arrive on
        # partition 0 meanwhile are not part of the failing batch.
        _send([(1, b"a", b"good"), (2, b"b", b"good"), (0, b"p-1", b"after")])
        wait_for(lambda: stage.done.get(1) and stage.done.get(2), 30, "the healthy partitions")
        healthy_at = max(stage.done[1][0][1], stage.done[2][0][1])
        assert not stage.done.get(0), "partition 0 must not move past its failing batch"
        wait_for(lambda: stage.done.get(0), 60, "partition 0 to move on after the budget")
    finally:
        stage.stop()
        worker.join(timeout=30)
    attempts = stage.attempts[0]
    gaps = [b - a for a, b in zip(attempts, attempts[1:], strict=False)]
    assert len(attempts) == 5, attempts
    assert gaps[0] >= 0.4 and gaps[1] >= 0.9 and gaps[2] >= 1.8 and gaps[3] >= 3.6, gaps  # its own exponential backoff
    assert healthy_at < attempts[-1], "healthy partitions must not wait for the poison partition"
    assert [offset for offset, _ in stage.done[0]] == [1], "the record after the poison one is processed, not dead-lettered"
    assert stage.stats["dead_letter:retries_exhausted"] == 1

    (letter,) = _read_all(isolated_topics["dlq_indexer"])
    assert (letter.key, letter.value) == (b"p-0", b"poison")
    headers = dict(letter.headers)
    assert headers["trace"] == b"abc", "the original headers are kept"
    assert headers[PREFIX + "reason"] == b"retries_exhausted"
    assert headers[PREFIX + "topic"].decode() == topic("events")
    assert (headers[PREFIX + "partition"], headers[PREFIX + "offset"]) == (b"0", b"0")
    assert b"cannot handle poison" in headers[PREFIX + "exception.message"]
    parsed = parse(letter)
    assert parsed.reason == "retries_exhausted" and parsed.stage == "loop-test" and parsed.replayable


def test_drain_stops_at_lag_zero_even_after_a_long_batch(isolated_topics: dict) -> None:
    _send([(p, f"k{i}".encode(), b"good") for i in range(300) for p in (i % 3,)])
    stage = _Stage(isolated_topics["dlq_indexer"], batch_size=50, batch_timeout_s=0.1, group_id="drain-test")
    stage.slow_first_batch_s = 5.0  # longer than any idle timeout the old drain used
    stats = stage.run(drain=True, max_seconds=120)
    assert stats["processed"] == 300
    consumer = make_consumer("drain-test")
    try:
        partitions = [TopicPartition(topic("events"), p) for p in range(3)]
        ends = consumer.end_offsets(partitions)
        assert {tp: consumer.committed(tp) for tp in partitions} == ends
    finally:
        consumer.close()


def test_two_members_drain_together(isolated_topics: dict) -> None:
    _send([(i % 3, f"k{i}".encode(), b"good") for i in range(600)])
    members = [_Stage(isolated_topics["dlq_indexer"], batch_size=40, batch_timeout_s=0.1, group_id="drain-two") for _ in range(2)]
    results: list[dict[str, int]] = []
    threads = [threading.Thread(target=lambda m=m: results.append(m.run(drain=True, max_seconds=120))) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=150)
    assert len(results) == 2
    done = {(p, o) for m in members for p, items in m.done.items() for o, _ in items}
    assert len(done) == 600


class _FailsFirst(_Stage):
    """The first `failures` batches meet an outage (as a timed-out bulk request would)."""

    def __init__(self, dlq: str, failures: int, **kwargs: Any) -> None:
        super().__init__(dlq, **kwargs)
        self.failures = failures

    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        if self.failures > 0:
            self.failures -= 1
            time.sleep(0.5)
            raise ConnectionError("simulated outage")
        super().handle_batch(tp, messages)


def test_partitions_paused_with_records_in_flight_resume_and_finish(isolated_topics: dict) -> None:
    """kafka-python 3.0.12 parks the fetched records of a paused partition and, once another
    partition has drained, never fetches the resumed partition again (see consumers.base)."""
    _send([(i % 3, f"k{i}".encode(), b"good") for i in range(900)])
    stage = _FailsFirst(isolated_topics["dlq_indexer"], failures=2, batch_size=100, batch_timeout_s=0.2, group_id="resume-test",
                        retry=RetryPolicy(initial_backoff_s=0.5, max_backoff_s=2))
    stats = stage.run(drain=True, max_seconds=120)
    assert stats["batch_failures:outage"] == 2
    done = {(p, o) for p, items in stage.done.items() for o, _ in items}
    assert len(done) == 900, {p: len(items) for p, items in stage.done.items()}
