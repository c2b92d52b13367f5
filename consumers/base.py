"""The one consumer loop every stage runs on.

It owns polling, per-partition batches that flush when full or expired, durable outputs
before commits, dead-lettering, per-partition retries with backoff and a retry budget,
outages, rebalances, metrics and SIGTERM. A stage only decodes messages and handles a batch:

    class Indexer(BatchConsumer):
        def handle_batch(self, tp, messages):
            ...  # write somewhere durable; self.produce(...) / self.dead_letter(...)

Contract of `handle_batch`: returning means the batch's side effects are durable (queued
`produce`/`dead_letter` records are then flushed and acknowledged by the base loop, and
only then is `last offset + 1` committed synchronously). Raising means "not durable":
nothing is committed, only that partition is paused and rewound to the batch's first
offset, and the batch is retried after an exponential backoff while the other partitions
keep flowing. Per-message problems must be dead-lettered, not raised.

Failures are of two kinds (`is_outage`):

* outages (Kafka or Elasticsearch unavailable or overloaded) are weather: retried for as
  long as they last, with backoff and one log line when a partition starts failing and one
  when it recovers;
* errors (anything else: a bug, a record that makes the stage raise) spend the partition's
  retry budget (NEWS_RETRY_MAX_ATTEMPTS attempts or NEWS_RETRY_TIMEOUT_S seconds, like Kafka
  Connect's errors.retry.timeout). Once it is spent, the failing batch's records are
  dead-lettered with reason `retries_exhausted` and the partition moves on.

Dead letters keep the original key, value and headers, plus `__news.errors.*` context
headers (see common/dlq.py); `news-dlq` lists, shows and replays them.
"""

from __future__ import annotations

import signal
import threading
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import orjson
from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import BrokerNotAvailableError, CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from common import metrics
from common.config import ConsumerSettings, KafkaSettings, load_settings, schema_of_topic
from common.dlq import error_headers
from common.kafka import make_consumer, make_producer
from common.logs import get_logger, kafka_link
from schemas import MalformedMessage, SchemaError, decode, record_headers

log = get_logger(__name__)

COMMIT_TIMEOUT_MS = 10_000  # one commit attempt; an outage is retried in steps of this size
DRAIN_CHECK_S = 1.0
FLUSH_TIMEOUT_S = 60.0
# Each batch's outputs are flushed explicitly before its commit, so the producer never has to send
# on its own: a long linger and large batches send a batch's records in a few requests instead of
# waking the sender thread (which competes for the GIL with the stage's work) every few records.
OUTPUT_LINGER_MS = 5_000
OUTPUT_BATCH_BYTES = 512 * 1024  # well under the broker's default message.max.bytes once compressed


def _forget_parked_records(consumer: KafkaConsumer, partitions: list[TopicPartition]) -> None:
    """Work around kafka-python 3.0.12 losing a resumed partition.

    Records already fetched for a partition when it is paused are parked by the fetcher
    (KAFKA-7548) and only handed back while its "next records" slot is None; once any
    partition has been drained that slot holds an empty object instead, the parked records
    stay, and the fetcher never fetches that partition again. We always seek a paused
    partition back to its failed batch, so what is parked is stale anyway: drop it.
    """
    fetcher = getattr(consumer, "_fetcher", None)
    for attribute in ("_paused_partition_records", "_paused_completed_fetches"):
        parked = getattr(fetcher, attribute, None)
        if isinstance(parked, dict):
            for tp in partitions:
                parked.pop(tp, None)


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class RetryPolicy:
    """How long a partition whose batch keeps failing is retried before its records are dead-lettered."""

    max_attempts: int = 10  # failed attempts with an error (outages do not count); 0: no limit
    timeout_s: float = 300.0  # seconds since the first error; 0: no limit
    initial_backoff_s: float = 0.5
    max_backoff_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: ConsumerSettings) -> RetryPolicy:
        return cls(settings.retry_max_attempts, settings.retry_timeout_s, max_backoff_s=settings.retry_backoff_max_s)

    def backoff(self, failures: int) -> float:
        return min(self.max_backoff_s, self.initial_backoff_s * 2 ** min(max(failures - 1, 0), 20))

    def exhausted(self, errors: int, erring_since: float | None, now: float) -> bool:
        if errors <= 0:
            return False
        if self.max_attempts and errors >= self.max_attempts:
            return True
        return bool(self.timeout_s and erring_since is not None and now - erring_since >= self.timeout_s)


