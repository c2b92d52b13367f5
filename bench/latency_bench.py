"""End-to-end latency: produce (events.extracted) -> searchable in Elasticsearch.

The production stream runs in-process: the stories router and aggregator and the indexer
(events and stories). Events are produced at a steady rate; a checker polls Elasticsearch
every 100 ms for the pending ones, so figures carry up to 0.1 s of polling error. Two
figures per event:

* event searchable: its document (with its story_id) is in the events index;
* story searchable: a story document counting it (its article in `article_ids`) is in the
  stories index. Every three events report one story from three outlets, one article each.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from typing import Any

from bench.corpus import percentile, story_mention
from common.config import topic
from common.es import index_name, make_es
from common.kafka import make_producer
from common.logs import configure_logging
from common.sandbox import private_indices, private_topics
from consumers.indexer import Indexer, default_inputs
from consumers.stories.consumer import StoriesAggregator, StoriesRouter


def run(rate_per_s: float = 50.0, seconds: float = 30.0) -> dict[str, Any]:
    with private_topics("lat"), private_indices("lat"):
        es = make_es()
        consumers = [
            StoriesRouter(group_id="bench-latency-router", batch_timeout_s=0.2),
            StoriesAggregator(group_id="bench-latency-stories", batch_timeout_s=0.2),
            Indexer(inputs=default_inputs(["events", "stories"]), group_id="bench-latency", batch_size=500, batch_timeout_s=0.5),
        ]
        threads = [threading.Thread(target=c.run, name=type(c).__name__, daemon=True) for c in consumers]
        for thread in threads:
            thread.start()
        time.sleep(4)  # let the consumers join their groups before the clock starts

        produced_at: dict[str, float] = {}  # event_id -> produce time, until its event is searchable
        story_pending: dict[str, float] = {}  # article_id -> produce time, until a story counts it
        event_latencies: list[float] = []
        story_latencies: list[float] = []
        lock = threading.Lock()
        done_producing = threading.Event()

        def produce() -> None:
            producer = make_producer(linger_ms=0)
            interval = 1.0 / rate_per_s
            start = time.monotonic()
            i = 0
            while time.monotonic() - start < seconds:
                event = story_mention(i, run="latency")
                with lock:
                    now = time.monotonic()
                    produced_at[event["event_id"]] = now
                    story_pending[event["article_id"]] = now
                producer.send(topic("events"), key=event["article_id"], value=event)
                i += 1
                time.sleep(max(0.0, start + i * interval - time.monotonic()))
            producer.flush()
            producer.close()
            done_producing.set()

        producer_thread = threading.Thread(target=produce, name="producer")
        producer_thread.start()
        deadline = time.monotonic() + seconds + 30
        while time.monotonic() < deadline:
            with lock:
                events, articles = list(produced_at), list(story_pending)
            if done_producing.is_set() and not events and not articles:
                break
            for i in range(0, len(events), 1000):
                ids = events[i : i + 1000]
                hits = es.search(index=index_name("events"), query={"ids": {"values": ids}}, source=False, size=len(ids))["hits"]["hits"]
                now = time.monotonic()
                with lock:
                    event_latencies.extend(now - produced_at.pop(h["_id"]) for h in hits)
            for i in range(0, len(articles), 1000):
                chunk = articles[i : i + 1000]
                hits = es.search(
                    index=index_name("stories"), query={"terms": {"article_ids": chunk}}, source=["article_ids"], size=len(chunk)
                )["hits"]["hits"]
                now = time.monotonic()
                counted = {a for h in hits for a in h["_source"]["article_ids"]} & set(chunk)
                with lock:
                    story_latencies.extend(now - story_pending.pop(a) for a in counted)
            time.sleep(0.1)
        producer_thread.join()
        for consumer in consumers:
            consumer.stop()
        for thread in threads:
            thread.join(timeout=30)
    return {
        "rate_per_s": rate_per_s,
        "seconds": seconds,
        "events": len(event_latencies) + len(produced_at),
        "event_not_searchable_within_30s": len(produced_at),
        "story_not_searchable_within_30s": len(story_pending),
        "event_p50_s": round(percentile(event_latencies, 0.50), 3),
        "event_p95_s": round(percentile(event_latencies, 0.95), 3),
        "story_p50_s": round(percentile(story_latencies, 0.50), 3),
        "story_p95_s": round(percentile(story_latencies, 0.95), 3),
        "story_max_s": round(max(story_latencies), 3) if story_latencies else None,
        "targets": {"event_p50_s": 2.0, "story_p95_s": 5.0},
    }


if __name__ == "__main__":
    configure_logging("WARNING")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=50.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    print(json.dumps(run(args.rate, args.seconds), indent=2))
