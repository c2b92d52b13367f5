"""Export event days from Elasticsearch to Parquet + gzipped TSV partitions, with a manifest each.

    python -m dags.export.run --all                 # every day that has events
    python -m dags.export.run --day 2026-11-20      # one day (repeatable), or --start D --end D
    python -m dags.export.run --since-hours 26      # the days touched by events coded since then

This is the logic of the `events_export` DAG (dags/events_export.py), usable without Airflow.
Configuration: NEWS_EXPORT_URL (target folder or fsspec URL, default var/exports),
NEWS_EXPORT_FORMATS (default parquet,tsv,gdelt), NEWS_EXPORT_LOOKBACK_HOURS (26), plus the
Elasticsearch settings of common.config.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyarrow as pa
from elasticsearch import Elasticsearch

from common.es import index_name, make_es
from common.logs import get_logger

from . import columns, gdelt, source
from .files import TableSink, Target

log = get_logger(__name__)
FORMATS = ("parquet", "tsv", "gdelt")


def formats_from_env() -> tuple[str, ...]:
    raw = os.environ.get("NEWS_EXPORT_FORMATS") or ",".join(FORMATS)
    chosen = tuple(f.strip() for f in raw.split(",") if f.strip())
    unknown = set(chosen) - set(FORMATS)
    if unknown:
        raise ValueError(f"NEWS_EXPORT_FORMATS: unknown format(s) {sorted(unknown)}; allowed: {', '.join(FORMATS)}")
    return chosen


def lookback_from_env() -> timedelta:
    return timedelta(hours=float(os.environ.get("NEWS_EXPORT_LOOKBACK_HOURS") or 26))


def read_stories(es: Elasticsearch, day: date) -> list[tuple[Any, ...]] | None:
    """Rows of the stories table, or None when there is no stories index (yet)."""
    index = index_name("stories")
    if not es.indices.exists(index=index):
        return None
    query = {"bool": {"should": [
        {"range": {"event_date": {"gte": day.isoformat(), "lt": (day + timedelta(days=1)).isoformat()}}},
        {"bool": {"must_not": [{"exists": {"field": "event_date"}}],
                  "filter": [{"range": {"first_seen": {"gte": day.isoformat(), "lt": (day + timedelta(days=1)).isoformat()}}}]}},
    ], "minimum_should_match": 1}}
    return [columns.story_row(d) for page in source.read_pages(es, index, query, None) for d in page]


def export_day(day: date, target: Target | None = None, es: Elasticsearch | None = None,
               formats: Iterable[str] | None = None) -> dict[str, Any]:
    """Export one event day; returns its manifest.

    One pass over the day's documents (two parallel slices of a point in time), each page turned
    into Arrow arrays while the next ones are read; then the tables, sorted by event_id, are
    written two files at a time; the new files replace the day's old ones when all are complete.
    """
    started = time.perf_counter()
    es = es or make_es()
    target = target or Target()
    formats = tuple(formats or formats_from_env())
    parquet, tsv = "parquet" in formats, "tsv" in formats
    index = index_name("events")
    versions: set[str] = set()
    models: set[str] = set()
    with target.stage(day) as staging:
        sinks = {
            "events": TableSink(staging, "events", columns.arrow_schema("events"), parquet, tsv),
            "mentions": TableSink(staging, "mentions", columns.arrow_schema("mentions"), parquet, tsv),
        }
        gdelt_sink = (TableSink(staging, "gdelt", gdelt.SCHEMA, parquet=False, tsv=True, header=False, quoting="none",
                                tsv_name=gdelt.FILE) if "gdelt" in formats else None)
        wide_row = columns.wide_row
        # each page becomes Arrow arrays while the readers fetch the next ones
        parts = [columns.to_table("wide", [wide_row(d) for d in page])
                 for page in source.read_pages(es, index, source.day_query(day), columns.EVENT_SOURCE_FIELDS, slices=source.SLICES)]
        wide = pa.concat_tables(parts) if parts else columns.to_table("wide", [])
        events, mentions = columns.split_wide(wide.sort_by([("event_id", "ascending")]))
        versions.update(v for v in events.column("extractor_version").unique().to_pylist() if v)
        models.update(v for v in events.column("model").unique().to_pylist() if v)
        work: list[tuple[TableSink, pa.Table]] = [(sinks["events"], events), (sinks["mentions"], mentions)]
        if gdelt_sink is not None:
            work.append((gdelt_sink, gdelt.gdelt_table(events, mentions.column("sentence_start"))))
        stories = read_stories(es, day)
        if stories is not None:
            sinks["stories"] = TableSink(staging, "stories", columns.arrow_schema("stories"), parquet, tsv)
            work.append((sinks["stories"], columns.to_table("stories", stories).sort_by([("story_id", "ascending")])))
        with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow's writers and zlib release the GIL
            list(pool.map(lambda item: item[0].write_all(item[1]), work))
        manifest = {
            "day": day.isoformat(),
            "time_window": source.time_window(day),
            "schema_version": columns.EXPORT_SCHEMA_VERSION,
            "event_schema": "event.v1",
            "codebook": "docs/codebook.md",
            "tables": {name: {"rows": sink.rows, "files": sink.files} for name, sink in sinks.items()},
            "gdelt": {"file": gdelt.FILE, "rows": gdelt_sink.rows, "columns": len(gdelt.COLUMNS)} if gdelt_sink else None,
            "extractor_versions": sorted(versions),
            "models": sorted(models),
            "source": {"elasticsearch_index": index, "stories_index": index_name("stories") if stories is not None else None},
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        staging.commit(manifest)
    log.info("export.day", day=day.isoformat(), events=sinks["events"].rows, target=target.url,
             seconds=round(time.perf_counter() - started, 2))
    return manifest


def plan_days(es: Elasticsearch, *, days: Iterable[str] = (), start: str | None = None, end: str | None = None,
              all_days: bool = False, interval_day: date | None = None, since: datetime | None = None) -> list[date]:
    """Which days a run exports: explicit days; a range (its days that have events); every day with
    events; or the run's own day plus the days touched by events coded since `since` (late news
    about earlier days)."""
    index = index_name("events")
    explicit = sorted({date.fromisoformat(d) for d in days})
    if explicit:
        return explicit
    if all_days:
        return source.days_with_events(es, index)
    if start or end:
        lo = date.fromisoformat(start) if start else date.min
        hi = date.fromisoformat(end) if end else date.max
        return [d for d in source.days_with_events(es, index) if lo <= d <= hi]
    chosen = set(source.days_touched_since(es, index, since)) if since is not None else set()
    if interval_day is not None:
        chosen.add(interval_day)
    return sorted(chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dags.export.run", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="every day that has events")
    parser.add_argument("--day", action="append", default=[], help="an event day YYYY-MM-DD (repeatable)")
    parser.add_argument("--start", help="first day of a range (inclusive)")
    parser.add_argument("--end", help="last day of a range (inclusive)")
    parser.add_argument("--since-hours", type=float, help="the days touched by events coded in the last N hours")
    parser.add_argument("--url", help="target folder or fsspec URL (default $NEWS_EXPORT_URL or var/exports)")
    args = parser.parse_args(argv)
    es = make_es()
    since = datetime.now(UTC) - timedelta(hours=args.since_hours) if args.since_hours is not None else None
    days = plan_days(es, days=args.day, start=args.start, end=args.end, all_days=args.all, since=since)
    target = Target(args.url)
    results = [export_day(d, target, es) for d in days]
    print(json.dumps({"target": target.url, "days": [{"day": m["day"], **{t: v["rows"] for t, v in m["tables"].items()}}
                                                     for m in results]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