@dataclass
class PartitionHealth:
    """The failure streak of one partition (pure state; the loop acts on it)."""

    failures: int = 0  # consecutive failed attempts, outages included: drives the backoff
    errors: int = 0  # of which errors: spends the retry budget
    first_failure_at: float | None = None
    erring_since: float | None = None
    failing_through: int = -1  # last offset of the failing batch
    last_error: str = ""
    retry_at: float = 0.0
    dead_letter_through: int | None = None  # budget spent: dead-letter records up to this offset

    @property
    def failing(self) -> bool:
        return self.failures > 0

    def failed(self, now: float, *, last_offset: int, error: str, outage: bool, policy: RetryPolicy) -> float:
        """Record a failed attempt; returns the pause before the next one."""
        self.failures += 1
        if self.first_failure_at is None:
            self.first_failure_at = now
        if not outage:
            self.errors += 1
            if self.erring_since is None:
                self.erring_since = now
        self.failing_through = max(self.failing_through, last_offset)
        self.last_error = error
        if self.dead_letter_through is None and policy.exhausted(self.errors, self.erring_since, now):
            self.dead_letter_through = self.failing_through
            delay = 0.0  # nothing to wait for: the next attempt dead-letters
        else:
            delay = policy.backoff(self.failures)
        self.retry_at = now + delay
        return delay


@dataclass
class _Batch:
    messages: list[ConsumerRecord] = field(default_factory=list)
    opened_at: float = field(default_factory=time.monotonic)


