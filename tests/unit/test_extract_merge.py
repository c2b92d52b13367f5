"""One sentence, one event per act (guidelines 6.2): coordinated predicates with their own arguments are
separate events; shared objects, participle adjuncts and retellings are one. Sentences written for the test."""

from __future__ import annotations

from typing import Any

import pytest

from consumers.extract.coding.attributes import own_argument
from tests.unit.extract_helpers import find


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        ("Militiamen attacked a bus near Goma and abducted four Belgian aid workers.", "ASSAULT"),
        ("The military junta dissolved the main opposition party and seized its offices in Niamey.", "COERCE"),
        ("Algeria expelled France's ambassador and suspended all trade with Paris.", "SANCTION"),
        ("Kenyan police have detained or deported 300 Somali refugees since the bombing, and on Friday raided "
         "two mosques in Nairobi.", "COERCE"),
    ],
)
def test_coordinated_acts_with_their_own_objects_are_two_events(extract: Any, text: str, event_type: str) -> None:
    assert len(find(extract(text), event_type)) == 2


def test_coordinated_clauses_with_their_own_subjects_are_two_events(extract: Any) -> None:
    events = extract("Ethiopia freed 40 Eritrean prisoners and Eritrea released 12 Ethiopian soldiers.")
    assert len(find(events, "RETREAT")) == 2


def test_a_shared_object_makes_one_act(extract: Any) -> None:
    events = extract("Syrian government jets shelled and bombed the rebel-held town of Saraqeb.")
    assert len(find(events, "ASSAULT")) == 1


def test_a_time_phrase_or_adjunct_is_no_object_of_its_own(nlp: Any) -> None:
    doc = nlp("Peru's government backed down on Tuesday and withdrew the disputed mining tax.")
    backed, withdrew = next(t for t in doc if t.lower_ == "backed"), next(t for t in doc if t.lower_ == "withdrew")
    assert not own_argument(backed, subject_counts=False)
    assert own_argument(withdrew, subject_counts=True)
    since = nlp("The army pulled back since the truce.")
    assert not own_argument(next(t for t in since if t.lower_ == "pulled"), subject_counts=False)


@pytest.mark.parametrize(
    "text",
    [
        "Rebel fighters ambushed an army patrol in northern Mali, killing six soldiers and wounding nine.",
        "Myanmar troops raided the village of Tar Taing, torching houses and shooting livestock.",
    ],
)
def test_participle_adjuncts_elaborate_one_attack(extract: Any, text: str) -> None:
    assert len(find(extract(text), "ASSAULT")) == 1


def test_the_same_act_told_in_a_later_sentence_is_kept_once(extract: Any) -> None:
    events = extract("Turkish police detained the mayor of Istanbul on Wednesday. Turkish police detained the mayor of "
                     "Istanbul, his lawyer said.")
    assert len(find(events, "COERCE")) == 1
