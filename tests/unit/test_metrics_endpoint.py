"""/metrics, /healthz and /readyz on one port, answered from the loop's published state."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from common import metrics
from common.logs import kafka_link


class _Loop:
    def __init__(self, state: metrics.LoopState) -> None:
        self.loop_state = state


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture
def server():
    kafka_link.restored()  # process-wide state: an earlier test may have seen a broker go away
    port = metrics.start_server(0, host="127.0.0.1")
    yield port
    metrics.stop_server()


def test_metrics_health_and_readiness(server: int) -> None:
    status, _ = _get(server, "/readyz")
    assert status == 503  # no loop yet
    loop = _Loop(metrics.LoopState(group="unit-g", started=True, lag={("events.extracted", 2): 17}, assigned=3, last_commit=time.monotonic() - 5))
    metrics.LOOPS.add(loop)
    metrics.DEAD_LETTERS.labels("unit-g", "retries_exhausted").inc(4)
    try:
        status, body = _get(server, "/metrics")
        assert status == 200
        assert 'news_consumer_lag{group="unit-g",partition="2",topic="events.extracted"} 17.0' in body
        assert 'news_consumer_dead_letters_total{group="unit-g",reason="retries_exhausted"} 4.0' in body
        age = next(line for line in body.splitlines() if line.startswith('news_consumer_last_commit_age_seconds{group="unit-g"}'))
        assert 4.5 < float(age.split()[-1]) < 60
        assert _get(server, "/healthz")[0] == 200
        assert _get(server, "/readyz")[0] == 200
        loop.loop_state = metrics.LoopState(group="unit-g", started=True, last_progress=time.monotonic() - metrics.LIVENESS_S - 1)
        assert _get(server, "/healthz")[0] == 503
        loop.loop_state = metrics.LoopState(group="unit-g", started=True, polling_ok=False)
        assert _get(server, "/readyz")[0] == 503
    finally:
        metrics.LOOPS.remove(loop)
