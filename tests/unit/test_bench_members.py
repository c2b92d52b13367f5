"""Benchmark members fail fast: a member that dies or hangs stops the run with a clear message."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from bench.members import MemberFailed, run_members


def _report(value: int, queue: Any) -> None:
    queue.put(value)


def _die(queue: Any) -> None:
    os._exit(3)


def _hang(queue: Any) -> None:
    time.sleep(600)


def test_every_member_reports() -> None:
    assert sorted(run_members(_report, (7,), 2, timeout=60)) == [7, 7]


def test_a_member_that_dies_fails_the_run_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(MemberFailed, match="exited with code 3"):
        run_members(_die, (), 2, timeout=600)
    assert time.monotonic() - started < 30


def test_a_member_that_hangs_is_stopped_after_the_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(MemberFailed, match="did not report within 3 s"):
        run_members(_hang, (), 1, timeout=3)
    assert time.monotonic() - started < 30
