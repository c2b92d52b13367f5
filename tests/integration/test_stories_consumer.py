"""The stories consumer on the real Kafka: stories and storied events out, state in the
changelog, and counts that survive redeliveries, a failed commit and a restart."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest

from common.config import topic
from common.kafka import make_producer, send_all
from consumers.stories.consumer import StoriesAggregator, StoriesRouter, run_both
from tests.event_factories import actor, make_event
from tests.kafka_io import read_topic

pytestmark = pytest.mark.integration

ODESA = {"name": "Odesa", "country": "UKR", "lat": 46.48, "lon": 30.73, "geonameid": 698740}


def _event(n: int, outlet: str, **fields: Any) -> dict[str, Any]:
    article_id = fields.pop("article_id", hashlib.sha256(f"{outlet}-article".encode()).hexdigest()[:32])
    return make_event(event_id=hashlib.sha256(f"{article_id}-{n}".encode()).hexdigest()[:32], article_id=article_id, article_source=outlet, **fields)


def _corpus() -> dict[str, Any]:
    strike_wire = _event(1, "wire", sentence="Russian drones struck the port of Odesa overnight.", location=ODESA, target=[], confidence=0.6)
    strike_daily = _event(2, "daily", sentence="Russia attacked Odesa's grain terminal with drones, Ukraine said.", location=ODESA,
                          target=[actor("grain terminal", "UKR", "BUS")], confidence=0.7)  # fmt: skip
    strike_copy = _event(3, "reprint", sentence=strike_wire["sentence"], location=None, target=[],
                         near_duplicate_of=strike_wire["article_id"], article_id="c" * 32)  # fmt: skip
    other_day = _event(4, "daily", event_date="2024-05-20", published_at="2024-05-20T08:00:00Z", location=ODESA, sentence="Another strike.")
    talks = _event(5, "wire", event_type="CONSULT", source=[actor("Turkey", "TUR")], target=[actor("Ukraine", "UKR")],
                   location=None, sentence="Turkey hosted Ukrainian envoys.")  # fmt: skip
    denial = _event(6, "wire", negated=True, sentence="Russia did not strike Kyiv.")
    return {"strike_wire": strike_wire, "strike_daily": strike_daily, "strike_copy": strike_copy, "other_day": other_day, "talks": talks, "denial": denial}


def _produce(events: list[dict[str, Any]]) -> None:
    producer = make_producer()
    try:
        send_all(producer, topic("events"), [(e["article_id"], e) for e in events])
    finally:
        producer.close()


def _run(group: str, aggregator: StoriesAggregator | None = None) -> dict[str, dict[str, int]]:
    aggregator = aggregator or StoriesAggregator(group_id=group, batch_timeout_s=0.2)
    return run_both(router=StoriesRouter(group_id=f"{group}-router", batch_timeout_s=0.2), aggregator=aggregator, stop_when_idle_s=3)


def _latest_stories() -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for story in read_topic(topic("stories"), timeout=20):
        if story["revision"] >= latest.get(story["story_id"], {}).get("revision", 0):
            latest[story["story_id"]] = story
    return latest


def _storied() -> dict[str, str | None]:
    """event_id -> the story_id of its last record on events.storied."""
    return {e["event_id"]: e["story_id"] for e in read_topic(topic("events_storied"), timeout=20)}


def test_stories_from_events_with_copies_redeliveries_and_restarts(isolated_topics: dict[str, str]) -> None:
    corpus = _corpus()
    group = f"stories-{uuid.uuid4().hex[:8]}"
    # The syndicated copy arrives before its original: it waits, then joins.
    _produce([corpus["strike_copy"]])
    first = _run(group)
    assert first["aggregator"]["copies_parked"] == 1
    assert _latest_stories() == {}

    _produce([corpus[k] for k in ("strike_wire", "strike_daily", "other_day", "talks", "denial")])
    _run(group)
    stories = _latest_stories()
    assert len(stories) == 3  # the Odesa strike, the later strike, the talks; the denial is none
    storied = _storied()
    strike = stories[storied[corpus["strike_wire"]["event_id"]]]
    assert storied[corpus["strike_daily"]["event_id"]] == storied[corpus["strike_copy"]["event_id"]] == strike["story_id"]
    assert (strike["num_mentions"], strike["num_articles"], strike["num_sources"]) == (3, 3, 2)
    assert strike["outlets"] == ["daily", "reprint", "wire"]
    assert storied[corpus["denial"]["event_id"]] is None
    assert storied[corpus["other_day"]["event_id"]] != strike["story_id"]
    counts = {sid: (s["num_mentions"], s["num_articles"], s["num_sources"]) for sid, s in stories.items()}

    # Everything again (an upstream replay), processed by a fresh process: the state is
    # rebuilt from the changelog and no count moves.
    _produce(list(corpus.values()))
    again = _run(group)
    assert again["aggregator"]["changelog_applied"] >= 3
    assert again["aggregator"].get("mentions_new", 0) == 0 and again["aggregator"]["mentions_repeated"] == 5  # and the denial
    assert {sid: (s["num_mentions"], s["num_articles"], s["num_sources"]) for sid, s in _latest_stories().items()} == counts


class _CommitFailsOnce(StoriesAggregator):
    """Outputs and changelog are written, then the commit step fails: the batch is redelivered."""

    failed = False

    def before_commit(self, tp: Any, messages: list[Any]) -> None:
        if not self.failed and any(m.value and b"second-wave" in m.value for m in messages):
            type(self).failed = True
            raise RuntimeError("injected: crash after the outputs, before the offsets")


def test_a_batch_redelivered_after_its_outputs_counts_once(isolated_topics: dict[str, str]) -> None:
    group = f"stories-{uuid.uuid4().hex[:8]}"
    first_wave = [_event(i, f"outlet-{i}", article_id=f"{i:032x}", sentence=f"Russian forces shelled Kharkiv ({i}).") for i in range(3)]
    second_wave = [_event(i, f"outlet-{i}", article_id=f"{i:032x}", sentence=f"second-wave report {i}") for i in range(3, 6)]
    _produce(first_wave)
    _run(group)
    _produce(second_wave)
    aggregator = _CommitFailsOnce(group_id=group, batch_timeout_s=0.2, max_backoff_s=0.5)
    stats = _run(group, aggregator)["aggregator"]
    assert _CommitFailsOnce.failed and stats["batch_retries"] >= 1
    assert stats["mentions_repeated"] >= 1  # the retried batch found its events counted already
    (story,) = _latest_stories().values()
    assert (story["num_mentions"], story["num_articles"], story["num_sources"]) == (6, 6, 6)
    assert story["revision"] == 6
