"""events_export: daily Parquet + gzipped TSV partitions of events, mentions and stories, one per event day.

Runs once a day (the data interval's day, plus every day touched by events coded in the last
NEWS_EXPORT_LOOKBACK_HOURS, default 26, so late news about earlier days is re-exported), and
whenever the events asset is updated (the same look-back). Params for manual runs: `days`
(list of YYYY-MM-DD), `start`/`end` (a range: its days with events), `all_days`.
`airflow backfill create --dag-id events_export --from-date D1 --to-date D2` exports each day of the range.

Target: NEWS_EXPORT_URL, a folder (default var/exports) or any URL Airflow's ObjectStoragePath /
fsspec knows (s3://bucket/events, gs://...; credentials from NEWS_EXPORT_CONN_ID when set).
Formats: NEWS_EXPORT_FORMATS (default parquet,tsv,gdelt). Re-running a day replaces its files
atomically. Schedule: NEWS_EXPORT_SCHEDULE (cron or preset, default @daily; "none" = asset and
manual runs only). The logic lives in dags/export/; this file only wires it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, AssetOrTimeSchedule, CronDataIntervalTimetable, Param, dag, get_current_context, task


def _events_asset_uri() -> str:
    """elasticsearch://<host:port>/<events alias>: updated by whatever announces new events."""
    from urllib.parse import urlsplit

    from common.es import index_name

    url = os.environ.get("ELASTICSEARCH_URL") or "http://127.0.0.1:9200"
    return f"elasticsearch://{urlsplit(url).netloc}/{index_name('events')}"


EVENTS = Asset(_events_asset_uri())
def _exports_uri() -> str:
    from pathlib import Path

    from dags.export.files import default_url

    url = default_url()
    return url if "://" in url else Path(url).resolve().as_uri()


EXPORTS = Asset(_exports_uri())


def _schedule() -> Any:
    value = (os.environ.get("NEWS_EXPORT_SCHEDULE") or "@daily").strip()
    if value.lower() == "none":
        return [EVENTS]
    return AssetOrTimeSchedule(timetable=CronDataIntervalTimetable(value, timezone="UTC"), assets=[EVENTS])


def _target() -> Any:
    from dags.export.files import Target

    conn_id = os.environ.get("NEWS_EXPORT_CONN_ID")
    url = os.environ.get("NEWS_EXPORT_URL")
    if url and "://" in url and not url.startswith("file://"):
        from airflow.sdk import ObjectStoragePath

        try:  # Airflow's object storage: schemes its providers register, credentials from the connection
            path = ObjectStoragePath(url, conn_id=conn_id) if conn_id else ObjectStoragePath(url)
            return Target(url=url, fs=path.fs, root=path.path)
        except ValueError:  # a scheme only fsspec knows (memory://, a third-party fsspec package)
            return Target(url)
    return Target(url)


@dag(
    dag_id="events_export",
    description="Daily Parquet/TSV partitions of events, mentions and stories, with a codebook and a GDELT view",
    schedule=_schedule(),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "research", "retries": 2, "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True},
    params={
        "days": Param([], type="array", items={"type": "string", "format": "date"}, description="event days to export"),
        "start": Param(None, type=["null", "string"], format="date", description="first day of a range"),
        "end": Param(None, type=["null", "string"], format="date", description="last day of a range"),
        "all_days": Param(False, type="boolean", description="every day that has events"),
    },
    tags=["export", "research", "elasticsearch"],
    doc_md=__doc__,
)
def events_export() -> None:
    @task(execution_timeout=timedelta(minutes=5))
    def plan() -> list[str]:
        from common.es import make_es
        from dags.export.run import lookback_from_env, plan_days

        ctx = get_current_context()
        params = ctx["params"]
        dag_run = ctx["dag_run"]
        interval_start = ctx.get("data_interval_start")
        run_type = str(getattr(dag_run.run_type, "value", dag_run.run_type))
        scheduled = run_type in ("scheduled", "backfill")
        days = plan_days(
            make_es(), days=params.get("days") or (), start=params.get("start"), end=params.get("end"),
            all_days=bool(params.get("all_days")),
            interval_day=interval_start.date() if scheduled and interval_start is not None else None,
            since=None if run_type == "backfill" else datetime.now(UTC) - lookback_from_env(),
        )
        return [d.isoformat() for d in days]

    @task(execution_timeout=timedelta(minutes=30), max_active_tis_per_dagrun=2, map_index_template="{{ task.op_kwargs['day'] }}")
    def export(day: str) -> dict[str, Any]:
        from datetime import date

        from dags.export.run import export_day

        manifest = export_day(date.fromisoformat(day), _target())
        return {"day": day, **{name: t["rows"] for name, t in manifest["tables"].items()}}

    @task(outlets=[EXPORTS], trigger_rule="all_done")
    def report(results: Any) -> dict[str, Any]:
        done = [r for r in (results or []) if r]
        return {"days": len(done), "events": sum(r.get("events", 0) for r in done),
                "mentions": sum(r.get("mentions", 0) for r in done), "per_day": done}

    report(export.expand(day=plan()))


events_export_dag = events_export()
