"""Structured logging: JSON lines on stderr when not on a terminal, readable key=value otherwise."""

from __future__ import annotations

import logging
import os
import sys

import structlog


class _StderrLogger:
    """Writes to whatever sys.stderr is at call time (pytest and redirects swap it)."""

    def msg(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


def _stderr_logger_factory(*_args: object) -> _StderrLogger:
    return _StderrLogger()


def configure_logging(level: str | None = None) -> None:
    level_name = (level or os.environ.get("NEWS_LOG_LEVEL", "INFO")).upper()
    json_logs = os.environ.get("NEWS_LOG_FORMAT", "auto") == "json" or (
        os.environ.get("NEWS_LOG_FORMAT", "auto") == "auto" and not sys.stderr.isatty()
    )
    renderer = structlog.processors.JSONRenderer() if json_logs else structlog.dev.ConsoleRenderer(colors=False)
    logging.basicConfig(level=level_name, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    # Client libraries narrate every connection at INFO; keep their warnings only.
    for noisy in ("kafka", "elastic_transport", "httpx", "httpcore", "trafilatura", "htmldate", "courlan"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level_name)))
    # Warns while a new group's metadata is still loading; the next rebalance assigns partitions.
    logging.getLogger("kafka.coordinator.assignors.range").setLevel(logging.ERROR)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level_name)),
        logger_factory=_stderr_logger_factory,
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
