"""YAML loading for the data files: YAML 1.1 would read the preposition `on` (and `no`, `off`,
`yes`) as booleans, so only true/false are booleans here."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is ~10x faster
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

_BOOL = "tag:yaml.org,2002:bool"


class DataLoader(_Base):  # type: ignore[misc, valid-type]
    pass


DataLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
DataLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=DataLoader)


DATA_DIR = Path(__file__).parent
ACTOR_FILES = ("actors.yaml", "actors-people.yaml", "actors-organisations.yaml")


@cache
def role_words() -> dict[str, Any]:
    """The word lists of roles.yaml, read once for the role filler and the target rules (do not mutate)."""
    return load_yaml(DATA_DIR / "roles.yaml")


@cache
def load_actor_data() -> dict[str, Any]:
    """actors.yaml merged with the larger people and organisation lists kept in files of their own
    (sections are dictionaries: a later file adds entries, extends lists such as a country's
    aliases, and wins on the same key otherwise)."""
    merged: dict[str, Any] = {}
    for name in ACTOR_FILES:
        path = DATA_DIR / name
        if not path.exists():
            continue
        for section, entries in (load_yaml(path) or {}).items():
            if isinstance(entries, dict):
                target = merged.setdefault(section, {})
                for key, value in entries.items():
                    if isinstance(value, list) and isinstance(target.get(key), list):
                        target[key] = target[key] + [v for v in value if v not in target[key]]
                    else:
                        target[key] = value
            elif isinstance(entries, list):
                merged.setdefault(section, []).extend(entries)
            else:
                merged[section] = entries
    return merged
