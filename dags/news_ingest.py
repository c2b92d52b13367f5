"""news_ingest: scrape the configured news sources into the Kafka topic articles.raw.

One branch per enabled source (dynamic task mapping over dags/sources.yaml, or the file in
NEWS_SOURCES_FILE): `discover` reads the feed, sitemap or section page; `ingest` fetches,
extracts, deduplicates and produces the articles, dead-lettering failures to ingest.dlq. A
failing source never fails the others; `report` logs and returns the counts of the sources
that finished, and `check` fails the run afterwards if a source's task failed.

Environment: NEWS_INGEST_SCHEDULE (cron or preset, default every 15 minutes; "none" for manual
runs only), NEWS_INGEST_RETRIES (default 2), NEWS_INGEST_RETRY_DELAY_SECONDS (default 60,
doubled on each retry), NEWS_INGEST_MAX_PARALLEL (default 8 sources at a time),
NEWS_SEEN_DB_URL (shared seen-state; Postgres in production), plus the Kafka settings of common.config.
The logic lives in dags/ingest/ (see dags/ingest/tasks.py); this file only wires it.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task, task_group
from airflow.sdk.exceptions import AirflowFailException

from dags.ingest import tasks


def _schedule() -> str | None:
    value = (os.environ.get("NEWS_INGEST_SCHEDULE") or "*/15 * * * *").strip()
    return None if value.lower() == "none" else value


RETRY_DELAY = timedelta(seconds=float(os.environ.get("NEWS_INGEST_RETRY_DELAY_SECONDS") or 60))
MAX_PARALLEL = int(os.environ.get("NEWS_INGEST_MAX_PARALLEL") or 8)
ARTICLES_RAW = Asset(tasks.articles_raw_asset_uri())


@dag(
    dag_id="news_ingest",
    description="Scrape news sources into Kafka articles.raw",
    schedule=_schedule(),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=1),
    default_args={
        "owner": "ingest",
        "retries": int(os.environ.get("NEWS_INGEST_RETRIES") or 2),
        "retry_delay": RETRY_DELAY,
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=15),
    },
    tags=["news", "ingest", "kafka"],
    doc_md=__doc__,
)
def news_ingest() -> None:
    @task(execution_timeout=timedelta(minutes=2))
    def sources() -> list[str]:
        return tasks.enabled_source_names()

    @task_group(group_id="source")
    def per_source(name: str) -> Any:
        @task(
            execution_timeout=timedelta(minutes=10),
            map_index_template="{{ source_name }}",
            max_active_tis_per_dagrun=MAX_PARALLEL,
        )
        def discover(name: str) -> dict[str, Any]:
            get_current_context()["source_name"] = name  # type: ignore[typeddict-unknown-key]
            return tasks.discover(name)

        @task(
            execution_timeout=timedelta(minutes=40),
            outlets=[ARTICLES_RAW],
            map_index_template="{{ source_name }}",
            max_active_tis_per_dagrun=MAX_PARALLEL,
        )
        def ingest(name: str, discovery: dict[str, Any]) -> dict[str, Any]:
            get_current_context()["source_name"] = name  # type: ignore[typeddict-unknown-key]
            return tasks.ingest(name, discovery)

        return ingest(name, discover(name))

    @task(trigger_rule="all_done", execution_timeout=timedelta(minutes=2))
    def report(names: list[str] | None, counts: Any) -> dict[str, Any]:
        # Mapped results arrive as a lazy sequence, but as the bare value when only one branch succeeded.
        if counts is None:
            results = []
        elif isinstance(counts, dict):
            results = [counts]
        else:
            results = list(counts)
        return tasks.report(names, results)

    @task(trigger_rule="all_done", retries=0, execution_timeout=timedelta(minutes=1))
    def check(summary: dict[str, Any] | None) -> None:
        if summary is None:
            raise AirflowFailException("no run summary: the sources or report task failed, see their logs")
        if summary["failed_sources"]:
            raise AirflowFailException(
                f"sources whose task failed (the others completed): {', '.join(summary['failed_sources'])}"
            )

    names = sources()
    check(report(names, per_source.expand(name=names)))


news_ingest_dag = news_ingest()
