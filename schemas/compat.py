"""Is a schema change an additive minor version? (what `make test` checks for every kind)

Within a major version a schema may only gain optional properties, at any depth. Every
property an older minor version declared keeps exactly its definition (type, enum,
pattern, format, bounds); `required` never changes; objects keep forbidding undeclared
properties (producers stay strict). Descriptions and titles may change.

    python -m schemas.compat            # check every kind against schemas/released/
    python -m schemas.compat --release  # freeze the current minor versions there
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from schemas import CURRENT_VERSIONS, SCHEMA_DIR, load_schema, schema_version

RELEASED_DIR = SCHEMA_DIR / "released"
_DOCUMENTATION = {"description", "title", "$comment", "examples", "x-version"}
_VERSION = re.compile(r"^(\d+)\.(\d+)$")


def _essence(node: Any) -> Any:
    """The node without its documentation keywords (what validation depends on)."""
    if isinstance(node, dict):
        return {k: _essence(v) for k, v in node.items() if k not in _DOCUMENTATION}
    if isinstance(node, list):
        return [_essence(v) for v in node]
    return node


_STRUCTURAL = {"properties", "required", "$defs", "items", "anyOf", "oneOf", "allOf", "additionalProperties"}


def additive_problems(old: Any, new: Any, path: str = "") -> list[str]:
    """What makes `new` not an additive extension of `old` (empty list: it is one)."""
    where = path or "<root>"
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [] if _essence(old) == _essence(new) else [f"{where}: changed from {json.dumps(_essence(old))} to {json.dumps(_essence(new))}"]
    problems: list[str] = []
    if "properties" in old:
        if set(new.get("required", [])) != set(old.get("required", [])):
            problems.append(f"{where}: required changed from {sorted(old.get('required', []))} to {sorted(new.get('required', []))}")
        if new.get("additionalProperties", True) is not False:
            problems.append(f"{where}: objects must keep additionalProperties: false (producers stay strict)")
        new_properties = new.get("properties", {})
        for name, definition in old["properties"].items():
            if name not in new_properties:
                problems.append(f"{path}/{name}: removed")
            else:
                problems += additive_problems(definition, new_properties[name], f"{path}/{name}")
    elif "properties" in new:
        problems.append(f"{where}: became an object with properties")
    for name, definition in old.get("$defs", {}).items():
        if name not in new.get("$defs", {}):
            problems.append(f"{path}/$defs/{name}: removed")
        else:
            problems += additive_problems(definition, new["$defs"][name], f"{path}/$defs/{name}")
    if ("items" in old) != ("items" in new):
        problems.append(f"{where}: items added or removed")
    elif "items" in old:
        problems += additive_problems(old["items"], new["items"], f"{path}/items")
    for key in ("anyOf", "oneOf", "allOf"):
        if len(old.get(key, [])) != len(new.get(key, [])):
            problems.append(f"{where}: {key} alternatives changed")
        else:
            for i, (a, b) in enumerate(zip(old.get(key, []), new.get(key, []), strict=True)):
                problems += additive_problems(a, b, f"{path}/{key}/{i}")
    rest_old = {k: v for k, v in old.items() if k not in _STRUCTURAL}
    rest_new = {k: v for k, v in new.items() if k not in _STRUCTURAL}
    if _essence(rest_old) != _essence(rest_new):
        problems.append(f"{where}: changed from {json.dumps(_essence(rest_old))} to {json.dumps(_essence(rest_new))}")
    return problems


def _parse(version: str) -> tuple[int, int]:
    match = _VERSION.match(version)
    if not match:
        raise ValueError(f"x-version must look like 1.2, not {version!r}")
    return int(match.group(1)), int(match.group(2))


def released(kind: str) -> dict[str, dict[str, Any]]:
    """Frozen copies of the released minor versions of the current major: {'1.0': schema, ...}."""
    major = CURRENT_VERSIONS[kind]
    found = {}
    for path in sorted(RELEASED_DIR.glob(f"{kind}.v{major}.*.json")):
        found[path.name[len(f"{kind}.v"):-len(".json")]] = json.loads(path.read_text(encoding="utf-8"))
    return found


def check(kind: str) -> list[str]:
    """Problems of the current schema of `kind` against its released versions."""
    current = load_schema(kind)
    version = schema_version(kind)
    major, minor = _parse(version)
    if major != CURRENT_VERSIONS[kind]:
        return [f"{kind}: x-version {version} does not match the file's major version {CURRENT_VERSIONS[kind]}"]
    problems = []
    for old_version, old in released(kind).items():
        old_minor = _parse(old_version)[1]
        if old_minor > minor:
            problems.append(f"{kind}: x-version {version} is older than the released {old_version}")
        elif old_minor == minor and _essence(old) != _essence(current):
            problems.append(f"{kind}: changed since {old_version} was released; bump x-version to {major}.{minor + 1}")
        problems += [f"{kind} {old_version} -> {version}: {p}" for p in additive_problems(old, current)]
    return problems


def release(kind: str) -> Path:
    RELEASED_DIR.mkdir(exist_ok=True)
    target = RELEASED_DIR / f"{kind}.v{schema_version(kind)}.json"
    target.write_text((SCHEMA_DIR / f"{kind}.v{CURRENT_VERSIONS[kind]}.json").read_text(encoding="utf-8"), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schemas.compat", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--release", action="store_true", help="copy the current schemas to schemas/released/")
    args = parser.parse_args(argv)
    problems = [p for kind in sorted(CURRENT_VERSIONS) for p in check(kind)]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if args.release:
        for kind in sorted(CURRENT_VERSIONS):
            print(f"released {release(kind).relative_to(SCHEMA_DIR.parent)}")
    else:
        print("every schema is an additive extension of its released versions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
