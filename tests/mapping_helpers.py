"""Walk Elasticsearch mappings and documents to check that one fits the other."""

from __future__ import annotations

from typing import Any


def mapped_fields(mappings: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Every field path in a mapping -> its type ('object' for object fields); multi-fields included."""
    fields: dict[str, str] = {}
    for name, spec in mappings.get("properties", {}).items():
        path = f"{prefix}{name}"
        fields[path] = spec.get("type", "object")
        for sub, sub_spec in spec.get("fields", {}).items():
            fields[f"{path}.{sub}"] = sub_spec["type"]
        if "properties" in spec:
            fields.update(mapped_fields(spec, f"{path}."))
    return fields


def document_paths(doc: Any, prefix: str = "") -> set[str]:
    """Leaf and object paths of a JSON document; arrays are transparent, as in Elasticsearch."""
    paths: set[str] = set()
    if isinstance(doc, list):
        for item in doc:
            paths |= document_paths(item, prefix)
    elif isinstance(doc, dict):
        for key, value in doc.items():
            path = f"{prefix}{key}"
            paths.add(path)
            if isinstance(value, dict) and not _is_geo_point(value):
                paths |= document_paths(value, f"{path}.")
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        paths |= document_paths(item, f"{path}.")
    return paths


def _is_geo_point(value: dict[str, Any]) -> bool:
    return set(value) == {"lat", "lon"}


def schema_paths(schema: dict[str, Any], node: dict[str, Any] | None = None, prefix: str = "") -> set[str]:
    """Every property path a JSON Schema allows (resolving local $refs, arrays transparent)."""
    node = schema if node is None else node
    if "$ref" in node:
        ref = node["$ref"].removeprefix("#/")
        target: Any = schema
        for part in ref.split("/"):
            target = target[part]
        return schema_paths(schema, target, prefix)
    for key in ("anyOf", "oneOf"):
        if key in node:
            return set().union(*(schema_paths(schema, sub, prefix) for sub in node[key]))
    if "items" in node:
        return schema_paths(schema, node["items"], prefix)
    paths: set[str] = set()
    for name, sub in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        paths.add(path)
        paths |= schema_paths(schema, sub, f"{path}.")
    return paths
