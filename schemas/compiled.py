"""JSON Schema -> msgspec types, so consumers decode and check a message in one C pass.

The JSON Schema files stay the contract; this module derives msgspec Structs from them
at import time for the subset of JSON Schema they use (objects with required and
optional properties and no extras, arrays, enums, consts, nullable types, patterns,
numeric and length bounds, date/date-time formats, local $refs). Optional properties
default to UNSET, so a decoded message converts back to exactly the dict that was sent.

Decoders are tolerant readers by default: properties the schema does not know (added by a
newer minor version) are skipped, everything the schema does know is checked.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal, Union

import msgspec

# RFC 3339 / RFC 3986 shapes: what a format check can tell without parsing.
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_DATE_TIME = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
_URI = r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"
_FORMATS = {"date": _DATE, "date-time": _DATE_TIME, "uri": _URI}
_counter = itertools.count()


class UnsupportedSchema(ValueError):
    """The schema uses a keyword this compiler does not translate."""


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    if not ref.startswith("#/"):
        raise UnsupportedSchema(f"only local $refs are supported, not {ref}")
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part]
    return target


def _scalar(type_name: str, node: dict[str, Any], name: str, root: dict[str, Any], strict: bool) -> Any:
    if type_name == "string":
        meta: dict[str, Any] = {}
        pattern = node.get("pattern") or _FORMATS.get(node.get("format", ""))
        if pattern:
            meta["pattern"] = pattern
        if "minLength" in node:
            meta["min_length"] = node["minLength"]
        if "maxLength" in node:
            meta["max_length"] = node["maxLength"]
        return Annotated[str, msgspec.Meta(**meta)] if meta else str
    if type_name in ("number", "integer"):
        base = float if type_name == "number" else int
        bounds = {k: node[j] for k, j in (("ge", "minimum"), ("le", "maximum")) if j in node}
        return Annotated[base, msgspec.Meta(**bounds)] if bounds else base
    if type_name == "boolean":
        return bool
    if type_name == "null":
        return None
    if type_name == "array":
        item = _type(node.get("items", {}), f"{name}Item", root, strict)
        bounds = {k: node[j] for k, j in (("min_length", "minItems"), ("max_length", "maxItems")) if j in node}
        return Annotated[list[item], msgspec.Meta(**bounds)] if bounds else list[item]
    if type_name == "object":
        if "properties" not in node:
            return dict[str, Any]
        return _struct(node, name, root, strict)
    raise UnsupportedSchema(f"type {type_name!r}")


def _type(node: dict[str, Any], name: str, root: dict[str, Any], strict: bool) -> Any:
    node = _resolve(node, root)
    if "const" in node:
        return Literal[node["const"]]
    if "enum" in node:
        values = [v for v in node["enum"] if v is not None]
        literal = Literal[tuple(values)]
        return literal | None if None in node["enum"] else literal
    if "anyOf" in node:
        return Union[tuple(_type(option, f"{name}{i}", root, strict) for i, option in enumerate(node["anyOf"]))]  # noqa: UP007
    types = node.get("type")
    if types is None:
        return Any
    if isinstance(types, str):
        return _scalar(types, node, name, root, strict)
    return Union[tuple(_scalar(t, node, name, root, strict) for t in types)]  # noqa: UP007


def _struct(node: dict[str, Any], name: str, root: dict[str, Any], strict: bool) -> type[msgspec.Struct]:
    if node.get("additionalProperties", True) is not False:
        raise UnsupportedSchema(f"{name}: objects with properties must forbid additional properties")
    required = set(node.get("required", []))
    fields: list[tuple[Any, ...]] = []
    for prop, sub in node["properties"].items():
        field_type = _type(sub, f"{name}_{prop}", root, strict)
        if prop in required:
            fields.append((prop, field_type))
        else:
            fields.append((prop, field_type | msgspec.UnsetType, msgspec.UNSET))
    fields.sort(key=len)  # required (no default) before optional
    return msgspec.defstruct(f"{name}{next(_counter)}", fields, forbid_unknown_fields=strict)


def decoder(schema: dict[str, Any], *, strict: bool = False) -> msgspec.json.Decoder:
    """A JSON decoder that also enforces `schema`; `strict` also rejects properties it does not declare."""
    return msgspec.json.Decoder(_struct(schema, schema.get("title", "Message").split()[0], schema, strict))
