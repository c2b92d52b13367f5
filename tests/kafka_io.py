"""Small helpers for integration tests that read what the real services hold."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import orjson

from common.kafka import make_consumer


def read_topic(topic_name: str, expected: int | None = None, timeout: float = 30.0, settle: float = 1.5) -> list[dict[str, Any]]:
    """Every record of a topic from the start, as JSON objects.

    Reads until `expected` records arrived (or, without it, until the topic is quiet), then
    `settle` seconds more, so records that should not be there are caught too.
    """
    consumer = make_consumer(f"reader-{uuid.uuid4().hex[:8]}", [topic_name])
    records: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    try:
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=300).values():
                records.extend(orjson.loads(m.value) for m in batch)
                quiet_since = time.monotonic()
            if not consumer.assignment():
                quiet_since = time.monotonic()
            elif (expected is None or len(records) >= expected) and time.monotonic() - quiet_since >= settle:
                break
    finally:
        consumer.close()
    return records


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def topic_size(topic_name: str) -> int:
    """How many records a topic holds (sum of its partitions' end offsets)."""
    from kafka.structs import TopicPartition

    consumer = make_consumer(f"sizer-{uuid.uuid4().hex[:8]}")
    try:
        partitions = [TopicPartition(topic_name, p) for p in consumer.partitions_for_topic(topic_name) or ()]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def read_dead_letters(topic_name: str, expected: int | None = None, timeout: float = 30.0) -> list[Any]:
    """Every record of a dead-letter topic, parsed (common.dlq.DeadLetter: original bytes plus error context)."""
    from common.dlq import parse

    consumer = make_consumer(f"dlq-reader-{uuid.uuid4().hex[:8]}", [topic_name])
    letters: list[Any] = []
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    try:
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=300).values():
                letters.extend(parse(m) for m in batch)
                quiet_since = time.monotonic()
            if not consumer.assignment():
                quiet_since = time.monotonic()
            elif (expected is None or len(letters) >= expected) and time.monotonic() - quiet_since >= 1.5:
                break
    finally:
        consumer.close()
    return letters
