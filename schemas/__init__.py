"""Versioned message contracts (JSON Schema 2020-12) and their validation.

Each message kind has one file per major version, `<kind>.v<N>.json`. Producers
validate before sending, consumers validate after decoding.
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


@cache
def _validator(kind: str, version: int | None = None) -> Draft202012Validator:
    schema = load_schema(kind, version)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@cache
def _fast_check(kind: str, version: int | None = None) -> Any:
    """Compiled validator for the hot path (~20x faster); jsonschema explains failures."""
    schema = {k: v for k, v in load_schema(kind, version).items() if k not in ("$id", "$schema")}
    return fastjsonschema.compile(schema, handlers={})  # no remote $refs, ever


def validate(kind: str, message: Any, version: int | None = None) -> None:
    """Raise SchemaError listing every violation (path: reason) if `message` breaks the contract."""
    try:
        _fast_check(kind, version)(message)
        return
    except fastjsonschema.JsonSchemaValueException as exc:
        fast_reason = exc.message
    errors = sorted(_validator(kind, version).iter_errors(message), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors[:10])
        raise SchemaError(f"{kind}.v{version or CURRENT_VERSIONS[kind]} violated: {details}")
    # Only the compiled check saw it (e.g. date-time formats, which jsonschema leaves unchecked).
    raise SchemaError(f"{kind}.v{version or CURRENT_VERSIONS[kind]} violated (fast check): {fast_reason}")


def is_valid(kind: str, message: Any) -> bool:
    try:
        validate(kind, message)
    except SchemaError:
        return False
    return True


@cache
def _decoder(kind: str, version: int | None = None) -> msgspec.json.Decoder:
    return compiled.decoder(load_schema(kind, version))


def decode(kind: str, payload: bytes, version: int | None = None) -> dict[str, Any]:
    """Parse and check a message in one pass (msgspec types compiled from the schema).

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
        validate(kind, message, version)  # raises with every violation spelled out
        raise SchemaError(f"{kind}.v{version or CURRENT_VERSIONS[kind]} violated: {exc}") from None
    except msgspec.DecodeError as exc:
        raise MalformedMessage(f"not valid UTF-8 JSON: {exc}") from None
