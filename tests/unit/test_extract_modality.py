"""Negation, reported speech, confidence, dedup and event ids."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from consumers.extract.pipeline import event_id

Extract = Callable[..., list[dict[str, Any]]]


def asserted(events: list[dict[str, Any]]) -> list[str]:
    return [e["event_type"] for e in events if not e["negated"]]


def test_negation(extract: Extract) -> None:
    # a negated act did not happen (guidelines C16), a failed agreement is no agreement (C18)
    assert asserted(extract("Iraq did not attack Kuwait.")) == []
    assert extract("Iraq attacked Kuwait.")[0]["negated"] is False
    assert "AGREE" not in asserted(extract("Russia failed to reach a deal with Ukraine."))


def test_refused_to_is_rejection_not_negation(extract: Extract) -> None:
    events = extract("Hamas refused to release the hostages.")
    assert [(e["event_type"], e["negated"]) for e in events] == [("REJECT", False)]


def test_speaker_of_reported_speech(extract: Extract) -> None:
    ev = extract("Russian forces withdrew from Kherson, Ukraine's military said.")[0]
    assert ev["event_type"] == "RETREAT"
    assert (ev["speaker"]["country"], ev["speaker"]["sector"]) == ("UKR", "MIL")
    ev = extract("According to the UN, Sudanese rebels killed 20 civilians in Darfur.")[0]
    assert ev["speaker"]["name"] == "United Nations"
    assert countries_of(ev["source"]) == {"SDN"}
    assert extract("Russia attacked Ukraine.")[0]["speaker"] is None


def test_pronoun_subject_of_reported_speech_is_the_speaker(extract: Extract) -> None:
    ev = extract("Russia said it would retaliate against Finland.")[0]
    assert ev["source"][0]["country"] == "RUS" and ev["speaker"]["country"] == "RUS"


def test_confidence_reflects_evidence(extract: Extract) -> None:
    strong = extract("Russia attacked Ukraine.")[0]["confidence"]
    weak = extract("Protesters rallied against the reform.")[0]["confidence"]
    assert 0 <= weak < strong <= 1


def test_same_event_twice_in_an_article_is_kept_once(extract: Extract) -> None:
    text = "Russia attacked Ukraine on Monday. Officials said more. Russia attacked Ukraine again."
    events = extract(text)
    assert len(events) == 1
    assert events[0]["sentence"] == "Russia attacked Ukraine on Monday."


def test_event_id_is_deterministic(extract: Extract) -> None:
    first = extract("Russia attacked Ukraine.", article_id="a1")
    again = extract("Russia attacked Ukraine.", article_id="a1")
    other = extract("Russia attacked Ukraine.", article_id="a2")
    assert first == again
    assert re.fullmatch(r"[0-9a-f]{32}", first[0]["event_id"])
    assert first[0]["event_id"] != other[0]["event_id"]
    assert first[0]["event_id"] == event_id("a1", 0, "ASSAULT", ["Russia"], ["Ukraine"])


def countries_of(actors: list[dict[str, Any]]) -> set[str | None]:
    return {a["country"] for a in actors}
