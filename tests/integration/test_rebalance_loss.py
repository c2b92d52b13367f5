"""A rebalance must not lose the records a member had polled but not yet handled.

kafka-python revokes every partition of a member at a rebalance (eager protocol) but keeps
the fetch position of the partitions the member gets back. The base loop drops the batches
of revoked partitions ("the new owner re-reads them"); when the new owner is the same
member, it must re-read them too instead of going on from where its fetcher was.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import TopicPartition

from common.config import topic
from common.kafka import make_admin, make_producer
from consumers.base import BatchConsumer
from tests.kafka_io import wait_for

pytestmark = pytest.mark.integration

PARTITIONS = 3


class _Recorder(BatchConsumer):
    """Remembers every (partition, offset) it handled; batches wait long, so they are buffered at a rebalance."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(group_id="rebalance-loss", topics=[topic("events")], dead_letter_topic=None, batch_size=100_000, batch_timeout_s=60.0, **kwargs)
        self.handled: set[tuple[int, int]] = set()

    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        self.handled.update((tp.partition, m.offset) for m in messages)


def _produce_until(stop: threading.Event, sent: list[int]) -> None:
    producer = make_producer()
    try:
        i = 0
        while not stop.is_set():
            producer.send(topic("events"), key=b"k", value=b"{}", partition=i % PARTITIONS).get(timeout=30)
            sent[i % PARTITIONS] += 1
            i += 1
            time.sleep(0.01)
    finally:
        producer.close()


def test_records_buffered_at_a_rebalance_are_handled_by_someone(isolated_topics: dict) -> None:
    first, second = _Recorder(), _Recorder()
    stop = threading.Event()
    sent = [0] * PARTITIONS
    producing = threading.Thread(target=_produce_until, args=(stop, sent), daemon=True)
    producing.start()
    runs = [threading.Thread(target=member.run, kwargs={"stop_when_idle_s": 4.0}, daemon=True) for member in (first, second)]
    try:
        runs[0].start()
        # The first member owns every partition and holds polled records in its (slow) batches.
        wait_for(lambda: len(first._batches) == PARTITIONS, 60, "the first member to buffer every partition")
        rebalances = first.stats["rebalances"]
        runs[1].start()
        # Records keep arriving, so the first member still holds a batch per partition when its partitions are revoked.
        wait_for(lambda: first.stats["rebalances"] > rebalances, 60, "the rebalance the second member causes")
        time.sleep(1.0)
    finally:
        stop.set()
        producing.join(timeout=60)
    for run in runs:
        run.join(timeout=120)
        assert not run.is_alive()
    handled = first.handled | second.handled
    missing = {p: sorted(o for o in range(sent[p]) if (p, o) not in handled) for p in range(PARTITIONS)}
    assert all(not offsets for offsets in missing.values()), f"never handled: { {p: (len(o), o[:5]) for p, o in missing.items()} }"
    # A dropped tail that is never re-read also leaves the commit behind the end: a drain would wait forever.
    admin = make_admin()
    try:
        committed = admin.list_group_offsets({"rebalance-loss": None})["rebalance-loss"]
    finally:
        admin.close()
    assert {tp.partition: meta.offset for tp, meta in committed.items()} == dict(enumerate(sent))
