"""A consumer started before the services (a first run without `make up`) says what to run
and exits 2, instead of a page of reconnect lines and a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["consumers.indexer", "consumers.extractor", "consumers.alerter", "common.bootstrap"])
def test_kafka_unreachable_prints_what_to_run_and_exits_2(module: str) -> None:
    port = free_port()
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}", "NEWS_STARTUP_TIMEOUT_S": "2", "NEWS_LOG_FORMAT": "console"}
    done = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "make up" in done.stderr and f"127.0.0.1:{port}" in done.stderr and "KAFKA_BOOTSTRAP_SERVERS" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2, done.stderr


def test_in_json_mode_the_error_is_a_json_line() -> None:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}", "NEWS_STARTUP_TIMEOUT_S": "2", "NEWS_LOG_FORMAT": "json"}
    done = subprocess.run([sys.executable, "-m", "consumers.indexer"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    records = [json.loads(line) for line in done.stderr.splitlines()]
    assert any("make up" in r["event"] and r["level"] == "error" for r in records)


def test_search_without_elasticsearch_says_what_to_run() -> None:
    env = {**os.environ, "ELASTICSEARCH_URL": f"http://127.0.0.1:{free_port()}"}
    done = subprocess.run([sys.executable, "-m", "consumers.search_cli", "ceasefire"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "make up" in done.stderr and "Traceback" not in done.stderr
