"""news_ingest as operators run it, with real Airflow: params of a manual run, the failure
notifier, the deadline alert, and credentials from Airflow Connections.

DAG runs are `python -m dags.ingest.run_local --conf ...` (dag.test()) in a child process with a
private AIRFLOW_HOME, private topics and a private seen-state database, as in test_ingest_dag.py.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from common.config import load_settings
from dags.ingest.demo_site import serve_demo_site
from dags.ingest.run_local import PROJECT_ROOT
from tests.kafka_io import topic_size
from tests.webhook_receiver import WebhookReceiver

pytestmark = [pytest.mark.integration, pytest.mark.airflow]


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("airflow")


@pytest.fixture
def ingest_env(isolated_topics: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    monkeypatch.setenv("NEWS_SEEN_DB_URL", f"sqlite:///{tmp_path / 'seen.db'}")
    monkeypatch.setenv("NEWS_INGEST_RETRIES", "0")
    monkeypatch.delenv("NEWS_SOURCES_FILE", raising=False)
    monkeypatch.delenv("NEWS_AIRFLOW_ALERT_WEBHOOK_URL", raising=False)
    with serve_demo_site() as site:
        monkeypatch.setenv("NEWS_DEMO_SITE_URL", site.url)
        yield isolated_topics


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


def run_dag(airflow_home: Path, conf: dict[str, Any], **env: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "dags.ingest.run_local", "--no-demo-site", "--airflow-home", str(airflow_home),
         "--conf", json.dumps(conf)],
        env={**os.environ, **env}, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600,
    )
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"run_local exited {done.returncode} without a result:\n{done.stderr[-4000:]}")
    result["log"] = done.stderr
    return result


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_dry_run_for_one_source_sends_and_remembers_nothing_then_a_run_uses_the_kafka_connection(
    ingest_env: dict[str, str], airflow_home: Path
) -> None:
    articles = ingest_env["articles_raw"]
    before = topic_size(articles)

    dry = run_dag(airflow_home, {"sources": ["demo"], "max_items": 2, "dry_run": True})
    assert dry["state"] == "success", dry["log"][-3000:]
    summary = dry["summary"]
    assert summary["dry_run"] is True
    assert list(summary["sources"]) == ["demo"]
    assert summary["totals"]["discovered"] == 2 and summary["totals"]["sent"] == 2
    assert len(summary["sources"]["demo"]["would_send"]) == 2
    assert topic_size(articles) == before, "a dry run sends nothing"

    # The same run for real, with the environment pointing Kafka nowhere and the Airflow
    # Connection pointing at the real brokers: inside Airflow the connection wins.
    servers = load_settings().kafka.bootstrap_servers
    real = run_dag(
        airflow_home, {"sources": ["demo"], "max_items": 2},
        KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{_closed_port()}",
        NEWS_KAFKA_CONN_ID="news_kafka",
        AIRFLOW_CONN_NEWS_KAFKA=json.dumps({"conn_type": "kafka", "extra": {"bootstrap.servers": servers}}),
    )
    assert real["state"] == "success", real["log"][-3000:]
    assert real["summary"]["dry_run"] is False
    assert real["summary"]["totals"]["sent"] == 2, "the dry run must not have marked anything as seen"
    assert topic_size(articles) == before + 2


def test_an_unknown_source_fails_the_run_at_once_and_the_notifier_posts(
    ingest_env: dict[str, str], airflow_home: Path, webhook: WebhookReceiver
) -> None:
    result = run_dag(airflow_home, {"sources": ["demo", "no-such-source"]}, NEWS_AIRFLOW_ALERT_WEBHOOK_URL=webhook.url)
    assert result["state"] == "failed"
    assert "unknown sources ['no-such-source']" in result["log"]
    assert len(webhook.bodies) == 1, webhook.bodies
    body = webhook.bodies[0]
    assert body["text"].startswith(f"news_ingest failed: news_ingest run {result['run_id']}")
    assert (body["kind"], body["failed_task"], body["params"]["sources"]) == ("failure", "check", ["demo", "no-such-source"])
    assert "T0SECRET" not in result["log"], "the webhook URL is a secret and must not be logged"


DEADLINE_PROBE = textwrap.dedent(
    """
    import asyncio, json, sys
    from dags.ingest.run_local import configure_airflow_env
    configure_airflow_env()
    from airflow.dag_processing.dagbag import DagBag
    from airflow.serialization.serialized_objects import DagSerialization
    from airflow.triggers.callback import CallbackTrigger

    dag = DagBag(dag_folder="dags").dags["news_ingest"]
    alerts = dag.deadline if isinstance(dag.deadline, list) else [dag.deadline]
    serialized = DagSerialization.to_dict(dag)["dag"]  # what the scheduler stores
    alert = alerts[0]
    # What the scheduler queues for the triggerer when the deadline passes (Deadline.handle_miss).
    context = {"dag_run": {"dag_id": "news_ingest", "dag_run_id": "scheduled__probe", "state": "running"},
               "deadline": {"id": "probe", "deadline_time": "2026-12-01T10:45:00+00:00"}}
    trigger = CallbackTrigger(callback_path=alert.callback.path, callback_kwargs={**alert.callback.kwargs, "context": context})

    async def run():
        return [event.payload async for event in trigger.run()]

    print(json.dumps({
        "count": len(alerts),
        "reference": type(alert.reference).__name__,
        "interval_s": alert.interval.total_seconds(),
        "callback": type(alert.callback).__name__,
        "path": alert.callback.path,
        "serialized_has_deadline": bool(serialized.get("deadline")),
        "events": [str(e.get("state")) for e in asyncio.run(run())],
    }))
    """
)


def test_the_deadline_alert_is_declared_and_its_callback_runs_as_the_triggerer_runs_it(
    webhook: WebhookReceiver, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", DEADLINE_PROBE],
        env={**os.environ, "AIRFLOW_HOME": str(tmp_path / "airflow"), "NEWS_AIRFLOW_ALERT_WEBHOOK_URL": webhook.url,
             "NEWS_INGEST_DEADLINE_MINUTES": "30"},
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["count"] == 1 and probe["serialized_has_deadline"]
    assert (probe["reference"], probe["interval_s"]) == ("DagRunQueuedAtDeadline", 1800.0)
    assert (probe["callback"], probe["path"]) == ("AsyncCallback", "dags.operations.notifier.RunNotifier")
    assert probe["events"][-1].lower().endswith("success"), probe["events"]
    assert [(b["kind"], b["run_id"]) for b in webhook.bodies] == [("deadline_missed", "scheduled__probe")]
    assert webhook.bodies[0]["text"].startswith("news_ingest is late: news_ingest run scheduled__probe")
