"""Elasticsearch client factory."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch, OrjsonSerializer

from common.config import ElasticsearchSettings, load_settings


def make_es(settings: ElasticsearchSettings | None = None, **overrides: Any) -> Elasticsearch:
    cfg = settings or load_settings().elasticsearch
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
    return Elasticsearch(cfg.url, **kwargs)


def index_name(kind: str, settings: ElasticsearchSettings | None = None) -> str:
    """Alias used to read and write a document kind ('events' or 'articles'), e.g. 'news-events'."""
    cfg = settings or load_settings().elasticsearch
    return f"{cfg.index_prefix}-{kind}"
