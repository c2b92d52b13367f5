"""The run notifier: what it says, in which shape for which chat service, and that it never leaks the URL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from airflow.sdk import DAG

from dags.operations.notifier import WEBHOOK_ENV, RunNotifier, describe_run, message_text, webhook_payload
from tests.webhook_receiver import WebhookReceiver


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookReceiver]:
    hook = WebhookReceiver()
    monkeypatch.setenv(WEBHOOK_ENV, hook.url)
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "https://airflow.example.org")
    yield hook
    hook.close()


class _TI:
    task_id = "check"


FAILURE_CONTEXT = {"dag": DAG("news_ingest", schedule=None), "run_id": "manual__2026-12-01T10:00:00+00:00", "reason": "task_failure", "ti": _TI(),
                   "params": {"sources": ["demo"], "max_items": None, "dry_run": False}}
# What the scheduler hands a deadline callback (airflow.models.deadline.Deadline.handle_miss).
DEADLINE_CONTEXT = {"dag_run": {"dag_id": "news_ingest", "dag_run_id": "scheduled__2026-12-01T10:00:00+00:00", "state": "running"},
                    "deadline": {"id": "0193", "deadline_time": "2026-12-01T10:45:00+00:00"}}


def test_a_failure_is_described_with_the_run_task_params_and_link() -> None:
    facts = describe_run("failure", FAILURE_CONTEXT)
    assert facts == {
        "kind": "failure", "dag_id": "news_ingest", "run_id": "manual__2026-12-01T10:00:00+00:00", "reason": "task_failure",
        "failed_task": "check", "params": {"sources": ["demo"], "max_items": None, "dry_run": False},
    }
    text = message_text("news_ingest failed", facts)
    assert text == "news_ingest failed: news_ingest run manual__2026-12-01T10:00:00+00:00 | reason: task_failure | last failed task: check"


def test_a_missed_deadline_is_described_from_the_triggerer_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "https://airflow.example.org/")
    facts = describe_run("deadline_missed", DEADLINE_CONTEXT)
    assert facts["run_id"] == "scheduled__2026-12-01T10:00:00+00:00"
    assert facts["deadline"] == "2026-12-01T10:45:00+00:00"
    assert facts["url"] == "https://airflow.example.org/dags/news_ingest/runs/scheduled__2026-12-01T10%3A00%3A00%2B00%3A00"


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        ("https://hooks.slack.com/services/T/B/X", {"text"}),
        ("https://discord.com/api/webhooks/1/abc", {"content"}),
        ("https://prod.westeurope.logic.azure.com/workflows/x", {"text", "kind", "dag_id"}),
    ],
)
def test_each_chat_service_gets_the_body_it_reads(url: str, keys: set[str]) -> None:
    assert set(webhook_payload(url, "hello", {"kind": "failure", "dag_id": "news_ingest"})) == keys


def _logged(capfd: pytest.CaptureFixture[str]) -> str:
    """Airflow's notifier logs through structlog to the process's output."""
    out, err = capfd.readouterr()
    return out + err


def test_notify_posts_once_and_never_logs_the_secret_url(webhook: WebhookReceiver, capfd: pytest.CaptureFixture[str]) -> None:
    RunNotifier(title="news_ingest failed")(dict(FAILURE_CONTEXT))
    assert len(webhook.bodies) == 1
    body = webhook.bodies[0]
    assert body["text"].startswith("news_ingest failed: news_ingest run manual__")
    assert body["url"] == "https://airflow.example.org/dags/news_ingest/runs/manual__2026-12-01T10%3A00%3A00%2B00%3A00"
    logged = _logged(capfd)
    assert "notified 127.0.0.1" in logged
    assert "SECRET" not in logged


def test_a_failing_webhook_is_logged_without_its_url_and_does_not_raise(webhook: WebhookReceiver, capfd: pytest.CaptureFixture[str]) -> None:
    webhook.status = 500
    RunNotifier()(dict(FAILURE_CONTEXT))
    logged = _logged(capfd)
    assert "could not notify 127.0.0.1 (HTTP 500)" in logged
    assert "SECRET" not in logged


def test_without_a_webhook_the_notice_is_logged(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(WEBHOOK_ENV, raising=False)
    RunNotifier(title="news_ingest failed")(dict(FAILURE_CONTEXT))
    logged = _logged(capfd)
    assert "news_ingest failed: news_ingest run manual__" in logged and WEBHOOK_ENV in logged


def test_awaited_as_a_deadline_callback_it_posts_from_the_event_loop(webhook: WebhookReceiver) -> None:
    """The triggerer awaits `RunNotifier(**kwargs, context=...)`; the title is a Jinja template field."""

    async def fire() -> None:
        await RunNotifier(title="{{ dag_run['dag_id'] }} is late", kind="deadline_missed", context=dict(DEADLINE_CONTEXT))

    asyncio.run(fire())
    assert [b["kind"] for b in webhook.bodies] == ["deadline_missed"]
    assert webhook.bodies[0]["text"].startswith("news_ingest is late: news_ingest run scheduled__")


def test_dag_test_hands_callbacks_a_serialized_dag_and_the_notice_still_goes_out(webhook: WebhookReceiver) -> None:
    from airflow.serialization.serialized_objects import DagSerialization

    scheduler_dag = DagSerialization.deserialize_dag(DagSerialization.serialize_dag(DAG("news_ingest", schedule=None)))
    assert not hasattr(scheduler_dag, "get_template_env")
    RunNotifier(title="{{ run_id }} failed")({**FAILURE_CONTEXT, "dag": scheduler_dag})
    assert [b["text"].split(":")[0] for b in webhook.bodies] == ["manual__2026-12-01T10"]
    assert webhook.bodies[0]["dag_id"] == "news_ingest"
