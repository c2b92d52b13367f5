"""YAML loading for the data files: YAML 1.1 would read the preposition `on` (and `no`, `off`,
`yes`) as booleans, so only true/false are booleans here."""

from __future__ import annotations

import re
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
