"""Stories consumer: events.extracted -> stories, events.storied (two stages on the base loop).

1. **Router** (group `stories-router`): re-keys each event of `events.extracted` (keyed by
   article) by its story group, the event type, into `stories.mentions`. Every event that
   could belong to a story therefore reaches the one partition, and the one consumer, that
   owns the story: one writer per story, no locks, no read-modify-write in Elasticsearch.
2. **Aggregator** (group `stories`): per partition batch of `stories.mentions`, assigns each
   event to a story (consumers/stories/grouping.py), then produces
   * the event with its `story_id` to `events.storied` (what the indexer and alerter read),
   * each changed story's new revision to `stories` (key story_id),
   * each changed story's state to the compacted `stories.changelog`.

State lives in the aggregator's memory and in the changelog. Before each batch the
aggregator applies whatever the changelog holds beyond what it has applied for that
partition: after a restart that is the whole partition (the rebuild), after a rebalance
the changes made by the member that had it meanwhile, normally nothing. A failed batch
drops the partition's state, so the retry restores it first.

At-least-once safe: a mention is recorded by event_id, so a redelivered or replayed event
changes no count; it is re-emitted as it is (same story_id, same revision), which its
readers overwrite. Stories untouched for NEWS_STORIES_STATE_DAYS (30) leave the state: a
mention arriving later than that starts a new story.

    python -m consumers.stories                      # router and aggregator in one process
    python -m consumers.stories --role aggregator    # or scale each stage on its own
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import TopicPartition

from common.config import KafkaSettings, dead_letter_topic, load_settings, topic
from common.kafka import make_producer
from common.logs import get_logger
from consumers.base import BatchConsumer
from consumers.runner import add_run_arguments, run_members
from consumers.stories.grouping import DEFAULT_WINDOW_DAYS, Story
from consumers.stories.state import GroupPartitioner, StoryState, parked_key, parked_record, story_key, story_record
from schemas import validate

log = get_logger(__name__)

PRUNE_EVERY_S = 600.0


def window_days_from_env() -> int:
    return int(os.environ.get("NEWS_STORIES_WINDOW_DAYS") or DEFAULT_WINDOW_DAYS)


def state_days_from_env() -> float:
    return float(os.environ.get("NEWS_STORIES_STATE_DAYS") or 30)


class StoriesRouter(BatchConsumer):
    """events.extracted -> stories.mentions, keyed by event type (the story group)."""

    def __init__(self, *, group_id: str = "stories-router", batch_size: int = 1000, batch_timeout_s: float = 0.5, **kwargs: Any) -> None:
        super().__init__(
            group_id=group_id,
            topics=[topic("events")],
            dead_letter_topic=dead_letter_topic("stories"),
            batch_size=batch_size,
            batch_timeout_s=batch_timeout_s,
            **kwargs,
        )
        self.mentions_topic = topic("stories_mentions")

    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        for message in messages:
            event = self.decode_json(message, "event")
            if event is not None:
                self.produce(self.mentions_topic, event["event_type"], message.value)  # the original bytes
        self.stats["routed"] += len(messages)


class StoriesAggregator(BatchConsumer):
    """stories.mentions -> stories, events.storied, stories.changelog."""

    def __init__(
        self,
        *,
        group_id: str = "stories",
        window_days: int | None = None,
        state_days: float | None = None,
        batch_size: int = 1000,
        batch_timeout_s: float = 0.5,
        kafka_settings: KafkaSettings | None = None,
        producer: KafkaProducer | None = None,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            group_id=group_id,
            topics=[topic("stories_mentions")],
            dead_letter_topic=dead_letter_topic("stories"),
            batch_size=batch_size,
            batch_timeout_s=batch_timeout_s,
            kafka_settings=kafka_settings,
            # Changelog records must land on their group's partition (see consumers.stories.state).
            producer=producer or make_producer(kafka_settings, partitioner=GroupPartitioner()),
            **kwargs,
        )
        self.state = StoryState(window_days if window_days is not None else window_days_from_env())
        self.state_s = (state_days if state_days is not None else state_days_from_env()) * 86400
        self.clock = clock
        self.changelog_topic = topic("stories_changelog")
        self.storied_topic = topic("events_storied")
        self.stories_topic = topic("stories")
        self._kafka_settings_for_reader = kafka_settings
        self._reader: KafkaConsumer | None = None
        self._partition_groups: dict[int, set[str]] = {}
        self._pruned_at: dict[int, float] = {}
        self._changelog_sent: list[tuple[int, Any]] = []  # (partition, future) of this batch

    # --- lifecycle -------------------------------------------------------------------------

    def on_start(self) -> None:
        reader = self.reader
        mentions = reader.partitions_for_topic(topic("stories_mentions")) or set()
        changelog = reader.partitions_for_topic(self.changelog_topic) or set()
        if not changelog or len(mentions) != len(changelog):
            raise RuntimeError(
                f"{self.changelog_topic} has {len(changelog)} partitions and {topic('stories_mentions')} {len(mentions)}: "
                "they must be equal (declare both in infra/topics.yaml and run the bootstrap)"
            )
        log.info("stories aggregator ready", window_days=self.state.window_days, state_days=self.state_s / 86400)

    def on_stop(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    @property
    def reader(self) -> KafkaConsumer:
        if self._reader is None:
            settings = self._kafka_settings_for_reader or load_settings().kafka
            # No group: it reads changelog partitions by hand (assign + seek) and commits nothing.
            self._reader = KafkaConsumer(
                **settings.client_kwargs(),
                group_id=None,
                client_id=f"{self.group_id}-restore",
                enable_auto_commit=False,
                isolation_level="read_committed",
                max_partition_fetch_bytes=8 * 1024 * 1024,
            )
        return self._reader

    # --- state --------------------------------------------------------------------------------

    def catch_up(self, partition: int) -> int:
        """Apply the changelog records of `partition` this member has not applied yet; how many.

        Asked before every batch (one offsets request): after a rebalance another member may
        have written the partition meanwhile, and the base loop's hooks do not say when.
        """
        tp = TopicPartition(self.changelog_topic, partition)
        reader = self.reader
        reader.assign([tp])
        end = reader.end_offsets([tp])[tp]
        start = self.state.applied.get(partition, 0)
        if start >= end:
            return 0
        if start == 0:
            reader.seek_to_beginning(tp)
        else:
            reader.seek(tp, start)
        applied = 0
        while reader.position(tp) < end:
            for records in reader.poll(timeout_ms=1000, max_records=5000).values():
                for record in records:
                    if record.offset >= end:
                        continue
                    key = record.key.decode("utf-8")
                    self.state.apply(key, record.value)
                    self._partition_groups.setdefault(partition, set()).add(key.split("\x1f", 1)[0])
                    applied += 1
        self.state.applied[partition] = end
        if applied:
            self.stats["changelog_applied"] += applied
            log.info("stories state restored from the changelog", partition=partition, records=applied, up_to=end)
        return applied

    # --- the batch ----------------------------------------------------------------------------

    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        partition = tp.partition
        self.catch_up(partition)
        now = self.clock()
        dirty: dict[str, Story] = {}  # new state: changelog + stories
        again: dict[str, Story] = {}  # unchanged, re-emitted for a redelivered mention
        parked: dict[tuple[str, str], Any] = {}
        for message in messages:
            event = self.decode_json(message, "event")
            if event is None:
                continue
            event_type = event["event_type"]
            self._partition_groups.setdefault(partition, set()).add(event_type)
            group = self.state.group(event_type)
            outcome = group.assign(event, now)
            self.produce(self.storied_topic, event["article_id"], {**event, "story_id": outcome.story_id})
            for copy, sid in outcome.attached:
                self.produce(self.storied_topic, copy["article_id"], {**copy, "story_id": sid})
            for story in outcome.changed:
                dirty[story.story_id] = story
            if outcome.known and outcome.story_id and outcome.story_id not in dirty:
                again[outcome.story_id] = group.stories[outcome.story_id]
            if outcome.parked and not outcome.known:
                parked[(event_type, event["event_id"])] = group.parked[event["event_id"]]
            for copy_id in outcome.unparked:
                parked[(event_type, copy_id)] = None
            if outcome.known:
                self.stats["mentions_repeated"] += 1
            elif outcome.parked:
                self.stats["copies_parked"] += 1
            elif outcome.story_id is None:
                self.stats["negated"] += 1
            else:
                self.stats["mentions_new"] += 1
        changelog = [story_record(s) for s in dirty.values()]
        changelog += [parked_record(event_type, event_id, p) for (event_type, event_id), p in parked.items()]
        changelog += self._expire(partition, now)
        self._changelog_sent = [(partition, self.producer.send(self.changelog_topic, key=key, value=value)) for key, value in changelog]
        self.stats["changelog_written"] += len(changelog)
        for story in [*dirty.values(), *again.values()]:
            record = story.message()
            validate("story", record)
            self.produce(self.stories_topic, story.story_id, record)
        self.stats["stories_updated"] += len(dirty)

    def before_commit(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        """The base loop has flushed the producer: the changelog records are acknowledged (or raise
        here, which fails the batch). This member has now applied its partition up to its own writes."""
        sent, self._changelog_sent = self._changelog_sent, []
        if not sent:
            return
        written = [future.get(timeout=60) for _, future in sent]
        wrong = sorted({m.partition for m in written if m.partition != tp.partition})
        if wrong:
            raise RuntimeError(f"changelog records of partition {tp.partition} landed on {wrong}: are the partition counts equal?")
        self.state.applied[tp.partition] = max(m.offset for m in written) + 1

    def _expire(self, partition: int, now: float) -> list[tuple[str, None]]:
        """Every PRUNE_EVERY_S: forget stale stories and copies; their changelog tombstones."""
        if now - self._pruned_at.get(partition, 0.0) < PRUNE_EVERY_S:
            return []
        self._pruned_at[partition] = now
        tombstones: list[tuple[str, None]] = []
        for event_type in sorted(self._partition_groups.get(partition, ())):
            stories, copies = self.state.group(event_type).expire(now - self.state_s)
            tombstones += [(story_key(event_type, sid), None) for sid in stories]
            tombstones += [(parked_key(event_type, event_id), None) for event_id in copies]
            if stories or copies:
                self.stats["stories_expired"] += len(stories)
                log.info("stories expired from the state", event_type=event_type, stories=len(stories), copies=len(copies))
        return tombstones

    def on_batch_failed(self, tp: TopicPartition, messages: list[ConsumerRecord], error: BaseException) -> None:
        # Memory may be ahead of what is durable: forget the partition, the retry restores it.
        self._changelog_sent = []
        self.state.forget_partition(self._partition_groups.pop(tp.partition, set()), tp.partition)


def run_both(
    *,
    router: StoriesRouter,
    aggregator: StoriesAggregator,
    max_seconds: float | None = None,
    stop_when_idle_s: float | None = None,
) -> dict[str, dict[str, int]]:
    """Both stages in one process, one thread each; SIGTERM/SIGINT stop both."""
    results: dict[str, dict[str, int]] = {}
    errors: list[BaseException] = []

    def member(name: str, consumer: BatchConsumer) -> None:
        try:
            results[name] = consumer.run(max_seconds=max_seconds, stop_when_idle_s=stop_when_idle_s)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's thread
            errors.append(exc)
            router.stop()
            aggregator.stop()

    threads = [
        threading.Thread(target=member, args=("router", router), name="stories-router"),
        threading.Thread(target=member, args=("aggregator", aggregator), name="stories-aggregator"),
    ]
    if threading.current_thread() is threading.main_thread():

        def _stop(signum: int, _frame: Any) -> None:
            log.info("signal received; stopping both stages", signal=signal.Signals(signum).name)
            router.stop()
            aggregator.stop()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.5)
    if errors:
        raise errors[0]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consumers.stories", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--role", choices=["both", "router", "aggregator"], default="both")
    parser.add_argument("--group-id", default="stories", help="the aggregator's consumer group; the router's is <group-id>-router")
    parser.add_argument("--window-days", type=int, help=f"event dates of one story are at most this far apart (default NEWS_STORIES_WINDOW_DAYS or {DEFAULT_WINDOW_DAYS})")
    parser.add_argument("--state-days", type=float, help="forget stories untouched for this long (default NEWS_STORIES_STATE_DAYS or 30)")
    add_run_arguments(parser)
    args = parser.parse_args(argv)
    if args.role == "router":
        return run_members(_router, args)
    if args.role == "aggregator":
        return run_members(_aggregator, args)
    return run_members(_both, args)


def _router(args: argparse.Namespace) -> StoriesRouter:
    return StoriesRouter(group_id=f"{args.group_id}-router")


def _aggregator(args: argparse.Namespace) -> StoriesAggregator:
    return StoriesAggregator(group_id=args.group_id, window_days=args.window_days, state_days=args.state_days)


class _Both:
    """Both stages as one run_members member: threads side by side, or, to drain, one after the other
    (the aggregator's input is complete only once the router has drained)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.router, self.aggregator = _router(args), _aggregator(args)
        self.metrics_port: int | None = None

    def run(self, *, max_seconds: float | None = None, stop_when_idle_s: float | None = None, drain: bool = False) -> dict[str, dict[str, int]]:
        self.router.metrics_port = self.metrics_port
        if drain:
            return {
                "router": self.router.run(max_seconds=max_seconds, stop_when_idle_s=stop_when_idle_s, drain=True),
                "aggregator": self.aggregator.run(max_seconds=max_seconds, stop_when_idle_s=stop_when_idle_s, drain=True),
            }
        return run_both(router=self.router, aggregator=self.aggregator, max_seconds=max_seconds, stop_when_idle_s=stop_when_idle_s)


def _both(args: argparse.Namespace) -> _Both:
    return _Both(args)


if __name__ == "__main__":
    sys.exit(main())
