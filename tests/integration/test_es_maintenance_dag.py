"""The es_maintenance DAG, run by real Airflow (`airflow dags test`) against real Elasticsearch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.airflow
@pytest.mark.integration
def test_dag_opens_next_partitions_and_deletes_expired_ones(es_prefix: str, tmp_path: Path) -> None:
    es = make_es()
    old = make_event(event_id="0" * 32, event_date="2019-03-04", published_at="2019-03-04T10:00:00Z")
    bulk(es, [event_action(make_event()), event_action(old)], refresh=True)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "NEWS_ES_RETENTION_DAYS": "1500",  # March 2019 is past it, May 2024 (make_event) is not
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
