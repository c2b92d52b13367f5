"""The dags/ folder parses without import errors, and news_ingest has the promised shape.

Parsed in a child process (`run_local --parse-only`): importing Airflow reconfigures logging process-wide.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dags.ingest.run_local import PROJECT_ROOT

pytestmark = pytest.mark.airflow


def test_dagbag_has_no_import_errors(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dags.ingest.run_local", "--parse-only", "--airflow-home", str(tmp_path / "airflow")],
        env={**os.environ, "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags")},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["import_errors"] == {}
    assert "news_ingest" in result["dag_ids"]
    assert not [f for f in result["files"] if "/ingest/" in f], ".airflowignore must keep dags/ingest/ out of parsing"

    dag = result["news_ingest"]
    assert dag["catchup"] is False and dag["max_active_runs"] == 1
    tasks = dag["tasks"]
    assert set(tasks) == {"sources", "source.discover", "source.ingest", "report", "check"}
    assert all(t["execution_timeout_s"] for t in tasks.values())
    ingest = tasks["source.ingest"]
    assert ingest["retries"] >= 1 and ingest["retry_exponential_backoff"]
    assert (
        ingest["outlets"]
        and ingest["outlets"][0].startswith("kafka://")
        and ingest["outlets"][0].endswith("articles.raw")
    )
    assert tasks["report"]["trigger_rule"] == "all_done" and tasks["check"]["trigger_rule"] == "all_done"
