"""On a real 3-broker / 3-node cluster, killing one Kafka broker and one Elasticsearch node
mid-stream loses nothing and duplicates nothing.

Two indexer processes (one consumer group) index events while a producer keeps sending them,
some twice (as an at-least-once upstream would). Partway through, the broker leading the most
partitions of the events topic and the node holding the write index's primary are killed with
SIGKILL, kept down for a while, and started again. Afterwards Elasticsearch holds exactly one
document per unique event id that Kafka acknowledged, both indexers are still running, and the
cluster has healed (every partition back to 3 in-sync replicas, the index green).

The cluster (infra/local/services.py --cluster 3) runs beside the single-node services; what
this test starts, it stops. It takes 2-3 minutes, most of it starting the six JVMs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import helpers
from kafka.admin import ConfigResource, ConfigResourceType
from kafka.errors import CoordinatorNotAvailableError

from bench.corpus import synthetic_event
from common.config import topic
from common.es import index_name, make_es
from common.kafka import make_admin, make_producer
from common.sandbox import env_overrides, private_indices, private_topics
from tests.local_cluster import ROOT, running_cluster
from tests.kafka_io import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.cluster]

UNIQUE_EVENTS = 12_000
RESENT_EVERY = 10  # every 10th event is sent a second time
CHUNK = 100  # events per producer step
STEP_S = 0.25  # pause between steps: at most 400 events/s offered, a stream of 30+ seconds
OUTAGE_S = 12.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with running_cluster(3) as local_cluster, env_overrides(local_cluster.client_env()):
        yield local_cluster


class Producer(threading.Thread):
    """Sends the events in steps, records which ids Kafka acknowledged and which sends failed."""

    def __init__(self, events: list[dict[str, Any]]) -> None:
        super().__init__(daemon=True)
        self.events = events
        self.acked: Counter[str] = Counter()
        self.failed: list[str] = []
        self.lock = threading.Lock()
        self.error: BaseException | None = None

    def _on_ack(self, event_id: str) -> Any:
        def ack(_metadata: Any) -> None:
            with self.lock:
                self.acked[event_id] += 1

        return ack

    def _on_error(self, event_id: str) -> Any:
        def failed(exc: BaseException) -> None:
            with self.lock:
                self.failed.append(f"{event_id}: {exc!r}")

        return failed

    def run(self) -> None:
        producer = make_producer()
        try:
            for start in range(0, len(self.events), CHUNK):
                for event in self.events[start : start + CHUNK]:
                    future = producer.send(topic("events_storied"), key=event["article_id"], value=event)
                    future.add_callback(self._on_ack(event["event_id"]))
                    future.add_errback(self._on_error(event["event_id"]))
                time.sleep(STEP_S)
            producer.flush(timeout=180)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            producer.close(timeout=30)

    def acknowledged(self) -> int:
        with self.lock:
            return sum(self.acked.values())


def _event_stream() -> list[dict[str, Any]]:
    run = f"cluster-{uuid.uuid4().hex[:6]}"
    stream = []
    for i in range(UNIQUE_EVENTS):
        stream.append(synthetic_event(i, run=run))
        if i % RESENT_EVERY == 0 and i >= RESENT_EVERY:
            stream.append(synthetic_event(i - RESENT_EVERY, run=run))  # a redelivery, a little later
    return stream


def _busiest_leader(events_topic: str) -> int:
    admin = make_admin()
    try:
        partitions = admin.describe_topics([events_topic])[0]["partitions"]
    finally:
        admin.close()
    return Counter(p["leader_id"] for p in partitions).most_common(1)[0][0]


def _primary_node(es: Any, alias: str) -> str:
    shards = es.cat.shards(index=alias, format="json")
    return next(s["node"] for s in shards if s["prirep"] == "p" and s["state"] == "STARTED")


def _count(es: Any, alias: str) -> int:
    es.indices.refresh(index=alias)
    return int(es.count(index=alias)["count"])


def _group_stable(group: str, members: int) -> bool:
    admin = make_admin()
    try:
        described = admin.describe_groups([group])[group]
    except CoordinatorNotAvailableError:
        return False  # a fresh cluster elects the group's coordinator first
    finally:
        admin.close()
    return described["group_state"] == "Stable" and len(described["members"]) == members


def _start_indexer(group: str, log_path: Path) -> subprocess.Popen[bytes]:
    log = log_path.open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "consumers.indexer", "--kinds", "events", "--group-id", group],
        cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
    )


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def test_cluster_is_declared_for_failover(cluster: Any) -> None:
    """The shape the failover relies on: replication 3 with min.insync.replicas 2, one replica per shard."""
    with private_topics("cluster-shape") as names, private_indices("cluster-shape") as prefix:
        admin = make_admin()
        try:
            described = admin.describe_topics([names["events"]])[0]["partitions"]
            resource = ConfigResource(ConfigResourceType.TOPIC, names["events"], configs=["min.insync.replicas"])
            configs = admin.describe_configs([resource], config_filter="all")
        finally:
            admin.close()
        assert {len(p["replica_nodes"]) for p in described} == {3}
        assert configs["topic"][names["events"]]["min.insync.replicas"]["value"] == "2"
        es = make_es()
        settings = es.indices.get_settings(index=f"{prefix}-events")
        assert {s["settings"]["index"]["number_of_replicas"] for s in settings.values()} == {"1"}
        assert es.cluster.health()["number_of_nodes"] == 3


def test_killing_a_broker_and_a_node_mid_stream_loses_and_duplicates_nothing(cluster: Any, tmp_path: Path) -> None:
    events = _event_stream()
    unique_ids = {e["event_id"] for e in events}
    assert len(unique_ids) == UNIQUE_EVENTS < len(events)
    with private_topics("cluster") as names, private_indices("cluster"):
        es = make_es(request_timeout=10)
        alias = index_name("events")
        group = f"cluster-indexer-{uuid.uuid4().hex[:6]}"
        logs = [tmp_path / f"indexer-{i}.log" for i in (1, 2)]
        indexers = [_start_indexer(group, log) for log in logs]
        producer = Producer(events)
        killed: list[str] = []
        try:
            t0 = time.monotonic()
            wait_for(lambda: _group_stable(group, 2), 120, "both indexers to join the consumer group")
            producer.start()
            wait_for(lambda: _count(es, alias) > 0 and producer.acknowledged() > len(events) // 4, 120,
                     "the indexers to be indexing and a quarter of the stream to be acknowledged")
            broker = f"kafka-{_busiest_leader(names['events_storied'])}"
            node = _primary_node(es, alias)
            indexed_before = _count(es, alias)
            assert producer.is_alive(), "the stream must still be running when the nodes die"
            killed = [broker, node]
            for name in killed:
                cluster.service(name).kill()
            outage_started = time.monotonic()
            time.sleep(OUTAGE_S)
            acked_during_outage = producer.acknowledged()
            cluster.start(killed, timeout=240)
            killed = []
            outage_s = time.monotonic() - outage_started
            producer.join(timeout=300)
            assert not producer.is_alive() and producer.error is None, producer.error
            assert producer.failed == [], producer.failed[:5]
            acked = set(producer.acked)
            assert acked == unique_ids, f"{len(unique_ids - acked)} events never acknowledged by Kafka"

            try:
                wait_for(lambda: _count(es, alias) >= len(unique_ids), 240, "the indexers to catch up")
            finally:
                alive = [p.poll() is None for p in indexers]
            assert all(alive), "an indexer exited:\n" + "\n---\n".join(_tail(log) for log in logs)
            time.sleep(3)  # anything still in flight would show up as an extra document now
            indexed_ids = [hit["_id"] for hit in helpers.scan(es, index=alias, query={"query": {"match_all": {}}}, _source=False)]
        finally:
            if killed:
                cluster.start(killed, timeout=240)
            for process in indexers:
                process.terminate()
            for process in indexers:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()

        assert 0 < indexed_before < len(unique_ids), "the kill must land mid-stream"
        assert acked_during_outage > 0
        assert len(indexed_ids) == len(set(indexed_ids)) == len(unique_ids) == _count(es, alias)
        assert set(indexed_ids) == unique_ids, "lost or unexpected documents"
        print(f"\n[cluster] killed {broker} and {node}, back after {outage_s:.0f}s; {len(events)} sent, "
              f"{len(unique_ids)} unique, {len(indexed_ids)} indexed ({indexed_before} before the kill); "
              f"{time.monotonic() - t0:.0f}s in all")

        # The cluster healed: every replica back in sync, every shard copy allocated.
        admin = make_admin()
        try:
            wait_for(
                lambda: all(len(p["isr_nodes"]) == 3 for p in admin.describe_topics([names["events"]])[0]["partitions"]),
                120, "the restarted broker to rejoin every in-sync replica set",
            )
        finally:
            admin.close()
        assert es.cluster.health(index=alias, wait_for_status="green", timeout="120s")["status"] == "green"
