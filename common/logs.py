"""Structured logging for our code and for the libraries we use, in one format.

* NEWS_LOG_FORMAT=json: every line on stderr is one JSON object, kafka-python's and
  elastic-transport's lines included (they go through the same processors);
  console: key=value lines for people; auto: json unless stderr is a terminal.
* kafka-python and elastic-transport narrate every failed reconnect of an outage (dozens
  of lines and tracebacks per minute); those lines are folded into one line when the
  service becomes unreachable and one when it is back (see ServiceLink). Set
  NEWS_LOG_LEVEL=DEBUG to see them all.
* Registered secrets (passwords, API keys, webhook URLs) are scrubbed from every line.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
import warnings
from typing import Any

import structlog

from common.redact import scrub

_HANDLER_NAME = "newsevents"
# kafka-python lines that only say "the broker cannot be reached (yet)".
_KAFKA_UNREACHABLE = re.compile(
    r"KafkaConnectionError|ECONNREFUSED|ECONNRESET|socket disconnected|Connection lost|Connection failed|"
    r"No node available|not ready; waiting|Unable to bootstrap|Bootstrap failed|Bootstrap (attempt|connection)|"
    r"NodeNotReady|Node Disconnected|Request timed out|Metadata refresh: failed|KafkaTimeoutError|"
    r"Error (receiving|sending) (network|request) data",
)
# Group coordination while a broker comes back (or a group starts): expected, not actionable.
_KAFKA_REJOIN = re.compile(
    r"Marking the coordinator dead|needs to re-join|NotCoordinator|CoordinatorNotAvailable|CoordinatorLoadInProgress|Heartbeat failed"
)
_KAFKA_CONNECTED = re.compile(r": Connected$|Bootstrap complete")
_ES_UNREACHABLE = re.compile(
    r"ConnectionError|ConnectionTimeout|Connection refused|has failed for|Retrying request after failure|Request failure|timed out"
)
_ES_ANSWERED = re.compile(r"\[status:[1-4]\d\d |marked alive")
# Harmless internal kafka-python lines: a connection closed while its log prefix was built; its IO
# loop's own timing warnings when the machine is busy.
_KAFKA_HARMLESS = re.compile(r"Failed to build connection log_prefix|It is blocking the event loop|No broker metadata found in MetadataResponse")


def _with_exception(record: logging.LogRecord, message: str) -> str:
    """The message and the exception it carries: client libraries often put the cause only there."""
    return message + (f" {record.exc_info[1]!r}" if record.exc_info else "")


def _socket_error(record: logging.LogRecord) -> bool:
    """A connection reset, refused or broken pipe: the peer went away, whatever the message says.
    Also kafka-python's IO loop waiting on a socket that a reconnect has just closed ("Invalid file
    descriptor: -1" in "Unhandled exception in task"): the task ends and the client reconnects."""
    if not record.exc_info:
        return False
    exc = record.exc_info[1]
    return isinstance(exc, OSError) or (isinstance(exc, ValueError) and "file descriptor" in str(exc))


