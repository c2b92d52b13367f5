"""Per-host politeness state shared by every source and mapped task that reaches a host.

One request slot schedule (rate limit), one cached robots.txt, one Retry-After back-off and
the URLs that ran past the total deadline, per origin (scheme://host:port). `MemoryHosts` keeps
it in the process (dry runs, tests, one Fetcher); the seen store's `DbHosts` (seen_store.py)
keeps it in the shared seen-state database, so parallel Airflow tasks and workers agree.
Times are wall-clock epoch seconds, comparable across processes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from dags.ingest.netguard import origin_of


def origin_key(url: str) -> str:
    """'https://www.example.org:443' for any URL on that origin (robots.txt and rate limits are per origin)."""
    host, port = origin_of(url)
    return f"{urlsplit(url).scheme.lower()}://{host}:{port}"


@dataclass(frozen=True)
class RobotsRecord:
    """A fetched robots.txt: status 'ok' (text applies), 'allow_all' (4xx) or 'unavailable' (5xx, network)."""

    status: str
    text: str
    fetched_at: float
    error: str | None = None


class Hosts(Protocol):
    def reserve(self, origin: str, interval: float) -> float:
        """Book the origin's next request slot at least `interval` s after the previous one; return the wait."""
        ...

    def robots(self, origin: str) -> RobotsRecord | None: ...

    def save_robots(self, origin: str, record: RobotsRecord) -> None: ...

    def backoff_until(self, origin: str) -> tuple[float, str] | None:
        """(until, why) while the origin asked us to stay away (Retry-After beyond what a run waits)."""
        ...

    def back_off(self, origin: str, until: float, why: str) -> None: ...

    def url_blocked(self, url: str) -> str | None:
        """Why this URL is not fetched again for now (it ran past the total deadline), else None."""
        ...

    def block_url(self, url: str, until: float, why: str) -> None: ...


class MemoryHosts:
    """Hosts state for one process (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._robots: dict[str, RobotsRecord] = {}
        self._backoff: dict[str, tuple[float, str]] = {}
        self._blocked: dict[str, tuple[float, str]] = {}

    def reserve(self, origin: str, interval: float) -> float:
        if interval <= 0:
            return 0.0
        with self._lock:
            now = time.time()
            slot = max(now, self._next.get(origin, 0.0))
            self._next[origin] = slot + interval
        return slot - now

    def robots(self, origin: str) -> RobotsRecord | None:
        with self._lock:
            return self._robots.get(origin)

    def save_robots(self, origin: str, record: RobotsRecord) -> None:
        with self._lock:
            self._robots[origin] = record

    def backoff_until(self, origin: str) -> tuple[float, str] | None:
        with self._lock:
            entry = self._backoff.get(origin)
        return entry if entry and entry[0] > time.time() else None

    def back_off(self, origin: str, until: float, why: str) -> None:
        with self._lock:
            self._backoff[origin] = (until, why)

    def url_blocked(self, url: str) -> str | None:
        with self._lock:
            entry = self._blocked.get(url)
        return entry[1] if entry and entry[0] > time.time() else None

    def block_url(self, url: str, until: float, why: str) -> None:
        with self._lock:
            self._blocked[url] = (until, why)
