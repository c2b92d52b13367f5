"""What the base loop keeps across a rebalance. kafka-python revokes every partition (eager)
but keeps the position, pause and pending commit of those the member gets back; the loop must
rewind those to the batch it dropped and keep their pause and pending commit, and forget
everything about the partitions that went elsewhere."""

from __future__ import annotations

from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import TopicPartition

from consumers.base import BatchConsumer, PartitionHealth, _Batch, _Rebalance

KEPT, MOVED = TopicPartition("t", 0), TopicPartition("t", 1)


class _Stage(BatchConsumer):
    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        raise AssertionError("not used")


class _Consumer:
    """The part of KafkaConsumer the listener uses: seeks are recorded."""

    def __init__(self) -> None:
        self.seeks: dict[TopicPartition, int] = {}

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks[tp] = offset


def _records(tp: TopicPartition, first: int, count: int) -> list[ConsumerRecord]:
    return [ConsumerRecord(tp.topic, tp.partition, None, o, 0, 0, b"k", b"{}", [], None, 0, 0, 0) for o in range(first, first + count)]


def _member() -> tuple[_Stage, _Consumer, _Rebalance]:
    stage, consumer = _Stage(group_id="unit", topics=["t"], dead_letter_topic=None), _Consumer()
    stage._consumer = consumer  # type: ignore[assignment]
    stage._batches = {KEPT: _Batch(_records(KEPT, 100, 50)), MOVED: _Batch(_records(MOVED, 7, 3))}
    stage._pending = {KEPT: 100, MOVED: 7}
    stage._committed = {KEPT: 90, MOVED: 5}
    stage._health = {KEPT: PartitionHealth(failures=1), MOVED: PartitionHealth(failures=2)}
    stage._paused = {KEPT, MOVED}
    return stage, consumer, _Rebalance(stage)


def test_a_partition_that_comes_back_is_rewound_to_the_batch_it_dropped() -> None:
    stage, consumer, listener = _member()
    listener.on_partitions_revoked({KEPT, MOVED})
    assert stage._batches == {}
    listener.on_partitions_assigned({KEPT})
    assert consumer.seeks == {KEPT: 100}
    assert stage._pending == {KEPT: 100} and stage._committed == {KEPT: 90}
    assert stage._paused == {KEPT} and set(stage._health) == {KEPT}


def test_a_rewind_is_done_once() -> None:
    stage, consumer, listener = _member()
    listener.on_partitions_revoked({KEPT, MOVED})
    listener.on_partitions_assigned({KEPT})
    consumer.seeks.clear()
    listener.on_partitions_revoked({KEPT})
    listener.on_partitions_assigned({KEPT, MOVED})
    assert consumer.seeks == {}


def test_an_evicted_member_forgets_everything() -> None:
    stage, consumer, listener = _member()
    listener.on_partitions_lost({KEPT, MOVED})
    listener.on_partitions_assigned({KEPT, MOVED})
    assert consumer.seeks == {}  # kafka-python cleared the positions: they restart from the commits
    assert stage._batches == {} and stage._pending == {} and stage._paused == set() and stage._health == {}
