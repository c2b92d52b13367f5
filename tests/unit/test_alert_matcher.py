from __future__ import annotations

import pytest

from consumers.alerter.matcher import match, matching_rules
from consumers.alerter.rules import parse_rules
from tests.event_factories import actor, make_event


def rule(**raw):
    return parse_rules({"rules": [{"name": "r", **raw}]})[0]


EVENT = make_event()  # ASSAULT, Russian forces (RUS MIL) -> civilians (UKR CVL) in Kharkiv, UKR, confidence 0.82


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"event_types": ["ASSAULT"]}, True),
        ({"event_types": ["AGREE", "ASSAULT"]}, True),
        ({"event_types": ["AGREE"]}, False),
        ({"source": {"country": "RUS"}}, True),
        ({"source": {"country": "UKR"}}, False),
        ({"target": {"country": "UKR", "sector": "CVL"}}, True),
        ({"target": {"country": "UKR", "sector": "GOV"}}, False),
        ({"source": {"sector": ["MIL", "REB"]}, "target": {"sector": "CVL"}}, True),
        ({"any_actor": {"country": "UKR"}}, True),
        ({"any_actor": {"country": "RUS", "sector": "MIL"}}, True),
        ({"any_actor": {"country": "RUS", "sector": "CVL"}}, False),  # both on one actor
        ({"any_actor": {"country": "UKR", "sector": "GOV"}}, False),  # the GOV speaker is not a participant
        ({"location_country": ["UKR"]}, True),
        ({"location_country": ["RUS"]}, False),
        ({"keywords": ["shelled"]}, True),
        ({"keywords": ["SHELLED"]}, True),
        ({"keywords": ["shell"]}, False),  # whole words only
        ({"keywords": ["residential   districts"]}, True),
        ({"keywords": ["airstrike", "residential districts"]}, True),
        ({"min_confidence": 0.8}, True),
        ({"min_confidence": 0.9}, False),
        ({"event_types": ["ASSAULT"], "location_country": "UKR", "keywords": ["Kharkiv"], "min_confidence": 0.5}, True),
        ({"event_types": ["ASSAULT"], "location_country": "UKR", "keywords": ["Kyiv"], "min_confidence": 0.5}, False),
    ],
)
def test_match(raw: dict, expected: bool) -> None:
    assert match(rule(**raw), EVENT) is expected


def test_negated_events_only_match_when_asked() -> None:
    negated = make_event(negated=True)
    assert not match(rule(event_types=["ASSAULT"]), negated)
    assert match(rule(event_types=["ASSAULT"], include_negated=True), negated)


def test_missing_optional_parts_do_not_break_matching() -> None:
    sparse = make_event(location=None, source=[], target=[actor("someone", None, None)], sentence="")
    assert not match(rule(location_country="UKR"), sparse)
    assert not match(rule(source={"country": "RUS"}), sparse)
    assert not match(rule(keywords=["shelled"]), sparse)
    assert match(rule(event_types=["ASSAULT"]), sparse)


def test_matching_rules_keeps_rule_order() -> None:
    rules = parse_rules(
        {
            "rules": [
                {"name": "b", "event_types": ["ASSAULT"]},
                {"name": "x", "event_types": ["AGREE"]},
                {"name": "a", "target": {"country": "UKR"}},
            ]
        }
    )
    assert [r.name for r in matching_rules(rules, EVENT)] == ["b", "a"]
