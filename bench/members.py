"""Consumer-group members as separate processes, each reporting its readings on a queue."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any


def run_members(target: Callable[..., None], args: tuple[Any, ...], processes: int, timeout: float) -> list[Any]:
    """Start `processes` fresh ("spawn") processes of `target(*args, queue)`; one reading each, in arrival order."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    members = [ctx.Process(target=target, args=(*args, queue)) for _ in range(processes)]
    for member in members:
        member.start()
    readings = [queue.get(timeout=timeout) for _ in members]
    for member in members:
        member.join()
    return readings
