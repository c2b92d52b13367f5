"""infra/compose.yaml has a production shape and is internally consistent (no Docker here to run it).

Checked: every dependency exists and can be waited for as declared; Airflow runs as separate
API server, scheduler, DAG processor and triggerer on Postgres; the seen-state has its own
database; the Kafka quorum matches replication 3 / min.insync.replicas 2; every project variable
set for our services is one the code reads; the Airflow Connections parse to the same addresses
as the environment; every ${VAR} is documented in compose.env.example.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from airflow.sdk import Connection
from sqlalchemy.engine import make_url

from common.airflow_connections import elasticsearch_overrides, kafka_overrides

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "infra" / "compose.yaml"
AIRFLOW_COMPONENTS = {"airflow-apiserver": "api-server", "airflow-scheduler": "scheduler",
                      "airflow-dag-processor": "dag-processor", "airflow-triggerer": "triggerer"}
OUR_IMAGES = ("newsevents:latest", "newsevents-airflow:latest")
PROJECT_PREFIXES = ("NEWS_", "KAFKA_", "ELASTICSEARCH_")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def _env(service: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in (service.get("environment") or {}).items()}


def _depends(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    return {name: "service_started" for name in deps} if isinstance(deps, list) else {n: d["condition"] for n, d in deps.items()}


def test_every_dependency_exists_and_can_be_waited_for_as_declared(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for dep, condition in _depends(service).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            if condition == "service_healthy":
                assert "healthcheck" in services[dep], f"{name} waits for {dep} to be healthy, but it has no healthcheck"
            elif condition == "service_completed_successfully":
                assert services[dep].get("restart") == "no", f"{name} waits for {dep} to finish, but {dep} restarts"
            else:
                pytest.fail(f"{name} -> {dep}: use a condition that waits for readiness, not {condition}")


def test_volumes_and_build_files_exist(compose: dict[str, Any], services: dict[str, Any]) -> None:
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source in compose["volumes"], f"{name} mounts undeclared volume {source}"
        if "build" in service:
            assert (COMPOSE.parent / service["build"]["context"] / service["build"]["dockerfile"]).is_file()


def test_airflow_runs_as_separate_components_on_postgres(services: dict[str, Any]) -> None:
    for name, command in AIRFLOW_COMPONENTS.items():
        service = services[name]
        assert service["command"] == [command] and service["image"] == "newsevents-airflow:latest"
        assert "healthcheck" in service, name
        assert _depends(service)["airflow-init"] == "service_completed_successfully"
    assert services["airflow-init"]["command"] == ["db", "migrate"]
    envs = [_env(services[name]) for name in [*AIRFLOW_COMPONENTS, "airflow-init"]]
    for key in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY",
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "NEWS_SEEN_DB_URL"):
        assert len({env[key] for env in envs}) == 1, f"every Airflow component needs the same {key}"
    env = envs[0]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    metadata = make_url(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    assert metadata.drivername.startswith("postgresql") and services[metadata.host]["image"].startswith("postgres:")
    api = re.fullmatch(r"http://([\w-]+):(\d+)/execution/", env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
    assert api and api.group(1) == "airflow-apiserver" and f"{api.group(2)}:{api.group(2)}" in services["airflow-apiserver"]["ports"]


def test_the_seen_state_has_its_own_database(services: dict[str, Any]) -> None:
    env = _env(services["airflow-scheduler"])
    metadata = make_url(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    seen = make_url(env["NEWS_SEEN_DB_URL"])
    assert seen.drivername.startswith("postgresql")
    assert (seen.host, seen.database) != (metadata.host, metadata.database)
    seen_db = _env(services[seen.host])
    assert (seen_db["POSTGRES_DB"], seen_db["POSTGRES_USER"]) == (seen.database, seen.username)
    assert _depends(services["airflow-scheduler"])[seen.host] == "service_healthy"


def test_the_kafka_quorum_matches_replication_three_and_min_isr_two(services: dict[str, Any]) -> None:
    brokers = {name: _env(s) for name, s in services.items() if name.startswith("kafka-")}
    assert len(brokers) == 3
    assert sorted(int(env["KAFKA_NODE_ID"]) for env in brokers.values()) == [1, 2, 3]
    voters = {env["KAFKA_CONTROLLER_QUORUM_VOTERS"] for env in brokers.values()}
    assert voters == {",".join(f"{env['KAFKA_NODE_ID']}@{name}:9093" for name, env in sorted(brokers.items()))}
    for name, env in brokers.items():
        assert env["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://{name}:9092"
        assert (env["KAFKA_DEFAULT_REPLICATION_FACTOR"], env["KAFKA_MIN_INSYNC_REPLICAS"]) == ("3", "2")
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3" and env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == "2"
    for name, service in services.items():
        env = _env(service)
        if "KAFKA_BOOTSTRAP_SERVERS" in env:
            assert env["KAFKA_BOOTSTRAP_SERVERS"] == ",".join(f"{b}:9092" for b in sorted(brokers)), name
            assert env["NEWS_TOPIC_REPLICATION_FACTOR"] == "3", name


def test_project_variables_set_for_our_services_are_read_by_the_code(services: dict[str, Any]) -> None:
    def corpus(pattern: str) -> str:
        return "\n".join(p.read_text() for d in ("common", "consumers", "dags", "schemas", "tools") for p in (ROOT / d).rglob(pattern))

    code, configs = corpus("*.py"), corpus("*.yaml")  # configs expand ${VAR} themselves (sources, alert rules)
    for name, service in services.items():
        if service.get("image") not in OUR_IMAGES:
            continue
        for key in _env(service):
            if key.startswith(PROJECT_PREFIXES):
                assert f'"{key}"' in code or "${" + key in configs, f"{name} sets {key}, which nothing reads"


def test_airflow_connections_point_where_the_environment_does(services: dict[str, Any]) -> None:
    env = _env(services["airflow-scheduler"])
    kafka = Connection.from_json(env["AIRFLOW_CONN_KAFKA_DEFAULT"], conn_id="kafka_default")
    assert kafka_overrides(kafka)["bootstrap_servers"] == env["KAFKA_BOOTSTRAP_SERVERS"]
    es = Connection.from_uri(env["AIRFLOW_CONN_ELASTICSEARCH_DEFAULT"].replace("${ELASTIC_PASSWORD:-changeme}", "pw"), conn_id="es")
    overrides = elasticsearch_overrides(es)
    assert overrides["url"] == env["ELASTICSEARCH_URL"]
    assert (overrides["username"], overrides["password"]) == (env["ELASTICSEARCH_USERNAME"], "pw")


def test_every_substituted_variable_is_documented_in_the_env_example() -> None:
    used = set(re.findall(r"\$\{(\w+)(?::?[-?][^}]*)?\}", COMPOSE.read_text()))
    example = (COMPOSE.parent / "compose.env.example").read_text()
    documented = set(re.findall(r"^(\w+)=", example, flags=re.MULTILINE))
    assert used - {"HOSTNAME"} <= documented, f"add to compose.env.example: {sorted(used - documented)}"
