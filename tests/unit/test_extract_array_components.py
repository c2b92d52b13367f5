"""The array attribute ruler and lemmatizer give the stock components' output, token for token."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, ORTH, POS, SENT_START, TAG

from consumers.extract.array_components import (
    ArrayAttributeRuler,
    ArrayLemmatizer,
    compile_rules,
    use_array_components,
    use_array_ruler,
)
from consumers.extract.pipeline import DEFAULT_MODEL, EXCLUDED_COMPONENTS
from tests.unit.conftest import SEED_PATH

COMPARED = [ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START]

# Sentences that reach every kind of pattern in the model's ruler: contractions and two-token
# lemmas ("gonna", "y'all", "let's"), dependency-dependent POS and morphology (I/you/it as subject
# or object, auxiliaries, main-verb "do"/"have", "there is", "that" as a pronoun, adverbial "but"),
# and whitespace tokens (tag, POS and dependency of spaces).
TEXTS = [
    "I ain't gonna sign it, the minister said.  Y'all got ta go, c'mon!",
    "Let's talk. But he gets it: you gave it to me and I gave it to you.",
    "There is no deal. There are talks, and there were clashes in Gaza.",
    "That is what they did. They did it again; he has a plan and had it then.",
    "Which side is that? It was the army that fired; the rebels who fled.\n\n\nNew line.",
    " ",
    "\n \n",
    "a",
    "",
]


@pytest.fixture(scope="module")
def stock() -> Any:
    return spacy.load(DEFAULT_MODEL, exclude=list(EXCLUDED_COMPONENTS))


@pytest.fixture(scope="module")
def swapped() -> Any:
    nlp = spacy.load(DEFAULT_MODEL, exclude=list(EXCLUDED_COMPONENTS))
    assert use_array_components(nlp) == ["attribute_ruler", "lemmatizer"]
    return nlp


def arrays(nlp: Any, texts: list[str], batch_size: int = 4) -> list[np.ndarray]:
    return [doc.to_array(COMPARED) for doc in nlp.pipe(texts, batch_size=batch_size)]


def test_same_tokens_as_the_stock_ruler(stock: Any, swapped: Any) -> None:
    texts = TEXTS + SEED_PATH.read_text(encoding="utf-8").split("\n\n")
    for want, got, text in zip(arrays(stock, texts), arrays(swapped, texts), texts, strict=True):
        assert want.shape == got.shape and (want == got).all(), text


def test_the_pipeline_keeps_the_component_names(swapped: Any) -> None:
    assert isinstance(swapped.get_pipe("attribute_ruler"), ArrayAttributeRuler)
    assert isinstance(swapped.get_pipe("lemmatizer"), ArrayLemmatizer)
    assert swapped.pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]


def test_the_extractor_pipeline_uses_them(nlp: Any) -> None:
    assert isinstance(nlp.get_pipe("attribute_ruler"), ArrayAttributeRuler)
    assert isinstance(nlp.get_pipe("lemmatizer"), ArrayLemmatizer)


def test_two_token_patterns_never_span_two_docs(stock: Any, swapped: Any) -> None:
    # "gon" ending one Doc and "na" starting the next must not match "gonna"
    texts = ["They said they were gon", "na sign"] * 3
    assert all((a == b).all() for a, b in zip(arrays(stock, texts, 6), arrays(swapped, texts, 6), strict=True))


def test_pickles_for_worker_processes(stock: Any, swapped: Any) -> None:
    ruler = pickle.loads(pickle.dumps(swapped.get_pipe("attribute_ruler")))
    assert isinstance(ruler, ArrayAttributeRuler) and len(ruler.rules) == len(swapped.get_pipe("attribute_ruler").rules)
    lemmatizer = pickle.loads(pickle.dumps(swapped.get_pipe("lemmatizer")))
    assert isinstance(lemmatizer, ArrayLemmatizer) and lemmatizer.stock.mode == "rule"


def test_lemmas_set_earlier_are_kept(swapped: Any) -> None:
    # the ruler's "gonna" -> "go" "to" must survive the lemmatizer, as with the stock one
    doc = swapped("They are gonna sign it.")
    assert [t.lemma_ for t in doc] == ["they", "be", "go", "to", "sign", "it", "."]


def test_unhandled_patterns_keep_the_stock_ruler() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LENGTH": {">=": 3}}]], {"POS": "NOUN"})
    assert compile_rules(ruler.patterns, nlp.vocab) is None
    assert not use_array_ruler(nlp)
    assert type(nlp.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"


def test_handled_patterns_compile() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "gon"}, {"LOWER": {"REGEX": "^na$"}}]], {"LEMMA": "to"}, index=1)
    ruler.add([[{"TAG": {"NOT_IN": ["TO", ""]}, "DEP": {"IN": ["aux"]}}]], {"POS": "AUX"})
    assert use_array_ruler(nlp)
    doc = nlp("gon na")
    assert [t.lemma_ for t in doc] == ["", "to"]
