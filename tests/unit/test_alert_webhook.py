from __future__ import annotations

import json
import time

import httpx

from consumers.alerter.webhook import WebhookDispatcher

ALERT = {"alert_id": "a" * 32, "summary": "[critical] r: ASSAULT ...", "rule": "r"}


def dispatcher(handler, **kwargs) -> WebhookDispatcher:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return WebhookDispatcher(client=client, initial_wait_s=0.01, max_wait_s=0.05, **kwargs)


def test_delivers_after_transient_failures_and_only_once() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503 if len(calls) < 3 else 200)

    hooks = dispatcher(handler)
    assert hooks.deliver("https://hooks.test/x", ALERT)
    assert len(calls) == 3
    body = json.loads(calls[-1].content)
    assert body["text"] == ALERT["summary"] and body["alert_id"] == ALERT["alert_id"]
    assert hooks.deliver("https://hooks.test/x", ALERT)  # already delivered: no new POST
    assert len(calls) == 3


def test_gives_up_after_the_attempts_and_on_client_errors() -> None:
    calls: list[int] = []

    def down(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectError("connection refused")

    hooks = dispatcher(down, attempts=3)
    assert not hooks.deliver("https://hooks.test/x", ALERT)
    assert len(calls) == 3 and hooks.stats["failed"] == 1

    calls.clear()
    hooks = dispatcher(lambda r: calls.append(1) or httpx.Response(404), attempts=3)
    assert not hooks.deliver("https://hooks.test/x", ALERT)
    assert len(calls) == 1  # a 404 will not get better


def test_background_queue_never_blocks_and_drains_on_close() -> None:
    delivered: list[str] = []

    def slow(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)
        delivered.append(json.loads(request.content)["alert_id"])
        return httpx.Response(200)

    hooks = dispatcher(slow, max_queue=2)
    started = time.monotonic()
    accepted = [hooks.submit("https://hooks.test/x", {**ALERT, "alert_id": f"{i:032x}"}) for i in range(10)]
    assert time.monotonic() - started < 0.5
    assert accepted.count(False) >= 1 and hooks.stats["dropped"] == accepted.count(False)
    hooks.close(drain_timeout_s=5)
    assert len(delivered) == accepted.count(True)


def test_close_abandons_a_webhook_that_stays_down() -> None:
    hooks = WebhookDispatcher(
        client=httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500))), attempts=50, initial_wait_s=1, max_wait_s=1
    )
    hooks.submit("https://hooks.test/x", ALERT)
    started = time.monotonic()
    hooks.close(drain_timeout_s=0.5)
    assert time.monotonic() - started < 3
    assert hooks.stats["failed"] == 1
