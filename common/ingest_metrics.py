"""The ingest DAG's counts as Prometheus metrics.

An Airflow task is a short-lived process, so nothing can scrape it: each run's counts
(per source, the last run's) are written as a textfile for node_exporter's textfile
collector (NEWS_METRICS_TEXTFILE_DIR/news_ingest.prom, replaced atomically) and/or pushed to
a Prometheus Pushgateway (NEWS_PUSHGATEWAY_URL, job "news_ingest"). Neither set: nothing
happens. A failure to export is logged, never raised: metrics must not fail a run.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, push_to_gateway, write_to_textfile

from common.config import load_settings
from common.logs import get_logger
from common.redact import mask_url_password

log = get_logger(__name__)

TEXTFILE_NAME = "news_ingest.prom"
OUTCOMES = ("discovered", "fetched", "new", "duplicate", "near_duplicate", "skipped_known_failure", "failed", "sent", "dead_lettered")


def ingest_registry(summary: dict[str, Any], now: float | None = None) -> CollectorRegistry:
    """A registry holding one run's counts (the `report` task's summary)."""
    registry = CollectorRegistry()
    items = Gauge("news_ingest_items", "Items of the last news_ingest run, per source and outcome", ["source", "outcome"], registry=registry)
    failures = Gauge("news_ingest_failures", "Failed items of the last run, per source and reason", ["source", "reason"], registry=registry)
    seconds = Gauge("news_ingest_seconds", "Time spent by the last run, per source and phase", ["source", "phase"], registry=registry)
    failed_sources = Gauge("news_ingest_failed_sources", "Sources whose tasks failed outright in the last run", registry=registry)
    last_run = Gauge("news_ingest_last_run_timestamp_seconds", "When the last news_ingest run reported", registry=registry)
    for name, counts in sorted((summary.get("sources") or {}).items()):
        for outcome in OUTCOMES:
            items.labels(name, outcome).set(int(counts.get(outcome, 0)))
        for reason, count in sorted((counts.get("failed_by_reason") or {}).items()):
            failures.labels(name, reason).set(int(count))
        for phase, value in sorted((counts.get("seconds") or {}).items()):
            seconds.labels(name, phase).set(float(value))
    failed_sources.set(len(summary.get("failed_sources") or []))
    last_run.set(time.time() if now is None else now)
    return registry


def export_ingest_counts(summary: dict[str, Any]) -> list[str]:
    """Write and/or push one run's counts where configured; returns where they went."""
    settings = load_settings().ingest
    if settings.metrics_textfile_dir is None and not settings.pushgateway_url:
        return []
    registry = ingest_registry(summary)
    done = []
    try:
        if settings.metrics_textfile_dir is not None:
            Path(settings.metrics_textfile_dir).mkdir(parents=True, exist_ok=True)
            path = Path(settings.metrics_textfile_dir) / TEXTFILE_NAME
            write_to_textfile(str(path), registry)
            done.append(str(path))
        if settings.pushgateway_url:
            push_to_gateway(settings.pushgateway_url, job="news_ingest", registry=registry, timeout=10)
            done.append(mask_url_password(settings.pushgateway_url))
    except Exception as exc:  # noqa: BLE001 - metrics never fail an ingest run
        log.warning("ingest metrics not exported", error=f"{type(exc).__name__}: {exc}")
    return done