class _StderrLogger:
    """Writes to whatever sys.stderr is at call time (pytest and redirects swap it)."""

    def msg(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


def _stderr_logger_factory(*_args: object) -> _StderrLogger:
    return _StderrLogger()


class _StderrHandler(logging.Handler):
    """A stdlib handler that also writes to the current sys.stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(self.format(record), file=sys.stderr, flush=True)
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)


class ServiceLink:
    """Process-wide view of whether a service answers, from its client library's own lines.

    Logs one line when it becomes unreachable and one when it is back; counts the folded lines.
    """

    def __init__(self, service: str) -> None:
        self.service = service
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self.folded = 0
        self.outages = 0
        self._log = structlog.get_logger("common.logs")

    @property
    def up(self) -> bool:
        return self.down_since is None

    def lost(self, detail: str) -> None:
        with self._lock:
            self.folded += 1
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
            self.outages += 1
        self._log.warning(f"{self.service} unreachable; clients keep retrying quietly", detail=scrub(detail[:300]))

    def restored(self) -> None:
        with self._lock:
            if self.down_since is None:
                return
            down_for = time.monotonic() - self.down_since
            self.down_since = None
            folded, self.folded = self.folded, 0
        self._log.info(f"{self.service} reachable again", down_for_s=round(down_for, 1), folded_log_lines=folded)


kafka_link = ServiceLink("kafka")
es_link = ServiceLink("elasticsearch")


class _LibraryNoise(logging.Filter):
    """Folds the client libraries' reconnect narration into ServiceLink state changes."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("elastic_transport"):
            return self._elasticsearch(record)
        if not record.name.startswith("kafka"):
            return record.levelno >= self.level
        message = record.getMessage()
        if _KAFKA_HARMLESS.search(message):
            return self.level <= logging.DEBUG
        if record.levelno >= logging.WARNING:
            text = _with_exception(record, message)
            if _KAFKA_UNREACHABLE.search(text) or _socket_error(record):
                kafka_link.lost(message)
                return self.level <= logging.DEBUG
            if _KAFKA_REJOIN.search(text):
                return self.level <= logging.DEBUG
        elif _KAFKA_CONNECTED.search(message):
            kafka_link.restored()
        return record.levelno >= max(self.level, logging.WARNING) or self.level <= logging.DEBUG


    def _elasticsearch(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            text = _with_exception(record, message)
            if _ES_UNREACHABLE.search(text):
                es_link.lost(text)
                return self.level <= logging.DEBUG
        if _ES_ANSWERED.search(message):
            es_link.restored()
            return self.level <= logging.DEBUG
        return record.levelno >= max(self.level, logging.WARNING) or self.level <= logging.DEBUG


def _scrub_secrets(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = scrub(value)
    return event


def _unraisable(unraisable: Any) -> None:
    """Errors Python can only print (in __del__, at exit) become log lines, not bare tracebacks.

    kafka-python's producer retries its close() from __del__ when an earlier close timed out
    during an outage; that repeat is expected and only worth a DEBUG line.
    """
    where = repr(unraisable.object)
    exc = unraisable.exc_value
    logger = structlog.get_logger("common.logs")
    if str(getattr(unraisable.object, "__module__", "")).startswith("kafka."):
        logger.debug("kafka-python cleanup error ignored", where=where[:200], error=f"{type(exc).__name__}: {exc}")
    else:
        logger.error("error in a finaliser, ignored", where=where[:200], exc_info=(type(exc), exc, unraisable.exc_traceback))


def _thread_exception(args: threading.ExceptHookArgs) -> None:
    structlog.get_logger("common.logs").error(
        "uncaught exception in a thread", thread=getattr(args.thread, "name", "?"), exc_info=(args.exc_type, args.exc_value, args.exc_traceback)
    )


def json_wanted(fmt: str | None = None) -> bool:
    fmt = (fmt or os.environ.get("NEWS_LOG_FORMAT") or "auto").lower()
    return fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())


def configure_logging(level: str | None = None) -> None:
    """Idempotent; `level` overrides NEWS_LOG_LEVEL (bad values fall back to INFO here and are
    reported by the settings check)."""
    level_name = (level or os.environ.get("NEWS_LOG_LEVEL") or "INFO").upper()
    numeric = logging.getLevelName(level_name)
    if not isinstance(numeric, int):
        level_name, numeric = "INFO", logging.INFO
    renderer: Any = structlog.processors.JSONRenderer() if json_wanted() else structlog.dev.ConsoleRenderer(colors=False)
    stamp = structlog.processors.TimeStamper(fmt="iso", utc=True)

    # Library lines (stdlib logging) go through the same renderer as ours.
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.add_log_level, structlog.stdlib.add_logger_name, stamp],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _scrub_secrets,
            renderer,
        ],
    )
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    handler.addFilter(_LibraryNoise(numeric))
    root.addHandler(handler)
    root.setLevel(numeric)
    # kafka-python's INFO "Connected" lines tell KafkaLink that an outage is over; the filter drops them.
    logging.getLogger("kafka").setLevel(min(numeric, logging.INFO))
    # elastic-transport's INFO request lines tell es_link that an outage is over; dropped as well.
    logging.getLogger("elastic_transport").setLevel(min(numeric, logging.INFO))
    # Client libraries narrate every request at INFO; keep their warnings only.
    for noisy in ("httpx", "httpcore", "trafilatura", "htmldate", "courlan"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, numeric))
    # Warns while a new group's metadata is still loading; the next rebalance assigns partitions.
    logging.getLogger("kafka.coordinator.assignors.range").setLevel(logging.ERROR)
    logging.captureWarnings(True)
    sys.unraisablehook = _unraisable
    threading.excepthook = _thread_exception
    warnings.filterwarnings("ignore", message=r"(open_text|read_text) is deprecated", category=DeprecationWarning)

    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            stamp,
            structlog.processors.format_exc_info,
            _scrub_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=_stderr_logger_factory,
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
