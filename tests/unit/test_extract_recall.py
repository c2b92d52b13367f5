"""Recall rules: words, collocations and constructions that let asserted events through (issue 8).
Each sentence here is written for the test, not taken from a corpus."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from consumers.extract.pipeline import EVENTS_COMPONENT
from tests.unit.extract_helpers import find


def test_a_past_time_clause_inside_a_threat_is_told_as_fact(extract: Any) -> None:
    events = extract("Greece warned that any Turkish ship entering its waters would be stopped, a week after Turkey "
                     "seized a Greek fishing boat.")
    assert find(events, "THREATEN", source={"GRC"})
    assert find(events, "COERCE", source={"TUR"}) or find(events, "ASSAULT", source={"TUR"})


def test_a_future_time_clause_inside_a_threat_stays_hypothetical(extract: Any) -> None:
    events = extract("Greece warned that it would retaliate if Turkey seized a Greek fishing boat.")
    assert find(events, "THREATEN", source={"GRC"})
    assert not find(events, "COERCE", source={"TUR"}) and not find(events, "ASSAULT", source={"TUR"})


def test_a_preposed_clause_is_owned_only_by_a_reporting_verb(nlp: Any) -> None:
    """The parser sometimes hangs "X did Y, a move Z condemned" as a clause of "condemned"."""
    finder = nlp.get_pipe(EVENTS_COMPONENT).extractor.triggers
    words = ["Japan", "sent", "ships", ",", "a", "move", "China", "condemned"]
    heads = [1, 7, 1, 7, 5, 6, 7, 7]
    deps = ["nsubj", "ccomp", "dobj", "punct", "det", "nmod", "nsubj", "ROOT"]
    lemmas = ["Japan", "send", "ship", ",", "a", "move", "China", "condemn"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, lemmas=lemmas)
    assert finder._preposed_fact(doc[7], doc[1])
    said = Doc(nlp.vocab, words=["Japan", "sent", "ships", ",", "China", "said"], heads=[1, 5, 1, 5, 5, 5],
               deps=["nsubj", "ccomp", "dobj", "punct", "nsubj", "ROOT"], lemmas=["Japan", "send", "ship", ",", "China", "say"])
    assert not finder._preposed_fact(said[5], said[1])
