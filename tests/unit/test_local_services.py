"""The local service manager refuses clearly instead of fighting over a taken port."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.local_cluster import services_module


def test_taken_port_gives_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    services = services_module()
    monkeypatch.setattr(services, "RUN", tmp_path / "run")
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]

        class Unhealthy(services.Service):
            def healthy(self) -> bool:
                return False

        with pytest.raises(services.ServiceError, match=rf"port {port} is taken by another process"):
            Unhealthy("dummy", (port,)).start(timeout=1)


def test_missing_java_is_reported_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    services = services_module()
    monkeypatch.setattr(services, "_candidate_java_homes", lambda: [])
    with pytest.raises(services.ServiceError, match="no Java 99\\+ found.*JAVA_HOME"):
        services.find_java_home(99)


def test_java_version_is_read_from_a_real_jvm() -> None:
    services = services_module()
    home = services.find_java_home(17)
    assert services._java_major(home / "bin" / "java") >= 17


def test_cluster_nodes_get_their_own_ports_data_and_one_quorum() -> None:
    services = services_module()
    cluster = services.LocalCluster(3)
    kafka_ports = [k.port for k in cluster.kafka]
    es_ports = [e.http_port for e in cluster.es]
    assert kafka_ports == [services.KAFKA_PORT + 10 * i for i in (1, 2, 3)]
    assert es_ports == [services.ES_HTTP_PORT + 10 * i for i in (1, 2, 3)]
    every_port = [p for s in cluster.services.values() for p in s.ports]
    assert len(set(every_port)) == 12, "no two nodes may share a port"
    assert not set(every_port) & {services.KAFKA_PORT, services.KAFKA_CONTROLLER_PORT, services.ES_HTTP_PORT, services.ES_TRANSPORT_PORT}
    assert len({k.home for k in cluster.kafka} | {e.home for e in cluster.es}) == 6
    assert {k.voters for k in cluster.kafka} == {
        ",".join(f"{i}@127.0.0.1:{services.KAFKA_CONTROLLER_PORT + 10 * i}" for i in (1, 2, 3))
    }
    env = cluster.client_env()
    assert env["KAFKA_BOOTSTRAP_SERVERS"].split(",") == [f"127.0.0.1:{p}" for p in kafka_ports]
    assert env["ELASTICSEARCH_URL"].split(",") == [f"http://127.0.0.1:{p}" for p in es_ports]
    assert (env["NEWS_TOPIC_REPLICATION_FACTOR"], env["NEWS_ES_REPLICAS"]) == ("3", "1")


def test_cluster_node_configs_form_one_cluster() -> None:
    import yaml

    services = services_module()
    cluster = services.LocalCluster(3)
    configs = [yaml.safe_load(e.cluster_config) for e in cluster.es]
    assert {c["cluster.name"] for c in configs} == {"newsevents-cluster-3"}
    assert [c["node.name"] for c in configs] == ["es-1", "es-2", "es-3"]
    assert all(c["cluster.initial_master_nodes"] == ["es-1", "es-2", "es-3"] for c in configs)
    assert all(sorted(c["discovery.seed_hosts"]) == sorted(f"127.0.0.1:{e.transport_port}" for e in cluster.es) for c in configs)
    assert all("discovery.type" not in c for c in configs)

    rendered = cluster.kafka[1].properties()
    props = dict(line.split("=", 1) for line in rendered.splitlines() if line and not line.startswith("#"))
    assert not [line for line in props.values() if "${" in line], "every placeholder is filled"
    assert (props["node.id"], props["default.replication.factor"], props["min.insync.replicas"]) == ("2", "3", "2")
    assert props["unclean.leader.election.enable"] == "false"
    assert props["offsets.topic.replication.factor"] == "3" and props["transaction.state.log.min.isr"] == "2"


def test_a_cluster_of_fewer_than_three_is_refused() -> None:
    services = services_module()
    with pytest.raises(services.ServiceError, match="at least 3 nodes"):
        services.LocalCluster(2)
