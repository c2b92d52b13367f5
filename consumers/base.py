"""The one consumer loop every stage runs on.

It owns polling, per-partition batches that flush when full or expired, durable
outputs before commits, dead-lettering, retries with backoff, rebalances and
SIGTERM. A stage only decodes messages and handles a batch:

    class Indexer(BatchConsumer):
        def handle_batch(self, tp, messages):
            ...  # write somewhere durable; self.produce(...) / self.dead_letter(...)

Contract of `handle_batch`: returning means the batch's side effects are durable
(queued `produce`/`dead_letter` records are then flushed and acknowledged by the
base loop, and only then is `last offset + 1` committed synchronously). Raising
means "not durable": nothing is committed, the partition is rewound to the
batch's first offset and the batch is retried after an exponential backoff.
Per-message problems must be dead-lettered, not raised, or they block the partition.
"""

from __future__ import annotations

import base64
import signal
import threading
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from common.config import KafkaSettings
from common.kafka import make_consumer, make_producer
from common.logs import get_logger
from schemas import MalformedMessage, SchemaError, decode

log = get_logger(__name__)


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class _Batch:
    messages: list[ConsumerRecord] = field(default_factory=list)
    opened_at: float = field(default_factory=time.monotonic)


class _DropRevokedBatches(ConsumerRebalanceListener):
    """Uncommitted work on a revoked partition is dropped: its new owner re-reads it."""

    def __init__(self, owner: BatchConsumer) -> None:
        self._owner = owner

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        dropped = sum(len(b.messages) for tp, b in self._owner._batches.items() if tp in revoked)
        for tp in revoked:
            self._owner._batches.pop(tp, None)
        self._owner.stats["rebalances"] += 1
        log.info("partitions revoked", group=self._owner.group_id, partitions=sorted(map(str, revoked)), dropped_uncommitted=dropped)

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        log.info("partitions assigned", group=self._owner.group_id, partitions=sorted(map(str, assigned)))


