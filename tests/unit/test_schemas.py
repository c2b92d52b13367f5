"""The message contracts: every schema is valid JSON Schema 2020-12, and the fast paths used
by consumers (compiled checks, one-pass decoding) agree with the reference validator."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import orjson

from schemas import CURRENT_VERSIONS, MalformedMessage, SchemaError, _decoder, decode, is_valid, load_schema, validate
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


@pytest.mark.parametrize("kind", sorted(CURRENT_VERSIONS))
def test_every_schema_compiles_to_a_one_pass_decoder(kind: str) -> None:
    assert _decoder(kind) is not None


def test_decode_returns_exactly_what_was_sent() -> None:
    for kind, message in [("article", ARTICLE), ("event", make_event()), ("event", make_event(location=None, speaker=None))]:
        assert decode(kind, orjson.dumps(message)) == message


@pytest.mark.parametrize(("kind", "message"), [(k, m) for k, m in _broken_variants() if "surprise" not in m])
def test_decode_rejects_what_validate_rejects(kind: str, message: dict[str, Any]) -> None:
    # (an undeclared field is the one difference: readers skip it, see test_schema_evolution)
    with pytest.raises(SchemaError, match=f"{kind}.v1 violated"):
        decode(kind, orjson.dumps(message))


@pytest.mark.parametrize("payload", [b"{truncated", b"\xff\xd8\xff\xe0", b""])
def test_decode_tells_malformed_bytes_apart(payload: bytes) -> None:
    with pytest.raises(MalformedMessage):
        decode("event", payload)


def test_decode_reports_a_non_object_as_a_schema_violation() -> None:
    with pytest.raises(SchemaError):
        decode("event", b"[1, 2]")
