"""`make demo`: the main job, end to end, on the local services and the embedded demo site.

1. the real `news_ingest` DAG (dag.test()) scrapes the demo news site into articles.raw;
2. the extractor codes events into events.extracted and articles.enriched;
3. the stories consumer groups the events of different articles into stories;
4. the indexer makes events, stories and articles searchable in Elasticsearch;
5. the alerter fires the example rules (events, new stories, escalations, rates, spikes);
then it prints what happened, the top stories, a few searches and the alerts. Each consumer
drains its input (until its group has committed the end offsets its input had when it
started, i.e. lag 0) and stops. Running it again is safe: nothing already seen is sent twice.
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


def print_stories(es: Any) -> None:
    """The top stories, and the syndicated one: what counting stories instead of sentences changes."""
    top = es.search(
        index=index_name("stories"),
        size=5,
        sort=[{"num_sources": "desc"}, {"num_articles": "desc"}, {"num_mentions": "desc"}],
        query={"range": {"num_articles": {"gte": 2}}},
    )["hits"]["hits"]
    step("top stories (more than one article): one real-world event, counted once")
    for hit in top:
        story = hit["_source"]
        outlets = ", ".join(story["outlets"])
        independent = ", ".join(s["outlet"] for s in story["sources"])
        copies = f" ({story['num_copies']} a syndicated copy)" if story.get("num_copies") else ""
        print(
            f"   {story['event_type']:9} {story['num_mentions']} mentions in {story['num_articles']} articles{copies}, "
            f"{story['num_sources']} independent source(s) [{independent}] of outlets [{outlets}], confidence {story['confidence']:.2f}"
        )
        print(f"             \"{story['representative']['sentence'][:110]}\"")
    copies = es.search(
        index=index_name("events"),
        size=0,
        query={"term": {"is_near_duplicate": True}},
        aggs={"stories": {"cardinality": {"field": "story_id"}}, "storied": {"filter": {"exists": {"field": "story_id"}}}},
    )
    total, storied = copies["hits"]["total"]["value"], copies["aggregations"]["storied"]["doc_count"]
    print(
        f"   syndicated copies: {total} events of near-duplicate articles; {storied} counted as mentions of "
        f"{copies['aggregations']['stories']['value']} existing stories, {total - storied} matched none; none started a story"
    )


def main() -> int:
    configure_logging("WARNING")
    from consumers.alerter.consumer import Alerter
    from consumers.extractor import Extractor
    from consumers.indexer import Indexer
    from consumers.search_cli import main as search
    from consumers.stories.consumer import StoriesAggregator, StoriesRouter

    step("1/5 ingest: the news_ingest DAG scrapes the demo site (Airflow dag.test())")
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

    step("2/5 extract: spaCy codes PLOVER events (consumer group extractor)")
    extractor = Extractor()
    stats, seconds = timed(lambda: extractor.run(drain=True, max_seconds=DRAIN_LIMIT_S))
    print(f"   done in {seconds:.1f}s (model load included)")
    print_counts("counts", stats)

    step("3/5 stories: group the events of different articles into stories (consumer groups stories-router, stories)")
    stats, seconds = timed(lambda: {
        "router": StoriesRouter().run(drain=True, max_seconds=DRAIN_LIMIT_S),  # then the aggregator drains what it routed
        "aggregator": StoriesAggregator().run(drain=True, max_seconds=DRAIN_LIMIT_S),
    })
    print(f"   done in {seconds:.1f}s")
    print_counts("counts", stats["aggregator"])

    step("4/5 index: bulk into Elasticsearch (consumer group indexer)")
    stats, seconds = timed(lambda: Indexer().run(drain=True, max_seconds=DRAIN_LIMIT_S))
    print(f"   done in {seconds:.1f}s")
    print_counts("counts", stats)

    step("5/5 alert: the example rules (consumer group alerter)")
    alerts_before = end_offsets(topic("alerts"))
    stats, seconds = timed(lambda: Alerter().run(drain=True, max_seconds=DRAIN_LIMIT_S))
    print(f"   done in {seconds:.1f}s")
    print_counts("counts", stats)

    es = make_es()
    es.indices.refresh(index=f"{index_name('events')},{index_name('articles')},{index_name('stories')}")
    n_events = es.count(index=index_name("events"))["count"]
    n_articles = es.count(index=index_name("articles"))["count"]
    n_stories = es.count(index=index_name("stories"))["count"]
    step(f"Elasticsearch now holds {n_articles} articles and {n_events} events (mentions) in {n_stories} stories")
    search(["--count-by", "type", "--limit", "20", "--color", "never"])
    print_stories(es)

    step('search: news-search "de-escalation zones"')
    search(["de-escalation zones", "--limit", "5"])
    step("search: news-search --type ASSAULT --country SYR")
    search(["--type", "ASSAULT", "--country", "SYR", "--limit", "5"])
    step('search: news-search --articles "Astana"')
    search(["--articles", "Astana", "--limit", "3"])

    step('search: news-search --stories "drone"')
    search(["--stories", "drone", "--limit", "3"])

    fired = read_from(alerts_before)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for alert in fired:
        by_kind.setdefault(alert.get("kind", "event"), []).append(alert)
    step(f"alerts fired in this run: {len(fired)} (" + ", ".join(f"{k}={len(v)}" for k, v in sorted(by_kind.items())) + ")")
    for kind in ("event", "new_story", "escalation", "rate", "spike"):
        alerts = by_kind.get(kind, [])
        for alert in alerts[:3]:
            print(f"   {kind:10} {alert.get('summary', alert['event_id'])}")
        if len(alerts) > 3:
            print(f"   {kind:10} ... and {len(alerts) - 3} more (topic {topic('alerts')})")

    print(
        "\nServices are still running: try `.venv/bin/news-search \"ceasefire\"`, "
        "`make airflow` for the Airflow UI, `make down` to stop."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
