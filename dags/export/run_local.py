"""Run the real events_export DAG once on this machine with dag.test() (what `make export` does).

    python -m dags.export.run_local                 # every day that has events (Param all_days)
    python -m dags.export.run_local --day 2026-11-20 [--day ...]
    python -m dags.export.run_local --start 2026-11-01 --end 2026-11-07

Prints the run's summary (days exported, events and mentions per day) as JSON; exit 1 if the
run failed. Airflow settings as in dags.ingest.run_local (AIRFLOW_HOME=var/airflow by default).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import sys
from typing import Any

from dags.ingest.run_local import configure_airflow_env, ensure_airflow_db

DAG_ID = "events_export"


def run_export(conf: dict[str, Any]) -> dict[str, Any]:
    home = configure_airflow_env()
    ensure_airflow_db(home)
    module = sys.modules.get("dags.events_export")
    module = importlib.reload(module) if module else importlib.import_module("dags.events_export")
    dag_run = module.events_export_dag.test(run_conf=conf)
    state = str(getattr(dag_run.state, "value", dag_run.state))
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = session.query(XComModel).filter_by(dag_id=DAG_ID, run_id=dag_run.run_id, task_id="report",
                                                 key="return_value", map_index=-1).first()
        summary = (json.loads(row.value) if isinstance(row.value, str | bytes) else row.value) if row else None
    return {"state": state, "run_id": dag_run.run_id, "summary": summary}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day", action="append", default=[], help="an event day YYYY-MM-DD (repeatable)")
    parser.add_argument("--start", help="first day of a range")
    parser.add_argument("--end", help="last day of a range")
    args = parser.parse_args(argv)
    conf: dict[str, Any] = {"days": args.day, "start": args.start, "end": args.end,
                            "all_days": not (args.day or args.start or args.end)}
    with contextlib.redirect_stdout(sys.stderr):  # Airflow logs to stdout; keep it for the JSON
        result = run_export(conf)
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0 if result["state"] == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
