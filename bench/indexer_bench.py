"""Indexer consumer throughput against a plain `helpers.bulk` of the same documents.

Both write the same N event documents into fresh indices of the same template. The
consumer's time runs from its first polled record to its last commit, so it includes
Kafka fetches, JSON decoding, contract validation, bulk and synchronous commits.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from elasticsearch import helpers

from bench.corpus import synthetic_event
from common.config import topic
from common.es import index_name, make_es
from common.kafka import make_producer, send_all
from common.logs import configure_logging
from common.sandbox import private_indices, private_topics
from consumers.indexer import Indexer, default_inputs
from consumers.indexing.documents import event_action


def _plain_bulk(events: list[dict[str, Any]]) -> float:
    with private_indices("bench-plain"):
        es = make_es()
        alias = index_name("events")
        started = time.perf_counter()
        ok, errors = helpers.bulk(es, (event_action(e, alias) for e in events), chunk_size=500, raise_on_error=False)
        elapsed = time.perf_counter() - started
        assert ok == len(events) and not errors, errors
        return elapsed


def _consumer(events: list[dict[str, Any]]) -> tuple[float, int]:
    with private_topics("bench"), private_indices("bench-consumer"):
        producer = make_producer()
        send_all(producer, topic("events"), ((e["article_id"], e) for e in events))
        producer.close()
        indexer = Indexer(inputs=default_inputs(["events"]), group_id="bench-indexer")  # production defaults
        indexer.run(stop_when_idle_s=3)
        assert indexer.first_record_at is not None and indexer.last_commit_at is not None
        es = make_es()
        es.indices.refresh(index=index_name("events"))
        count = es.count(index=index_name("events"))["count"]
        return indexer.last_commit_at - indexer.first_record_at, count


def run(n_docs: int = 20_000, rounds: int = 2) -> dict[str, Any]:
    events = [synthetic_event(i) for i in range(n_docs)]
    plain = min(_plain_bulk(events) for _ in range(rounds))
    consumer_runs = [_consumer(events) for _ in range(rounds)]
    consumer = min(t for t, _ in consumer_runs)
    counts = {c for _, c in consumer_runs}
    assert counts == {n_docs}, f"indexer wrote {counts} documents, expected {n_docs}"
    return {
        "docs": n_docs,
        "plain_bulk_docs_per_s": round(n_docs / plain, 1),
        "indexer_docs_per_s": round(n_docs / consumer, 1),
        "ratio": round(plain / consumer, 3),
        "target_ratio": 0.9,
    }


if __name__ == "__main__":
    configure_logging("WARNING")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(run(args.docs, args.rounds), indent=2))
