"""Alert messages (schemas/alert.v1.json): ids, summaries and the repeat-suppression key. Pure."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from consumers.alerter.rules import Rule

SUMMARY_SENTENCE_CHARS = 240


def alert_id(rule_name: str, event_id: str) -> str:
    """First 32 hex of sha256(rule name + event_id): one alert per rule and event, stable across redeliveries."""
    return hashlib.sha256(f"{rule_name}{event_id}".encode()).hexdigest()[:32]


def _countries(actors: list[dict[str, Any]] | None) -> list[str]:
    return sorted({a["country"] for a in actors or [] if a.get("country")})


def dedup_key(event: dict[str, Any]) -> str:
    """What makes two alerts of one rule 'the same story': type, source and target countries."""
    return "|".join([event.get("event_type", "?"), ",".join(_countries(event.get("source"))), ",".join(_countries(event.get("target")))])


def _actors(actors: list[dict[str, Any]] | None) -> str:
    parts = []
    for actor in actors or []:
        codes = " ".join(c for c in (actor.get("country"), actor.get("sector")) if c)
        parts.append(f"{actor.get('name')} ({codes})" if codes else str(actor.get("name")))
    return ", ".join(parts) or "?"


def summarize(rule: Rule, event: dict[str, Any], suppressed: int = 0) -> str:
    """One line for people: '[critical] rule: ASSAULT Russian forces (RUS MIL) -> civilians (UKR CVL) in Kharkiv, UKR on 2024-05-02: "..."'."""
    text = f"[{rule.severity}] {rule.name}: {event.get('event_type')} {_actors(event.get('source'))} -> {_actors(event.get('target'))}"
    location = event.get("location") or {}
    if location.get("name"):
        text += f" in {location['name']}" + (f", {location['country']}" if location.get("country") else "")
    when = event.get("event_date") or (event.get("published_at") or "")[:10]
    if when:
        text += f" on {when}"
    sentence = " ".join((event.get("sentence") or "").split())
    if len(sentence) > SUMMARY_SENTENCE_CHARS:
        sentence = sentence[: SUMMARY_SENTENCE_CHARS - 1] + "…"
    text += f': "{sentence}"'
    if suppressed:
        text += f" (+{suppressed} similar suppressed since the last alert)"
    return text


def build_alert(rule: Rule, event: dict[str, Any], fired_at: datetime, suppressed: int = 0) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "alert_id": alert_id(rule.name, event["event_id"]),
        "rule": rule.name,
        "severity": rule.severity,
        "summary": summarize(rule, event, suppressed),
        "event_id": event["event_id"],
        "fired_at": fired_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": event,
    }
