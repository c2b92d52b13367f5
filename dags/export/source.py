"""Reading one event day out of Elasticsearch: which days have events, and every document of a day.

A day is an event day: documents whose `event_date` is that day, plus undated ones whose
`@timestamp` (publication or extraction time) falls on it, so every event lands in exactly one
partition. Documents are read with a point in time and `search_after` (consistent while the
indexer keeps writing), one page ahead in a background thread so decoding overlaps the next
request.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

PAGE_SIZE = 5000
KEEP_ALIVE = "2m"
SLICES = 2  # parallel slices of the point in time when exporting a day


def day_query(day: date) -> dict[str, Any]:
    start, end = day.isoformat(), (day + timedelta(days=1)).isoformat()
    return {
        "bool": {
            "should": [
                {"range": {"event_date": {"gte": start, "lt": end}}},
                {"bool": {
                    "must_not": [{"exists": {"field": "event_date"}}],
                    "filter": [{"range": {"@timestamp": {"gte": start, "lt": end}}}],
                }},
            ],
            "minimum_should_match": 1,
        }
    }


def time_window(day: date) -> dict[str, str]:
    return {"start": f"{day.isoformat()}T00:00:00Z", "end": f"{(day + timedelta(days=1)).isoformat()}T00:00:00Z",
            "field": "event_date (else @timestamp)"}


def count_day(es: Elasticsearch, index: str, day: date) -> int:
    return int(es.count(index=index, query=day_query(day))["count"])


def _day_buckets(es: Elasticsearch, index: str, query: dict[str, Any] | None) -> set[date]:
    base = query or {"match_all": {}}
    aggs = {
        "dated": {"date_histogram": {"field": "event_date", "calendar_interval": "day", "min_doc_count": 1}},
        "undated": {"filter": {"bool": {"must_not": [{"exists": {"field": "event_date"}}]}},
                    "aggs": {"days": {"date_histogram": {"field": "@timestamp", "calendar_interval": "day", "min_doc_count": 1}}}},
    }
    resp = es.search(index=index, size=0, query=base, aggs=aggs)
    buckets = resp["aggregations"]["dated"]["buckets"] + resp["aggregations"]["undated"]["days"]["buckets"]
    return {_day_of(b["key"]) for b in buckets}


def _day_of(epoch_ms: int) -> date:
    return date(1970, 1, 1) + timedelta(milliseconds=epoch_ms)


def days_with_events(es: Elasticsearch, index: str) -> list[date]:
    """Every event day that has at least one event."""
    if not es.indices.exists(index=index):
        return []
    return sorted(_day_buckets(es, index, None))


def days_touched_since(es: Elasticsearch, index: str, since: datetime) -> list[date]:
    """Event days of the events coded since `since`: what a scheduled run re-exports (late articles
    about old days included)."""
    if not es.indices.exists(index=index):
        return []
    query = {"range": {"extracted_at": {"gte": since.isoformat()}}}
    return sorted(_day_buckets(es, index, query))


def read_pages(es: Elasticsearch, index: str, query: dict[str, Any], fields: list[str] | None,
               page_size: int = PAGE_SIZE, slices: int = 1) -> Iterator[list[dict[str, Any]]]:
    """Pages of `_source` documents matching `query`, through one point in time. With `slices` > 1
    the point in time is read as that many slices in parallel threads (Elasticsearch serves them
    concurrently); pages arrive in no particular order. Readers stay one page ahead of the caller."""
    pit = es.open_point_in_time(index=index, keep_alive=KEEP_ALIVE)["id"]
    pages: queue.Queue[Any] = queue.Queue(maxsize=2 * slices)
    stop = threading.Event()

    def fetch(slice_id: int) -> None:
        after: list[Any] | None = None
        try:
            while not stop.is_set():
                body: dict[str, Any] = {
                    "size": page_size, "query": query, "pit": {"id": pit, "keep_alive": KEEP_ALIVE},
                    "sort": [{"_shard_doc": "asc"}], "track_total_hits": False,
                }
                if slices > 1:
                    body["slice"] = {"id": slice_id, "max": slices}
                if fields is not None:
                    body["_source"] = fields
                if after is not None:
                    body["search_after"] = after
                resp = es.search(**body, filter_path=["hits.hits._source", "hits.hits.sort"])
                hits = (resp.get("hits") or {}).get("hits") or []
                if not hits:
                    break
                pages.put([h["_source"] for h in hits])
                after = hits[-1]["sort"]
                if len(hits) < page_size:
                    break
        except Exception as exc:  # noqa: BLE001 - handed to the reading thread, which raises it
            pages.put(exc)
        finally:
            pages.put(None)

    workers = [threading.Thread(target=fetch, args=(k,), name=f"export-reader-{k}", daemon=True) for k in range(slices)]
    for worker in workers:
        worker.start()
    try:
        running = len(workers)
        while running:
            page = pages.get()
            if page is None:
                running -= 1
                continue
            if isinstance(page, Exception):
                raise page
            yield page
    finally:
        stop.set()
        while any(w.is_alive() for w in workers):  # unblock producers waiting on a full queue
            try:
                pages.get_nowait()
            except queue.Empty:
                for w in workers:
                    w.join(timeout=0.05)
        es.options(ignore_status=404).close_point_in_time(id=pit)
