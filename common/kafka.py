"""Kafka client factories with the delivery settings every stage relies on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.serializer import Serializer

from common.airflow_connections import with_kafka_connection
from common.config import KafkaSettings, load_settings, schema_of_topic


def _settings(settings: KafkaSettings | None) -> KafkaSettings:
    return settings or with_kafka_connection(load_settings().kafka)


def json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON with sorted keys: the same message always has the same bytes."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


class KeySerializer(Serializer):
    def serialize(self, topic: str, headers: Any, data: Any) -> bytes | None:
        return data.encode("utf-8") if isinstance(data, str) else data


class JsonValueSerializer(Serializer):
    """Dicts become JSON; bytes pass through untouched (dead letters keep their original payload)."""

    def serialize(self, topic: str, headers: Any, data: Any) -> bytes | None:
        return data if isinstance(data, bytes | None) else json_bytes(data)


def make_producer(settings: KafkaSettings | None = None, **overrides: Any) -> KafkaProducer:
    """Idempotent producer: acks=all, retries without reordering, compressed batches."""
    cfg = _settings(settings)
    kwargs: dict[str, Any] = {
        **cfg.client_kwargs(),
        "acks": "all",
        "enable_idempotence": True,
        "compression_type": cfg.compression_type,
        "linger_ms": 20,
        "max_request_size": 8 * 1024 * 1024,
        "key_serializer": KeySerializer(),
        "value_serializer": JsonValueSerializer(),
    }
    kwargs.update(overrides)
    return KafkaProducer(**kwargs)


def make_consumer(
    group_id: str,
    topics: Iterable[str] = (),
    settings: KafkaSettings | None = None,
    **overrides: Any,
) -> KafkaConsumer:
    """Consumer in a group, manual commits only, starting from the earliest retained offset."""
    cfg = _settings(settings)
    kwargs: dict[str, Any] = {
        **cfg.client_kwargs(),
        "group_id": group_id,
        "client_id": f"{group_id}-consumer",
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": 500,
        "max_poll_interval_ms": 300_000,
        # A member that died without leaving is replaced after this long.
        "session_timeout_ms": cfg.session_timeout_ms,
        "heartbeat_interval_ms": 3_000,
        "isolation_level": "read_committed",
        "fetch_max_bytes": 16 * 1024 * 1024,
        "max_partition_fetch_bytes": 8 * 1024 * 1024,
    }
    kwargs.update(overrides)
    consumer = KafkaConsumer(**kwargs)
    topic_list = list(topics)
    if topic_list:
        consumer.subscribe(topic_list)
    return consumer


def make_admin(settings: KafkaSettings | None = None, **overrides: Any) -> KafkaAdminClient:
    cfg = _settings(settings)
    return KafkaAdminClient(**{**cfg.client_kwargs(), "client_id": "newsevents-admin", **overrides})


def send_all(producer: KafkaProducer, topic: str, records: Iterable[tuple[str | None, Any]], timeout: float = 60.0) -> int:
    """Send (key, value) records and block until every one is acknowledged; raise on the first failure.

    Records of a topic with a declared contract carry its schema id and version as headers.
    """
    from schemas import record_headers

    kind = schema_of_topic(topic)
    headers = record_headers(kind) if kind else None
    futures = [producer.send(topic, key=key, value=value, headers=headers) for key, value in records]
    producer.flush(timeout=timeout)
    for future in futures:
        future.get(timeout=timeout)
    return len(futures)
