"""Durable seen-state shared by every worker: which URLs and contents were already sent.

SQLAlchemy tables at NEWS_SEEN_DB_URL (default: SQLite at var/ingest/seen.db; in production
a Postgres URL such as postgresql+psycopg2://user:pass@host/newsevents, with the driver installed).

Sending is at-least-once and never twice in parallel: an article is first *claimed* with an
atomic INSERT (the primary key is the article id, the content hash is unique), then sent to
Kafka, and marked *sent* only after the broker acknowledged it. A claim whose worker died is
taken over once its lease expires. Times are stored as naive UTC.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    case,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from common.config import load_settings
from dags.ingest.fetch import Validators
from dags.ingest.hosts import RobotsRecord
from dags.ingest.normalise import legacy_url_hashes, url_hash

metadata = MetaData()

articles = Table(
    "ingest_articles",
    metadata,
    Column("article_id", String(32), primary_key=True),
    Column("canonical_url", Text, nullable=False),
    Column("content_hash", String(71), nullable=False, unique=True),
    Column("source", String(64), nullable=False),
    Column("status", String(8), nullable=False),  # claimed | sent
    Column("claimed_by", String(64)),
    Column("claimed_at", DateTime),
    Column("first_seen", DateTime, nullable=False),
    Column("sent_at", DateTime, index=True),
    Column("near_duplicate_of", String(32)),
    Column("minhash", LargeBinary),
)

urls = Table(
    "ingest_urls",
    metadata,
    Column("url_hash", String(32), primary_key=True),
    Column("url", Text, nullable=False),
    Column("article_id", String(32), nullable=False, index=True),
    Column("first_seen", DateTime, nullable=False),
)

validators = Table(
    "ingest_validators",
    metadata,
    Column("url_hash", String(32), primary_key=True),
    Column("url", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("updated_at", DateTime, nullable=False),
)

failures = Table(
    "ingest_failures",
    metadata,
    Column("url_hash", String(32), primary_key=True),
    Column("url", Text, nullable=False),
    Column("source", String(64), nullable=False),
    Column("reason", String(64), nullable=False),
    Column("permanent", Boolean, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("first_failed_at", DateTime, nullable=False),
    Column("last_failed_at", DateTime, nullable=False),
)


# Politeness per origin, shared by all workers (see dags/ingest/hosts.py). Epoch seconds.
hosts = Table(
    "ingest_hosts",
    metadata,
    Column("origin", String(300), primary_key=True),
    Column("next_at", Float, nullable=False),
    Column("backoff_until", Float),
    Column("backoff_reason", Text),
    Column("robots_status", String(16)),
    Column("robots_text", Text),
    Column("robots_error", Text),
    Column("robots_fetched_at", Float),
)

url_blocks = Table(
    "ingest_url_blocks",
    metadata,
    Column("url_hash", String(32), primary_key=True),
    Column("url", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("until", Float, nullable=False),
)


# Statements run for every discovered item, built once (constructing them per call cost more
# CPU than running them).
_KNOWN_URL = select(articles.c.article_id).where(
    articles.c.status == "sent",
    articles.c.article_id.in_(bindparam("keys", expanding=True))
    | articles.c.article_id.in_(select(urls.c.article_id).where(urls.c.url_hash.in_(bindparam("alias_keys", expanding=True)))),
)
_PERMANENT_FAILURE = select(failures.c.reason, failures.c.last_failed_at).where(
    failures.c.url_hash == bindparam("key"), failures.c.permanent.is_(True)
)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def default_db_url() -> str:
    return os.environ.get("NEWS_SEEN_DB_URL") or f"sqlite:///{load_settings().var_dir / 'ingest' / 'seen.db'}"


class ClaimOutcome(Enum):
    CLAIMED = "claimed"
    DUPLICATE_URL = "url"
    DUPLICATE_CONTENT = "content"


@dataclass(frozen=True)
class Claim:
    outcome: ClaimOutcome
    existing_id: str | None = None


@dataclass
class SentRecord:
    """An acknowledged article: its signature for near-dup checks and every URL it was found under."""

    article_id: str
    minhash: bytes | None
    near_duplicate_of: str | None
    urls: list[str] = field(default_factory=list)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if not database or database == ":memory:":
        # One shared in-memory database for all connections (dry runs and tests).
        return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        # WAL lets parallel tasks read while one writes; busy_timeout makes writers wait, not fail.
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


class SeenStore:
    def __init__(self, url: str | None = None, engine: Engine | None = None) -> None:
        self.url = url or default_db_url()
        self.engine = engine or (
            _sqlite_engine(self.url) if self.url.startswith("sqlite") else create_engine(self.url, pool_pre_ping=True)
        )
        self._create_tables()

    def _create_tables(self) -> None:
        try:
            metadata.create_all(self.engine)
        except (OperationalError, IntegrityError):
            # Another worker created them at the same moment; checkfirst makes the retry a no-op.
            metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def hosts(self) -> DbHosts:
        """Per-host politeness state in this database, shared with every other worker."""
        return DbHosts(self.engine)

    # -- reads ----------------------------------------------------------------------------------

    def known_url(self, url: str) -> str | None:
        """The id of a *sent* article this URL (or an alias of it) leads to, else None."""
        # Ids made under an older id scheme (normalise.ID_SCHEME) still count as seen.
        keys = [url_hash(url), *legacy_url_hashes(url)]
        with self.engine.connect() as conn:
            return conn.execute(_KNOWN_URL, {"keys": keys, "alias_keys": keys}).scalar()

    def known_content(self, content_hash: str) -> str | None:
        """The id of a sent article with exactly this content hash, else None."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(articles.c.article_id).where(
                    articles.c.content_hash == content_hash, articles.c.status == "sent"
                )
            ).scalar()

    def recent_permanent_failure(self, url: str, within: timedelta) -> str | None:
        """Reason of a permanent failure of this URL less than `within` ago (so it is not refetched yet)."""
        with self.engine.connect() as conn:
            row = conn.execute(_PERMANENT_FAILURE, {"key": url_hash(url)}).first()
        if row and row.last_failed_at >= utcnow() - within:
            return row.reason
        return None

    def get_validators(self, url: str) -> Validators | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(validators.c.etag, validators.c.last_modified).where(validators.c.url_hash == url_hash(url))
            ).first()
        return Validators(row.etag, row.last_modified) if row else None

    def recent_signatures(self, since: datetime) -> list[tuple[str, bytes, str | None]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(articles.c.article_id, articles.c.minhash, articles.c.near_duplicate_of).where(
                    articles.c.status == "sent", articles.c.sent_at >= since, articles.c.minhash.is_not(None)
                )
            ).all()
        return [(r.article_id, r.minhash, r.near_duplicate_of) for r in rows]

    def count_sent(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(articles).where(articles.c.status == "sent")
            ).scalar_one()

    # -- claims -----------------------------------------------------------------------------------

    def claim(
        self,
        article_id: str,
        canonical_url: str,
        content_hash: str,
        source: str,
        owner: str,
        lease: timedelta,
    ) -> Claim:
        """Atomically reserve an article for sending. Exactly one concurrent caller gets CLAIMED."""
        now = utcnow()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(articles).values(
                        article_id=article_id,
                        canonical_url=canonical_url,
                        content_hash=content_hash,
                        source=source,
                        status="claimed",
                        claimed_by=owner,
                        claimed_at=now,
                        first_seen=now,
                    )
                )
            return Claim(ClaimOutcome.CLAIMED)
        except IntegrityError:
            pass
        try:
            with self.engine.begin() as conn:
                row = conn.execute(
                    select(articles.c.status, articles.c.claimed_by, articles.c.claimed_at).where(
                        articles.c.article_id == article_id
                    )
                ).first()
                if row is None:
                    other = conn.execute(
                        select(articles.c.article_id).where(articles.c.content_hash == content_hash)
                    ).scalar()
                    return Claim(ClaimOutcome.DUPLICATE_CONTENT, other)
                if row.status == "claimed" and row.claimed_at is not None and row.claimed_at < now - lease:
                    taken = conn.execute(
                        update(articles)
                        .where(
                            articles.c.article_id == article_id,
                            articles.c.status == "claimed",
                            articles.c.claimed_by == row.claimed_by,
                        )
                        .values(claimed_by=owner, claimed_at=now, content_hash=content_hash, source=source)
                    )
                    if taken.rowcount == 1:
                        return Claim(ClaimOutcome.CLAIMED)
        except IntegrityError:
            return Claim(ClaimOutcome.DUPLICATE_CONTENT)
        return Claim(ClaimOutcome.DUPLICATE_URL, article_id)

    def release(self, article_ids: Iterable[str], owner: str) -> None:
        """Give back claims whose send failed, so a retry or another worker can send them."""
        ids = list(article_ids)
        if not ids:
            return
        with self.engine.begin() as conn:
            conn.execute(
                articles.delete().where(
                    articles.c.article_id.in_(ids), articles.c.status == "claimed", articles.c.claimed_by == owner
                )
            )

    def mark_sent(self, records: Sequence[SentRecord], owner: str) -> None:
        """Record acknowledged articles (call only after the Kafka ack)."""
        now = utcnow()
        with self.engine.begin() as conn:
            for record in records:
                conn.execute(
                    update(articles)
                    .where(articles.c.article_id == record.article_id, articles.c.claimed_by == owner)
                    .values(
                        status="sent",
                        sent_at=now,
                        minhash=record.minhash,
                        near_duplicate_of=record.near_duplicate_of,
                    )
                )
                self._remember_urls(conn, record.article_id, record.urls, now)
                self._clear_failures(conn, record.urls)

    def remember_urls(self, article_id: str, alias_urls: Iterable[str]) -> None:
        """Note that these URLs lead to an article already known, so they are not fetched again."""
        with self.engine.begin() as conn:
            self._remember_urls(conn, article_id, alias_urls, utcnow())
            self._clear_failures(conn, alias_urls)

    @staticmethod
    def _remember_urls(conn: Connection, article_id: str, alias_urls: Iterable[str], now: datetime) -> None:
        for url in dict.fromkeys(alias_urls):
            _insert_ignore(
                conn, urls, {"url_hash": url_hash(url), "url": url, "article_id": article_id, "first_seen": now}
            )

    @staticmethod
    def _clear_failures(conn: Connection, failed_urls: Iterable[str]) -> None:
        keys = [url_hash(u) for u in failed_urls]
        if keys:
            conn.execute(failures.delete().where(failures.c.url_hash.in_(keys)))

    # -- failures and validators -----------------------------------------------------------------

    def record_failure(self, url: str, source: str, reason: str, permanent: bool) -> None:
        now = utcnow()
        key = url_hash(url)
        values = {"reason": reason, "permanent": permanent, "last_failed_at": now, "source": source}
        with self.engine.begin() as conn:
            bump = update(failures).where(failures.c.url_hash == key).values(attempts=failures.c.attempts + 1, **values)
            if conn.execute(bump).rowcount == 0:
                row = {"url_hash": key, "url": url, "attempts": 1, "first_failed_at": now, **values}
                if not _insert_ignore(conn, failures, row):
                    conn.execute(bump)

    def save_validators(self, url: str, found: Validators) -> None:
        key = url_hash(url)
        values = {"etag": found.etag, "last_modified": found.last_modified, "updated_at": utcnow()}
        with self.engine.begin() as conn:
            change = update(validators).where(validators.c.url_hash == key).values(**values)
            if conn.execute(change).rowcount == 0 and not _insert_ignore(
                conn, validators, {"url_hash": key, "url": url, **values}
            ):
                conn.execute(change)


