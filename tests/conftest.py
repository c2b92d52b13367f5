"""Shared fixtures. Integration tests use the real local services (`make up`, or `make test`
which starts them); they fail loudly, never skip, when a service is missing."""

from __future__ import annotations

import logging
import os
import socket
import urllib.request
from collections.abc import Iterator

import pytest

from common.sandbox import private_indices, private_topics

KAFKA_HINT = "Kafka is not answering on KAFKA_BOOTSTRAP_SERVERS (default 127.0.0.1:9092); run `make up` or use `make test`."
ES_HINT = "Elasticsearch is not answering on ELASTICSEARCH_URL (default http://127.0.0.1:9200); run `make up` or use `make test`."


def es_url() -> str:
    """The Elasticsearch the integration tests use (what `services.py with` exported)."""
    return os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200")


def free_port() -> int:
    """A TCP port nothing listens on right now, for a service a test starts itself."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def kafka_available() -> None:
    from common.kafka import make_admin

    try:
        make_admin(request_timeout_ms=10_000).close()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"{KAFKA_HINT} ({exc})")


@pytest.fixture(scope="session")
def es_available() -> None:
    try:
        with urllib.request.urlopen(es_url(), timeout=10) as resp:
            assert resp.headers.get("X-Elastic-Product") == "Elasticsearch"
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"{ES_HINT} ({exc})")


@pytest.fixture
def isolated_topics(kafka_available: None) -> Iterator[dict[str, str]]:
    """This test's own copy of every declared topic, via NEWS_TOPIC_* overrides."""
    with private_topics() as names:
        yield names


@pytest.fixture
def es_prefix(es_available: None) -> Iterator[str]:
    """A private index prefix with templates and write aliases applied; removed afterwards."""
    with private_indices() as prefix:
        yield prefix


def pytest_unconfigure(config: pytest.Config) -> None:
    """kafka-python's daemon IO threads may still log while the interpreter exits, after pytest has
    closed the streams its handlers write to; those writes would print "--- Logging error ---"
    tracebacks under the test summary."""
    logging.raiseExceptions = False
