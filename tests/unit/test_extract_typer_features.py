"""What the event typer sees of a word: derivational stems and the kind of thing acted on."""

from __future__ import annotations

from typing import Any

from consumers.extract.typer.features import stem, token_features


def test_a_noun_and_its_verb_share_a_stem() -> None:
    assert stem("mobilization") == stem("mobilize") == "mobil"
    assert stem("negotiation") == stem("negotiate")
    assert stem("condemnation") == stem("condemn") == "condemn"
    assert stem("arrest") == "arrest"  # short or bare words are kept whole


def test_the_object_is_seen_as_a_country_or_a_thing(nlp: Any) -> None:
    doc = nlp("The army shelled Ukraine while the company shelled out millions.")
    shelled = [t for t in doc if t.lower_ == "shelled"]
    assert "oent=GPE" in token_features(shelled[0], None)
    assert "stem=shell" in token_features(shelled[0], None)
