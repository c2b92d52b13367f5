"""The named source rules (coding/source_rules.py): registry, order, and one rule run alone."""

from __future__ import annotations

from typing import Any

import pytest

from consumers.extract.actors import Actor
from consumers.extract.coding import source_rules


def test_rules_are_registered_by_stage_in_order() -> None:
    assert source_rules.names(source_rules.PRONOUN) == ["animate_antecedent"]
    assert source_rules.names(source_rules.ANTECEDENT) == ["pair_antecedent", "definite_antecedent"]
    assert source_rules.names(source_rules.AFTER_PLACE) == ["titled_person_country", "home_of_named_places"]


def test_a_rule_cannot_be_registered_twice_or_for_no_stage() -> None:
    with pytest.raises(ValueError):
        source_rules.source_rule("pair_antecedent", source_rules.ANTECEDENT)(lambda q, a: [a])
    with pytest.raises(ValueError):
        source_rules.source_rule("some_rule", "nowhere")


def test_definite_antecedent_alone(nlp: Any) -> None:
    from consumers.extract.components import EVENTS_COMPONENT
    from consumers.extract.coding.model import Sentence

    extractor = nlp.get_pipe(EVENTS_COMPONENT).extractor
    doc = nlp("Chadian troops crossed into the border region as the troops chased the rebels.")
    sent = Sentence.of(next(iter(doc.sents)), 0, list(doc.ents), 0)
    q = source_rules.SourceQuery(sent, extractor.roles, extractor.places)
    start = [t.i for t in doc if t.lower_ == "the"][1]
    actor = Actor("the troops", "troops", None, "MIL", start, start + 2, "sector")
    assert [a.country for a in source_rules.run("definite_antecedent", q, actor)] == ["TCD"]
    assert [a.country for a in source_rules.run("titled_person_country", q, actor)] == [None]


def test_home_of_named_places_alone(nlp: Any) -> None:
    from consumers.extract.components import EVENTS_COMPONENT
    from consumers.extract.coding.model import Sentence

    extractor = nlp.get_pipe(EVENTS_COMPONENT).extractor
    doc = nlp("Volunteers in Kyiv dug trenches as Russian troops advanced, and the government told residents to leave.")
    sent = Sentence.of(next(iter(doc.sents)), 0, list(doc.ents), 0)
    q = source_rules.SourceQuery(sent, extractor.roles, extractor.places)
    start = [t.i for t in doc if t.lower_ == "government"][0] - 1
    actor = Actor("the government", "government", None, "GOV", start, start + 2, "sector")
    assert [a.country for a in source_rules.run("home_of_named_places", q, actor)] == ["UKR"]
    # several states' organs are no one country's
    doc = nlp("Volunteers in Kyiv dug trenches as Russian troops advanced, and the presidents of five African nations called for talks.")
    sent = Sentence.of(next(iter(doc.sents)), 0, list(doc.ents), 0)
    q = source_rules.SourceQuery(sent, extractor.roles, extractor.places)
    start = [t.i for t in doc if t.lower_ == "presidents"][0] - 1
    actor = Actor("the presidents of five African nations", "president", None, "GOV", start, start + 6, "sector")
    assert [a.country for a in source_rules.run("home_of_named_places", q, actor)] == [None]
