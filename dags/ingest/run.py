"""One source, end to end: discover -> fetch -> extract -> normalise -> deduplicate -> produce.

`discover_source` and `ingest_discovery` are the two steps the DAG runs per source (so the
listing and the articles show up as separate task instances); `run_source` does both with one
HTTP client, for the dry run and the benchmark. Per-item problems are counted and
dead-lettered, never raised; only infrastructure failures (Kafka, the seen store) raise, so
Airflow retries the task, and claims that were not acknowledged are released first.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from kafka.errors import KafkaError
from sqlalchemy.exc import SQLAlchemyError

from common.kafka import json_bytes
from common.logs import get_logger
from dags.ingest.dedup import NearDuplicateIndex, signature_bytes
from dags.ingest.discover import DiscoveredItem, parse_feed, parse_section, parse_sitemap
from dags.ingest.errors import IngestFailure, is_transient
from dags.ingest.extract import ExtractedArticle, extract_article
from dags.ingest.fetch import FEED_ACCEPT, HTML_ACCEPT, Fetcher, Validators, require_html, require_textual
from dags.ingest.messages import build_article_message, dead_letter_message, now_iso
from dags.ingest.normalise import article_id, canonical_url, url_hash
from dags.ingest.produce import Sink
from dags.ingest.pubdate import instant
from dags.ingest.seen_store import ClaimOutcome, SeenStore, SentRecord, utcnow
from dags.ingest.sources import Source, SourcesConfig
from schemas import SchemaError

log = get_logger(__name__)
MAX_ROBOTS_SITEMAPS = 5  # Sitemap: lines of one robots.txt read per run
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class FailureRecord:
    reason: str
    error: str
    url: str | None
    payload_b64: str | None = None

    @classmethod
    def of(cls, failure: IngestFailure) -> FailureRecord:
        payload = base64.b64encode(failure.payload).decode("ascii") if failure.payload else None
        return cls(failure.reason, str(failure.args[0]), failure.url, payload)

    @property
    def payload(self) -> bytes | None:
        return base64.b64decode(self.payload_b64) if self.payload_b64 else None


@dataclass
class Discovery:
    """What a source's feed, sitemap or section page listed (JSON-serialisable for XCom)."""

    source: str
    url: str
    items: list[DiscoveredItem] = field(default_factory=list)
    failures: list[FailureRecord] = field(default_factory=list)
    validators: dict[str, str | None] | None = None
    not_modified: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Discovery:
        return cls(
            **{
                **data,
                "items": [DiscoveredItem.from_dict(i) for i in data.get("items", [])],
                "failures": [FailureRecord(**f) for f in data.get("failures", [])],
            }
        )


