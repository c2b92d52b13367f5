"""End-to-end latency from produce (events.extracted) to searchable (Elasticsearch search hit).

Events are produced at a steady rate while the real indexer consumer runs; a checker
searches for the pending ids every 100 ms, so figures carry up to 0.1 s of polling error.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from typing import Any

from bench.corpus import percentile, synthetic_event
from common.config import topic
from common.es import index_name, make_es
from common.kafka import make_producer
from common.logs import configure_logging
from common.sandbox import private_indices, private_topics
from consumers.indexer import Indexer, default_inputs


def run(rate_per_s: float = 50.0, seconds: float = 30.0) -> dict[str, Any]:
    with private_topics("lat"), private_indices("lat"):
        es = make_es()
        alias = index_name("events")
        indexer = Indexer(inputs=default_inputs(["events"]), group_id="bench-latency", batch_size=500, batch_timeout_s=0.5)
        consumer_thread = threading.Thread(target=indexer.run, name="indexer", daemon=True)
        consumer_thread.start()
        time.sleep(3)  # let the consumer join its group before the clock starts

        produced_at: dict[str, float] = {}
        latencies: list[float] = []
        lock = threading.Lock()
        done_producing = threading.Event()

        def produce() -> None:
            producer = make_producer(linger_ms=0)
            interval = 1.0 / rate_per_s
            start = time.monotonic()
            i = 0
            while time.monotonic() - start < seconds:
                event = synthetic_event(i, run="latency")
                with lock:
                    produced_at[event["event_id"]] = time.monotonic()
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
                pending = list(produced_at)
            if done_producing.is_set() and not pending:
                break
            for i in range(0, len(pending), 1000):
                ids = pending[i : i + 1000]
                hits = es.search(index=alias, query={"ids": {"values": ids}}, source=False, size=len(ids))["hits"]["hits"]
                now = time.monotonic()
                with lock:
                    for hit in hits:
                        latencies.append(now - produced_at.pop(hit["_id"]))
            time.sleep(0.1)
        producer_thread.join()
        indexer.stop()
        consumer_thread.join(timeout=30)
        lost = len(produced_at)
    return {
        "rate_per_s": rate_per_s,
        "seconds": seconds,
        "events": len(latencies) + lost,
        "not_searchable_within_30s": lost,
        "p50_s": round(percentile(latencies, 0.50), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
        "max_s": round(max(latencies), 3) if latencies else None,
        "targets": {"p50_s": 2.0, "p95_s": 5.0},
    }


if __name__ == "__main__":
    configure_logging("WARNING")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=50.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    print(json.dumps(run(args.rate, args.seconds), indent=2))