class DbHosts:
    """dags.ingest.hosts.Hosts kept in the seen-state database (atomic slot booking per origin)."""

    # "No back-off" answers are reused this long, so a page fetch costs no extra query; a
    # back-off another worker records is seen within this time.
    NO_BACKOFF_TTL_S = 2.0
    # URLs blocked for running past the deadline are read in one query and reused this long.
    BLOCKED_SNAPSHOT_TTL_S = 30.0

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._no_backoff_until: dict[str, float] = {}
        self._blocked: dict[str, tuple[float, str]] = {}
        self._blocked_read_at = 0.0

    def _ensure(self, conn: Connection, origin: str) -> None:
        _insert_ignore(conn, hosts, {"origin": origin, "next_at": 0.0})

    def reserve(self, origin: str, interval: float) -> float:
        if interval <= 0:
            return 0.0
        now = time.time()
        with self.engine.begin() as conn:
            self._ensure(conn, origin)
            # One UPDATE books the slot: the row lock (Postgres) or write lock (SQLite) is held until
            # commit, so two workers can never get the same slot.
            conn.execute(
                update(hosts)
                .where(hosts.c.origin == origin)
                .values(next_at=case((hosts.c.next_at > now, hosts.c.next_at), else_=now) + interval)
            )
            booked = conn.execute(select(hosts.c.next_at).where(hosts.c.origin == origin)).scalar_one()
        return max(0.0, booked - interval - now)

    def robots(self, origin: str) -> RobotsRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(hosts.c.robots_status, hosts.c.robots_text, hosts.c.robots_fetched_at, hosts.c.robots_error).where(
                    hosts.c.origin == origin
                )
            ).first()
        if row is None or row.robots_status is None:
            return None
        return RobotsRecord(row.robots_status, row.robots_text or "", row.robots_fetched_at or 0.0, row.robots_error)

    def save_robots(self, origin: str, record: RobotsRecord) -> None:
        with self.engine.begin() as conn:
            self._ensure(conn, origin)
            conn.execute(
                update(hosts)
                .where(hosts.c.origin == origin)
                .values(
                    robots_status=record.status,
                    robots_text=record.text,
                    robots_fetched_at=record.fetched_at,
                    robots_error=record.error,
                )
            )

    def backoff_until(self, origin: str) -> tuple[float, str] | None:
        now = time.time()
        if self._no_backoff_until.get(origin, 0.0) > now:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(hosts.c.backoff_until, hosts.c.backoff_reason).where(hosts.c.origin == origin)
            ).first()
        if row and row.backoff_until and row.backoff_until > now:
            return row.backoff_until, row.backoff_reason or ""
        self._no_backoff_until[origin] = now + self.NO_BACKOFF_TTL_S
        return None

    def back_off(self, origin: str, until: float, why: str) -> None:
        self._no_backoff_until.pop(origin, None)
        with self.engine.begin() as conn:
            self._ensure(conn, origin)
            conn.execute(update(hosts).where(hosts.c.origin == origin).values(backoff_until=until, backoff_reason=why))

    def url_blocked(self, url: str) -> str | None:
        now = time.time()
        if now - self._blocked_read_at > self.BLOCKED_SNAPSHOT_TTL_S:
            with self.engine.connect() as conn:
                rows = conn.execute(select(url_blocks.c.url, url_blocks.c.reason, url_blocks.c.until).where(url_blocks.c.until > now))
                self._blocked = {r.url: (r.until, r.reason) for r in rows}
            self._blocked_read_at = now
        entry = self._blocked.get(url)
        return entry[1] if entry and entry[0] > now else None

    def block_url(self, url: str, until: float, why: str) -> None:
        self._blocked[url] = (until, why)
        key = _raw_hash(url)
        with self.engine.begin() as conn:
            change = update(url_blocks).where(url_blocks.c.url_hash == key).values(until=until, reason=why)
            if conn.execute(change).rowcount == 0 and not _insert_ignore(
                conn, url_blocks, {"url_hash": key, "url": url, "reason": why, "until": until}
            ):
                conn.execute(change)


