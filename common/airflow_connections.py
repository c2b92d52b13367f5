"""Kafka and Elasticsearch settings from Airflow Connections, when the code runs as an Airflow task.

Inside a task (the Task SDK's supervisor is attached), the connection named by NEWS_KAFKA_CONN_ID
(default `kafka_default`) and the one named by NEWS_ELASTICSEARCH_CONN_ID (default
`elasticsearch_default`) override the environment's settings field by field; when a connection
does not exist the environment applies unchanged. Outside Airflow (consumers, CLIs, tests) nothing
here imports Airflow, so the environment is the only source.

Connection shapes follow the Airflow providers', so existing connections can be reused:

* Kafka (conn type `kafka`): the extra is a client config dict, as in apache-airflow-providers-apache-kafka:
  `{"bootstrap.servers": "b1:9092,b2:9092", "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
  "sasl.username": "...", "sasl.password": "...", "ssl.ca.location": "/path/ca.pem"}`. Host/port and
  login/password are used when the extra does not set servers or credentials.
* Elasticsearch (conn type `elasticsearch`): host, port, schema = `http` or `https` (as
  `elasticsearch://user:pass@host:9200/https`), login/password for basic auth; extra `api_key`
  (or a password without a login) for an API key, extra `ca_certs` for a CA bundle. A host that
  is already a URL (or a comma-separated list of URLs) is used as is.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import Any, TypeVar

KAFKA_CONN_ID_VAR = "NEWS_KAFKA_CONN_ID"
ES_CONN_ID_VAR = "NEWS_ELASTICSEARCH_CONN_ID"
DEFAULT_KAFKA_CONN_ID = "kafka_default"
DEFAULT_ES_CONN_ID = "elasticsearch_default"

T = TypeVar("T")


def in_airflow_task() -> bool:
    """True while an Airflow task (or dag.test()) runs this code: the Task SDK has its supervisor attached."""
    runner = sys.modules.get("airflow.sdk.execution_time.task_runner")
    return getattr(runner, "SUPERVISOR_COMMS", None) is not None


def get_connection(conn_id: str) -> Any | None:
    """The Airflow Connection `conn_id`, or None outside a task or when it is not defined."""
    if not conn_id or not in_airflow_task():
        return None
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        return None


def _extra(conn: Any) -> dict[str, Any]:
    extra = getattr(conn, "extra_dejson", None)
    return extra if isinstance(extra, dict) else {}


def _first(*values: Any) -> Any:
    return next((v for v in values if v not in (None, "")), None)


def kafka_overrides(conn: Any) -> dict[str, Any]:
    """KafkaSettings fields that a Kafka connection sets (pure: no I/O)."""
    extra = _extra(conn)
    servers = extra.get("bootstrap.servers")
    if not servers and conn.host:
        servers = f"{conn.host}:{conn.port}" if conn.port and ":" not in conn.host else conn.host
    fields = {
        "bootstrap_servers": servers,
        "security_protocol": extra.get("security.protocol"),
        "sasl_mechanism": _first(extra.get("sasl.mechanism"), extra.get("sasl.mechanisms")),
        "sasl_username": _first(extra.get("sasl.username"), conn.login),
        "sasl_password": _first(extra.get("sasl.password"), conn.password),
        "ssl_cafile": extra.get("ssl.ca.location"),
    }
    return {key: value for key, value in fields.items() if value not in (None, "")}


def elasticsearch_overrides(conn: Any) -> dict[str, Any]:
    """ElasticsearchSettings fields that an Elasticsearch connection sets (pure: no I/O)."""
    extra = _extra(conn)
    fields: dict[str, Any] = {}
    if conn.host:
        if "://" in conn.host:
            fields["url"] = conn.host
        else:
            scheme = conn.schema if conn.schema in ("http", "https") else extra.get("scheme", "http")
            fields["url"] = f"{scheme}://{conn.host}:{conn.port or 9200}"
    api_key = _first(extra.get("api_key"), None if conn.login else conn.password)
    if api_key:  # the connection's credentials replace the environment's, of either kind
        fields.update(api_key=api_key, username=None, password=None)
    elif conn.login:
        fields.update(api_key=None, username=conn.login, password=conn.password or "")
    if extra.get("ca_certs"):
        fields["ca_certs"] = extra["ca_certs"]
    return fields


def _replace(settings: T, overrides: dict[str, Any]) -> T:
    """A copy of `settings` with `overrides`, validated like the original (secrets stay secret)."""
    if not overrides:
        return settings
    if dataclasses.is_dataclass(settings):
        return dataclasses.replace(settings, **overrides)  # type: ignore[type-var]
    return type(settings)(**{**settings.model_dump(), **overrides})  # type: ignore[attr-defined]


def with_kafka_connection(settings: T) -> T:
    """`settings` with the Airflow Kafka connection's fields on top, when running as a task and it exists."""
    conn = get_connection(os.environ.get(KAFKA_CONN_ID_VAR, DEFAULT_KAFKA_CONN_ID))
    return settings if conn is None else _replace(settings, kafka_overrides(conn))


def with_elasticsearch_connection(settings: T) -> T:
    """`settings` with the Airflow Elasticsearch connection's fields on top, when running as a task and it exists."""
    conn = get_connection(os.environ.get(ES_CONN_ID_VAR, DEFAULT_ES_CONN_ID))
    return settings if conn is None else _replace(settings, elasticsearch_overrides(conn))
