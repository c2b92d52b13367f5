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
from datetime import UTC, date, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from common.es import index_name, make_es
from common.logs import get_logger

from . import columns, gdelt, source
from .files import Target, parquet_writer, tsv_writer

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


def read_day(es: Elasticsearch, index: str, day: date) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of the events and mentions tables for one event day (one pass over the documents)."""
    events: list[tuple[Any, ...]] = []
    mentions: list[tuple[Any, ...]] = []
    event_row, mention_row = columns.event_row, columns.mention_row
    for page in source.read_pages(es, index, source.day_query(day), columns.EVENT_SOURCE_FIELDS):
        events.extend(event_row(d) for d in page)
        mentions.extend(mention_row(d) for d in page)
    return {"events": events, "mentions": mentions}


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
    """Export one event day; returns its manifest."""
    started = time.perf_counter()
    es = es or make_es()
    target = target or Target()
    formats = tuple(formats or formats_from_env())
    index = index_name("events")
    rows = read_day(es, index, day)
    tables = {name: columns.to_table(name, rows[name]).sort_by([("event_id", "ascending")]) for name in ("events", "mentions")}
    stories = read_stories(es, day)
    if stories is not None:
        tables["stories"] = columns.to_table("stories", stories).sort_by([("story_id", "ascending")])
    writers: dict[str, Any] = {}
    for name, table in tables.items():
        if "parquet" in formats:
            writers[f"{name}.parquet"] = parquet_writer(table)
        if "tsv" in formats:
            writers[f"{name}.tsv.gz"] = tsv_writer(table)
    if "gdelt" in formats:
        m = tables["mentions"]
        starts = dict(zip(m.column("event_id").to_pylist(), m.column("sentence_start").to_pylist(), strict=True))
        writers["gdelt.export.tsv.gz"] = tsv_writer(gdelt.gdelt_table(tables["events"], starts), header=False, quoting="none")
    events = tables["events"]
    manifest = {
        "day": day.isoformat(),
        "time_window": source.time_window(day),
        "schema_version": columns.EXPORT_SCHEMA_VERSION,
        "event_schema": "event.v1",
        "codebook": "docs/codebook.md",
        "tables": {name: {"rows": t.num_rows, "files": sorted(f for f in writers if f.startswith(f"{name}."))}
                   for name, t in tables.items()},
        "gdelt": {"file": "gdelt.export.tsv.gz", "rows": events.num_rows, "columns": len(gdelt.COLUMNS)} if "gdelt" in formats else None,
        "extractor_versions": sorted({v for v in events.column("extractor_version").to_pylist() if v}),
        "models": sorted({v for v in events.column("model").to_pylist() if v}),
        "source": {"elasticsearch_index": index, "stories_index": index_name("stories") if stories is not None else None},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    target.replace_partition(day, writers, manifest)
    log.info("export.day", day=day.isoformat(), events=events.num_rows, target=target.url,
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
