"""Indexer consumer throughput against a plain `helpers.bulk` of the same documents.

Both write the same N event documents into fresh indices of the same template. The
consumer's time runs from its first polled record to its last commit, so it includes
Kafka fetches, JSON decoding, contract validation, bulk and synchronous commits.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

from elasticsearch import helpers

from bench.corpus import synthetic_event
from bench.drain_report import drain_report
from bench.members import run_members
from common.config import topic
from common.es import index_name, make_es
from common.es_setup import generation_alias
from common.kafka import make_producer, send_all
from common.logs import configure_logging
from common.sandbox import private_indices, private_topics
from consumers.indexer import Indexer, default_inputs
from consumers.indexing.documents import event_action


def _plain_bulk(events: list[dict[str, Any]]) -> float:
    with private_indices("bench-plain"):
        es = make_es()
        started = time.perf_counter()
        ok, errors = helpers.bulk(es, (event_action(e, generation_alias("events", 1)) for e in events), chunk_size=500, raise_on_error=False)
        elapsed = time.perf_counter() - started
        assert ok == len(events) and not errors, errors
        return elapsed


def _member(env: dict[str, str], queue: Any) -> None:
    """One indexer process of the consumer group; reports its own clock readings."""
    os.environ.update(env)
    configure_logging("WARNING")
    indexer = Indexer(inputs=default_inputs(["events"]), group_id="bench-indexer")  # production defaults
    # Drained = the group committed every record (lag 0), whichever member indexed it.
    indexer.run(drain=True, max_seconds=900)
    queue.put((indexer.first_record_at, indexer.last_commit_at))


def _consumer(events: list[dict[str, Any]], processes: int) -> tuple[float, int]:
    """Wall time from the first record any member polled to the last commit of any member
    (CLOCK_MONOTONIC is shared by all processes on the machine)."""
    with private_topics("bench"), private_indices("bench-consumer"):
        producer = make_producer()
        send_all(producer, topic("events_storied"), ((e["article_id"], e) for e in events))
        producer.close()
        env = {k: v for k, v in os.environ.items() if k.startswith(("NEWS_TOPIC_", "NEWS_INDEX_PREFIX"))}
        readings = run_members(_member, (env,), processes, timeout=600)
        firsts = [f for f, _ in readings if f is not None]
        lasts = [last for _, last in readings if last is not None]
        es = make_es()
        es.indices.refresh(index=index_name("events"))
        count = es.count(index=index_name("events"))["count"]
        if count != len(events):  # say where the records went while the topic and indices still exist
            report = drain_report(es, index_name("events"), topic("events_storied"), "bench-indexer")
            raise AssertionError(f"indexer wrote {count} documents, expected {len(events)}: {json.dumps(report)}")
        return max(lasts) - min(firsts), count


def run(n_docs: int = 20_000, rounds: int = 2, processes: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    events = [synthetic_event(i) for i in range(n_docs)]
    plain = min(_plain_bulk(events) for _ in range(rounds))
    result: dict[str, Any] = {"docs": n_docs, "plain_bulk_docs_per_s": round(n_docs / plain, 1), "target_ratio": 0.9}
    for n in processes:
        runs = [_consumer(events, n) for _ in range(rounds)]
        counts = {c for _, c in runs}
        assert counts == {n_docs}, f"indexer wrote {counts} documents, expected {n_docs}"
        best = min(t for t, _ in runs)
        result[f"indexer_{n}proc_docs_per_s"] = round(n_docs / best, 1)
        result[f"ratio_{n}proc"] = round(plain / best, 3)
    return result


if __name__ == "__main__":
    configure_logging("WARNING")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(run(args.docs, args.rounds), indent=2))
