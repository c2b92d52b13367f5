"""The es_maintenance DAG, run by real Airflow (`airflow dags test`) against real Elasticsearch,
configured by the environment or, inside Airflow, by the Airflow Connection elasticsearch_default."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from elasticsearch.helpers import bulk

from common import es_setup
from common.es import make_es
from consumers.indexing.documents import event_action
from tests.event_factories import make_event

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")


def _airflow(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(AIRFLOW), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One metadata database for the module: migrated once."""
    return tmp_path_factory.mktemp("airflow")


def _connection_instead_of_environment(es: Any) -> dict[str, str]:
    """ELASTICSEARCH_URL points at a closed port; the Airflow Connection elasticsearch_default at the node."""
    host, port = es.transport.node_pool.get().base_url.split("://")[1].rsplit(":", 1)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    return {"ELASTICSEARCH_URL": f"http://127.0.0.1:{closed}", "AIRFLOW_CONN_ELASTICSEARCH_DEFAULT": f"elasticsearch://{host}:{port}/http"}


@pytest.mark.airflow
@pytest.mark.integration
@pytest.mark.parametrize("settings_from", ["environment", "airflow_connection"])
def test_dag_opens_next_partitions_and_deletes_expired_ones(es_prefix: str, airflow_home: Path, settings_from: str) -> None:
    es = make_es()
    old = make_event(event_id="0" * 32, event_date="2019-03-04", published_at="2019-03-04T10:00:00Z")
    bulk(es, [event_action(make_event()), event_action(old)], refresh=True)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "NEWS_ES_RETENTION_DAYS": "1500",  # March 2019 is past it, May 2024 (make_event) is not
        **(_connection_instead_of_environment(es) if settings_from == "airflow_connection" else {}),
    }
    for step in (["db", "migrate"], ["dags", "reserialize"], ["dags", "test", "es_maintenance"]):
        done = _airflow(step, env)
        assert done.returncode == 0, f"airflow {' '.join(step)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "state=success" in done.stdout + done.stderr
    month = es_setup.current_month()
    upcoming = [f"{es_prefix}-events-v1-{m}.01" for m in (month, es_setup.next_month(month))]
    assert es_setup.alias_indices(es, f"{es_prefix}-events") == [f"{es_prefix}-events-v1-2024.05.01", *upcoming]
    assert not es.indices.exists(index=f"{es_prefix}-events-v1-2019.03.01")
    for kind in ("articles", "stories"):
        assert es_setup.alias_indices(es, f"{es_prefix}-{kind}") == [f"{es_prefix}-{kind}-v1-{m}.01" for m in (month, es_setup.next_month(month))]
