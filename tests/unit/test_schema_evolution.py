"""Schema evolution without new topics: readers tolerate fields they do not know, producers
stay strict, additive minor versions are told apart from breaking changes, and records
name their contract in headers."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from schemas import (
    CURRENT_VERSIONS,
    SCHEMA_ID_HEADER,
    SCHEMA_VERSION_HEADER,
    SchemaError,
    decode,
    load_schema,
    record_headers,
    schema_version,
    validate,
)
from schemas.compat import additive_problems, check, released
from tests.event_factories import make_event


def test_a_reader_skips_fields_a_newer_minor_version_added() -> None:
    event = make_event()
    newer = event | {"magnitude": 3.5, "source": [a | {"language": "en"} for a in event["source"]]}
    assert decode("event", orjson.dumps(newer)) == event


def test_a_reader_still_checks_every_field_it_knows() -> None:
    newer = make_event(event_type="INVADE") | {"magnitude": 3.5}
    with pytest.raises(SchemaError, match="event_type"):
        decode("event", orjson.dumps(newer))


def test_a_producer_cannot_send_an_undeclared_field() -> None:
    with pytest.raises(SchemaError, match="magnitude"):
        validate("event", make_event() | {"magnitude": 3.5})
    validate("event", make_event() | {"magnitude": 3.5}, strict=False)


@pytest.mark.parametrize("kind", sorted(CURRENT_VERSIONS))
def test_every_schema_is_an_additive_extension_of_its_released_versions(kind: str) -> None:
    assert released(kind), f"schemas/released/ has no frozen {kind} version (python -m schemas.compat --release)"
    assert check(kind) == []


@pytest.mark.parametrize("kind", sorted(CURRENT_VERSIONS))
def test_records_carry_the_schema_id_and_version(kind: str) -> None:
    headers = dict(record_headers(kind))
    assert headers[SCHEMA_ID_HEADER] == load_schema(kind)["$id"].encode()
    major, minor = headers[SCHEMA_VERSION_HEADER].decode().split(".")
    assert int(major) == CURRENT_VERSIONS[kind] and int(minor) >= 0
    assert schema_version(kind) == f"{major}.{minor}"


def _with(schema: dict[str, Any], edit: Any) -> dict[str, Any]:
    changed = copy.deepcopy(schema)
    edit(changed)
    return changed


EVENT = load_schema("event")
ADDITIVE = {
    "an optional top-level field": lambda s: s["properties"].update(magnitude={"type": ["number", "null"]}),
    "an optional actor field": lambda s: s["$defs"]["actor"]["properties"].update(language={"type": "string"}),
    "a new description": lambda s: s["properties"]["sentence"].update(description="the evidence sentence"),
}
BREAKING = {
    "a removed field": lambda s: s["properties"].pop("mode"),
    "a new required field": lambda s: (s["properties"].update(magnitude={"type": "number"}), s["required"].append("magnitude")),
    "a retyped field": lambda s: s["properties"]["confidence"].update(type="string"),
    "a new enum value": lambda s: s["properties"]["event_type"]["enum"].append("INVADE"),
    "a looser bound": lambda s: s["properties"]["sentence"].update(maxLength=20000),
    "a field made optional": lambda s: s["required"].remove("sentence"),
    "undeclared fields allowed": lambda s: s.update(additionalProperties=True),
    "a nested retyped field": lambda s: s["$defs"]["actor"]["properties"]["country"].update(pattern="^[A-Z]{2}$"),
}


@pytest.mark.parametrize("change", sorted(ADDITIVE))
def test_additive_changes_pass(change: str) -> None:
    assert additive_problems(EVENT, _with(EVENT, ADDITIVE[change])) == []


@pytest.mark.parametrize("change", sorted(BREAKING))
def test_breaking_changes_are_caught(change: str) -> None:
    assert additive_problems(EVENT, _with(EVENT, BREAKING[change])), change