class _Rebalance(ConsumerRebalanceListener):
    """Uncommitted work on a revoked partition is dropped and re-read from the last commit.

    kafka-python revokes every partition at a rebalance (eager protocol) but keeps the fetch
    position, the paused flag and the pending commit of each partition the member gets back,
    so a partition that comes back is rewound to its first dropped record; commits and pauses
    are forgotten only for the partitions that went elsewhere.
    """

    def __init__(self, owner: BatchConsumer) -> None:
        self._owner = owner
        self._rewind: dict[TopicPartition, int] = {}

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        owner = self._owner
        dropped = 0
        for tp in revoked:
            batch = owner._batches.pop(tp, None)
            if batch is not None and batch.messages:
                dropped += len(batch.messages)
                self._rewind[tp] = batch.messages[0].offset
        owner.stats["rebalances"] += 1
        log.info("partitions revoked", group=owner.group_id, partitions=sorted(map(str, revoked)), dropped_uncommitted=dropped)

    def on_partitions_lost(self, lost: set[TopicPartition]) -> None:
        """Evicted from the group: kafka-python clears the assignment, so positions restart from the commits."""
        self.on_partitions_revoked(lost)
        self._forget(self._owner, keep=set())
        self._rewind.clear()

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        owner = self._owner
        rewind, self._rewind = self._rewind, {}
        if owner._consumer is not None:
            for tp, offset in rewind.items():
                if tp in assigned:
                    owner._consumer.seek(tp, offset)
        self._forget(owner, keep=assigned)
        log.info("partitions assigned", group=owner.group_id, partitions=sorted(map(str, assigned)))

    @staticmethod
    def _forget(owner: BatchConsumer, keep: set[TopicPartition]) -> None:
        # A partition that comes back keeps its failure streak, pause and pending commit; one that went elsewhere is forgotten.
        owner._health = {tp: h for tp, h in owner._health.items() if tp in keep}
        owner._committed = {tp: o for tp, o in owner._committed.items() if tp in keep}
        owner._pending = {tp: o for tp, o in owner._pending.items() if tp in keep}
        owner._awaiting_commit = {tp: b for tp, b in owner._awaiting_commit.items() if tp in keep}
        owner._paused &= keep


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
        max_backoff_s: float | None = None,
        retry: RetryPolicy | None = None,
        metrics_port: int | None = None,
    ) -> None:
        settings = load_settings()
        self.group_id = group_id
        self.topics = list(topics)
        self.dead_letter_topic = dead_letter_topic
        self.batch_size = batch_size
        self.batch_timeout_s = batch_timeout_s
        policy = retry or RetryPolicy.from_settings(settings.consumer)
        self.retry = replace(policy, max_backoff_s=max_backoff_s) if max_backoff_s is not None else policy
        self.metrics_port = metrics_port if metrics_port is not None else settings.consumer.metrics_port
        self._kafka_settings = kafka_settings
        self._consumer_overrides = consumer_overrides or {}
        self._producer = producer
        self._owns_producer = producer is None
        self._batches: dict[TopicPartition, _Batch] = {}
        self._health: dict[TopicPartition, PartitionHealth] = {}
        self._paused: set[TopicPartition] = set()
        self._committed: dict[TopicPartition, int] = {}
        # Commits that failed during an outage: retried from the loop (which keeps polling, so the
        # group membership survives), and the batches waiting for them to run after_commit.
        self._pending: dict[TopicPartition, int] = {}
        self._awaiting_commit: dict[TopicPartition, list[list[ConsumerRecord]]] = {}
        self._commit_failures = 0
        self._commit_retry_at = 0.0
        self._outputs: list[Any] = []
        self._schema_headers: dict[str, list[tuple[str, bytes]]] = {}
        self._consumer: KafkaConsumer | None = None
        self._stop = threading.Event()
        self._polling_ok = True
        self._poll_failures = 0
        self._drain_targets: dict[TopicPartition, int] | None = None
        self._drain_checked_at = 0.0
        self.loop_state = metrics.LoopState(group=group_id)
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

    def is_outage(self, error: BaseException) -> bool:
        """True when `error` says a service is unavailable rather than that this batch is bad.

        Outages are retried for as long as they last; other errors spend the retry budget.
        Stages add their own services' errors (the indexer: Elasticsearch).
        """
        if isinstance(error, KafkaError):
            return bool(getattr(error, "retriable", False)) or isinstance(error, BrokerNotAvailableError)
        return isinstance(error, ConnectionError | TimeoutError)

    # --- helpers for stages ----------------------------------------------------------

    @property
    def producer(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = make_producer(self._kafka_settings, linger_ms=OUTPUT_LINGER_MS, batch_size=OUTPUT_BATCH_BYTES)
        return self._producer

    def produce(self, topic: str, key: str | None, value: Any) -> None:
        """Queue a record; it is acknowledged before this batch's offsets are committed.

        Records carry the schema id and version of the topic's contract as headers.
        """
        headers = self._schema_headers.get(topic)
        if headers is None:
            kind = schema_of_topic(topic)
            headers = self._schema_headers[topic] = record_headers(kind) if kind else []
        self._outputs.append(self.producer.send(topic, key=key, value=value, headers=headers or None))
        self.stats[f"produced:{topic}"] += 1
        metrics.PRODUCED.labels(self.group_id, topic).inc()

    def dead_letter(self, message: ConsumerRecord, reason: str, error: str, *, quiet: bool = False) -> None:
        """Queue the original record (key, value, headers) with error context headers to the stage's DLQ."""
        self.stats[f"dead_letter:{reason}"] += 1
        metrics.DEAD_LETTERS.labels(self.group_id, reason).inc()
        if not quiet:
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
        headers = error_headers(message, stage=self.group_id, reason=reason, error=error, failed_at=utc_now_iso())
        self._outputs.append(self.producer.send(dlq, key=message.key, value=message.value, headers=headers))
        self.stats[f"produced:{dlq}"] += 1

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

    def run(self, *, max_seconds: float | None = None, stop_when_idle_s: float | None = None, drain: bool = False) -> dict[str, int]:
        """Consume until stopped (SIGTERM/SIGINT/stop()), `max_seconds` elapsed, idle for
        `stop_when_idle_s`, or, with `drain`, until the group has committed every record that
        was in the input topics when the run started (lag 0, measured from end offsets)."""
        self._install_signal_handlers()
        metrics.LOOPS.add(self)
        if self.metrics_port:
            metrics.start_server(self.metrics_port)
        started = last_busy = last_report = time.monotonic()
        consumer: KafkaConsumer | None = None
        try:
            self.on_start()
            consumer = self._connect()
            if consumer is None:
                return dict(self.stats)
            consumer.subscribe(self.topics, listener=_Rebalance(self))
            self._consumer = consumer
            self._publish(started=True)
            log.info("consumer started", group=self.group_id, topics=self.topics, batch_size=self.batch_size, drain=drain)
            while not self._stop.is_set():
                now = time.monotonic()
                if max_seconds is not None and now - started >= max_seconds:
                    break
                self._resume_due(now)
                self._commit_pending()
                polled = self._poll(consumer)
                if polled and self.first_record_at is None:
                    self.first_record_at = time.monotonic()
                for tp, records in polled.items():
                    self._batches.setdefault(tp, _Batch()).messages.extend(records)
                    self.stats["consumed"] += len(records)
                    metrics.CONSUMED.labels(self.group_id, tp.topic).inc(len(records))
                had_work = bool(self._batches)
                # Caught up (nothing new arrived): waiting out the batch timeout would only add latency.
                self._flush_ready(force=not polled)
                self._publish()
                if drain and not self._batches and not self._pending and self._drained(consumer):
                    log.info("drained: the group has committed every record present at the start", group=self.group_id)
                    break
                # Idle means caught up with nothing to flush; a rebalance in progress is not idleness.
                if had_work or self._paused or not consumer.assignment():
                    last_busy = time.monotonic()
                elif stop_when_idle_s is not None and time.monotonic() - last_busy >= stop_when_idle_s:
                    break
                if time.monotonic() - last_report >= 10:
                    last_report = time.monotonic()
                    log.info("progress", group=self.group_id, paused_partitions=len(self._paused), **dict(self.stats))
            self._flush_ready(force=True)  # finish the batches in flight before leaving
            self._commit_pending(force=True)
            if self._pending:
                log.warning("stopping with commits not done; those batches will be re-read", group=self.group_id, partitions=sorted(map(str, self._pending)))
        finally:
            self._consumer = None
            if consumer is not None:
                try:
                    consumer.close(autocommit=False, timeout_ms=5_000)
                except Exception as exc:  # noqa: BLE001 - closing must not hide what happened
                    log.warning("consumer close failed", group=self.group_id, error=str(exc))
            self._close_producer()
            self.on_stop()
            metrics.LOOPS.remove(self)
            log.info("consumer stopped", group=self.group_id, **dict(self.stats))
        return dict(self.stats)

    def _connect(self) -> KafkaConsumer | None:
        """The group consumer; while Kafka cannot be reached, wait (one log line), never exit."""
        failures = 0
        while not self._stop.is_set():
            try:
                consumer = make_consumer(self.group_id, (), self._kafka_settings, **self._consumer_overrides)
            except KafkaError as exc:
                failures += 1
                if failures == 1:
                    log.warning("kafka not reachable; waiting for it", group=self.group_id, error=str(exc))
                self._publish(polling_ok=False)
                self._stop.wait(min(30.0, 2.0 * failures))
                continue
            if failures:
                log.info("kafka reachable; consumer created", group=self.group_id, attempts=failures + 1)
            return consumer
        return None

    def _poll(self, consumer: KafkaConsumer) -> dict[TopicPartition, list[ConsumerRecord]]:
        try:
            polled = consumer.poll(timeout_ms=self._poll_timeout_ms(), max_records=self.batch_size)
        except KafkaError as exc:
            self._poll_failures += 1
            if self._polling_ok:
                log.warning("poll failing; retrying with backoff until Kafka answers", group=self.group_id, error=f"{type(exc).__name__}: {exc}")
                self._polling_ok = False
            self._publish()
            self._stop.wait(min(5.0, 0.2 * 2 ** min(self._poll_failures, 5)))
            return {}
        if not self._polling_ok:
            log.info("poll works again", group=self.group_id, failed_polls=self._poll_failures)
            self._polling_ok = True
        self._poll_failures = 0
        if polled:
            kafka_link.restored()  # records arrived: the brokers answer, whatever the client said before
        return polled

    def _poll_timeout_ms(self) -> int:
        now = time.monotonic()
        deadlines = [b.opened_at + self.batch_timeout_s for b in self._batches.values()]
        deadlines += [self._health[tp].retry_at for tp in self._paused if tp in self._health]
        if not deadlines:
            return 500
        return max(0, min(500, int((min(deadlines) - now) * 1000)))

    def _flush_ready(self, *, force: bool) -> None:
        now = time.monotonic()
        for tp in list(self._batches):
            batch = self._batches.get(tp)
            if batch is None:
                continue
            if force or len(batch.messages) >= self.batch_size or now - batch.opened_at >= self.batch_timeout_s:
                self._flush(tp, self._batches.pop(tp).messages)

    def _flush(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        health = self._health.get(tp)
        if health is not None and health.dead_letter_through is not None:
            doomed = [m for m in messages if m.offset <= health.dead_letter_through]
            if doomed:
                if not self._dead_letter_exhausted(tp, doomed, health):
                    return
                messages = messages[len(doomed):]
            if not messages:
                return
            health = self._health.get(tp)
        if health is not None and health.failing and messages[-1].offset > health.failing_through:
            # Retry exactly the batch that failed: records that arrived since wait for the next one.
            later = next(m.offset for m in messages if m.offset > health.failing_through)
            messages = [m for m in messages if m.offset <= health.failing_through]
            self._rewind(tp, later)
            if not messages:
                return
        started = time.perf_counter()
        try:
            self.handle_batch(tp, messages)
            self._await_outputs()
            self.before_commit(tp, messages)
        except Exception as exc:  # noqa: BLE001 - any failure means "not durable, retry"
            self._outputs.clear()
            self.on_batch_failed(tp, messages, exc)
            self._batch_failed(tp, messages, exc)
            return
        metrics.BATCH_SECONDS.labels(self.group_id, tp.topic).observe(time.perf_counter() - started)
        self._recovered(tp)
        self._commit(tp, messages)
        metrics.PROCESSED.labels(self.group_id, tp.topic).inc(len(messages))
        self.stats["batches"] += 1
        self.stats["processed"] += len(messages)

    def _dead_letter_exhausted(self, tp: TopicPartition, doomed: list[ConsumerRecord], health: PartitionHealth) -> bool:
        """Dead-letter the records of a batch whose retry budget is spent; True when committed past them."""
        error = f"retry budget spent after {health.errors} failed attempts: {health.last_error}"
        for message in doomed:
            self.dead_letter(message, "retries_exhausted", error, quiet=True)
        try:
            self._await_outputs()
        except Exception as exc:  # noqa: BLE001 - the dead letters were not acknowledged: retry them
            self._outputs.clear()
            self._batch_failed(tp, doomed, exc)
            return False
        log.error(
            "retry budget spent; dead-lettered the failing batch and moving on",
            group=self.group_id,
            partition=str(tp),
            first_offset=doomed[0].offset,
            last_offset=doomed[-1].offset,
            records=len(doomed),
            attempts=health.errors,
            error=health.last_error[:500],
        )
        if doomed[-1].offset >= (health.dead_letter_through or -1):
            self._health.pop(tp, None)
        self._commit(tp, doomed, run_after_commit=False)
        self.stats["processed"] += len(doomed)
        return True

    def _batch_failed(self, tp: TopicPartition, messages: list[ConsumerRecord], exc: BaseException) -> None:
        outage = self.is_outage(exc)
        if outage and self._owns_producer and isinstance(exc, KafkaError):
            self._close_producer()  # a producer that timed out may be stuck; the next send makes a new one
        health = self._health.setdefault(tp, PartitionHealth())
        first = not health.failing
        error = f"{type(exc).__name__}: {exc}"
        delay = health.failed(time.monotonic(), last_offset=messages[-1].offset, error=error, outage=outage, policy=self.retry)
        kind = "outage" if outage else "error"
        self.stats["batch_retries"] += 1
        self.stats[f"batch_failures:{kind}"] += 1
        metrics.BATCH_FAILURES.labels(self.group_id, kind).inc()
        fields = {
            "group": self.group_id,
            "partition": str(tp),
            "first_offset": messages[0].offset,
            "size": len(messages),
            "kind": kind,
            "error": error[:1000],
            "retry_in_s": round(delay, 2),
        }
        if first:
            log.warning("batch failed; partition paused and retried with backoff (other partitions go on)", **fields)
        elif health.dead_letter_through is not None and delay == 0.0:
            log.warning("batch failed again; retry budget spent", attempts=health.errors, **fields)
        else:
            log.debug("batch failed again", attempts=health.failures, **fields)
        self._pause(tp, messages[0].offset)

    def _recovered(self, tp: TopicPartition) -> None:
        health = self._health.pop(tp, None)
        if health is not None and health.failing:
            log.info(
                "partition recovered",
                group=self.group_id,
                partition=str(tp),
                failed_attempts=health.failures,
                failing_for_s=round(time.monotonic() - (health.first_failure_at or time.monotonic()), 1),
            )

    def _rewind(self, tp: TopicPartition, offset: int) -> bool:
        assert self._consumer is not None
        # Later batches of this partition may already be buffered: drop them too.
        self._batches.pop(tp, None)
        if tp not in self._consumer.assignment():
            return False
        self._consumer.seek(tp, offset)
        return True

    def _pause(self, tp: TopicPartition, offset: int) -> None:
        if self._rewind(tp, offset):
            assert self._consumer is not None
            self._consumer.pause(tp)
            self._paused.add(tp)

    def _resume_due(self, now: float) -> None:
        if not self._paused or self._consumer is None:
            return
        due = [tp for tp in self._paused if self._health.get(tp) is None or self._health[tp].retry_at <= now]
        if due:
            assigned = self._consumer.assignment()
            resumed = [tp for tp in due if tp in assigned]
            _forget_parked_records(self._consumer, resumed)
            self._consumer.resume(*resumed)
            self._paused.difference_update(due)

    def _await_outputs(self) -> None:
        if self._producer is None:
            return
        # Bounded: a producer that cannot deliver (Kafka down) fails the batch as an outage and
        # is replaced, instead of holding the loop for the whole delivery timeout.
        self.producer.flush(timeout=FLUSH_TIMEOUT_S)
        outputs, self._outputs = self._outputs, []
        for future in outputs:
            future.get(timeout=60)  # raises the delivery error, failing the batch

    def _close_producer(self) -> None:
        if self._owns_producer and self._producer is not None:
            producer, self._producer = self._producer, None
            try:
                producer.close(timeout=5)
            except Exception as exc:  # noqa: BLE001
                log.debug("producer close failed", group=self.group_id, error=str(exc))

    def _commit(self, tp: TopicPartition, messages: list[ConsumerRecord], *, run_after_commit: bool = True) -> None:
        """Commit `last offset + 1` synchronously now; if Kafka is unavailable, keep it pending."""
        self._pending[tp] = max(messages[-1].offset + 1, self._pending.get(tp, 0))
        if run_after_commit:
            self._awaiting_commit.setdefault(tp, []).append(messages)
        self._commit_pending(force=True)

    def _commit_pending(self, *, force: bool = False) -> None:
        """Commit every pending offset in one request; on an outage, back off and let the loop poll."""
        consumer = self._consumer
        if not self._pending or consumer is None or (not force and time.monotonic() < self._commit_retry_at):
            return
        assigned = consumer.assignment()
        for tp in [tp for tp in self._pending if tp not in assigned]:
            self._pending.pop(tp)
            self._awaiting_commit.pop(tp, None)
        if not self._pending:
            return
        offsets = dict(self._pending)
        try:
            consumer.commit({tp: OffsetAndMetadata(o, "", -1) for tp, o in offsets.items()}, timeout_ms=COMMIT_TIMEOUT_MS)
        except CommitFailedError as exc:
            # The group rebalanced during the batch. A partition this member gets back keeps its
            # position, so nobody would re-read it: retry once rejoined (the next poll). The listener
            # forgets the partitions that went elsewhere; their new owner re-reads them.
            self.stats["commit_failures"] += 1
            self._commit_retry_at = time.monotonic() + 0.5
            log.warning("commit refused during a rebalance; retried after the rejoin for the partitions kept", group=self.group_id, partitions=sorted(map(str, offsets)), error=str(exc))
            return
        except KafkaError as exc:
            self._commit_failures += 1
            self.stats["commit_retries"] += 1
            self._commit_retry_at = time.monotonic() + min(5.0, 0.5 * 2 ** min(self._commit_failures, 4))
            if self._commit_failures == 1:
                log.warning(
                    "commit failing; outputs are durable, the commit is retried while the loop keeps polling",
                    group=self.group_id, partitions=sorted(map(str, offsets)), error=f"{type(exc).__name__}: {exc}",
                )
            return
        if self._commit_failures:
            log.info("commits succeed again", group=self.group_id, failed_attempts=self._commit_failures)
            self._commit_failures = 0
        kafka_link.restored()
        self.stats["commits"] += 1
        metrics.COMMITS.labels(self.group_id).inc()
        self.last_commit_at = time.monotonic()
        for tp, offset in offsets.items():
            self._committed[tp] = offset
            if self._pending.get(tp) == offset:
                del self._pending[tp]
            for batch in self._awaiting_commit.pop(tp, []):
                self.after_commit(tp, batch)

    # --- drain and state for metrics --------------------------------------------------------

    def _drained(self, consumer: KafkaConsumer) -> bool:
        """True once the group's committed offsets reached the end offsets taken at the first check."""
        now = time.monotonic()
        if now - self._drain_checked_at < DRAIN_CHECK_S:
            return False
        self._drain_checked_at = now
        try:
            if self._drain_targets is None:
                partitions = []
                for name in self.topics:
                    known = consumer.partitions_for_topic(name)
                    if not known:
                        return False  # metadata not loaded yet
                    partitions += [TopicPartition(name, p) for p in known]
                self._drain_targets = consumer.end_offsets(partitions)
                log.info("draining", group=self.group_id, records_at_start=sum(self._drain_targets.values()))
            for tp, end in self._drain_targets.items():
                if end == 0 or self._committed.get(tp, -1) >= end:
                    continue
                committed = consumer.committed(tp, timeout_ms=5_000)
                if committed is None or committed < end:
                    return False
        except KafkaError as exc:
            log.debug("drain check failed; trying again", group=self.group_id, error=str(exc))
            return False
        return True

    def _publish(self, *, started: bool | None = None, polling_ok: bool | None = None) -> None:
        """Replace the state the metrics endpoint reads (scrapes run on another thread)."""
        consumer = self._consumer
        lag: dict[tuple[str, int], int] = {}
        assigned = 0
        if consumer is not None:
            try:
                partitions = consumer.assignment()
                assigned = len(partitions)
                for tp in partitions:
                    high = consumer.highwater(tp)
                    done = self._committed.get(tp)
                    if high is not None and done is not None:
                        lag[(tp.topic, tp.partition)] = max(0, high - done)
            except Exception:  # noqa: BLE001 - a rebalance in progress; the next round publishes
                lag = dict(self.loop_state.lag)
        self.loop_state = metrics.LoopState(
            group=self.group_id,
            started=self.loop_state.started if started is None else started,
            last_progress=time.monotonic(),
            last_commit=self.last_commit_at,
            lag=lag,
            paused=tuple((tp.topic, tp.partition) for tp in self._paused),
            assigned=assigned,
            polling_ok=self._polling_ok if polling_ok is None else polling_ok,
        )

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def _graceful(signum: int, _frame: Any) -> None:
            log.info("signal received; finishing the batch in flight", signal=signal.Signals(signum).name)
            self.stop()

        signal.signal(signal.SIGTERM, _graceful)
        signal.signal(signal.SIGINT, _graceful)
