"""Consumer-group members as separate processes, each reporting its readings on a queue."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from queue import Empty
from typing import Any

CHECK_S = 1.0  # how often the members' liveness is looked at while waiting for readings
STOP_GRACE_S = 30.0  # a member told to stop (SIGTERM) finishes its batch in flight within this


class MemberFailed(RuntimeError):
    """A member died before reporting, or did not report in time; the others were stopped."""


def run_members(target: Callable[..., None], args: tuple[Any, ...], processes: int, timeout: float) -> list[Any]:
    """Start `processes` fresh ("spawn") processes of `target(*args, queue)`; one reading each, in arrival order.

    Fails fast: as soon as a member exits without reporting, or after `timeout` seconds, the
    others are stopped and MemberFailed says which member and why (no member outlives the call).
    """
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    members = [ctx.Process(target=target, args=(*args, queue)) for _ in range(processes)]
    for member in members:
        member.start()
    readings: list[Any] = []
    deadline = time.monotonic() + timeout
    done = False
    try:
        while len(readings) < len(members):
            exited = [m for m in members if m.exitcode is not None]  # looked at before the get: a reading is queued before its member exits
            try:
                readings.append(queue.get(timeout=CHECK_S))
                continue
            except Empty:
                pass
            failed = [m for m in exited if m.exitcode != 0]
            if failed:
                raise MemberFailed(f"member process {failed[0].pid} exited with code {failed[0].exitcode} before reporting; its log is above")
            if len(exited) > len(readings):
                raise MemberFailed(f"{len(exited) - len(readings)} member process(es) exited without reporting")
            if time.monotonic() >= deadline:
                raise MemberFailed(f"{len(members) - len(readings)} of {len(members)} members did not report within {timeout:.0f} s")
        done = True
    finally:
        _stop(members, now=not done)
    return readings


def _stop(members: list[BaseProcess], *, now: bool) -> None:
    """Join the members; one still running (at once when `now`, else after the grace) gets SIGTERM, then SIGKILL."""
    if now:
        for member in members:
            if member.is_alive():
                member.terminate()  # the loop's SIGTERM handler finishes the batch in flight
    for signal_next in ("terminate", "kill"):
        deadline = time.monotonic() + STOP_GRACE_S
        for member in members:
            member.join(timeout=max(0.0, deadline - time.monotonic()))
        running = [m for m in members if m.is_alive()]
        if not running:
            return
        for member in running:
            getattr(member, signal_next)()
    for member in members:
        member.join()
