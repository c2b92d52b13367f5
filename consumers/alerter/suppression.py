"""Suppression of repeated alerts, kept in a small SQLite file so it survives restarts.

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
)
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
        self._db.execute(_SCHEMA)
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

    def commit(self) -> None:
        self._db.commit()

    def rollback(self) -> None:
        self._db.rollback()

    def prune(self, older_than: float) -> int:
        """Forget windows that closed long ago; returns how many."""
        count = self._db.execute("DELETE FROM fired WHERE fired_at < ?", (older_than,)).rowcount
        self._db.commit()
        return count

    def close(self) -> None:
        self._db.close()