@dataclass
class IngestCounts:
    """Per-source outcome. sent = new + near_duplicate; duplicates and known failures are not fetched again."""

    source: str
    discovered: int = 0
    fetched: int = 0
    new: int = 0
    near_duplicate: int = 0
    duplicate: int = 0
    duplicate_by: dict[str, int] = field(default_factory=lambda: {"url": 0, "content": 0})
    skipped_known_failure: int = 0
    failed: int = 0
    failed_by_reason: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    dead_lettered: int = 0
    unsupported_language: int = 0  # sent articles in a language the event coder does not support
    by_language: dict[str, int] = field(default_factory=dict)
    not_modified: bool = False
    seconds: dict[str, float] = field(
        default_factory=lambda: {"discover": 0.0, "fetch": 0.0, "extract": 0.0, "produce": 0.0, "total": 0.0}
    )

    def fail(self, reason: str) -> None:
        self.failed += 1
        self.failed_by_reason[reason] = self.failed_by_reason.get(reason, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["seconds"] = {k: round(v, 3) for k, v in self.seconds.items()}
        return data


def sum_counts(per_source: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals over sources' IngestCounts dicts."""
    total: Counter[str] = Counter()
    by_reason: Counter[str] = Counter()
    dup_by: Counter[str] = Counter()
    by_language: Counter[str] = Counter()
    for counts in per_source:
        for key in (
            "discovered",
            "fetched",
            "new",
            "near_duplicate",
            "duplicate",
            "skipped_known_failure",
            "failed",
            "sent",
            "dead_lettered",
            "unsupported_language",
        ):
            total[key] += int(counts.get(key, 0))
        by_reason.update(counts.get("failed_by_reason", {}))
        by_language.update(counts.get("by_language", {}))
        dup_by.update(counts.get("duplicate_by", {}))
    return {
        **dict(total),
        "failed_by_reason": dict(by_reason),
        "duplicate_by": dict(dup_by),
        "by_language": dict(by_language),
    }


@contextmanager
def _timed(seconds: dict[str, float], key: str) -> Iterator[None]:
    start = time.monotonic()
    try:
        yield
    finally:
        seconds[key] += time.monotonic() - start


def discover_source(
    source: Source, config: SourcesConfig, store: SeenStore, fetcher: Fetcher | None = None
) -> Discovery:
    """Fetch the source's listing (conditionally) and return the items it lists; failures are recorded."""
    start = time.monotonic()
    discovery = Discovery(source=source.name, url=source.url)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(source, config.http, hosts=store.hosts())
    limit = config.max_items(source)
    try:
        if source.kind == "robots":
            discovery.items = _discover_from_robots(source, fetcher, limit)
        else:
            _discover_listing(source, store, fetcher, limit, discovery)
    except IngestFailure as failure:
        log.warning(
            "ingest.discovery_failed", source=source.name, url=source.url, reason=failure.reason, error=str(failure)
        )
        discovery.failures.append(FailureRecord.of(failure))
    except Exception as exc:  # a parser bug on one odd listing must not fail the source's branch
        log.exception("ingest.discovery_crashed", source=source.name, url=source.url)
        discovery.failures.append(FailureRecord("internal_error", f"{type(exc).__name__}: {exc}", source.url))
    finally:
        if own_fetcher:
            fetcher.close()
        discovery.seconds = time.monotonic() - start
    log.info(
        "ingest.discovered",
        source=source.name,
        items=len(discovery.items),
        not_modified=discovery.not_modified,
        failures=[f.reason for f in discovery.failures],
    )
    return discovery


def _discover_listing(source: Source, store: SeenStore, fetcher: Fetcher, limit: int, discovery: Discovery) -> None:
    """A feed, sitemap or section page, fetched conditionally (ETag / Last-Modified)."""
    accept = HTML_ACCEPT if source.kind == "html" else FEED_ACCEPT
    result = fetcher.fetch(source.url, validators=store.get_validators(source.url), accept=accept)
    if result.not_modified:
        discovery.not_modified = True
    elif source.kind in ("rss", "atom"):
        require_textual(result)
        discovery.items = parse_feed(result.content, result.url, limit, result.content_type)
    elif source.kind == "sitemap":
        require_textual(result)
        discovery.items = parse_sitemap(result.content, result.url, _child_fetcher(fetcher), limit)
    else:
        require_html(result)
        discovery.items = parse_section(result.text(), result.url, source.link_pattern or "", limit)
    if result.validators and not result.not_modified:
        discovery.validators = {"etag": result.validators.etag, "last_modified": result.validators.last_modified}


def _child_fetcher(fetcher: Fetcher) -> Callable[[str], bytes]:
    def fetch_child(url: str) -> bytes:
        child = fetcher.fetch(url, accept=FEED_ACCEPT)
        require_textual(child)
        return child.content

    return fetch_child


def _discover_from_robots(source: Source, fetcher: Fetcher, limit: int) -> list[DiscoveredItem]:
    """Items of the sitemaps that the site's robots.txt lists in `Sitemap:` lines."""
    sitemaps = fetcher.robots_sitemaps(source.url)
    if not sitemaps:
        raise IngestFailure("no_sitemaps", f"robots.txt of {source.url} lists no Sitemap: lines", url=source.url)
    items: dict[str, DiscoveredItem] = {}
    for sitemap_url in sitemaps[:MAX_ROBOTS_SITEMAPS]:
        result = fetcher.fetch(sitemap_url, accept=FEED_ACCEPT)
        require_textual(result)
        for item in parse_sitemap(result.content, result.url, _child_fetcher(fetcher), limit):
            items.setdefault(item.url, item)
        if len(items) >= limit:
            break
    return list(items.values())[:limit]


@dataclass
class _Prepared:
    """A fetched and extracted item, waiting for its turn in publication order."""

    item_url: str
    url: str
    canonical: str
    article_id: str
    aliases: list[str]
    article: ExtractedArticle
    fetched_at: str


@dataclass
class _Pending:
    message: dict[str, Any]
    signature: bytes
    near_duplicate_of: str | None
    urls: list[str]


class _SourceIngest:
    """State of one source's ingest: counts, claims waiting for the Kafka ack, dead letters."""

    def __init__(
        self, source: Source, config: SourcesConfig, store: SeenStore, sink: Sink, fetcher: Fetcher, owner: str
    ):
        self.source = source
        self.config = config
        self.store = store
        self.sink = sink
        self.fetcher = fetcher
        self.owner = owner
        self.counts = IngestCounts(source=source.name)
        self.pending: list[_Pending] = []
        self.dead_letters: list[dict[str, Any]] = []
        self.transient_failures = 0
        dedup = config.dedup
        self.index = NearDuplicateIndex(dedup.near_duplicate_threshold, dedup.num_perm, dedup.shingle_words)
        self._window = timedelta(days=dedup.window_days)
        self._last_refresh: datetime | None = None
        self.refresh_index()

    def refresh_index(self) -> None:
        """Load signatures sent since the last look (by any worker), so parallel sources see each other."""
        now = utcnow()
        since = now - self._window if self._last_refresh is None else self._last_refresh - timedelta(minutes=5)
        self.index.add_stored(self.store.recent_signatures(since))
        self._last_refresh = now

    def record_failure(self, failure: IngestFailure | FailureRecord, url: str | None) -> None:
        record = failure if isinstance(failure, FailureRecord) else FailureRecord.of(failure)
        self.counts.fail(record.reason)
        transient = is_transient(record.reason)
        self.transient_failures += transient
        log.warning("ingest.failed", source=self.source.name, url=url, reason=record.reason, error=record.error)
        if url:
            self.store.record_failure(url, self.source.name, record.reason, permanent=not transient)
        self.dead_letters.append(
            dead_letter_message(record.reason, record.error, url=url, source=self.source.name, payload=record.payload)
        )

    def prepare(self, item: DiscoveredItem) -> _Prepared | None:
        """Fetch and extract an item; None if it is already known (counted) and need not be sent."""
        seconds = self.counts.seconds
        try:
            canonical_url(item.url)
        except ValueError as exc:
            raise IngestFailure("bad_url", str(exc), url=item.url) from exc
        if self.store.known_url(item.url):
            self.counts.duplicate += 1
            self.counts.duplicate_by["url"] += 1
            return None
        if self.store.recent_permanent_failure(item.url, timedelta(hours=self.config.ingest.failure_retry_hours)):
            self.counts.skipped_known_failure += 1
            return None
        with _timed(seconds, "fetch"):
            result = self.fetcher.fetch(item.url, accept=HTML_ACCEPT)
            require_html(result)
        self.counts.fetched += 1
        fetched_at = now_iso()
        with _timed(seconds, "extract"):
            article = extract_article(
                result.text(),
                result.url,
                item,
                min_text_chars=self.config.ingest.min_text_chars,
                min_summary_chars=self.config.ingest.min_summary_chars,
                default_language=self.source.language,
                max_seconds=self.config.ingest.max_extract_seconds,
            )
            canonical = canonical_url(article.canonical_link or result.url)
            aliases = list(dict.fromkeys([item.url, result.url, canonical]))
            aid = article_id(canonical)
            if aid != url_hash(item.url) and self.store.known_url(canonical):
                self._duplicate("url", aid, aliases)
                return None
        return _Prepared(item.url, result.url, canonical, aid, aliases, article, fetched_at)

    def admit(self, prepared: _Prepared) -> None:
        """Check near-duplicates, build and validate the message, claim it, queue it for sending."""
        with _timed(self.counts.seconds, "extract"):
            signature = self.index.signature(prepared.article.text)
            match = self.index.find(signature, exclude=prepared.article_id)
            near_of = match.article_id if match else None
            try:
                message = build_article_message(
                    self.source,
                    prepared.url,
                    prepared.canonical,
                    prepared.article,
                    near_duplicate_of=near_of,
                    fetched_at=prepared.fetched_at,
                    coder_languages=self.config.ingest.coder_languages,
                )
            except SchemaError as exc:
                raise IngestFailure("schema_violation", str(exc), url=prepared.item_url) from exc
            size = len(json_bytes(message))
            limit = self.config.ingest.max_message_bytes
            if size > limit:
                # Dead-letter it here: the broker would reject it on every retry and block the source.
                raise IngestFailure(
                    "message_too_large",
                    f"article message is {size} bytes, over ingest.max_message_bytes={limit}",
                    url=prepared.item_url,
                )
        claim = self.store.claim(
            prepared.article_id,
            prepared.canonical,
            message["content_hash"],
            self.source.name,
            self.owner,
            timedelta(minutes=self.config.ingest.claim_lease_minutes),
        )
        if claim.outcome is ClaimOutcome.DUPLICATE_URL:
            self._duplicate("url", prepared.article_id, prepared.aliases)
        elif claim.outcome is ClaimOutcome.DUPLICATE_CONTENT:
            self._duplicate("content", claim.existing_id, prepared.aliases)
        else:
            self.index.add(prepared.article_id, signature, near_of)
            self.pending.append(_Pending(message, signature_bytes(signature), near_of, prepared.aliases))

    def _duplicate(self, by: str, existing_id: str | None, aliases: list[str]) -> None:
        self.counts.duplicate += 1
        self.counts.duplicate_by[by] += 1
        if existing_id:
            self.store.remember_urls(existing_id, aliases)

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        try:
            with _timed(self.counts.seconds, "produce"):
                self.sink.send_articles([p.message for p in batch])
        except BaseException:
            self.abandon(batch)
            raise
        self.store.mark_sent(
            [SentRecord(p.message["id"], p.signature, p.near_duplicate_of, p.urls) for p in batch], self.owner
        )
        for p in batch:
            self.counts.sent += 1
            language = p.message.get("language") or "unknown"
            self.counts.by_language[language] = self.counts.by_language.get(language, 0) + 1
            self.counts.unsupported_language += bool(p.message.get("unsupported_language"))
            if p.near_duplicate_of:
                self.counts.near_duplicate += 1
            else:
                self.counts.new += 1
        self.refresh_index()

    def abandon(self, batch: list[_Pending] | None = None) -> None:
        """Release claims that were never acknowledged so a retry can send them."""
        batch = self.pending if batch is None else batch
        ids = [p.message["id"] for p in batch]
        for aid in ids:
            self.index.remove(aid)
        self.store.release(ids, self.owner)
        if batch is self.pending:
            self.pending = []


@contextmanager
def _item_errors(state: _SourceIngest, url: str) -> Iterator[None]:
    """Count and dead-letter whatever goes wrong with one item; never let it stop the others."""
    try:
        yield
    except IngestFailure as failure:
        state.record_failure(failure, url)
    except (SQLAlchemyError, KafkaError):
        raise  # the seen store or Kafka, not the page: fail the task so that Airflow retries it
    except Exception as exc:  # a bug or library error on one page must not stop the others
        log.exception("ingest.item_crashed", source=state.source.name, url=url)
        state.record_failure(IngestFailure("internal_error", f"{type(exc).__name__}: {exc}", url=url), url)


def ingest_discovery(
    source: Source,
    discovery: Discovery,
    config: SourcesConfig,
    store: SeenStore,
    sink: Sink,
    *,
    fetcher: Fetcher | None = None,
    owner: str | None = None,
) -> IngestCounts:
    """Fetch, extract, deduplicate and send every discovered item; return the counts."""
    start = time.monotonic()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(source, config.http, hosts=store.hosts())
    state = _SourceIngest(source, config, store, sink, fetcher, owner or f"{source.name}:{uuid.uuid4().hex[:16]}")
    counts = state.counts
    counts.discovered = len(discovery.items)
    counts.not_modified = discovery.not_modified
    counts.seconds["discover"] = discovery.seconds
    try:
        for failure in discovery.failures:
            state.record_failure(failure, failure.url or source.url)
        prepared: list[_Prepared] = []
        for item in discovery.items:
            with _item_errors(state, item.url):
                ready = state.prepare(item)
                if ready is not None:
                    prepared.append(ready)
        # Oldest publication first: of two near-duplicates in one run, the earlier one is the original.
        # Compared as instants: the dates keep their own offsets, so their strings do not sort.
        prepared.sort(key=lambda p: (instant(p.article.published_at) is None, instant(p.article.published_at) or _EPOCH))
        for ready in prepared:
            with _item_errors(state, ready.item_url):
                state.admit(ready)
            if len(state.pending) >= config.ingest.batch_size:
                state.flush()
        state.flush()
        if state.dead_letters:
            sink.send_dead_letters(state.dead_letters)
            counts.dead_lettered = len(state.dead_letters)
    except BaseException:
        state.abandon()
        raise
    finally:
        if own_fetcher:
            fetcher.close()
    # Remember the listing's validators only when nothing transient failed: otherwise a 304 next
    # time would hide the items that deserve another try.
    if discovery.validators and state.transient_failures == 0:
        store.save_validators(source.url, Validators(**discovery.validators))
    counts.seconds["total"] = time.monotonic() - start + discovery.seconds
    log.info("ingest.source_done", **counts.to_dict())
    return counts


def run_source(source: Source, config: SourcesConfig, store: SeenStore, sink: Sink) -> IngestCounts:
    """Discover and ingest one source with a single HTTP client (dry run, benchmark, scripts)."""
    with Fetcher(source, config.http, hosts=store.hosts()) as fetcher:
        discovery = discover_source(source, config, store, fetcher)
        return ingest_discovery(source, discovery, config, store, sink, fetcher=fetcher)
