"""The one per-page time limit that the DAG and the extraction CLI share (ingest.max_extract_seconds).

Extraction is CPU-bound library code (lxml, trafilatura), which a thread cannot interrupt; a
POSIX interval timer can, between two Python bytecodes. It works in the main thread of a
process, which is where Airflow task runners, the CLI and the benchmark extract; elsewhere the
limit is logged as not enforced rather than silently skipped.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from common.logs import get_logger
from dags.ingest.errors import IngestFailure

log = get_logger(__name__)


class _Expired(BaseException):
    """Raised inside the limited block by the timer (BaseException: library code catching Exception must not swallow it)."""


@contextmanager
def time_limit(seconds: float | None, url: str | None = None) -> Iterator[None]:
    """Raise IngestFailure('extract_timeout') if the block runs longer than `seconds`."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        if seconds and threading.current_thread() is not threading.main_thread():
            log.debug("extract.time_limit_not_enforced", reason="not in the main thread", url=url)
        yield
        return

    def expire(_signum: int, _frame: Any) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise IngestFailure(
            "extract_timeout",
            f"extracting {url or 'the page'} took longer than ingest.max_extract_seconds={seconds}",
            url=url,
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
