"""Private copies of the topics and indices, for tests and benchmarks that share a cluster.

Names are changed through the same environment overrides a deployment uses
(NEWS_TOPIC_<LOGICAL>, NEWS_INDEX_PREFIX), so the code under test runs unmodified.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from common.config import topic_specs


@contextmanager
def env_overrides(overrides: dict[str, str]) -> Iterator[None]:
    """Set these environment variables for the duration, then restore what was there."""
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def private_topics(tag: str = "test") -> Iterator[dict[str, str]]:
    """Every declared topic gets a private twin (same partitions) for the duration."""
    from common.bootstrap import ensure_topics
    from common.kafka import make_admin

    suffix = f"{tag}-{uuid.uuid4().hex[:8]}"
    names = {spec.logical: f"{spec.name}.{suffix}" for spec in topic_specs()}
    with env_overrides({f"NEWS_TOPIC_{logical.upper()}": name for logical, name in names.items()}):
        ensure_topics()
        try:
            yield names
        finally:
            admin = make_admin()
            try:
                admin.delete_topics(list(names.values()))
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
            finally:
                admin.close()


@contextmanager
def private_indices(tag: str = "test") -> Iterator[str]:
    """A private index prefix with templates and write aliases applied; deleted afterwards."""
    from common.es import make_es
    from common.es_setup import apply_all

    prefix = f"{tag}-{uuid.uuid4().hex[:8]}"
    with env_overrides({"NEWS_INDEX_PREFIX": prefix}):
        es = make_es()
        apply_all(es)
        try:
            yield prefix
        finally:
            indices = list(es.options(ignore_status=404).indices.get(index=f"{prefix}-*", expand_wildcards="all"))
            if indices:
                es.options(ignore_status=404).indices.delete(index=",".join(indices))
            templates = es.options(ignore_status=404).indices.get_index_template(name=f"{prefix}-*")
            for template in templates.get("index_templates", []):
                es.options(ignore_status=404).indices.delete_index_template(name=template["name"])
            components = es.options(ignore_status=404).cluster.get_component_template(name=f"{prefix}-*")
            for component in components.get("component_templates", []):
                es.options(ignore_status=404).cluster.delete_component_template(name=component["name"])
