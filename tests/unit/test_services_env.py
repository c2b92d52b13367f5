"""`services.py with -- CMD` hands CMD the addresses of the services it runs, so another
port block (KAFKA_PORT, ES_HTTP_PORT) needs no second set of variables."""

from __future__ import annotations

from tests.local_cluster import services_module as _services_module


def test_client_addresses_follow_the_ports_when_not_set() -> None:
    services = _services_module()
    env = services.client_env({"PATH": "/bin"}, kafka_port=29092, es_port=29200)
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:29092"
    assert env["ELASTICSEARCH_URL"] == "http://127.0.0.1:29200"
    assert env["PATH"] == "/bin"


def test_explicit_client_addresses_win() -> None:
    services = _services_module()
    given = {"KAFKA_BOOTSTRAP_SERVERS": "broker:9092", "ELASTICSEARCH_URL": "https://es.example.org:9200"}
    env = services.client_env(given, kafka_port=29092, es_port=29200)
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "broker:9092"
    assert env["ELASTICSEARCH_URL"] == "https://es.example.org:9200"
