"""Versioned message contracts (JSON Schema 2020-12) and their validation.

Each message kind has one file per major version, `<kind>.v<N>.json`, whose `x-version`
is the minor version it is at ("1.2"). Producers are strict: `validate` rejects anything
the schema does not declare. Readers are tolerant: `decode` checks every declared field
and skips fields it does not know, so a producer on a newer minor version never breaks
an older reader. Records carry the schema id and version in headers (`record_headers`).

Adding a field (a minor version, same topic): add it to `properties` as optional (never
to `required`), bump `x-version` ("1.0" -> "1.1") and add a line to the changelog in
docs/events-contract.md. `schemas.compat` and its test check that the change is additive
against the frozen copies in schemas/released/. Anything else (removing, renaming,
retyping a field, new enum values, tighter or looser bounds, a new required field) is a
new major version on a new topic.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
import msgspec
from jsonschema import Draft202012Validator, FormatChecker

from schemas import compiled

SCHEMA_DIR = Path(__file__).resolve().parent
SCHEMA_ID_HEADER = "news.schema.id"
SCHEMA_VERSION_HEADER = "news.schema.version"
CURRENT_VERSIONS: dict[str, int] = {
    "article": 1,
    "event": 1,
    "enriched_article": 1,
    "dead_letter": 1,
    "alert": 1,
    "story": 1,
}


class SchemaError(ValueError):
    """A message does not match its contract; the message says which field and why."""


class MalformedMessage(ValueError):
    """The bytes are not a UTF-8 JSON document."""


@cache
def load_schema(kind: str, version: int | None = None) -> dict[str, Any]:
    version = version or CURRENT_VERSIONS[kind]
    path = SCHEMA_DIR / f"{kind}.v{version}.json"
    if not path.exists():
        raise KeyError(f"no schema {path.name} in {SCHEMA_DIR}")
    return json.loads(path.read_text(encoding="utf-8"))


def schema_version(kind: str) -> str:
    """'major.minor' of the current schema of `kind`, from its `x-version`."""
    schema = load_schema(kind)
    return str(schema.get("x-version") or f"{CURRENT_VERSIONS[kind]}.0")


@cache
def record_headers(kind: str) -> list[tuple[str, bytes]]:
    """Kafka record headers naming the contract a record was produced under."""
    return [
        (SCHEMA_ID_HEADER, str(load_schema(kind)["$id"]).encode()),
        (SCHEMA_VERSION_HEADER, schema_version(kind).encode()),
    ]


def tolerant(schema: Any) -> Any:
    """The reader's view of a schema: the same checks, but undeclared properties allowed."""
    if isinstance(schema, dict):
        return {k: tolerant(v) for k, v in schema.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(schema, list):
        return [tolerant(v) for v in schema]
    return schema


@cache
def _validator(kind: str, version: int | None = None, strict: bool = True) -> Draft202012Validator:
    schema = load_schema(kind, version)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema if strict else tolerant(schema), format_checker=FormatChecker())


@cache
def _fast_check(kind: str, version: int | None = None, strict: bool = True) -> Any:
    """Compiled validator for the hot path (~20x faster); jsonschema explains failures."""
    schema = {k: v for k, v in load_schema(kind, version).items() if k not in ("$id", "$schema", "x-version")}
    return fastjsonschema.compile(schema if strict else tolerant(schema), handlers={})  # no remote $refs, ever


def validate(kind: str, message: Any, version: int | None = None, *, strict: bool = True) -> None:
    """Raise SchemaError listing every violation (path: reason) if `message` breaks the contract.

    Producers validate strictly (the default); `strict=False` is the reader's check, which
    allows properties the schema does not declare.
    """
    try:
        _fast_check(kind, version, strict)(message)
        return
    except fastjsonschema.JsonSchemaValueException as exc:
        fast_reason = exc.message
    errors = sorted(_validator(kind, version, strict).iter_errors(message), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors[:10])
        raise SchemaError(f"{kind}.v{version or CURRENT_VERSIONS[kind]} violated: {details}")
    # Only the compiled check saw it (e.g. date-time formats, which jsonschema leaves unchecked).
    raise SchemaError(f"{kind}.v{version or CURRENT_VERSIONS[kind]} violated (fast check): {fast_reason}")


def is_valid(kind: str, message: Any, *, strict: bool = True) -> bool:
    try:
        validate(kind, message, strict=strict)
    except SchemaError:
        return False
    return True


@cache
def _decoder(kind: str, version: int | None = None) -> msgspec.json.Decoder:
    return compiled.decoder(load_schema(kind, version))


def decode(kind: str, payload: bytes, version: int | None = None) -> dict[str, Any]:
    """Parse and check a message in one pass (msgspec types compiled from the schema).

    A tolerant reader: fields the schema does not declare are dropped, the others checked.
    Returns the message as plain JSON data; raises MalformedMessage or SchemaError (the
    latter explained field by field, as `validate` does).
    """
    try:
        return msgspec.to_builtins(_decoder(kind, version).decode(payload))
    except msgspec.ValidationError as exc:
        try:
            message = json.loads(payload)
        except ValueError:
            raise MalformedMessage(str(exc)) from None
        validate(kind, message, version, strict=False)  # raises with every violation spelled out
        raise SchemaError(f"{kind}.v{version or CURRENT_VERSIONS[kind]} violated: {exc}") from None
    except msgspec.DecodeError as exc:
        raise MalformedMessage(f"not valid UTF-8 JSON: {exc}") from None
