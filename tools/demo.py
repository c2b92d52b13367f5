"""`make demo`: the main job, end to end, on the local services and the embedded demo site.

1. the real `news_ingest` DAG (dag.test()) scrapes the demo news site into articles.raw;
2. the extractor codes events into events.extracted and articles.enriched;
3. the indexer makes them searchable in Elasticsearch;
4. the alerter fires the example rules into the alerts topic;
then it prints what happened, a few searches and the alerts. Each consumer drains its
input (until its group has committed the end offsets its input had when it started, i.e.
lag 0) and stops. Running it again is safe: nothing already seen is sent twice.
Airflow's own log goes to var/log/demo-airflow.log.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import orjson

from common.config import load_settings, topic
from common.es import index_name, make_es
from common.kafka import make_consumer
from common.logs import configure_logging

DRAIN_LIMIT_S = 900.0  # a safety net: draining ends on lag 0, long before this


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def ingest() -> dict[str, Any]:
    """Run the DAG in its own process: Airflow reconfigures logging process-wide."""
    log_path = load_settings().var_dir / "log" / "demo-airflow.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        done = subprocess.run([sys.executable, "-m", "dags.ingest.run_local"], stdout=subprocess.PIPE, stderr=log)
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"news_ingest did not run (exit {done.returncode}); see {log_path}") from None
    if result["state"] != "success":
        raise SystemExit(f"news_ingest run {result['run_id']} ended {result['state']}; see {log_path}")
    return result["summary"] or {}


def end_offsets(topic_name: str) -> dict[Any, int]:
    from kafka.structs import TopicPartition

    consumer = make_consumer("demo-offsets")
    try:
        partitions = [TopicPartition(topic_name, p) for p in consumer.partitions_for_topic(topic_name) or []]
        return consumer.end_offsets(partitions)
    finally:
        consumer.close()


def read_from(offsets: dict[Any, int]) -> list[dict[str, Any]]:
    """Records appended after `offsets` (end offsets taken earlier)."""
    consumer = make_consumer("demo-reader", enable_auto_commit=False)
    try:
        consumer.assign(list(offsets))
        for tp, offset in offsets.items():
            consumer.seek(tp, offset)
        ends = consumer.end_offsets(list(offsets))
        records: list[dict[str, Any]] = []
        while any(consumer.position(tp) < ends[tp] for tp in offsets):
            for batch in consumer.poll(timeout_ms=1000).values():
                records.extend(orjson.loads(m.value) for m in batch)
        return records
    finally:
        consumer.close()


def print_counts(title: str, counts: dict[str, Any]) -> None:
    shown = {k: v for k, v in sorted(counts.items()) if v and not k.startswith("produced:") and k not in ("commits", "batches")}
    print(f"   {title}: " + ", ".join(f"{k}={v}" for k, v in shown.items()))


def main() -> int:
    configure_logging("WARNING")
    from consumers.alerter.consumer import Alerter
    from consumers.extractor import Extractor
    from consumers.indexer import Indexer
    from consumers.search_cli import main as search

    step("1/4 ingest: the news_ingest DAG scrapes the demo site (Airflow dag.test())")
    summary, seconds = timed(ingest)
    totals = summary.get("totals", summary)
    print(f"   done in {seconds:.1f}s")
    keys = ("discovered", "fetched", "new", "sent", "duplicate", "near_duplicate", "failed", "dead_lettered")
    print("   counts: " + ", ".join(f"{k}={totals.get(k, 0)}" for k in keys))
    if not totals.get("discovered"):
        print("   (nothing new: the sources answered 304 Not Modified or every item was already sent)")
    failed = totals.get("failed_by_reason") or {}
    if failed:
        print("   failed by reason: " + ", ".join(f"{k}={v}" for k, v in sorted(failed.items())))

    step("2/4 extract: spaCy codes PLOVER events (consumer group extractor)")
    extractor = Extractor()
    stats, seconds = timed(lambda: extractor.run(drain=True, max_seconds=DRAIN_LIMIT_S))
    print(f"   done in {seconds:.1f}s (model load included)")
    print_counts("counts", stats)

    step("3/4 index: bulk into Elasticsearch (consumer group indexer)")
    stats, seconds = timed(lambda: Indexer().run(drain=True, max_seconds=DRAIN_LIMIT_S))
    print(f"   done in {seconds:.1f}s")
    print_counts("counts", stats)

    step("4/4 alert: the example rules (consumer group alerter)")
    alerts_before = end_offsets(topic("alerts"))
    stats, seconds = timed(lambda: Alerter().run(drain=True, max_seconds=DRAIN_LIMIT_S))
    print(f"   done in {seconds:.1f}s")
    print_counts("counts", stats)

    es = make_es()
    es.indices.refresh(index=f"{index_name('events')},{index_name('articles')}")
    n_events = es.count(index=index_name("events"))["count"]
    n_articles = es.count(index=index_name("articles"))["count"]
    types = es.search(index=index_name("events"), size=0, aggs={"t": {"terms": {"field": "event_type", "size": 20}}})
    step(f"Elasticsearch now holds {n_articles} articles and {n_events} events")
    print("   events by type: " + ", ".join(f"{b['key']}={b['doc_count']}" for b in types["aggregations"]["t"]["buckets"]))

    step('search: news-search "de-escalation zones"')
    search(["de-escalation zones", "--limit", "5"])
    step("search: news-search --type ASSAULT --country SYR")
    search(["--type", "ASSAULT", "--country", "SYR", "--limit", "5"])
    step('search: news-search --articles "Astana"')
    search(["--articles", "Astana", "--limit", "3"])

    fired = read_from(alerts_before)
    step(f"alerts fired in this run: {len(fired)}")
    for alert in fired[:15]:
        print(f"   [{alert.get('severity', 'info'):8}] {alert['rule']}: {alert.get('summary', alert['event_id'])}")
    if len(fired) > 15:
        print(f"   ... and {len(fired) - 15} more (topic {topic('alerts')})")

    print(
        "\nServices are still running: try `.venv/bin/news-search \"ceasefire\"`, "
        "`make airflow` for the Airflow UI, `make down` to stop."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
