"""Shared fixtures. Integration tests use the real local services (`make up`, or `make test`
which starts them); they fail loudly, never skip, when a service is missing."""

from __future__ import annotations

import os
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

from common.config import topic_specs

KAFKA_HINT = "Kafka is not answering on KAFKA_BOOTSTRAP_SERVERS (default 127.0.0.1:9092); run `make up` or use `make test`."
ES_HINT = "Elasticsearch is not answering on ELASTICSEARCH_URL (default http://127.0.0.1:9200); run `make up` or use `make test`."


def _es_url() -> str:
    return os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200")


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
        with urllib.request.urlopen(_es_url(), timeout=10) as resp:
            assert resp.headers.get("X-Elastic-Product") == "Elasticsearch"
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"{ES_HINT} ({exc})")


@pytest.fixture
def isolated_topics(kafka_available: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Give this test its own copy of every declared topic (same partitions), via NEWS_TOPIC_* overrides."""
    from common.bootstrap import ensure_topics
    from common.kafka import make_admin

    suffix = uuid.uuid4().hex[:8]
    names: dict[str, str] = {}
    for spec in topic_specs():
        names[spec.logical] = f"{spec.name}.test-{suffix}"
        monkeypatch.setenv(f"NEWS_TOPIC_{spec.logical.upper()}", names[spec.logical])
    ensure_topics()
    yield names
    admin = make_admin()
    try:
        admin.delete_topics(list(names.values()))
    except Exception:  # noqa: BLE001 - best-effort cleanup
        pass
    finally:
        admin.close()


@pytest.fixture
def es_prefix(es_available: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private index prefix with templates and write aliases applied; removed afterwards."""
    from common.es import make_es
    from common.es_setup import apply_all

    prefix = f"test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("NEWS_INDEX_PREFIX", prefix)
    es = make_es()
    apply_all(es)
    yield prefix
    indices = list(es.indices.get(index=f"{prefix}-*", expand_wildcards="all"))
    if indices:
        es.options(ignore_status=404).indices.delete(index=",".join(indices))
    for template in es.indices.get_index_template(name=f"{prefix}-*").get("index_templates", []):
        es.options(ignore_status=404).indices.delete_index_template(name=template["name"])
    for component in es.cluster.get_component_template(name=f"{prefix}-*").get("component_templates", []):
        es.options(ignore_status=404).cluster.delete_component_template(name=component["name"])