def _raw_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def _insert_ignore(conn: Connection, table: Table, row: dict[str, Any]) -> bool:
    """INSERT that does nothing if the primary key exists; True if a row was inserted.

    Dialect-specific because a failed plain INSERT would abort the surrounding Postgres transaction.
    """
    dialect = conn.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect in ("mysql", "mariadb"):
        return conn.execute(insert(table).prefix_with("IGNORE").values(**row)).rowcount == 1
    else:
        raise NotImplementedError(f"the seen store supports SQLite, Postgres and MySQL, not {dialect}")
    return conn.execute(dialect_insert(table).values(**row).on_conflict_do_nothing()).rowcount == 1


class OverlaySeenStore(SeenStore):
    """Reads see `base` plus this run's own writes; writes never reach `base` (for dry runs)."""

    def __init__(self, base: SeenStore) -> None:
        super().__init__("sqlite://")
        self.base = base

    def known_url(self, url: str) -> str | None:
        return super().known_url(url) or self.base.known_url(url)

    def known_content(self, content_hash: str) -> str | None:
        return super().known_content(content_hash) or self.base.known_content(content_hash)

    def recent_permanent_failure(self, url: str, within: timedelta) -> str | None:
        return super().recent_permanent_failure(url, within) or self.base.recent_permanent_failure(url, within)

    def get_validators(self, url: str) -> Validators | None:
        return super().get_validators(url) or self.base.get_validators(url)

    def recent_signatures(self, since: datetime) -> list[tuple[str, bytes, str | None]]:
        return self.base.recent_signatures(since) + super().recent_signatures(since)

    def claim(
        self, article_id: str, canonical_url: str, content_hash: str, source: str, owner: str, lease: timedelta
    ) -> Claim:
        if self.base.known_url(canonical_url):
            return Claim(ClaimOutcome.DUPLICATE_URL, article_id)
        existing = self.base.known_content(content_hash)
        if existing:
            return Claim(ClaimOutcome.DUPLICATE_CONTENT, existing)
        return super().claim(article_id, canonical_url, content_hash, source, owner, lease)
