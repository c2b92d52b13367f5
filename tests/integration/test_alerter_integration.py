"""The alerter against real Kafka, with a real local webhook receiver."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from kafka import TopicPartition

from common.config import dead_letter_topic, topic
from common.kafka import make_consumer, make_producer, send_all
from consumers.alerter.alerts import alert_id
from consumers.alerter.consumer import Alerter
from consumers.alerter.rules import parse_rules
from consumers.alerter.webhook import WebhookDispatcher
from schemas import validate
from tests.event_factories import actor, make_event

pytestmark = pytest.mark.integration


class _Receiver(BaseHTTPRequestHandler):
    fail_first = 2
    received: ClassVar[list[dict]] = []
    attempts = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).attempts += 1
        if type(self).attempts <= type(self).fail_first:
            self.send_response(503)
        else:
            type(self).received.append(json.loads(body))
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook_url() -> Iterator[str]:
    _Receiver.received, _Receiver.attempts = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def _read(topic_name: str, expected: int, timeout_s: float = 20.0) -> list[dict]:
    consumer = make_consumer(f"reader-{uuid.uuid4().hex[:8]}", [topic_name])
    records: list = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and len(records) < expected:
            for batch in consumer.poll(timeout_ms=300).values():
                records.extend(batch)
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
    finally:
        consumer.close()
    return records


def _rules(webhook_url: str, dead_url: str):
    return parse_rules(
        {
            "defaults": {"suppress_minutes": 60},
            "rules": [
                {
                    "name": "attacks-on-civilians",
                    "event_types": ["ASSAULT"],
                    "target": {"sector": "CVL"},
                    "severity": "critical",
                    "webhook": webhook_url,
                },
                {
                    "name": "syria-truce",
                    "event_types": ["AGREE"],
                    "any_actor": {"country": "SYR"},
                    "keywords": ["truce"],
                    "webhook": dead_url,
                },
            ],
        }
    )


def _alerter(rules, state: Path, group: str) -> Alerter:
    hooks = WebhookDispatcher(attempts=4, initial_wait_s=0.05, max_wait_s=0.2, timeout_s=2)
    return Alerter(rules=rules, group_id=group, state_path=state, dispatcher=hooks, batch_timeout_s=0.3)


def test_alerts_fire_once_repeats_are_suppressed_across_restarts(isolated_topics: dict[str, str], webhook_url: str, tmp_path: Path) -> None:
    dead_url = "http://127.0.0.1:9/nothing-listens-here"
    rules = _rules(webhook_url, dead_url)
    state = tmp_path / "suppression.sqlite"
    group = f"alerter-{uuid.uuid4().hex[:8]}"
    attack = make_event(event_id="1" * 32)
    same_story = make_event(event_id="2" * 32, sentence="Russian artillery hit a market in Kharkiv.")
    truce = make_event(
        event_id="3" * 32,
        event_type="AGREE",
        source=[actor("Syria", "SYR")],
        target=[actor("Turkey", "TUR")],
        sentence="Syria and Turkey agreed a truce.",
    )
    no_keyword = make_event(
        event_id="4" * 32,
        event_type="AGREE",
        source=[actor("Syria", "SYR")],
        target=[actor("Turkey", "TUR")],
        sentence="Syria and Turkey agreed.",
    )
    producer = make_producer()
    try:
        send_all(producer, topic("events_storied"), [("a1", attack), ("a1", attack), ("a1", same_story), ("a2", truce), ("a2", no_keyword)])
        send_all(producer, topic("events_storied"), [("a3", b"\xff not json")])
    finally:
        producer.close()

    stats = _alerter(rules, state, group).run(max_seconds=60, stop_when_idle_s=3)
    assert stats["alerts"] == 2 and stats["suppressed"] == 1

    alerts = [json.loads(r.value) for r in _read(topic("alerts"), expected=2)]
    for alert in alerts:
        validate("alert", alert)
    assert sorted((a["rule"], a["event_id"]) for a in alerts) == [("attacks-on-civilians", "1" * 32), ("syria-truce", "3" * 32)]
    keys = {r.key.decode() for r in _read(topic("alerts"), expected=2)}
    assert keys == {alert_id("attacks-on-civilians", "1" * 32), alert_id("syria-truce", "3" * 32)}

    # The working webhook got the alert after two 503s; the dead one cost nothing but a log line.
    assert [h["alert_id"] for h in _Receiver.received] == [alert_id("attacks-on-civilians", "1" * 32)]
    assert _Receiver.received[0]["text"].startswith("[critical] attacks-on-civilians: ASSAULT")
    assert [dict(r.headers)["__news.errors.reason"] for r in _read(dead_letter_topic("alerter"), expected=1)] == [b"malformed_json"]

    # Restart with the same state: the story is still suppressed, a new one fires.
    repeat = make_event(event_id="5" * 32, sentence="More shelling in Kharkiv.")
    new_story = make_event(event_id="6" * 32, target=[actor("civilians", "POL", "CVL")], sentence="A stray drone hit a Polish village.")
    producer = make_producer()
    try:
        send_all(producer, topic("events_storied"), [("a4", repeat), ("a5", new_story)])
    finally:
        producer.close()
    stats = _alerter(rules, state, group).run(max_seconds=60, stop_when_idle_s=3)
    assert (stats["alerts"], stats["suppressed"]) == (1, 1)
    alerts = [json.loads(r.value) for r in _read(topic("alerts"), expected=3)]
    assert sorted(a["event_id"] for a in alerts) == ["1" * 32, "3" * 32, "6" * 32]

    consumer = make_consumer(group)
    try:
        partitions = [TopicPartition(topic("events_storied"), p) for p in consumer.partitions_for_topic(topic("events_storied"))]
        ends = consumer.end_offsets(partitions)
        assert all((consumer.committed(tp) or 0) == ends[tp] for tp in partitions)
    finally:
        consumer.close(autocommit=False)


def test_story_rate_and_spike_alerts_fire_once_each(isolated_topics: dict[str, str], tmp_path: Path) -> None:
    from consumers.stories.grouping import Group

    rules = parse_rules(
        {
            "rules": [
                {"name": "new", "kind": "new_story", "event_types": ["ASSAULT"], "suppress_minutes": 0},
                {"name": "escalation", "kind": "escalation", "event_types": ["ASSAULT"], "min_sources": 2, "within_minutes": 60},
                {"name": "rate", "kind": "rate", "event_types": ["ASSAULT"], "country": "UKR", "min_count": 3, "window_minutes": 60},
                {"name": "spike", "kind": "spike", "event_types": ["ASSAULT"], "country": "UKR", "factor": 3, "min_count": 3},
            ]
        }
    )
    group = Group("ASSAULT")
    # Last week, one ASSAULT story a day in Ukraine: the baseline (1 a day).
    quiet = [
        make_event(event_id=f"{d:032x}", article_id=f"{d + 50:032x}", event_date=f"2026-11-{d:02d}", published_at=f"2026-11-{d:02d}T12:00:00Z",
                   location=None, source=[{"text": "g", "name": f"group {d}", "country": None, "sector": None}], sentence=f"Shelling on day {d}.")  # fmt: skip
        for d in range(14, 21)
    ]
    # Then, within the hour: four distinct attacks, the first told by two outlets half an hour apart.
    burst = [
        make_event(event_id=f"{90 + i:032x}", article_id=f"{190 + i:032x}", article_source=f"outlet-{i % 2}", event_date="2026-11-22",
                   published_at=f"2026-11-22T06:{10 * i:02d}:00Z", location={"name": f"Town {i}", "country": "UKR", "lat": 48.0 + i, "lon": 35.0},
                   sentence=f"Drones hit town {i}.")  # fmt: skip
        for i in range(4)
    ]
    burst.append(make_event(event_id="a" * 32, article_id="b" * 32, article_source="outlet-1", event_date="2026-11-22",
                            published_at="2026-11-22T06:35:00Z", location=burst[0]["location"], sentence="Town 0 was hit by drones."))  # fmt: skip
    storied, stories = [], {}
    for event in quiet + burst:
        outcome = group.assign(event, 1.0)
        storied.append({**event, "story_id": outcome.story_id})
        stories[outcome.story_id] = group.stories[outcome.story_id].message()
    assert len(stories) == 11  # the two reports of town 0 are one story
    state, alerter_group = tmp_path / "state.sqlite", f"alerter-{uuid.uuid4().hex[:8]}"

    def run(events: list[dict], story_records: list[dict]) -> dict[str, int]:
        producer = make_producer()
        try:
            send_all(producer, topic("events_storied"), [(e["article_id"], e) for e in events])
            send_all(producer, topic("stories"), [(s["story_id"], s) for s in story_records])
        finally:
            producer.close()
        alerter = Alerter(rules=rules, group_id=alerter_group, state_path=state, batch_timeout_s=0.3)
        return alerter.run(max_seconds=60, stop_when_idle_s=3)

    run(storied[:7], [stories[e["story_id"]] for e in storied[:7]])  # the quiet week, processed when it happened
    stats = run(storied[7:] + storied[-3:], [stories[e["story_id"]] for e in storied[7:]])  # the burst, some of it twice
    alerts = [json.loads(r.value) for r in _read(topic("alerts"), expected=14)]
    for alert in alerts:
        validate("alert", alert)
    by_kind: dict[str, list[dict]] = {}
    for alert in alerts:
        by_kind.setdefault(alert["kind"], []).append(alert)
    assert len(by_kind["new_story"]) == 11  # one per story (suppress_minutes: 0)
    (escalation,) = by_kind["escalation"]
    assert escalation["story"]["num_sources"] == 2 and escalation["story_id"] == storied[7]["story_id"]
    (rate,) = by_kind["rate"]  # the burst's third distinct story in the hour fires; later ones are suppressed
    assert rate["count"] >= 3 and rate["series"] == "ASSAULT|UKR"
    (spike,) = by_kind["spike"]  # three or more stories in a day against 6 in the 7 days before
    assert spike["count"] >= 3 and spike["baseline"] == round(6 / 7, 4)
    assert stats["suppressed"] >= 1
