"""The events_export DAG run by real Airflow (dag.test() in a child process) against real Elasticsearch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from elasticsearch.helpers import bulk

from common.es import index_name, make_es
from consumers.indexing.documents import event_action
from dags.export import source
from dags.ingest.run_local import PROJECT_ROOT
from tests.event_factories import _hex32, make_event

pytestmark = [pytest.mark.integration, pytest.mark.airflow]


def test_dag_exports_the_requested_days(es_prefix: str, tmp_path: Path) -> None:
    es = make_es()
    events = [make_event(event_id=_hex32("dag", str(i)), event_date=f"2024-05-0{1 + i % 2}", magnitudes={"dead": i})
              for i in range(5)]
    bulk(es, [event_action(e) for e in events], refresh=True)
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path / "airflow"), "NEWS_EXPORT_URL": str(tmp_path / "exports"),
           "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    done = subprocess.run([sys.executable, "-m", "dags.export.run_local"], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout)
    assert result["state"] == "success"
    per_day = {d["day"]: d for d in result["summary"]["per_day"]}
    assert sorted(per_day) == ["2024-05-01", "2024-05-02"]
    for day, counts in per_day.items():
        from datetime import date

        in_es = source.count_day(es, index_name("events"), date.fromisoformat(day))
        assert counts["events"] == counts["mentions"] == in_es
        parquet = tmp_path / "exports" / f"date={day}" / "events.parquet"
        assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchall()[0][0] == in_es
    total = duckdb.sql(f"SELECT sum(dead) FROM read_parquet('{tmp_path}/exports/*/events.parquet')").fetchall()[0][0]
    assert total == sum(range(5))
