"""`make bench`: every benchmark, one after the other, on the local services.

Prints one JSON document and writes it to var/bench/results.json. Sizes can be
reduced for a quick look: BENCH_SCALE=0.2 make bench.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from typing import Any

from common.config import load_settings
from common.logs import configure_logging


def run_plan(tag: str, plan: list[tuple[str, Callable[[], dict[str, Any]]]], results: dict[str, Any], filename: str) -> None:
    """Run each benchmark, print its JSON as it finishes, and write them all to var/bench/<filename>."""
    results.setdefault("machine", {"cpus": os.cpu_count(), "python": platform.python_version()})
    for name, bench in plan:
        print(f"[{tag}] {name} ...", flush=True)
        started = time.perf_counter()
        results[name] = bench()
        results[name]["bench_wall_s"] = round(time.perf_counter() - started, 1)
        print(json.dumps({name: results[name]}, indent=2), flush=True)
    out = load_settings().var_dir / "bench" / filename
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"[{tag}] results written to {out}")


def main() -> int:
    configure_logging("WARNING")
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    from bench import export_bench, extractor_bench, indexer_bench, ingest_bench, latency_bench

    plan = [
        ("ingest", lambda: ingest_bench.run(n_articles=max(20, int(200 * scale)))),
        ("extractor", lambda: extractor_bench.run(n_articles=max(30, int(300 * scale)))),
        ("indexer", lambda: indexer_bench.run(n_docs=max(2000, int(20_000 * scale)))),
        ("latency", lambda: latency_bench.run(rate_per_s=50, seconds=max(10.0, 30 * scale))),
        ("export", lambda: export_bench.run(n_docs=max(10_000, int(100_000 * scale)))),
    ]
    run_plan("bench", plan, {}, "results.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
