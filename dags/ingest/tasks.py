"""The bodies of the news_ingest DAG's tasks, as plain functions (the DAG file only wires them).

Each returns JSON-serialisable data for XCom and needs no Airflow to run or test.
"""

from __future__ import annotations

from typing import Any

from common.config import load_settings, topic
from common.logs import get_logger
from dags.ingest.produce import CollectingSink, KafkaSink
from dags.ingest.run import Discovery, discover_source, ingest_discovery, sum_counts
from dags.ingest.seen_store import OverlaySeenStore, SeenStore
from dags.ingest.sources import load_config

log = get_logger(__name__)

DRY_RUN_PREVIEW = 20  # articles listed per source in a dry run's report


class UnknownSourceError(ValueError):
    """A run asked for sources the config does not have."""


def articles_raw_asset_uri() -> str:
    """kafka://<first bootstrap server>/<articles.raw topic name>, the DAG's outlet Asset."""
    first_broker = load_settings().kafka.bootstrap_servers.split(",")[0].strip()
    return f"kafka://{first_broker}/{topic('articles_raw')}"


def enabled_source_names(selected: list[str] | None = None) -> list[str]:
    """Every enabled source, or only the `selected` ones (disabled ones included: a manual run may try one)."""
    config = load_config()
    if selected:
        known = [s.name for s in config.sources]
        unknown = sorted(set(selected) - set(known))
        if unknown:
            raise UnknownSourceError(f"unknown sources {unknown}; the sources config has {known}")
        names = [name for name in known if name in selected]
        log.info("ingest.sources", selected=names)
        return names
    names = [s.name for s in config.enabled_sources()]
    log.info("ingest.sources", enabled=names, disabled=[s.name for s in config.sources if not s.enabled])
    return names


def discover(name: str, max_items: int | None = None) -> dict[str, Any]:
    config = load_config()
    source = config.get(name)
    if max_items:
        source = source.model_copy(update={"max_items": max_items})
    store = SeenStore()
    try:
        return discover_source(source, config, store).to_dict()
    finally:
        store.close()


def ingest(name: str, discovery: dict[str, Any], dry_run: bool = False) -> dict[str, Any]:
    """Fetch, extract, dedup and produce; a dry run honours the seen-state but writes neither it nor Kafka."""
    config = load_config()
    base = SeenStore()
    store = OverlaySeenStore(base) if dry_run else base
    sink = CollectingSink() if dry_run else KafkaSink()
    try:
        counts = ingest_discovery(config.get(name), Discovery.from_dict(discovery), config, store, sink).to_dict()
    finally:
        sink.close()
        if store is not base:
            store.close()
        base.close()
    if isinstance(sink, CollectingSink):
        counts["would_send"] = [{"url": m["url"], "title": m.get("title")} for m in sink.articles[:DRY_RUN_PREVIEW]]
    return counts


def report(names: list[str] | None, results: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Totals over the sources that finished, and the sources whose tasks failed outright."""
    results = [r for r in (results or []) if r]
    finished = {r["source"] for r in results}
    summary = {
        "totals": sum_counts(results),
        "sources": {r["source"]: r for r in results},
        "failed_sources": sorted(set(names or []) - finished),
    }
    log.info("ingest.run_done", failed_sources=summary["failed_sources"], **summary["totals"])
    # Metrics hook (issue 12): the run's counts as Prometheus metrics, when a textfile
    # directory or a Pushgateway is configured; a no-op otherwise, never raises.
    from common.ingest_metrics import export_ingest_counts

    export_ingest_counts(summary)
    return summary
