"""Run the real news_ingest DAG once on this machine with dag.test(): no scheduler, no API server.

    python -m dags.ingest.run_local                  # prints the run's counts as JSON
    python -m dags.ingest.run_local --no-demo-site   # do not start the demo site even if nothing serves it
    python -m dags.ingest.run_local --parse-only     # parse dags/ only: import errors and the DAG's shape
    python -m dags.ingest.run_local --conf '{"sources": ["demo"], "dry_run": true}'   # a manual run's params

Or from Python: `from dags.ingest.run_local import run_dag_once; summary = run_dag_once()`.

Needs Kafka at KAFKA_BOOTSTRAP_SERVERS (default 127.0.0.1:9092, `make up`) with the topics
created. Unless already set, it uses AIRFLOW_HOME=var/airflow, AIRFLOW__CORE__DAGS_FOLDER=dags/,
AIRFLOW__CORE__LOAD_EXAMPLES=False, and runs `airflow db migrate` the first time (a few
seconds; SQLite). If nothing answers at NEWS_DEMO_SITE_URL (default http://127.0.0.1:8765)
and it is a loopback address, the demo site is served for the duration of the run.
Exit status: 0 if the run succeeded, 1 if it failed (the counts are printed either way).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DAGS_FOLDER = PROJECT_ROOT / "dags"
DAG_ID = "news_ingest"


def configure_airflow_env(home: Path | None = None) -> Path:
    """Set the minimal Airflow environment for an offline, in-process run.

    An explicit `home` wins; otherwise an AIRFLOW_HOME already set (e.g. by the Makefile) is kept.
    Must run before Airflow is first imported in the process.
    """
    if home is not None:
        os.environ["AIRFLOW_HOME"] = str(home)
    airflow_home = Path(os.environ.setdefault("AIRFLOW_HOME", str(PROJECT_ROOT / "var" / "airflow")))
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_FOLDER))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
    airflow_home.mkdir(parents=True, exist_ok=True)
    return airflow_home


def ensure_airflow_db(airflow_home: Path) -> None:
    """`airflow db migrate` once per Airflow home and version (a marker file remembers it)."""
    from importlib.metadata import version

    marker = airflow_home / f".migrated-{version('apache-airflow')}"
    if marker.exists():
        return
    completed = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"], env=os.environ.copy(), capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"`airflow db migrate` failed (exit {completed.returncode}) for AIRFLOW_HOME={airflow_home}:\n"
            f"{completed.stderr[-3000:]}"
        )
    marker.write_text("ok\n")


def _listening(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def demo_site_if_needed(enabled: bool = True) -> Iterator[str | None]:
    """Serve infra/demo-site at NEWS_DEMO_SITE_URL if that is a loopback address nobody serves yet."""
    from dags.ingest.demo_site import demo_site_url, serve_demo_site

    url = demo_site_url()
    host = urlsplit(url).hostname or ""
    if not enabled or _listening(url) or host not in ("127.0.0.1", "localhost", "::1"):
        yield None
        return
    with serve_demo_site(port=urlsplit(url).port or 80, host="127.0.0.1" if host == "localhost" else host) as server:
        yield server.url


def load_dag() -> Any:
    """Import (or re-import) the DAG module, so its Asset and settings follow the current environment."""
    import importlib

    module = sys.modules.get("dags.news_ingest")
    module = importlib.reload(module) if module else importlib.import_module("dags.news_ingest")
    return module.news_ingest_dag


def run_summary(dag_id: str, run_id: str) -> dict[str, Any] | None:
    """The `report` task's return value (counts) for a finished run, from the Airflow metadata DB."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(XComModel)
            .filter_by(dag_id=dag_id, run_id=run_id, task_id="report", key="return_value", map_index=-1)
            .first()
        )
        if row is None:
            return None
        value = row.value
    return json.loads(value) if isinstance(value, str | bytes) else value


def parse_dags(airflow_home: Path | None = None) -> dict[str, Any]:
    """Parse the DAGs folder like the DAG processor does; report import errors and news_ingest's shape."""
    configure_airflow_env(airflow_home)
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    result: dict[str, Any] = {
        "import_errors": dict(bag.import_errors),
        "dag_ids": sorted(bag.dag_ids),
        "files": sorted(os.path.relpath(f, PROJECT_ROOT) for f in bag.file_last_changed),
    }
    dag = bag.dags.get(DAG_ID)
    if dag is not None:
        result[DAG_ID] = {
            "schedule": str(getattr(dag, "schedule", None)),
            "catchup": dag.catchup,
            "max_active_runs": dag.max_active_runs,
            "tasks": {
                task.task_id: {
                    "retries": task.retries,
                    "retry_exponential_backoff": bool(task.retry_exponential_backoff),
                    "execution_timeout_s": task.execution_timeout.total_seconds() if task.execution_timeout else None,
                    "trigger_rule": str(getattr(task.trigger_rule, "value", task.trigger_rule)),
                    "outlets": [getattr(o, "uri", str(o)) for o in task.outlets],
                }
                for task in dag.tasks
            },
        }
    return result


def run_dag_once(
    serve_demo: bool = True, airflow_home: Path | None = None, conf: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run news_ingest once with dag.test() and the params in `conf`; return {"state", "run_id", "summary"}."""
    home = configure_airflow_env(airflow_home)
    ensure_airflow_db(home)
    with ExitStack() as stack:
        stack.enter_context(demo_site_if_needed(serve_demo))
        dag = load_dag()
        # dag.test() crashes at the end of a successful run of a DAG with a deadline alert
        # (apache/airflow#73428, open in 3.3.2); nothing watches deadlines here anyway.
        dag.deadline = None
        dag_run = dag.test(run_conf=conf)
    state = str(getattr(dag_run.state, "value", dag_run.state))
    return {"state": state, "run_id": dag_run.run_id, "summary": run_summary(dag.dag_id, dag_run.run_id)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-demo-site", action="store_true", help="never start the demo site")
    parser.add_argument("--airflow-home", type=Path, help="AIRFLOW_HOME to use (default $AIRFLOW_HOME or var/airflow)")
    parser.add_argument(
        "--parse-only", action="store_true", help="only parse dags/: print import errors and the DAG's shape"
    )
    parser.add_argument("--conf", type=json.loads, help="the run's params as JSON (sources, max_items, dry_run)")
    args = parser.parse_args(argv)
    # Airflow logs to stdout; keep stdout for the JSON result so it can be piped.
    with contextlib.redirect_stdout(sys.stderr):
        if args.parse_only:
            result = parse_dags(args.airflow_home)
        else:
            result = run_dag_once(serve_demo=not args.no_demo_site, airflow_home=args.airflow_home, conf=args.conf)
    print(json.dumps(result, indent=2, sort_keys=True))
    if args.parse_only:
        return 1 if result["import_errors"] or DAG_ID not in result["dag_ids"] else 0
    return 0 if result["state"] == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
