"""The indexer started while Kafka runs but Elasticsearch does not: a clear message, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_elasticsearch_unreachable_prints_what_to_run_and_exits_2(kafka_available: None) -> None:
    port = free_port()
    env = {**os.environ, "ELASTICSEARCH_URL": f"http://127.0.0.1:{port}", "NEWS_STARTUP_TIMEOUT_S": "2", "NEWS_LOG_FORMAT": "console"}
    done = subprocess.run([sys.executable, "-m", "consumers.indexer"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Elasticsearch is not reachable" in done.stderr and "ELASTICSEARCH_URL" in done.stderr and "make up" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 2, done.stderr
