"""Elasticsearch client factory."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch, OrjsonSerializer

from common.airflow_connections import with_elasticsearch_connection
from common.config import ElasticsearchSettings, load_settings


def make_es(settings: ElasticsearchSettings | None = None, **overrides: Any) -> Elasticsearch:
    """A client for ELASTICSEARCH_URL (one URL, or several separated by commas: the nodes of a cluster)."""
    cfg = settings or with_elasticsearch_connection(load_settings().elasticsearch)
    kwargs: dict[str, Any] = {
        "request_timeout": cfg.request_timeout,
        "retry_on_timeout": True,
        "max_retries": 3,
        "serializer": OrjsonSerializer(),
    }
    if cfg.api_key:
        kwargs["api_key"] = cfg.api_key.get_secret_value()
    elif cfg.username:
        kwargs["basic_auth"] = (cfg.username, cfg.password.get_secret_value() if cfg.password else "")
    if cfg.ca_certs:
        kwargs["ca_certs"] = cfg.ca_certs
    kwargs.update(overrides)
    return Elasticsearch([url.strip() for url in cfg.url.split(",") if url.strip()], **kwargs)


def index_name(kind: str, settings: ElasticsearchSettings | None = None) -> str:
    """Alias used to read and write a document kind ('events' or 'articles'), e.g. 'news-events'."""
    cfg = settings or load_settings().elasticsearch
    return f"{cfg.index_prefix}-{kind}"
