"""The local services are the real thing: Elasticsearch answers as Elasticsearch, the
Python clients work against both, and the bootstrap creates what infra/ declares."""

from __future__ import annotations

import json
import urllib.request

import pytest
from elasticsearch import Elasticsearch

from common.bootstrap import ensure_topics
from common.config import topic_specs
from common.kafka import make_admin
from tests.conftest import es_url

pytestmark = pytest.mark.integration


def test_root_endpoint_is_a_real_elasticsearch(es_available: None) -> None:
    with urllib.request.urlopen(es_url(), timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers["X-Elastic-Product"] == "Elasticsearch"
        body = json.load(resp)
    assert body["version"]["number"].startswith("9.")
    assert body["tagline"] == "You Know, for Search"


def test_official_client_info_and_health(es_available: None) -> None:
    es = Elasticsearch(es_url())
    assert es.info()["version"]["number"].split(".")[0] == "9"
    assert es.cluster.health()["status"] in ("green", "yellow")


def test_bootstrap_creates_every_declared_topic_with_its_partitions(kafka_available: None) -> None:
    first = ensure_topics()
    second = ensure_topics()
    assert set(second.values()) == {"exists"}, "a second bootstrap must change nothing"
    admin = make_admin()
    try:
        described = {t["name"]: len(t["partitions"]) for t in admin.describe_topics([s.name for s in topic_specs()])}
        listed = set(admin.list_topics())
    finally:
        admin.close()
    for spec in topic_specs():
        assert spec.name in listed, f"{spec.name} missing after bootstrap ({first})"
        assert described[spec.name] >= spec.partitions


def test_read_aliases_cover_this_months_partition(es_prefix: str) -> None:
    from common.es import make_es
    from common.es_setup import KINDS, current_month

    es = make_es()
    for kind in KINDS:
        aliases = es.indices.get_alias(name=f"{es_prefix}-{kind}")
        assert list(aliases) == [f"{es_prefix}-{kind}-v1-{current_month()}.01"], aliases
