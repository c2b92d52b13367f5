"""Webhook delivery off the consumer thread: bounded queue, retries with backoff, then give up.

The alert itself is already on the alerts topic, so a webhook that stays down loses
nothing: after the retries the failure is logged and counted, and the consumer never waits
for it. The body is the alert plus a "text" line, which chat webhooks display.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import Counter, OrderedDict
from typing import Any

import httpx
from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from common.logs import get_logger
from common.redact import scrub, url_origin

log = get_logger(__name__)

_STOP = object()
_REMEMBERED = 10_000  # recently delivered (url, alert_id): a redelivered batch does not post twice


class WebhookGaveUp(RuntimeError):
    pass


def _retriable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.TransportError):
        return True
    return isinstance(exc, httpx.HTTPStatusError) and (exc.response.status_code == 429 or exc.response.status_code >= 500)


def webhook_body(alert: dict[str, Any]) -> dict[str, Any]:
    return {**alert, "text": alert.get("summary") or f"alert {alert.get('alert_id')}"}


class WebhookDispatcher:
    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        attempts: int = 5,
        initial_wait_s: float = 1.0,
        max_wait_s: float = 30.0,
        timeout_s: float = 10.0,
        max_queue: int = 1000,
    ) -> None:
        self._client = client or httpx.Client(timeout=timeout_s, headers={"User-Agent": "newsevents-alerter"})
        self._attempts = attempts
        self._initial_wait_s = initial_wait_s
        self._max_wait_s = max_wait_s
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max_queue)
        self._abandon = threading.Event()
        self._thread: threading.Thread | None = None
        self._delivered: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()
        self.stats: Counter[str] = Counter()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="webhooks", daemon=True)
            self._thread.start()

    def submit(self, url: str, alert: dict[str, Any]) -> bool:
        """Queue a delivery; False (and a warning) when the queue is full: never block the consumer."""
        self.start()
        try:
            self._queue.put_nowait((url, alert))
            return True
        except queue.Full:
            self.stats["dropped"] += 1
            log.warning("webhook queue full; not posting (the alert is on the topic)", alert_id=alert.get("alert_id"), webhook=url_origin(url))
            return False

    def deliver(self, url: str, alert: dict[str, Any]) -> bool:
        """POST with retries on connection errors, 429 and 5xx; True when delivered (or already was)."""
        key = (url, str(alert.get("alert_id")))
        with self._lock:
            if key in self._delivered:
                return True
        retrying = Retrying(
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=self._initial_wait_s, max=self._max_wait_s),
            retry=retry_if_exception(_retriable),
            sleep=self._sleep,
            reraise=False,
        )
        try:
            for attempt in retrying:
                with attempt:
                    if self._abandon.is_set():
                        raise WebhookGaveUp("shutting down")
                    response = self._client.post(url, json=webhook_body(alert))
                    response.raise_for_status()
        except (RetryError, httpx.HTTPError, WebhookGaveUp) as exc:
            cause = exc.last_attempt.exception() if isinstance(exc, RetryError) else exc
            self.stats["failed"] += 1
            # The URL is the credential for Slack, Teams and Discord: log where it points, never the URL.
            log.error(
                "webhook delivery failed; the alert is on the topic",
                alert_id=key[1],
                webhook=url_origin(url),
                error=scrub(str(cause).replace(url, url_origin(url))),
            )
            return False
        with self._lock:
            self._delivered[key] = None
            while len(self._delivered) > _REMEMBERED:
                self._delivered.popitem(last=False)
        self.stats["delivered"] += 1
        return True

    def _sleep(self, seconds: float) -> None:
        self._abandon.wait(seconds)  # returns at once when closing

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                self.deliver(*item)
            finally:
                self._queue.task_done()

    def close(self, drain_timeout_s: float = 10.0) -> None:
        """Deliver what is queued for up to drain_timeout_s, then abandon the rest."""
        if self._thread is not None:
            with contextlib.suppress(queue.Full):
                self._queue.put(_STOP, timeout=drain_timeout_s)
            self._thread.join(drain_timeout_s)
            if self._thread.is_alive():
                self._abandon.set()
                self._thread.join(5)
            left = self._queue.qsize()
            if left:
                self.stats["abandoned"] += left
                log.warning("webhooks not delivered at shutdown (the alerts are on the topic)", count=left)
            self._thread = None
        self._client.close()
