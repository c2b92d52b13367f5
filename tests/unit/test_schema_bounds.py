"""Texts have bounds in the contracts: a 5 MB sentence is a schema violation for producers
and readers alike, so it is dead-lettered instead of indexed."""

from __future__ import annotations

import orjson
import pytest

from schemas import SchemaError, decode, load_schema, validate
from tests.event_factories import make_event


def test_a_five_megabyte_sentence_is_rejected() -> None:
    event = make_event(sentence="word " * 1_000_000)
    with pytest.raises(SchemaError, match="sentence"):
        validate("event", event)
    with pytest.raises(SchemaError, match="sentence"):
        decode("event", orjson.dumps(event))


def test_a_sentence_at_the_bound_passes() -> None:
    limit = load_schema("event")["properties"]["sentence"]["maxLength"]
    event = make_event(sentence="x" * limit)
    validate("event", event)
    assert decode("event", orjson.dumps(event))["sentence"] == event["sentence"]


@pytest.mark.parametrize(("kind", "field"), [("article", "text"), ("article", "title"), ("enriched_article", "text"), ("event", "article_title")])
def test_texts_have_a_length_limit(kind: str, field: str) -> None:
    assert load_schema(kind)["properties"][field]["maxLength"] > 0
