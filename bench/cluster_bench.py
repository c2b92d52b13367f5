"""`make bench-cluster`: extractor and indexer throughput with 1 and 2 consumer processes on the
local 3-broker / 3-node cluster (replication 3, min.insync.replicas 2, one Elasticsearch replica).

Run through `infra/local/services.py --cluster 3 with -- python -m bench.cluster_bench`, which
starts the cluster if needed and points KAFKA_BOOTSTRAP_SERVERS and ELASTICSEARCH_URL at it.
Prints one JSON document and writes it to var/bench/cluster.json. BENCH_SCALE shrinks the sizes.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from common.config import load_settings
from common.logs import configure_logging


def cluster_shape() -> dict[str, Any]:
    """What the clients are pointed at; refuses to run against a single node."""
    settings = load_settings()
    brokers = [b for b in settings.kafka.bootstrap_servers.split(",") if b.strip()]
    nodes = [u for u in settings.elasticsearch.url.split(",") if u.strip()]
    if len(brokers) < 3 or len(nodes) < 3:
        raise SystemExit(
            "bench.cluster_bench needs the local cluster: run `make bench-cluster` "
            "(or `infra/local/services.py --cluster 3 with -- python -m bench.cluster_bench`)"
        )
    from common.es import make_es

    return {
        "kafka_brokers": len(brokers),
        "es_nodes": make_es().cluster.health()["number_of_nodes"],
        "topic_replication_factor": int(os.environ.get("NEWS_TOPIC_REPLICATION_FACTOR") or 1),
        "es_replicas": int(os.environ.get("NEWS_ES_REPLICAS") or 0),
    }


def main() -> int:
    configure_logging("WARNING")
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    from bench import extractor_bench, indexer_bench
    from bench.run import run_plan

    plan = [
        ("extractor", lambda: extractor_bench.run(n_articles=max(30, int(300 * scale)), rounds=2, processes=(1, 2))),
        ("indexer", lambda: indexer_bench.run(n_docs=max(2000, int(20_000 * scale)), rounds=2, processes=(1, 2))),
    ]
    run_plan("bench-cluster", plan, {"cluster": cluster_shape()}, "cluster.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
