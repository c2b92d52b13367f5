"""Indexer: events.storied, articles.enriched and stories -> Elasticsearch, for search and Kibana.

Events are indexed from `events.storied` (the extractor's events with their `story_id`,
written by the stories consumer). Per partition batch: take the live generation (read again
every 5 s, so writes follow a swap within seconds) or the backfill generation given, decode +
validate each message, turn it into a bulk `index`
action (`_id` from the message, `_index` = the monthly partition of the document's own
@timestamp, so repeats and replays overwrite) and classify every item:

* indexed, or superseded (409: a newer story revision is there) -> nothing to do;
* rejected by the mapping (4xx) -> dead-lettered to indexer.dlq with the reason;
* 429 / 5xx / missing alias     -> raise: the base loop pauses the partition, retries the
                                   batch with backoff and commits nothing (re-indexing is
                                   idempotent).

Connection errors propagate from the client the same way. An unreachable or overloaded
cluster is an outage (`is_outage`): retried for as long as it lasts, never dead-lettered.
Offsets are committed by the base loop only after handle_batch returned and the dead
letters were acknowledged.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.helpers import BulkIndexError, parallel_bulk
from kafka import KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import TopicPartition

from common import es_setup
from common.config import KafkaSettings, dead_letter_topic, topic
from common.es import index_name, make_es
from common.logs import get_logger
from consumers.base import BatchConsumer, RetryPolicy
from consumers.indexing.bulk import BulkSummary, summarize
from consumers.indexing.documents import article_action, event_action, story_action
from consumers.runner import add_run_arguments, run_members

log = get_logger(__name__)

KINDS: tuple[str, ...] = ("events", "articles", "stories")
LIVE_GENERATION_TTL_S = 5.0
# Statuses that say the cluster is unavailable, overloaded or not set up: an outage, not a bad batch.
OUTAGE_STATUSES = frozenset({401, 403, 404, 408, 429, 502, 503, 504})
_STATUS = re.compile(r"^(\d{3}) ")


class RetriableIndexingError(RuntimeError):
    """Some documents were not indexed for reasons that are not theirs; retry the batch."""

    def __init__(self, message: str, statuses: frozenset[int] = frozenset()) -> None:
        super().__init__(message)
        self.statuses = statuses


@dataclass(frozen=True)
class IndexInput:
    """One input topic: how to validate its messages, build actions and dead-letter them.

    `target` is the kind's public alias (write to whichever generation is live) or one
    generation's alias such as 'news-events-v2' (a backfill).
    """

    kind: str
    topic: str
    schema_kind: str
    target: str
    dead_letter_topic: str
    to_action: Callable[[dict[str, Any], str], dict[str, Any]]


def default_inputs(
    kinds: Sequence[str] = KINDS,
    events_index: str | None = None,
    articles_index: str | None = None,
    stories_index: str | None = None,
) -> list[IndexInput]:
    specs = {
        "events": IndexInput(
            "events", topic("events_storied"), "event", events_index or index_name("events"), dead_letter_topic("indexer"), event_action
        ),
        "articles": IndexInput(
            "articles",
            topic("articles_enriched"),
            "enriched_article",
            articles_index or index_name("articles"),
            dead_letter_topic("indexer"),
            article_action,
        ),
        "stories": IndexInput(
            "stories", topic("stories"), "story", stories_index or index_name("stories"), dead_letter_topic("indexer"), story_action
        ),
    }
    unknown = set(kinds) - set(specs)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; choose from {sorted(specs)}")
    return [specs[k] for k in kinds]


class Indexer(BatchConsumer):
    """Bulk-indexes events and enriched articles; constructible with explicit parameters for tests."""

    def __init__(
        self,
        *,
        es: Elasticsearch | None = None,
        inputs: Sequence[IndexInput] | None = None,
        group_id: str = "indexer",
        batch_size: int = 2000,
        batch_timeout_s: float = 1.0,
        kafka_settings: KafkaSettings | None = None,
        consumer_overrides: dict[str, Any] | None = None,
        producer: KafkaProducer | None = None,
        max_backoff_s: float | None = None,
        retry: RetryPolicy | None = None,
        metrics_port: int | None = None,
        bulk_chunk_size: int = 500,
        bulk_max_chunk_bytes: int = 10 * 1024 * 1024,
        bulk_threads: int = 2,
        refresh: bool | str = False,
    ) -> None:
        self._inputs = {spec.topic: spec for spec in (inputs if inputs is not None else default_inputs())}
        if not self._inputs:
            raise ValueError("the indexer needs at least one input")
        super().__init__(
            group_id=group_id,
            topics=list(self._inputs),
            dead_letter_topic={spec.topic: spec.dead_letter_topic for spec in self._inputs.values()},
            batch_size=batch_size,
            batch_timeout_s=batch_timeout_s,
            kafka_settings=kafka_settings,
            consumer_overrides=consumer_overrides,
            producer=producer,
            max_backoff_s=max_backoff_s,
            retry=retry,
            metrics_port=metrics_port,
        )
        self._es = es
        self._known_generations: dict[str, set[int]] = {}
        self._live: dict[str, tuple[int, float]] = {}  # kind -> (live generation, when it was read)
        self.bulk_chunk_size = bulk_chunk_size
        self.bulk_max_chunk_bytes = bulk_max_chunk_bytes
        self.bulk_threads = bulk_threads
        self.refresh = refresh

    @property
    def es(self) -> Elasticsearch:
        if self._es is None:
            self._es = make_es()
        return self._es

    def generation_prefix(self, spec: IndexInput) -> str:
        """The alias of the generation to write into now: the live one, or the backfill's."""
        public = es_setup.write_alias(spec.kind)
        if spec.target != public:
            parsed = re.fullmatch(rf"{re.escape(public)}-v(\d+)", spec.target)
            if not parsed:
                raise ValueError(f"cannot index {spec.kind} into {spec.target!r}: give {public} or a generation alias like {public}-v2")
            generation = int(parsed.group(1))
            if generation not in self._known_generations.setdefault(spec.kind, set()):
                if generation not in es_setup.generation_templates(self.es, spec.kind):
                    raise RetriableIndexingError(f"generation {generation} of {spec.kind} has no template; run start-generation first")
                self._known_generations[spec.kind].add(generation)
            return spec.target
        # Asked again every few seconds: after a swap, writes follow within LIVE_GENERATION_TTL_S.
        cached = self._live.get(spec.kind)
        if cached is None or time.monotonic() - cached[1] > LIVE_GENERATION_TTL_S:
            live = es_setup.live_generation(self.es, spec.kind)
            if live is None:
                raise RetriableIndexingError(f"{public} has no live generation; run the bootstrap (make up / python -m common.bootstrap)")
            cached = self._live[spec.kind] = (live, time.monotonic())
        return es_setup.generation_alias(spec.kind, cached[0])

    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        spec = self._inputs[tp.topic]
        prefix = self.generation_prefix(spec)
        messages_by_id: dict[str, list[ConsumerRecord]] = {}
        summary = self._bulk(self._actions(spec, prefix, messages, messages_by_id))
        if summary.retry:
            first_id, first_error = next(iter(summary.retry.items()))
            hint = " (does the write alias exist? run the bootstrap)" if first_error.startswith("404") else ""
            statuses = frozenset(int(m.group(1)) for e in summary.retry.values() if (m := _STATUS.match(e)))
            raise RetriableIndexingError(
                f"{len(summary.retry)} of {len(messages_by_id)} {spec.kind} not indexed, e.g. {first_id}: {first_error}{hint}",
                statuses,
            )
        for doc_id, error in summary.rejected.items():
            for message in messages_by_id.get(doc_id, []):
                self.dead_letter(message, "es_rejected", error)
        self.stats[f"indexed:{spec.kind}"] += len(summary.indexed)
        if summary.superseded:
            self.stats[f"superseded:{spec.kind}"] += len(summary.superseded)
        self.stats[f"rejected:{spec.kind}"] += len(summary.rejected)
        log.debug("batch indexed", kind=spec.kind, partition=str(tp), indexed=len(summary.indexed), rejected=len(summary.rejected))

    def is_outage(self, error: BaseException) -> bool:
        """Elasticsearch down, overloaded or not set up is weather; a 500 on some document is not."""
        if isinstance(error, RetriableIndexingError):
            return bool(error.statuses) and error.statuses <= OUTAGE_STATUSES
        if isinstance(error, TransportError):  # connection refused, timeouts, TLS: the cluster, not the batch
            return True
        if isinstance(error, ApiError):
            return error.meta.status in OUTAGE_STATUSES
        if isinstance(error, BulkIndexError):
            return False
        return super().is_outage(error)

    def _actions(
        self, spec: IndexInput, prefix: str, messages: list[ConsumerRecord], messages_by_id: dict[str, list[ConsumerRecord]]
    ) -> Iterator[dict[str, Any]]:
        """Bulk actions, built lazily so decoding overlaps with the bulk requests in flight.

        A repeated _id is indexed again in Kafka order, so the latest message wins.
        """
        for message in messages:
            value = self.decode_json(message, spec.schema_kind)
            if value is None:
                continue
            try:
                action = spec.to_action(value, prefix)
            except (KeyError, TypeError, ValueError) as exc:
                self.dead_letter(message, "unindexable", f"cannot build the {spec.kind} document: {type(exc).__name__}: {exc}")
                continue
            messages_by_id.setdefault(action["_id"], []).append(message)
            yield action

    def _bulk(self, actions: Iterator[dict[str, Any]]) -> BulkSummary:
        # Partitions are created on first write from their generation's template.
        kwargs: dict[str, Any] = {}
        if self.refresh:
            kwargs["refresh"] = self.refresh
        # One sender thread keeps chunks in Kafka order; the caller's thread meanwhile
        # decodes the next chunk. Item-level 429/5xx come back as "retry" and fail the batch.
        results = parallel_bulk(
            self.es,
            actions,
            thread_count=self.bulk_threads,
            queue_size=2,
            chunk_size=self.bulk_chunk_size,
            max_chunk_bytes=self.bulk_max_chunk_bytes,
            raise_on_error=False,
            raise_on_exception=True,  # connection errors and whole-request 429/5xx fail the batch
            **kwargs,
        )
        return summarize(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m consumers.indexer", description="Index events, enriched articles and stories into Elasticsearch."
    )
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS), help="inputs to consume (default: all)")
    parser.add_argument("--group-id", default="indexer")
    parser.add_argument("--processes", type=int, default=1, help="consumer-group members to run")
    parser.add_argument("--events-index", help="write to this alias instead of the live one, e.g. news-events-v2 for a backfill")
    parser.add_argument("--articles-index", help="as --events-index, for articles")
    parser.add_argument("--stories-index", help="as --events-index, for stories")
    parser.add_argument("--batch-size", type=int, default=2000, help="max messages per partition batch (bulk chunks are 500)")
    parser.add_argument("--batch-timeout", type=float, default=1.0, help="seconds before a partial batch is flushed")
    add_run_arguments(parser)
    args = parser.parse_args(argv)
    return run_members(_member, args, processes=args.processes, needs_elasticsearch=True)


def _member(args: argparse.Namespace) -> Indexer:
    return Indexer(
        inputs=default_inputs(args.kinds, args.events_index, args.articles_index, args.stories_index),
        group_id=args.group_id,
        batch_size=args.batch_size,
        batch_timeout_s=args.batch_timeout,
    )


if __name__ == "__main__":
    sys.exit(main())
