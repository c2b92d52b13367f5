"""Prometheus metrics and health endpoints of a consumer process.

One HTTP server per process (port NEWS_METRICS_PORT) serves

* /metrics  the Prometheus text format (prometheus-client),
* /healthz  200 while every consumer loop in the process makes progress (liveness),
* /readyz   200 once every consumer loop is set up and Kafka answers (readiness).

Counters are incremented by the consumer loop; lag per partition, age of the last commit
and paused partitions are read from the live consumers when Prometheus scrapes.
"""

from __future__ import annotations

import socketserver
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import REGISTRY, Counter, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from common.logs import get_logger, kafka_link

log = get_logger(__name__)

# A loop that has not come round for this long is stuck (a Kafka outage never blocks it this long:
# commits and deliveries are retried in bounded steps).
LIVENESS_S = 300.0

CONSUMED = Counter("news_consumer_records_consumed", "Records polled from Kafka", ["group", "topic"])
PROCESSED = Counter("news_consumer_records_processed", "Records whose batch was committed", ["group", "topic"])
PRODUCED = Counter("news_consumer_records_produced", "Records produced (acknowledged with the batch)", ["group", "topic"])
DEAD_LETTERS = Counter("news_consumer_dead_letters", "Records sent to the dead-letter topic", ["group", "reason"])
BATCH_FAILURES = Counter(
    "news_consumer_batch_failures", "Failed batch attempts; kind=outage (Kafka/Elasticsearch unavailable) or error", ["group", "kind"]
)
COMMITS = Counter("news_consumer_commits", "Synchronous offset commits", ["group"])
BATCH_SECONDS = Histogram(
    "news_consumer_batch_duration_seconds",
    "Time to handle a batch and make its outputs durable",
    ["group", "topic"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)


@dataclass
class LoopState:
    """What a consumer loop publishes for scrapes; replaced wholesale, never mutated in place."""

    group: str
    started: bool = False
    last_progress: float = field(default_factory=time.monotonic)
    last_commit: float | None = None
    lag: dict[tuple[str, int], int] = field(default_factory=dict)
    paused: tuple[tuple[str, int], ...] = ()
    assigned: int = 0
    polling_ok: bool = True


class _LoopRegistry(Collector):
    """The live consumer loops of this process and their gauges."""

    def __init__(self) -> None:
        self._loops: weakref.WeakSet[Any] = weakref.WeakSet()
        self._lock = threading.Lock()

    def add(self, loop: Any) -> None:
        with self._lock:
            self._loops.add(loop)

    def remove(self, loop: Any) -> None:
        with self._lock:
            self._loops.discard(loop)

    def states(self) -> list[LoopState]:
        with self._lock:
            loops = list(self._loops)
        return [loop.loop_state for loop in loops]

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = time.monotonic()
        states = self.states()
        lag = GaugeMetricFamily("news_consumer_lag", "Records after the committed offset, per partition", labels=["group", "topic", "partition"])
        age = GaugeMetricFamily("news_consumer_last_commit_age_seconds", "Seconds since the last offset commit", labels=["group"])
        paused = GaugeMetricFamily("news_consumer_paused_partitions", "Partitions paused after a failed batch", labels=["group"])
        assigned = GaugeMetricFamily("news_consumer_assigned_partitions", "Partitions assigned to this member", labels=["group"])
        up = GaugeMetricFamily("news_consumer_ready", "1 when the loop is set up and Kafka answers", labels=["group"])
        for state in states:
            for (topic, partition), value in sorted(state.lag.items()):
                lag.add_metric([state.group, topic, str(partition)], value)
            if state.last_commit is not None:
                age.add_metric([state.group], now - state.last_commit)
            paused.add_metric([state.group], len(state.paused))
            assigned.add_metric([state.group], state.assigned)
            up.add_metric([state.group], 1.0 if _ready(state) else 0.0)
        kafka = GaugeMetricFamily("news_kafka_reachable", "1 unless kafka-python reports the brokers unreachable")
        kafka.add_metric([], 1.0 if kafka_link.up else 0.0)
        yield from (lag, age, paused, assigned, up, kafka)


LOOPS = _LoopRegistry()
REGISTRY.register(LOOPS)


def _alive(state: LoopState, now: float) -> bool:
    return now - state.last_progress < LIVENESS_S


def _ready(state: LoopState) -> bool:
    return state.started and state.polling_ok and kafka_link.up


def health() -> tuple[bool, dict[str, Any]]:
    now = time.monotonic()
    states = LOOPS.states()
    detail = {s.group: {"alive": _alive(s, now), "seconds_since_progress": round(now - s.last_progress, 1)} for s in states}
    return all(_alive(s, now) for s in states), detail


def readiness() -> tuple[bool, dict[str, Any]]:
    states = LOOPS.states()
    detail = {s.group: {"ready": _ready(s), "started": s.started, "polling_ok": s.polling_ok, "assigned": s.assigned} for s in states}
    detail["kafka_reachable"] = kafka_link.up
    return bool(states) and all(_ready(s) for s in states), detail


def _json_response(start_response: Callable[..., Any], ok: bool, body: dict[str, Any]) -> Iterable[bytes]:
    import orjson

    start_response("200 OK" if ok else "503 Service Unavailable", [("Content-Type", "application/json")])
    return [orjson.dumps({"ok": ok, **body})]


def make_app() -> Callable[..., Iterable[bytes]]:
    metrics_app = make_wsgi_app(REGISTRY)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path == "/healthz":
            ok, detail = health()
            return _json_response(start_response, ok, {"consumers": detail})
        if path == "/readyz":
            ok, detail = readiness()
            return _json_response(start_response, ok, {"consumers": detail})
        return metrics_app(environ, start_response)

    return app


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


_server: WSGIServer | None = None
_server_lock = threading.Lock()


def start_server(port: int, host: str = "0.0.0.0") -> int:
    """Serve /metrics, /healthz and /readyz on `port` from a daemon thread (once per process)."""
    global _server
    with _server_lock:
        if _server is not None:
            return int(_server.server_port)
        server = make_server(host, port, make_app(), server_class=_ThreadingServer, handler_class=_QuietHandler)
        threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
        _server = server
    log.info("metrics and health endpoints serving", port=server.server_port, paths=["/metrics", "/healthz", "/readyz"])
    return int(server.server_port)


def stop_server() -> None:
    global _server
    with _server_lock:
        if _server is not None:
            _server.shutdown()
            _server.server_close()
            _server = None
