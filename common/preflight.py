"""First-run checks: is Kafka (and Elasticsearch) there at all? If not, say what to run.

A program that starts while its services are missing exits with status 2 and a message
that names the address it tried, the variable that sets it and `make up`, instead of a
page of client-library reconnect lines and a traceback. Outages after a successful start
are a different matter: the consumers wait them out (consumers/base.py).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from common.config import ConfigError, Settings, load_settings, print_config
from common.logs import get_logger, json_wanted
from common.redact import mask_url_password, register_secret

log = get_logger(__name__)
EXIT_UNAVAILABLE = 2
START_HINT = "Start the local services with `make up` (or `make test` / `make demo`, which start them)"


@contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """Silence client libraries while we probe: their retries are our one message."""
    saved = {name: logging.getLogger(name).level for name in loggers}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def kafka_problem(settings: Settings, timeout_s: float | None = None) -> str | None:
    """None when Kafka answers a metadata request within the timeout, else what to do."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    timeout_s = timeout_s or settings.consumer.startup_timeout_s
    with _quiet("kafka"):
        try:
            admin = KafkaAdminClient(
                **settings.kafka.client_kwargs(), client_id="newsevents-preflight",
                bootstrap_timeout_ms=int(timeout_s * 1000), request_timeout_ms=int(timeout_s * 1000) + 1000,
            )
            admin.close()
            return None
        except KafkaError as exc:
            return (
                f"Kafka is not reachable at {settings.kafka.bootstrap_servers} (KAFKA_BOOTSTRAP_SERVERS) "
                f"after {timeout_s:.0f} s: {type(exc).__name__}. {START_HINT}, or point KAFKA_BOOTSTRAP_SERVERS "
                "at your brokers, then run this again."
            )


def elasticsearch_problem(settings: Settings, timeout_s: float | None = None) -> str | None:
    """None when the cluster answers as Elasticsearch, else what to do."""
    from elasticsearch import AuthenticationException, AuthorizationException, TransportError, UnsupportedProductError

    from common.es import make_es

    timeout_s = timeout_s or settings.consumer.startup_timeout_s
    url = mask_url_password(settings.elasticsearch.url)
    with _quiet("elastic_transport", "elasticsearch"):
        try:
            make_es(settings.elasticsearch, request_timeout=timeout_s, max_retries=0, retry_on_timeout=False).info()
            return None
        except (AuthenticationException, AuthorizationException) as exc:
            return (
                f"Elasticsearch at {url} refused our credentials ({exc.meta.status}). "
                "Check ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD."
            )
        except UnsupportedProductError:
            return f"{url} (ELASTICSEARCH_URL) answers, but it is not Elasticsearch. Point ELASTICSEARCH_URL at your cluster."
        except TransportError as exc:
            return (
                f"Elasticsearch is not reachable at {url} (ELASTICSEARCH_URL): {type(exc).__name__}. "
                f"{START_HINT}, or point ELASTICSEARCH_URL at your cluster, then run this again."
            )


def register_secrets(settings: Settings) -> None:
    """Secrets of the configuration are scrubbed from every log line from now on."""
    for secret in (settings.kafka.sasl_password, settings.elasticsearch.api_key, settings.elasticsearch.password):
        if secret is not None:
            register_secret(secret.get_secret_value())
    for url in (settings.elasticsearch.url, settings.ingest.seen_db_url):
        password = urlsplit(url).password if url else None
        if password:
            register_secret(password)


def prepared_settings(print_only: bool = False) -> Settings | int:
    """The validated settings, their secrets registered for redaction; or the exit status when the
    program has nothing more to do: 2 for a bad setting (reported), 0 once printed (`--print-config`)."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        return fail(str(exc))
    if print_only:
        print_config()
        return 0
    register_secrets(settings)
    return settings


def fail(message: str, **fields: Any) -> int:
    """Report a start-up problem (a JSON log line in JSON mode, plain text otherwise); returns 2."""
    if json_wanted():
        log.error(message, **fields)
    else:
        print(f"error: {message}", file=sys.stderr)
    return EXIT_UNAVAILABLE
