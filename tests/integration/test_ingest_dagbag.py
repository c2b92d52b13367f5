"""The dags/ folder parses without import errors, and news_ingest has the promised shape."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dags.ingest.run_local import DAGS_FOLDER, configure_airflow_env

pytestmark = pytest.mark.airflow


def test_dagbag_has_no_import_errors() -> None:
    configure_airflow_env()
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    assert bag.import_errors == {}
    assert "news_ingest" in bag.dag_ids
    parsed = {str(path) for path in bag.file_last_changed}
    assert not [p for p in parsed if "/ingest/" in p], ".airflowignore must keep dags/ingest/ out of parsing"

    dag = bag.get_dag("news_ingest")
    assert dag.catchup is False and dag.max_active_runs == 1
    assert dag.schedule == "*/15 * * * *" or dag.timetable.summary
    assert {"sources", "source.discover", "source.ingest", "report", "check"} <= set(dag.task_ids)
    ingest = dag.get_task("source.ingest")
    assert ingest.retries >= 1 and ingest.retry_exponential_backoff
    assert ingest.execution_timeout and ingest.execution_timeout <= timedelta(hours=1)
    assert all(dag.get_task(t).execution_timeout for t in dag.task_ids)
    assert [str(o.uri) for o in ingest.outlets][0].startswith("kafka://")
    assert dag.get_task("report").trigger_rule == "all_done"
