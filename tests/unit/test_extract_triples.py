"""Source-action-target extraction from the dependency parse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.unit.extract_helpers import countries

Extract = Callable[..., list[dict[str, Any]]]


def only(events: list[dict[str, Any]], event_type: str) -> dict[str, Any]:
    matching = [e for e in events if e["event_type"] == event_type]
    assert len(matching) == 1, events
    return matching[0]


def test_subject_verb_object(extract: Extract) -> None:
    ev = only(extract("Russia attacked Ukraine."), "ASSAULT")
    assert countries(ev["source"]) == {"RUS"} and countries(ev["target"]) == {"UKR"}
    assert ev["action"] == {"text": "attacked", "lemma": "attack"}


def test_passive_with_agent(extract: Extract) -> None:
    ev = only(extract("Ukraine was attacked by Russia."), "ASSAULT")
    assert countries(ev["source"]) == {"RUS"} and countries(ev["target"]) == {"UKR"}


def test_compound_subject_is_split_into_actors(extract: Extract) -> None:
    ev = only(extract("Russia, Turkey and Iran agreed to set up de-escalation zones."), "AGREE")
    assert [a["country"] for a in ev["source"]] == ["RUS", "TUR", "IRN"]


def test_told_to_is_a_request(extract: Extract) -> None:
    ev = only(extract("Erdogan told Assad to step down."), "REQUEST")
    assert ev["source"][0]["name"] == "Recep Tayyip Erdogan"
    assert ev["target"][0]["name"] == "Bashar al-Assad"


def test_told_reporters_is_reported_speech_not_a_request(extract: Extract) -> None:
    events = extract('"We had a very good meeting with Mr Lavrov," Trump told reporters.')
    assert [e["event_type"] for e in events] == ["CONSULT"]
    assert countries(events[0]["source"]) == {"USA"}  # "we" is the speaker's side
    assert countries(events[0]["target"]) == {"RUS"}


def test_talks_with(extract: Extract) -> None:
    ev = only(extract("Lavrov held talks with Tillerson in Washington."), "CONSULT")
    assert ev["source"][0]["name"] == "Sergei Lavrov" and ev["target"][0]["name"] == "Rex Tillerson"
    assert ev["action"]["text"] == "held talks"


def test_nominal_event_with_actor_modifier(extract: Extract) -> None:
    events = extract("Tensions grew after US air strikes against a Syrian airfield.")
    ev = only(events, "ASSAULT")
    assert countries(ev["source"]) == {"USA"} and countries(ev["target"]) == {"SYR"}
    assert ev["mode"] == "aerial"


def test_meeting_between_is_reciprocal(extract: Extract) -> None:
    ev = only(extract("The talks saw an agreement between Russia, Iran and Turkey."), "AGREE")
    assert countries(ev["source"]) == {"RUS", "IRN", "TUR"}


def test_phrasal_verb(extract: Extract) -> None:
    ev = only(extract("Syrian rebels have ruled out respecting the safe zones."), "REJECT")
    assert ev["action"]["text"] == "ruled out"
    assert ev["source"][0]["sector"] == "REB"


def test_threat_content_is_not_a_separate_event(extract: Extract) -> None:
    events = extract("Algeria threatened to cut gas supplies to Spain.")
    assert [e["event_type"] for e in events] == ["THREATEN"]
    assert countries(events[0]["target"]) == {"ESP"}


def test_accusation_content_is_not_a_separate_event(extract: Extract) -> None:
    events = extract("Moscow accused Kyiv of shelling the nuclear plant.")
    assert [e["event_type"] for e in events] == ["ACCUSE"]


def test_conditional_clause_is_not_an_event(extract: Extract) -> None:
    events = extract("Russia said it would retaliate if Finland deployed NATO troops.")
    assert [e["event_type"] for e in events] == ["THREATEN"]
    assert countries(events[0]["source"]) == {"RUS"} and countries(events[0]["target"]) == {"FIN"}


def test_light_verb_with_event_noun(extract: Extract) -> None:
    ev = only(extract("The European Union imposed sanctions on Belarus."), "SANCTION")
    assert countries(ev["source"]) == {"IGO"} and countries(ev["target"]) == {"BLR"}
    assert ev["action"]["lemma"] == "impose sanction"


def test_civilians_storming_is_a_protest(extract: Extract) -> None:
    ev = only(extract("Protesters stormed the Swedish embassy in Baghdad."), "PROTEST")
    assert countries(ev["target"]) == {"SWE"} and ev["location"]["country"] == "IRQ"


def test_no_event_without_actors(extract: Extract) -> None:
    assert extract("Several ceasefires have been agreed on since 2011.") == []
    assert extract("The central bank kept interest rates unchanged on Thursday.") == []


def test_misparsed_main_verb_takes_the_root_noun_as_subject(extract: Any) -> None:
    """The parser makes "chief" the root and "called" a participle; the sentence still has a speaker."""
    events = extract("The UN's human rights chief called on the Taliban to reverse the ban.")
    assert [(e["event_type"], e["source"][0]["country"], e["target"][0]["country"]) for e in events] == [
        ("REQUEST", "IGO", "AFG")]
