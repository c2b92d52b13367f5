"""news_ingest: scrape the configured news sources into the Kafka topic articles.raw.

One branch per enabled source (dynamic task mapping over dags/sources.yaml, or the file in
NEWS_SOURCES_FILE): `discover` reads the feed, sitemap or section page; `ingest` fetches,
extracts, deduplicates and produces the articles, dead-lettering failures to ingest.dlq. A
failing source never fails the others; `report` logs and returns the counts of the sources
that finished, and `check` fails the run afterwards if a source's task failed.

Manual runs take params ("Trigger DAG w/ config", or `airflow dags trigger -c '{...}'`):
`sources` (names from the sources config; empty = every enabled source), `max_items` (cap per
source for this run) and `dry_run` (fetch and extract, but send nothing to Kafka and record
nothing as seen; the report lists what would have been sent).

Operators are told: a failed run posts to NEWS_AIRFLOW_ALERT_WEBHOOK_URL (on_failure_callback),
and so does a run still unfinished NEWS_INGEST_DEADLINE_MINUTES (default 45; "none" for no
deadline) after it was queued (a deadline alert, run by the triggerer). Inside Airflow, Kafka settings come from the Airflow
Connection NEWS_KAFKA_CONN_ID (default kafka_default) when it exists (common/airflow_connections.py).

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
from airflow.sdk import (
    Asset,
    AsyncCallback,
    DeadlineAlert,
    DeadlineReference,
    Param,
    dag,
    get_current_context,
    task,
    task_group,
)
from airflow.sdk.exceptions import AirflowFailException

from dags.ingest import tasks
from dags.operations.notifier import RunNotifier


def _schedule() -> str | None:
    value = (os.environ.get("NEWS_INGEST_SCHEDULE") or "*/15 * * * *").strip()
    return None if value.lower() == "none" else value


RETRY_DELAY = timedelta(seconds=float(os.environ.get("NEWS_INGEST_RETRY_DELAY_SECONDS") or 60))
MAX_PARALLEL = int(os.environ.get("NEWS_INGEST_MAX_PARALLEL") or 8)
ARTICLES_RAW = Asset(tasks.articles_raw_asset_uri())


def _deadline() -> DeadlineAlert | None:
    """Tell operators when a run is still unfinished this long after it was queued ("none": never)."""
    minutes = (os.environ.get("NEWS_INGEST_DEADLINE_MINUTES") or "45").strip()
    if minutes.lower() == "none":
        return None
    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(minutes=float(minutes)),
        callback=AsyncCallback(RunNotifier, kwargs={"title": "news_ingest is late", "kind": "deadline_missed"}),
    )


PARAMS = {
    "sources": Param(
        [], type="array", items={"type": "string"}, uniqueItems=True, title="Sources",
        description="Names from the sources config to run (disabled ones too). Empty: every enabled source.",
    ),
    "max_items": Param(
        None, type=["null", "integer"], minimum=1, title="Max items per source",
        description="Cap on the items taken from each source's listing in this run. Empty: the config's cap.",
    ),
    "dry_run": Param(
        False, type="boolean", title="Dry run",
        description="Fetch and extract, but send nothing to Kafka and record nothing as seen.",
    ),
}


def _params() -> dict[str, Any]:
    return dict(get_current_context()["params"])


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
    params=PARAMS,
    on_failure_callback=[RunNotifier(title="news_ingest failed")],
    deadline=_deadline(),
)
def news_ingest() -> None:
    @task(execution_timeout=timedelta(minutes=2))
    def sources() -> list[str]:
        try:
            return tasks.enabled_source_names(_params()["sources"] or None)
        except tasks.UnknownSourceError as exc:  # a typo in a manual run's params: retrying cannot help
            raise AirflowFailException(str(exc)) from exc

    @task_group(group_id="source")
    def per_source(name: str) -> Any:
        @task(
            execution_timeout=timedelta(minutes=10),
            map_index_template="{{ source_name }}",
            max_active_tis_per_dagrun=MAX_PARALLEL,
        )
        def discover(name: str) -> dict[str, Any]:
            get_current_context()["source_name"] = name  # type: ignore[typeddict-unknown-key]
            return tasks.discover(name, max_items=_params()["max_items"])

        @task(
            execution_timeout=timedelta(minutes=40),
            outlets=[ARTICLES_RAW],
            map_index_template="{{ source_name }}",
            max_active_tis_per_dagrun=MAX_PARALLEL,
        )
        def ingest(name: str, discovery: dict[str, Any]) -> dict[str, Any]:
            get_current_context()["source_name"] = name  # type: ignore[typeddict-unknown-key]
            return tasks.ingest(name, discovery, dry_run=_params()["dry_run"])

        return ingest(name, discover(name))

    @task(trigger_rule="all_done", execution_timeout=timedelta(minutes=2))
    def report(names: list[str] | None, counts: Any) -> dict[str, Any]:
        if names is None:  # then no source ran: the run must not end as a success
            raise AirflowFailException("the sources task failed, so no source ran; see its log")
        # Mapped results arrive as a lazy sequence, but as the bare value when only one branch succeeded.
        if counts is None:
            results = []
        elif isinstance(counts, dict):
            results = [counts]
        else:
            results = list(counts)
        return {**tasks.report(names, results), "dry_run": bool(_params()["dry_run"])}

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
