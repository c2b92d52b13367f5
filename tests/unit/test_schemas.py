"""The message contracts: every schema is valid JSON Schema 2020-12, and the fast validator
used on hot paths agrees with the reference validator."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from schemas import CURRENT_VERSIONS, SchemaError, is_valid, load_schema, validate
from tests.event_factories import make_event

ARTICLE: dict[str, Any] = {
    "schema_version": 1,
    "id": "0" * 32,
    "url": "https://news.example.org/a?utm_source=x",
    "canonical_url": "https://news.example.org/a",
    "source": "example",
    "source_kind": "rss",
    "title": "Rein in Assad, Trump tells Moscow",
    "text": "Russia, Turkey and Iran agreed on de-escalation zones.",
    "content_hash": "sha256:" + "a" * 64,
    "fetched_at": "2017-05-12T10:00:00Z",
    "published_at": "2017-05-11T08:00:00+00:00",
    "language": "en",
}


@pytest.mark.parametrize("kind", sorted(CURRENT_VERSIONS))
def test_every_schema_is_valid_2020_12(kind: str) -> None:
    Draft202012Validator.check_schema(load_schema(kind))


def _broken_variants() -> list[tuple[str, dict[str, Any]]]:
    variants = []
    for field, value in [("id", "not-hex"), ("text", ""), ("published_at", "yesterday"), ("schema_version", 2), ("surprise", 1)]:
        bad = copy.deepcopy(ARTICLE)
        bad[field] = value
        variants.append(("article", bad))
    missing = copy.deepcopy(ARTICLE)
    del missing["canonical_url"]
    variants.append(("article", missing))
    for override in [{"event_type": "INVADE"}, {"confidence": 1.5}, {"source": [{"text": "x"}]}, {"location": {"name": "x"}}, {"speaker": 3}]:
        variants.append(("event", make_event(**override)))
    return variants


def test_valid_messages_pass() -> None:
    validate("article", ARTICLE)
    validate("event", make_event())
    assert is_valid("event", make_event(location=None, speaker=None))


@pytest.mark.parametrize(("kind", "message"), _broken_variants())
def test_violations_are_rejected_with_the_reason(kind: str, message: dict[str, Any]) -> None:
    with pytest.raises(SchemaError) as err:
        validate(kind, message)
    assert f"{kind}.v1 violated" in str(err.value)
    structural = list(Draft202012Validator(load_schema(kind)).iter_errors(message))
    # jsonschema alone does not check date-time formats; the compiled validator does.
    if message.get("published_at") != "yesterday":
        assert structural, "the reference validator should agree the message is invalid"
        assert structural[0].message.split()[0] in str(err.value) or structural[0].validator in ("required", "additionalProperties")
