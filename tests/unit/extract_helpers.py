"""Small helpers shared by the extractor tests."""

from __future__ import annotations

from typing import Any


def countries(actors: list[dict[str, Any]]) -> set[str | None]:
    return {a["country"] for a in actors}


def find(events: list[dict[str, Any]], event_type: str, **where: Any) -> list[dict[str, Any]]:
    """Events of a type whose source/target countries include the given ones."""
    out = []
    for ev in events:
        if ev["event_type"] != event_type:
            continue
        if "source" in where and not set(where["source"]) <= countries(ev["source"]):
            continue
        if "target" in where and not set(where["target"]) <= countries(ev["target"]):
            continue
        out.append(ev)
    return out
