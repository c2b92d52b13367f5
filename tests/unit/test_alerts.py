from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from consumers.alerter.alerts import alert_id, build_alert, dedup_key, summarize
from consumers.alerter.rules import parse_rules
from consumers.alerter.suppression import Decision, SuppressionStore
from schemas import validate
from tests.event_factories import actor, make_event

RULE = parse_rules({"rules": [{"name": "attacks", "event_types": ["ASSAULT"], "severity": "critical"}]})[0]
FIRED_AT = datetime(2024, 5, 3, 10, 0, 0, tzinfo=UTC)


def test_alert_id_is_sha256_of_rule_and_event() -> None:
    expected = hashlib.sha256(("attacks" + "ab" * 16).encode()).hexdigest()[:32]
    assert alert_id("attacks", "ab" * 16) == expected
    assert alert_id("attacks", "ab" * 16) != alert_id("attacks-2", "ab" * 16)


def test_build_alert_honours_the_contract() -> None:
    event = make_event()
    alert = build_alert(RULE, event, FIRED_AT)
    validate("alert", alert)
    assert alert["alert_id"] == alert_id("attacks", event["event_id"])
    assert alert["fired_at"] == "2024-05-03T10:00:00.000Z"
    assert alert["event"] == event
    assert alert["severity"] == "critical"
    assert alert["summary"] == (
        "[critical] attacks: ASSAULT Russian forces (RUS MIL) -> civilians (UKR CVL) in Kharkiv, UKR on 2024-05-02: "
        '"Russian forces shelled residential districts of Kharkiv on Thursday, officials said."'
    )
    assert build_alert(RULE, event, FIRED_AT) == alert  # deterministic


def test_summary_mentions_suppressed_repeats_and_clips_long_sentences() -> None:
    event = make_event(sentence="word " * 100, location=None, event_date=None)
    text = summarize(RULE, event, suppressed=3)
    assert text.endswith('…" (+3 similar suppressed since the last alert)')
    assert " in Kharkiv" not in text
    assert "on 2024-05-03" in text


def test_dedup_key_ignores_actor_order_and_names() -> None:
    one = make_event(source=[actor("A", "RUS"), actor("B", "BLR")], target=[actor("C", "UKR")])
    two = make_event(source=[actor("Z", "BLR"), actor("Y", "RUS"), actor("X", None)], target=[actor("W", "UKR")])
    assert dedup_key(one) == dedup_key(two) == "ASSAULT|BLR,RUS|UKR"
    assert dedup_key(make_event(event_type="AGREE")) != dedup_key(make_event())


def test_suppression_window_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state" / "suppression.sqlite"
    store = SuppressionStore(path)
    assert store.decide("r", "k", "alert-1", now=1000.0, window_s=600) == Decision(fire=True)
    assert store.decide("r", "k", "alert-2", now=1100.0, window_s=600) == Decision(fire=False)
    assert store.decide("r", "other", "alert-3", now=1100.0, window_s=600) == Decision(fire=True)
    assert store.decide("r2", "k", "alert-4", now=1100.0, window_s=600) == Decision(fire=True)
    store.commit()
    store.close()

    store = SuppressionStore(path)
    assert store.decide("r", "k", "alert-5", now=1200.0, window_s=600) == Decision(fire=False)
    assert store.decide("r", "k", "alert-1", now=1300.0, window_s=600) == Decision(fire=True)  # redelivery fires again
    assert store.decide("r", "k", "alert-6", now=1600.0, window_s=600) == Decision(fire=True, suppressed_before=2)
    assert store.decide("r", "k", "alert-7", now=1601.0, window_s=600) == Decision(fire=False)
    store.commit()
    store.close()


def test_uncommitted_decisions_roll_back(tmp_path: Path) -> None:
    store = SuppressionStore(tmp_path / "s.sqlite")
    store.decide("r", "k", "alert-1", now=1000.0, window_s=600)
    store.rollback()
    assert store.decide("r", "k", "alert-2", now=1001.0, window_s=600).fire
    store.close()


def test_zero_window_never_suppresses_and_prune_forgets(tmp_path: Path) -> None:
    store = SuppressionStore(tmp_path / "s.sqlite")
    assert store.decide("r", "k", "a1", now=1000.0, window_s=0).fire
    assert store.decide("r", "k", "a2", now=1000.5, window_s=0).fire
    store.commit()
    assert store.prune(older_than=2000.0) == 1
    assert store.decide("r", "k", "a3", now=2001.0, window_s=600) == Decision(fire=True)
    store.close()
