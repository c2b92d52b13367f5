"""Airflow Connections become Kafka and Elasticsearch settings; outside Airflow the environment rules."""

from __future__ import annotations

import json

import pytest
from airflow.sdk import Connection

from common import airflow_connections as ac
from common.config import load_settings


def _secret(value: object) -> object:
    """The plain value of a setting, whether or not the settings model wraps secrets."""
    return value.get_secret_value() if hasattr(value, "get_secret_value") else value


def _kafka_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "env-broker:9092")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    monkeypatch.delenv("KAFKA_SASL_USERNAME", raising=False)


def test_kafka_connection_in_the_providers_shape_sets_servers_and_sasl() -> None:
    conn = Connection(
        conn_id="kafka_default",
        conn_type="kafka",
        extra=json.dumps({
            "bootstrap.servers": "b1:9093,b2:9093",
            "security.protocol": "SASL_SSL",
            "sasl.mechanisms": "SCRAM-SHA-512",
            "sasl.username": "ingest",
            "sasl.password": "s3cret",
            "ssl.ca.location": "/etc/ca.pem",
            "group.id": "ignored: not a client-wide setting",
        }),
    )
    assert ac.kafka_overrides(conn) == {
        "bootstrap_servers": "b1:9093,b2:9093",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_username": "ingest",
        "sasl_password": "s3cret",
        "ssl_cafile": "/etc/ca.pem",
    }


def test_kafka_connection_host_port_and_login_are_used_when_the_extra_is_silent() -> None:
    conn = Connection.from_uri("kafka://ingest:pw@broker.internal:9094", conn_id="k")
    assert ac.kafka_overrides(conn) == {
        "bootstrap_servers": "broker.internal:9094",
        "sasl_username": "ingest",
        "sasl_password": "pw",
    }


def test_elasticsearch_connection_uri_as_the_provider_documents_it() -> None:
    conn = Connection.from_uri("elasticsearch://reader:pw@es.example.org:9243/https", conn_id="es")
    assert ac.elasticsearch_overrides(conn) == {
        "url": "https://es.example.org:9243",
        "api_key": None,
        "username": "reader",
        "password": "pw",
    }


def test_elasticsearch_api_key_replaces_basic_auth_from_the_environment() -> None:
    conn = Connection(conn_id="es", conn_type="elasticsearch", host="https://a:9200,https://b:9200",
                      extra=json.dumps({"api_key": "abc==", "ca_certs": "/etc/es-ca.pem"}))
    assert ac.elasticsearch_overrides(conn) == {
        "url": "https://a:9200,https://b:9200",
        "api_key": "abc==",
        "username": None,
        "password": None,
        "ca_certs": "/etc/es-ca.pem",
    }
    settings = ac._replace(load_settings().elasticsearch, ac.elasticsearch_overrides(conn))
    assert (settings.url, _secret(settings.api_key), settings.username) == ("https://a:9200,https://b:9200", "abc==", None)


def test_outside_a_task_the_environment_applies_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    _kafka_env(monkeypatch)
    monkeypatch.setenv("AIRFLOW_CONN_KAFKA_DEFAULT", json.dumps({"conn_type": "kafka", "extra": {"bootstrap.servers": "conn:1"}}))
    assert not ac.in_airflow_task()
    settings = load_settings().kafka
    assert ac.with_kafka_connection(settings) is settings
    assert settings.bootstrap_servers == "env-broker:9092"


def test_inside_a_task_the_connection_wins_and_a_missing_one_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the Task SDK's supervisor attached (as in a task), Connection.get resolves AIRFLOW_CONN_* for real."""
    from airflow.sdk.execution_time import task_runner

    _kafka_env(monkeypatch)
    monkeypatch.setattr(task_runner, "SUPERVISOR_COMMS", object(), raising=False)
    monkeypatch.setenv("AIRFLOW_CONN_NEWS_KAFKA", json.dumps({"conn_type": "kafka", "extra": {"bootstrap.servers": "conn-broker:9092"}}))
    monkeypatch.setenv(ac.KAFKA_CONN_ID_VAR, "news_kafka")
    assert ac.in_airflow_task()
    settings = ac.with_kafka_connection(load_settings().kafka)
    assert settings.bootstrap_servers == "conn-broker:9092"
    assert settings.security_protocol == "PLAINTEXT", "fields the connection does not set keep the environment's"

    monkeypatch.setenv(ac.KAFKA_CONN_ID_VAR, "no_such_connection")
    assert ac.with_kafka_connection(load_settings().kafka).bootstrap_servers == "env-broker:9092"
