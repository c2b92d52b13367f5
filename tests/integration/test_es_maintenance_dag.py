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
def test_dag_rolls_over_what_is_due(es_prefix: str, tmp_path: Path) -> None:
    es = make_es()
    bulk(es, [event_action(make_event())], require_alias=True, refresh=True)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "NEWS_ES_ROLLOVER_MAX_DOCS": "1",  # events has one document, articles none
        "NEWS_ES_ROLLOVER_MAX_AGE": "",
    }
    for step in (["db", "migrate"], ["dags", "reserialize"], ["dags", "test", "es_maintenance"]):
        done = _airflow(step, env)
        assert done.returncode == 0, f"airflow {' '.join(step)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "state=success" in done.stdout + done.stderr
    assert es_setup.alias_indices(es, f"{es_prefix}-events") == {
        f"{es_prefix}-events-v1-000001": False,
        f"{es_prefix}-events-v1-000002": True,
    }
    assert es_setup.alias_indices(es, f"{es_prefix}-articles") == {f"{es_prefix}-articles-v1-000001": True}