class BatchConsumer(ABC):
    """Base consumer loop; subclasses implement `handle_batch`."""

    def __init__(
        self,
        *,
        group_id: str,
        topics: list[str],
        dead_letter_topic: str | Mapping[str, str] | None,
        batch_size: int = 500,
        batch_timeout_s: float = 1.0,
        kafka_settings: KafkaSettings | None = None,
        consumer_overrides: dict[str, Any] | None = None,
        producer: KafkaProducer | None = None,
        max_backoff_s: float = 30.0,
    ) -> None:
        self.group_id = group_id
        self.topics = list(topics)
        self.dead_letter_topic = dead_letter_topic
        self.batch_size = batch_size
        self.batch_timeout_s = batch_timeout_s
        self.max_backoff_s = max_backoff_s
        self._kafka_settings = kafka_settings
        self._consumer_overrides = consumer_overrides or {}
        self._producer = producer
        self._batches: dict[TopicPartition, _Batch] = {}
        self._outputs: list[Any] = []
        self._consumer: KafkaConsumer | None = None
        self._stop = threading.Event()
        self._failures = 0
        self.stats: Counter[str] = Counter()
        # Monotonic clock readings for throughput figures: first record polled, last commit.
        self.first_record_at: float | None = None
        self.last_commit_at: float | None = None

    # --- what a stage implements -------------------------------------------------

    @abstractmethod
    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        """Process one partition's batch; see the module docstring for the contract."""

    def on_start(self) -> None:
        """Hook for expensive set-up (models, clients) done once per process."""

    def on_stop(self) -> None:
        """Hook to release resources after the last commit."""

    def before_commit(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        """Outputs are acknowledged; make local side state durable now (raise to retry the batch)."""

    def after_commit(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        """Offsets are committed; start side effects that must never run for an uncommitted batch."""

    def on_batch_failed(self, tp: TopicPartition, messages: list[ConsumerRecord], error: BaseException) -> None:
        """The batch will be retried; undo local side state written by handle_batch."""

    # --- helpers for stages ----------------------------------------------------------

    @property
    def producer(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = make_producer(self._kafka_settings)
        return self._producer

    def produce(self, topic: str, key: str | None, value: Any) -> None:
        """Queue a record; it is acknowledged before this batch's offsets are committed."""
        self._outputs.append(self.producer.send(topic, key=key, value=value))
        self.stats[f"produced:{topic}"] += 1

    def dead_letter(self, message: ConsumerRecord, reason: str, error: str) -> None:
        """Queue the original message with its reason to the dead-letter topic."""
        self.stats[f"dead_letter:{reason}"] += 1
        log.warning(
            "dead-lettered message",
            group=self.group_id,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            reason=reason,
            error=error[:500],
        )
        dlq = self.dead_letter_topic
        if isinstance(dlq, Mapping):  # one dead-letter topic per input topic
            dlq = dlq.get(message.topic)
        if dlq is None:
            return
        payload, encoding = _payload_text(message.value)
        record = {
            "schema_version": 1,
            "stage": self.group_id,
            "reason": reason,
            "error": error,
            "failed_at": utc_now_iso(),
            "origin": {
                "topic": message.topic,
                "partition": message.partition,
                "offset": message.offset,
                "key": _key_text(message.key),
            },
            "payload": payload,
            "payload_encoding": encoding,
        }
        self.produce(dlq, _key_text(message.key), record)

    def decode_json(self, message: ConsumerRecord, schema_kind: str | None = None) -> dict[str, Any] | None:
        """Decode (and check against the contract) a JSON message; on failure dead-letter it and return None."""
        try:
            if schema_kind:
                return decode(schema_kind, message.value)
            value = orjson.loads(message.value)
        except MalformedMessage as exc:
            self.dead_letter(message, "malformed_json", str(exc))
            return None
        except (TypeError, orjson.JSONDecodeError) as exc:
            self.dead_letter(message, "malformed_json", f"not valid UTF-8 JSON: {exc}")
            return None
        except SchemaError as exc:
            self.dead_letter(message, "schema_violation", str(exc))
            return None
        if not isinstance(value, dict):
            self.dead_letter(message, "schema_violation", f"expected a JSON object, got {type(value).__name__}")
            return None
        return value

    # --- the loop --------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    def run(self, *, max_seconds: float | None = None, stop_when_idle_s: float | None = None) -> dict[str, int]:
        """Consume until stopped (SIGTERM/SIGINT/stop()), `max_seconds` elapsed, or idle for `stop_when_idle_s`."""
        self._install_signal_handlers()
        self.on_start()
        consumer = make_consumer(self.group_id, (), self._kafka_settings, **self._consumer_overrides)
        consumer.subscribe(self.topics, listener=_DropRevokedBatches(self))
        self._consumer = consumer
        started = last_busy = last_report = time.monotonic()
        log.info("consumer started", group=self.group_id, topics=self.topics, batch_size=self.batch_size)
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if max_seconds is not None and now - started >= max_seconds:
                    break
                polled = consumer.poll(timeout_ms=self._poll_timeout_ms(), max_records=self.batch_size)
                if polled and self.first_record_at is None:
                    self.first_record_at = time.monotonic()
                for tp, records in polled.items():
                    self._batches.setdefault(tp, _Batch()).messages.extend(records)
                    self.stats["consumed"] += len(records)
                had_work = bool(self._batches)
                # Caught up (nothing new arrived): waiting out the batch timeout would only add latency.
                self._flush_ready(force=not polled)
                # Idle means caught up with nothing to flush; a rebalance in progress is not idleness.
                if had_work or not consumer.assignment():
                    last_busy = time.monotonic()
                elif stop_when_idle_s is not None and time.monotonic() - last_busy >= stop_when_idle_s:
                    break
                if time.monotonic() - last_report >= 10:
                    last_report = time.monotonic()
                    log.info("progress", group=self.group_id, **dict(self.stats))
            self._flush_ready(force=True)  # finish the batches in flight before leaving
        finally:
            self._consumer = None
            consumer.close(autocommit=False)
            self.on_stop()
            log.info("consumer stopped", group=self.group_id, **dict(self.stats))
        return dict(self.stats)

    def _poll_timeout_ms(self) -> int:
        if not self._batches:
            return 500
        oldest = min(b.opened_at for b in self._batches.values())
        remaining = self.batch_timeout_s - (time.monotonic() - oldest)
        return max(0, min(500, int(remaining * 1000)))

    def _flush_ready(self, *, force: bool) -> None:
        now = time.monotonic()
        for tp in list(self._batches):
            batch = self._batches.get(tp)
            if batch is None:
                continue
            if force or len(batch.messages) >= self.batch_size or now - batch.opened_at >= self.batch_timeout_s:
                self._flush(tp, self._batches.pop(tp))

    def _flush(self, tp: TopicPartition, batch: _Batch) -> None:
        assert self._consumer is not None
        messages = batch.messages
        try:
            self.handle_batch(tp, messages)
            self._await_outputs()
            self.before_commit(tp, messages)
        except Exception as exc:  # noqa: BLE001 - any failure means "not durable, retry"
            self._outputs.clear()
            self.on_batch_failed(tp, messages, exc)
            self._failures += 1
            self.stats["batch_retries"] += 1
            delay = min(self.max_backoff_s, 0.5 * 2 ** min(self._failures - 1, 10))
            log.error(
                "batch failed; not committing, will retry",
                group=self.group_id,
                partition=str(tp),
                first_offset=messages[0].offset,
                size=len(messages),
                error=f"{type(exc).__name__}: {exc}",
                retry_in_s=delay,
            )
            self._rewind(tp, messages[0].offset)
            self._stop.wait(delay)
            return
        self._failures = 0
        if self._commit(tp, messages[-1].offset + 1):
            self.after_commit(tp, messages)
        self.stats["batches"] += 1
        self.stats["processed"] += len(messages)

    def _await_outputs(self) -> None:
        if not self._outputs:
            return
        self.producer.flush()
        outputs, self._outputs = self._outputs, []
        for future in outputs:
            future.get(timeout=60)  # raises the delivery error, failing the batch

    def _rewind(self, tp: TopicPartition, offset: int) -> None:
        assert self._consumer is not None
        # Later batches of this partition may already be buffered: drop them too.
        self._batches.pop(tp, None)
        if tp in self._consumer.assignment():
            self._consumer.seek(tp, offset)

    def _commit(self, tp: TopicPartition, next_offset: int) -> bool:
        assert self._consumer is not None
        try:
            self._consumer.commit({tp: OffsetAndMetadata(next_offset, "", -1)})
            self.stats["commits"] += 1
            self.last_commit_at = time.monotonic()
            return True
        except (CommitFailedError, KafkaError) as exc:
            # The partition moved to another member during the batch; it re-reads and our
            # idempotent outputs make the repeat harmless.
            self.stats["commit_failures"] += 1
            log.warning("commit failed after rebalance", group=self.group_id, partition=str(tp), error=str(exc))
            return False

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def _graceful(signum: int, _frame: Any) -> None:
            log.info("signal received; finishing the batch in flight", signal=signal.Signals(signum).name)
            self.stop()

        signal.signal(signal.SIGTERM, _graceful)
        signal.signal(signal.SIGINT, _graceful)


def _key_text(key: bytes | str | None) -> str | None:
    if key is None or isinstance(key, str):
        return key
    return key.decode("utf-8", errors="replace")


def _payload_text(value: bytes | None) -> tuple[str | None, str]:
    if value is None:
        return None, "none"
    try:
        return value.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(value).decode("ascii"), "base64"
