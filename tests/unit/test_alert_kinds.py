"""Alert rule kinds on stories and windows: parsing, matching, the window arithmetic, alert messages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from consumers.alerter.alerts import build_story_alert, build_window_alert, story_alert_id, window_alert_id
from consumers.alerter.matcher import densest_window, escalated, matching_rules, spike_baseline, spiking, story_matches, window_keys
from consumers.alerter.rules import DEFAULT_RULES_FILE, RuleError, load_rules, parse_rules
from consumers.alerter.suppression import SuppressionStore
from consumers.stories.grouping import Group
from schemas import validate
from tests.event_factories import actor, make_event

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def one(**raw: Any):
    return parse_rules({"rules": [{"name": "r", **raw}]})[0]


def story(*outlets_and_times: tuple[str, str]) -> dict[str, Any]:
    group = Group("ASSAULT")
    sid = None
    for n, (outlet, published) in enumerate(outlets_and_times):
        event = make_event(event_id=f"{n:032x}", article_id=f"{n + 100:032x}", article_source=outlet, published_at=published, event_date="2026-11-22")
        sid = group.assign(event, 1.0).story_id
    assert sid is not None
    record = group.stories[sid].message()
    validate("story", record)
    return record


def test_the_example_rules_have_one_of_each_kind() -> None:
    kinds = {r.kind for r in load_rules(DEFAULT_RULES_FILE)}
    assert kinds == {"event", "new_story", "escalation", "rate", "spike"}


def test_kind_parameters_are_checked() -> None:
    assert one(kind="rate", event_types=["ASSAULT"], country="ukr", min_count=3).window_minutes == 60.0
    spike = one(kind="spike", event_types=["ASSAULT"], factor=3)
    assert (spike.min_count, spike.window_minutes, spike.baseline_days, spike.count) == (3, 1440.0, 7.0, "stories")
    with pytest.raises(RuleError) as problems:
        parse_rules(
            {
                "rules": [
                    {"name": "a", "kind": "escalation", "min_sources": 1},
                    {"name": "b", "kind": "rate", "min_count": 2.5, "target": {"sector": "CVL"}},
                    {"name": "c", "kind": "spike", "count": "articles"},
                    {"name": "d", "kind": "weather"},
                ]
            }
        )
    text = str(problems.value)
    assert "rule #1 (a).min_sources: 1 is outside [2" in text and "rule #1 (a).within_minutes: required for a escalation rule" in text
    assert "rule #2 (b).min_count: 2.5 is not a whole number" in text and "rule #2 (b).target: not a condition of a rate rule" in text
    assert "rule #3 (c).factor: required" in text and "rule #3 (c).count: 'articles' is not one of stories, events" in text
    assert "rule #4 (d).kind: 'weather' is not one of" in text


def test_event_rules_ignore_the_other_kinds() -> None:
    rules = parse_rules({"rules": [{"name": "e", "event_types": ["ASSAULT"]}, {"name": "n", "kind": "new_story", "event_types": ["ASSAULT"]}]})
    assert [r.name for r in matching_rules(rules, make_event())] == ["e"]


def test_story_rules_filter_on_type_country_confidence_and_words() -> None:
    record = story(("wire", "2026-11-22T06:00:00Z"))
    assert story_matches(one(kind="new_story", event_types=["ASSAULT"], country="UKR"), record)
    assert not story_matches(one(kind="new_story", country="POL"), record)
    assert not story_matches(one(kind="new_story", min_confidence=0.99), record)
    assert story_matches(one(kind="new_story", keywords=["shelled"]), record)


def test_escalation_needs_enough_independent_sources_close_enough_in_time() -> None:
    record = story(("wire", "2026-11-22T06:00:00Z"), ("daily", "2026-11-22T09:00:00Z"), ("post", "2026-11-23T09:00:00Z"))
    assert escalated(record, 2, 3 * 3600) and not escalated(record, 2, 2 * 3600)
    assert escalated(record, 3, 27 * 3600) and not escalated(record, 3, 26 * 3600) and not escalated(record, 4, 10**9)


def test_window_series_are_type_and_country() -> None:
    event = make_event(location={"name": "Lviv", "country": "UKR", "lat": 49.8, "lon": 24.0})  # RUS -> UKR
    assert window_keys(one(kind="rate", min_count=2, event_types=["ASSAULT"], country="UKR"), event) == ["ASSAULT|UKR"]
    assert window_keys(one(kind="spike", factor=2, event_types=["ASSAULT"]), event) == ["ASSAULT|RUS", "ASSAULT|UKR"]
    assert window_keys(one(kind="rate", min_count=2, event_types=["AGREE"]), event) == []
    assert window_keys(one(kind="rate", min_count=2), make_event(negated=True)) == []


def test_spike_arithmetic() -> None:
    day, week = 86400.0, 7 * 86400.0
    assert spike_baseline(14, day, week) == 2.0  # 14 in the 7 days before: 2 per day
    assert spiking(6, 2.0, 3, 3) and not spiking(5, 2.0, 3, 3)
    assert spiking(3, 0.0, 3, 3) and not spiking(2, 0.0, 3, 3)  # no history: min_count decides


def test_window_items_count_each_story_once(tmp_path: Path) -> None:
    store = SuppressionStore(tmp_path / "state.sqlite")
    store.count_item("r", "ASSAULT|UKR", "story-1", 100.0)
    store.count_item("r", "ASSAULT|UKR", "story-1", 50.0)  # an earlier mention moves it back
    store.count_item("r", "ASSAULT|UKR", "story-1", 200.0)  # a later one does not
    store.count_item("r", "ASSAULT|UKR", "story-2", 150.0)
    store.commit()
    assert store.items_between("r", "ASSAULT|UKR", 0.0, 1000.0) == 2
    assert store.items_between("r", "ASSAULT|UKR", 60.0, 1000.0) == 1
    assert store.story_fired("r", "s") is None
    store.mark_story("r", "s", 3)
    assert store.story_fired("r", "s") == 3
    store.close()


def test_story_and_window_alerts_honour_the_contract() -> None:
    record = story(("wire", "2026-11-22T06:00:00Z"), ("daily", "2026-11-22T07:00:00Z"))
    escalation = one(kind="escalation", min_sources=2, within_minutes=120, severity="critical")
    alert = build_story_alert(escalation, record, NOW)
    validate("alert", alert)
    assert alert["alert_id"] == story_alert_id("r", record["story_id"]) and alert["kind"] == "escalation"
    assert alert["summary"].startswith("[critical] r: story now reported by 2 independent sources (wire, daily): ASSAULT RUS -> UKR in Kharkiv, UKR")
    event = make_event(story_id=record["story_id"], target=[actor("civilians", "UKR", "CVL")])
    spike = one(kind="spike", factor=3, event_types=["ASSAULT"])
    alert = build_window_alert(spike, event, "ASSAULT|UKR", 4, NOW, baseline=0.5)
    validate("alert", alert)
    assert alert["alert_id"] == window_alert_id("r", "ASSAULT|UKR", event["event_id"])
    assert "4 ASSAULT stories involving UKR within 24 h, 0.50 per 24 h over the 7 days before (threshold x3)" in alert["summary"]


def test_the_densest_window_containing_an_item_is_found_whatever_the_order() -> None:
    times = [0.0, 10.0, 20.0, 30.0, 100.0]
    assert densest_window(times, 0.0, 31.0) == (4, 0.0)  # the first item completes nothing alone, but its window holds four
    assert densest_window(times, 30.0, 31.0) == (4, 0.0)
    assert densest_window(times, 30.0, 15.0) == (2, 20.0)
    assert densest_window(times, 100.0, 31.0) == (1, 100.0)
