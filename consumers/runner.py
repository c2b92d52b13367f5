"""Command-line plumbing shared by the consumers: flags, settings check, first-run check,
metrics port, and running one or more group members.

    --print-config        the effective settings, secrets redacted, then exit
    --drain               exit once the group has committed what the inputs held at start
    --stop-when-idle S    exit after S idle seconds (prefer --drain)
    --max-seconds S       exit after S seconds
    --metrics-port P      /metrics, /healthz, /readyz on P (default NEWS_METRICS_PORT);
                          with --processes N, member i serves on P + i
"""

from __future__ import annotations

import argparse
import multiprocessing
from collections.abc import Callable
from typing import Any

from common.config import load_settings
from common.logs import configure_logging, get_logger
from common.preflight import elasticsearch_problem, fail, kafka_problem, prepared_settings, register_secrets

log = get_logger(__name__)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-seconds", type=float, help="stop after this long")
    parser.add_argument("--stop-when-idle", type=float, help="stop after this many idle seconds (prefer --drain)")
    parser.add_argument("--drain", action="store_true", help="stop once the group has committed every record present at start (lag 0)")
    parser.add_argument("--metrics-port", type=int, help="serve /metrics, /healthz, /readyz here (default NEWS_METRICS_PORT)")
    parser.add_argument("--print-config", action="store_true", help="print the effective settings (secrets redacted) and exit")


def _run_one(factory: Callable[[argparse.Namespace], Any], args: argparse.Namespace, port: int | None) -> int:
    configure_logging()
    register_secrets(load_settings())
    member = factory(args)
    if port:
        member.metrics_port = port
    member.run(max_seconds=args.max_seconds, stop_when_idle_s=args.stop_when_idle, drain=args.drain)
    return 0


def _member_process(factory: Callable[[argparse.Namespace], Any], args: argparse.Namespace, port: int | None) -> None:
    raise SystemExit(_run_one(factory, args, port))


def run_members(
    factory: Callable[[argparse.Namespace], Any], args: argparse.Namespace, *, processes: int = 1, needs_elasticsearch: bool = False
) -> int:
    """Validate the settings, check the services, then run `processes` members built by `factory`."""
    configure_logging()
    settings = prepared_settings(args.print_config)
    if isinstance(settings, int):
        return settings
    problem = kafka_problem(settings) or (elasticsearch_problem(settings) if needs_elasticsearch else None)
    if problem:
        return fail(problem)
    port = args.metrics_port or settings.consumer.metrics_port
    if processes <= 1:
        return _run_one(factory, args, port)
    ctx = multiprocessing.get_context("spawn")
    members = [
        ctx.Process(target=_member_process, args=(factory, args, port + i if port else None), name=f"member-{i}") for i in range(processes)
    ]
    for member in members:
        member.start()
    try:
        for member in members:
            member.join()
    except KeyboardInterrupt:
        for member in members:
            member.terminate()  # SIGTERM: each member finishes its batch and commits
        for member in members:
            member.join()
    return max((m.exitcode or 0) for m in members)
