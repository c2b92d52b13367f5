"""Tell the people on call when a DAG run fails or runs late: one chat message per event.

`RunNotifier` is an Airflow notifier (BaseNotifier). It is used twice on news_ingest:

* as the DAG's `on_failure_callback` (sync `notify`, run by the DAG processor, or inline by dag.test());
* as the callback of its deadline alert (async `async_notify`, run by the triggerer), which
  fires when a run has not finished NEWS_INGEST_DEADLINE_MINUTES after it was queued.

The message goes to the webhook in NEWS_AIRFLOW_ALERT_WEBHOOK_URL: Slack incoming webhooks get
`{"text"}`, Discord `{"content"}`, anything else (Teams workflows, Mattermost, your own
endpoint) gets `{"text"}` plus the fields as JSON. Unset, the notice is only logged. The URL is
a secret for most chat services: it is never logged, only its host. A webhook that fails is
logged and never fails the callback; the run's state in Airflow stays the record.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from airflow.sdk import BaseNotifier

WEBHOOK_ENV = "NEWS_AIRFLOW_ALERT_WEBHOOK_URL"
TIMEOUT_S = 10.0


def _get(obj: Any, *names: str) -> Any:
    """The first of `names` set on `obj`, a mapping (deadline context) or an object (task context)."""
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value not in (None, ""):
            return value
    return None


def ui_url(dag_id: str | None, run_id: str | None) -> str | None:
    """Link to the run in the Airflow UI, when AIRFLOW__API__BASE_URL says where the UI is."""
    base = os.environ.get("AIRFLOW__API__BASE_URL", "").rstrip("/")
    if not (base and dag_id and run_id):
        return None
    return f"{base}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


def describe_run(kind: str, context: dict[str, Any]) -> dict[str, Any]:
    """The facts of a failure (task callback context) or a missed deadline (the triggerer's simple context)."""
    dag_run = context.get("dag_run") or {}
    dag = context.get("dag")
    ti = context.get("ti")
    dag_id = _get(dag_run, "dag_id") or (_get(dag, "dag_id") if dag is not None else None)
    run_id = _get(dag_run, "run_id", "dag_run_id") or context.get("run_id")
    facts: dict[str, Any] = {
        "kind": kind,
        "dag_id": dag_id,
        "run_id": run_id,
        "reason": context.get("reason"),
        "failed_task": _get(ti, "task_id") if ti is not None else None,
        "params": dict(context.get("params") or {}) or None,
        "deadline": str((context.get("deadline") or {}).get("deadline_time") or "") or None,
        "url": ui_url(dag_id, run_id),
    }
    return {key: value for key, value in facts.items() if value is not None}


def message_text(title: str, facts: dict[str, Any]) -> str:
    parts = [f"{title}: {facts.get('dag_id', 'a DAG')} run {facts.get('run_id', '?')}"]
    if facts.get("reason"):
        parts.append(f"reason: {facts['reason']}")
    if facts.get("failed_task"):
        parts.append(f"last failed task: {facts['failed_task']}")
    if facts.get("deadline"):
        parts.append(f"deadline was {facts['deadline']}")
    if facts.get("url"):
        parts.append(facts["url"])
    return " | ".join(parts)


def webhook_payload(url: str, text: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The body each kind of chat webhook expects."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith("hooks.slack.com"):
        return {"text": text}
    if host.endswith(("discord.com", "discordapp.com")):
        return {"content": text[:2000]}
    return {"text": text, **facts}


def _host(url: str) -> str:
    return urlsplit(url).hostname or "?"


class RunNotifier(BaseNotifier):
    """Posts "<title>: <dag> run <run_id> | reason | link" to NEWS_AIRFLOW_ALERT_WEBHOOK_URL."""

    template_fields = ("title",)

    def __init__(self, title: str = "DAG run failed", kind: str = "failure", context: Any = None) -> None:
        super().__init__(context)
        self.title = title
        self.kind = kind

    def render_template_fields(self, context: Any, jinja_env: Any = None) -> None:
        dag = context.get("dag")
        if dag is not None and not hasattr(dag, "get_template_env"):
            # dag.test() hands DAG callbacks the scheduler's SerializedDAG, which cannot make a
            # Jinja environment: render with a plain one (a copy of the context; the caller's stays).
            context = {key: value for key, value in context.items() if key != "dag"}
        super().render_template_fields(context, jinja_env)

    def _prepare(self, context: dict[str, Any]) -> tuple[str | None, str, dict[str, Any]]:
        facts = describe_run(self.kind, dict(context))
        text = message_text(self.title, facts)
        url = os.environ.get(WEBHOOK_ENV) or None
        if url is None:
            self.log.warning("%s (no webhook: set %s to be told)", text, WEBHOOK_ENV)
        return url, text, facts

    def _report(self, url: str, text: str, response: httpx.Response | None, error: Exception | None) -> None:
        if error is None and response is not None and response.is_success:
            self.log.info("notified %s: %s", _host(url), text)
        else:
            why = f"HTTP {response.status_code}" if response is not None else f"{type(error).__name__}: {error}"
            self.log.error("could not notify %s (%s); the notice was: %s", _host(url), why, text)

    def notify(self, context: Any) -> None:
        url, text, facts = self._prepare(context)
        if url is None:
            return
        response, error = None, None
        try:
            response = httpx.post(url, json=webhook_payload(url, text, facts), timeout=TIMEOUT_S)
        except httpx.HTTPError as exc:
            error = exc
        self._report(url, text, response, error)

    async def async_notify(self, context: Any) -> None:
        url, text, facts = self._prepare(context)
        if url is None:
            return
        response, error = None, None
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_S) as client:
                response = await client.post(url, json=webhook_payload(url, text, facts))
        except httpx.HTTPError as exc:
            error = exc
        self._report(url, text, response, error)
