"""The alerter's state, kept in a small SQLite file so it survives restarts: suppression of
repeated alerts, the items counted by rate and spike rules, and which story revisions fired.

Per rule and dedup key (event type, source countries, target countries) only the first
alert in `suppress_minutes` fires; later ones are counted and reported in the next alert
that does fire. Decisions are idempotent under redelivery: an event that already fired
(same alert_id) fires again with the same id, which downstream dedupes, so a crash between
the SQLite commit and the Kafka commit can never swallow an alert.

Why SQLite rather than rebuilding state from the alerts topic: it is one local file, cheap
to read on every event and trivially durable. The cost: state is per host; run one alerter
instance (the alerts topic has one partition anyway) or accept a few repeats after a move.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fired (
    rule        TEXT NOT NULL,
    dedup_key   TEXT NOT NULL,
    alert_id    TEXT NOT NULL,
    fired_at    REAL NOT NULL,      -- unix seconds of the alert that opened the window
    suppressed  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (rule, dedup_key)
);
-- What rate and spike rules count: one row per rule, series and story (or event), at the
-- time it was first seen, so a redelivered or repeated mention is never counted twice.
CREATE TABLE IF NOT EXISTS window_items (
    rule        TEXT NOT NULL,
    series      TEXT NOT NULL,      -- event type | country
    item        TEXT NOT NULL,      -- story_id, or event_id with count: events
    at          REAL NOT NULL,      -- unix seconds, the publication time of the first mention
    PRIMARY KEY (rule, series, item)
);
CREATE INDEX IF NOT EXISTS window_items_by_time ON window_items (rule, series, at);
-- Story rules fire once per story: the revision that fired (a redelivery of it fires again).
CREATE TABLE IF NOT EXISTS story_alerts (
    rule        TEXT NOT NULL,
    story_id    TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    PRIMARY KEY (rule, story_id)
);
"""


@dataclass(frozen=True)
class Decision:
    fire: bool
    suppressed_before: int = 0  # repeats swallowed since the previous alert, for its summary


class SuppressionStore:
    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level="DEFERRED", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._db.commit()

    def decide(self, rule: str, key: str, alert_id: str, now: float, window_s: float) -> Decision:
        """Fire or suppress; the change is pending until commit()."""
        row = self._db.execute("SELECT alert_id, fired_at, suppressed FROM fired WHERE rule = ? AND dedup_key = ?", (rule, key)).fetchone()
        if row is not None and row[0] == alert_id:
            return Decision(fire=True)  # a redelivered event: same alert again
        if row is None or window_s <= 0 or now - row[1] >= window_s:
            self._db.execute(
                "INSERT INTO fired (rule, dedup_key, alert_id, fired_at, suppressed) VALUES (?, ?, ?, ?, 0) "
                "ON CONFLICT (rule, dedup_key) DO UPDATE SET alert_id = excluded.alert_id, fired_at = excluded.fired_at, suppressed = 0",
                (rule, key, alert_id, now),
            )
            return Decision(fire=True, suppressed_before=row[2] if row else 0)
        self._db.execute("UPDATE fired SET suppressed = suppressed + 1 WHERE rule = ? AND dedup_key = ?", (rule, key))
        return Decision(fire=False)

    def count_item(self, rule: str, series: str, item: str, at: float) -> None:
        """Count an item in a series once, at the first time it was seen (pending until commit())."""
        self._db.execute(
            "INSERT INTO window_items (rule, series, item, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (rule, series, item) DO UPDATE SET at = min(at, excluded.at)",
            (rule, series, item, at),
        )

    def item_times(self, rule: str, series: str, after: float, before: float) -> list[float]:
        """First-seen times of a series' items in (after, before), sorted."""
        rows = self._db.execute(
            "SELECT at FROM window_items WHERE rule = ? AND series = ? AND at > ? AND at < ? ORDER BY at", (rule, series, after, before)
        ).fetchall()
        return [float(r[0]) for r in rows]

    def items_between(self, rule: str, series: str, after: float, until: float) -> int:
        """Items of a series first seen in (after, until]."""
        row = self._db.execute(
            "SELECT count(*) FROM window_items WHERE rule = ? AND series = ? AND at > ? AND at <= ?", (rule, series, after, until)
        ).fetchone()
        return int(row[0])

    def story_fired(self, rule: str, story_id: str) -> int | None:
        """The revision of the story that fired this rule, if one did."""
        row = self._db.execute("SELECT revision FROM story_alerts WHERE rule = ? AND story_id = ?", (rule, story_id)).fetchone()
        return int(row[0]) if row else None

    def mark_story(self, rule: str, story_id: str, revision: int) -> None:
        self._db.execute("INSERT OR IGNORE INTO story_alerts (rule, story_id, revision) VALUES (?, ?, ?)", (rule, story_id, revision))

    def commit(self) -> None:
        self._db.commit()

    def rollback(self) -> None:
        self._db.rollback()

    def prune(self, older_than: float, items_reach_s: float | None = None) -> int:
        """Forget suppression windows that closed before `older_than`, and counted items more than
        `items_reach_s` older than the newest one (no window reaches them); how many.

        Items are dated by publication, so their age is measured against the newest item, not
        the clock: replaying last month's news keeps last month's baselines.
        """
        count = self._db.execute("DELETE FROM fired WHERE fired_at < ?", (older_than,)).rowcount
        if items_reach_s is not None:
            count += self._db.execute(
                "DELETE FROM window_items WHERE at < (SELECT max(at) FROM window_items) - ?", (items_reach_s,)
            ).rowcount
        self._db.commit()
        return count

    def close(self) -> None:
        self._db.close()
