"""Logs are signal, not noise: with NEWS_LOG_FORMAT=json every line is JSON, the client
libraries' included; an outage's reconnect chatter becomes one line when it starts and one
when it ends; kafka-python's harmless internal traceback is gone; secrets never appear."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r'''
import logging, warnings
from common.logs import configure_logging, get_logger
from common.redact import register_secret
configure_logging()
register_secret("https://hooks.slack.com/services/T000/B000/XXXXSECRET")
register_secret("es-pass-secret")
log = get_logger("test")
log.info("ours", where="https://hooks.slack.com/services/T000/B000/XXXXSECRET")
kafka = logging.getLogger("kafka.net.manager")
for _ in range(25):
    kafka.error("Connection failed: %s", "KafkaConnectionError: 111 ECONNREFUSED")
    logging.getLogger("kafka.net.connection").error("<KafkaConnection node_id=1>: Connection lost: KafkaConnectionError: 111 ECONNREFUSED")
    logging.getLogger("kafka.cluster").warning("No node available for metadata refresh - backoff/retry")
try:
    raise ConnectionResetError(104, "Connection reset by peer")
except ConnectionResetError:
    logging.getLogger("kafka.net.transport").exception("<KafkaConnection node_id=1>: Error receiving network data closing socket")
try:
    None.getpeername()
except AttributeError:
    logging.getLogger("kafka.net.connection").exception("Failed to build connection log_prefix")
try:  # kafka-python's IO loop reading a socket a reconnect closed under it
    try:
        raise KeyError("<socket.socket [closed] fd=-1, family=2, type=1, proto=6> is not registered")
    except KeyError:
        raise ValueError("Invalid file descriptor: -1")
except ValueError:
    logging.getLogger("kafka.net.selector").exception("Unhandled exception in task %s:", "<Task _read_from_sock>")
logging.getLogger("kafka.net.connection").info("<KafkaConnection node_id=1 broker_version=(4, 1)>: Connected")
for _ in range(10):
    try:
        raise ConnectionRefusedError("[Errno 111] Connection refused")
    except ConnectionRefusedError as exc:
        logging.getLogger("elastic_transport.transport").warning("Retrying request after failure (attempt 1 of 3)", exc_info=exc)
logging.getLogger("elastic_transport.transport").info("POST https://es.example.org/_bulk [status:200 duration:0.010s]")
logging.getLogger("kafka.coordinator").warning("Unknown error fetching offsets for group x: UnknownServerError")
logging.getLogger("elasticsearch").error("login with es-pass-secret failed")
warnings.warn("a library warning")
import threading
class KafkaProducer:  # stands in for kafka-python's, whose __del__ retries a close that timed out
    def __del__(self):
        raise TimeoutError("Timeout waiting for future")
KafkaProducer.__module__ = KafkaProducer.__del__.__module__ = "kafka.producer.kafka"
KafkaProducer()
def _boom():
    raise RuntimeError("thread failed")
thread = threading.Thread(target=_boom, name="worker")
thread.start(); thread.join()
try:
    1 / 0
except ZeroDivisionError:
    log.exception("ours failed")
'''


def _run(fmt: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "NEWS_LOG_FORMAT": fmt, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.splitlines()


def test_every_line_is_json_when_asked() -> None:
    lines = _run("json")
    records = [json.loads(line) for line in lines]  # raises on any non-JSON line
    events = [r["event"] for r in records]
    assert "ours" in events and "ours failed" in events
    assert {"kafka.coordinator", "elasticsearch", "py.warnings"} <= {r.get("logger") for r in records}
    assert "ZeroDivisionError" in next(r for r in records if r["event"] == "ours failed")["exception"]
    assert "RuntimeError: thread failed" in next(r for r in records if r["event"] == "uncaught exception in a thread")["exception"]


def test_an_outage_is_one_line_when_it_starts_and_one_when_it_ends() -> None:
    events = [json.loads(line)["event"] for line in _run("json")]
    assert events.count("kafka unreachable; clients keep retrying quietly") == 1
    assert events.count("kafka reachable again") == 1
    assert events.count("elasticsearch unreachable; clients keep retrying quietly") == 1
    assert events.count("elasticsearch reachable again") == 1
    assert not any("ECONNREFUSED" in e or "Retrying request" in e or "No node available" in e for e in events)
    assert len(events) <= 12, events


def test_kafka_pythons_internal_tracebacks_are_not_shown() -> None:
    text = "\n".join(_run("console"))
    assert "AttributeError" not in text and "log_prefix" not in text
    assert "ConnectionResetError" not in text and "Error receiving network data" not in text
    assert "Exception ignored" not in text and "Timeout waiting for future" not in text
    assert "Invalid file descriptor" not in text and "Unhandled exception in task" not in text


def test_secrets_never_reach_the_log() -> None:
    text = "\n".join(_run("json") + _run("console"))
    assert "XXXXSECRET" not in text and "es-pass-secret" not in text
    assert "https://hooks.slack.com/***" in text


def test_a_failing_webhook_logs_where_it_points_not_its_url(capsys) -> None:
    from common.logs import configure_logging
    from consumers.alerter.webhook import WebhookDispatcher

    configure_logging()
    secret_url = "https://hooks.slack.com/services/T000/B000/ANOTHERSECRET"
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    hooks = WebhookDispatcher(client=client, attempts=1)
    assert not hooks.deliver(secret_url, {"alert_id": "a" * 32, "summary": "s"})
    err = capsys.readouterr().err
    assert "webhook delivery failed" in err
    assert "ANOTHERSECRET" not in err and "hooks.slack.com" in err
    for handler in [h for h in logging.getLogger().handlers if h.get_name() == "newsevents"]:
        logging.getLogger().removeHandler(handler)
