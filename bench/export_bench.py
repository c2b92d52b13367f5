"""Exporting one event day against a plain pyarrow write of the same rows read with search_after.

Both read the same N event documents of one day from the same index, with the same query,
page size and `_source` fields. The plain path reads page after page with `search_after`,
builds the events table (the same row code) and writes one Parquet file: the least any export
must do. The export is `export_day` as the DAG runs it: events and mentions as Parquet and
gzipped TSV, the GDELT view, the manifest, atomic renames. Rounds alternate; the best of each
is kept. Ratio = plain seconds / export seconds (target >= 0.8).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from elasticsearch import helpers

from bench.corpus import synthetic_event
from common.es import index_name, make_es
from common.logs import configure_logging
from common.sandbox import private_indices
from consumers.indexing.documents import event_action
from dags.export import columns, source
from dags.export.files import Target
from dags.export.run import export_day

DAY = date(2026, 11, 19)  # the event_date of bench.corpus.synthetic_event


def _event(i: int) -> dict[str, Any]:
    event = synthetic_event(i, run="export-bench")
    if i % 7 == 0:
        event["magnitudes"] = {"dead": i % 50, "injured": i % 13}
    return event


def _plain(es: Any, index: str, out: Path) -> tuple[float, int]:
    """search_after pages (no point-in-time thread, no prefetch) -> rows -> one Parquet file."""
    started = time.perf_counter()
    rows: list[tuple[Any, ...]] = []
    after: list[Any] | None = None
    pit = es.open_point_in_time(index=index, keep_alive="2m")["id"]
    try:
        while True:
            body: dict[str, Any] = {"size": source.PAGE_SIZE, "query": source.day_query(DAY), "pit": {"id": pit, "keep_alive": "2m"},
                                    "sort": [{"_shard_doc": "asc"}], "_source": columns.EVENT_SOURCE_FIELDS, "track_total_hits": False}
            if after is not None:
                body["search_after"] = after
            hits = es.search(**body, filter_path=["pit_id", "hits.hits._source", "hits.hits.sort"]).get("hits", {}).get("hits", [])
            if not hits:
                break
            rows.extend(columns.event_row(h["_source"]) for h in hits)
            after = hits[-1]["sort"]
    finally:
        es.close_point_in_time(id=pit)
    pq.write_table(columns.to_table("events", rows), out / "events.parquet")
    return time.perf_counter() - started, len(rows)


def run(n_docs: int = 100_000, rounds: int = 2) -> dict[str, Any]:
    with private_indices("bench-export"), tempfile.TemporaryDirectory(prefix="export-bench-") as tmp:
        es = make_es(request_timeout=120)
        index = index_name("events")
        started = time.perf_counter()
        ok, errors = helpers.bulk(es, (event_action(_event(i)) for i in range(n_docs)), chunk_size=2000, raise_on_error=False)
        assert ok == n_docs and not errors, errors[:3]
        es.indices.refresh(index=index)
        index_s = time.perf_counter() - started
        assert source.count_day(es, index, DAY) == n_docs
        plain_s, export_s = [], []
        files: dict[str, int] = {}
        for k in range(rounds):
            out = Path(tmp) / f"plain-{k}"
            out.mkdir()
            seconds, n = _plain(es, index, out)
            assert n == n_docs
            plain_s.append(seconds)
            target = Target(str(Path(tmp) / "exports"))
            started = time.perf_counter()
            manifest = export_day(DAY, target, es)
            export_s.append(time.perf_counter() - started)
            assert manifest["tables"]["events"]["rows"] == manifest["tables"]["mentions"]["rows"] == n_docs
            folder = Path(target.partition(DAY))
            files = {p.name: p.stat().st_size for p in sorted(folder.iterdir())}
        plain, export = min(plain_s), min(export_s)
        return {
            "events": n_docs, "index_s": round(index_s, 1),
            "plain_search_after_pyarrow_s": round(plain, 2), "export_s": round(export, 2),
            "export_events_per_s": round(n_docs / export, 1), "ratio": round(plain / export, 3), "target_ratio": 0.8,
            "rounds": {"plain_s": [round(s, 2) for s in plain_s], "export_s": [round(s, 2) for s in export_s]},
            "files_bytes": files,
        }


if __name__ == "__main__":
    configure_logging("WARNING")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(run(args.docs, args.rounds), indent=2))
