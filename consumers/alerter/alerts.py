"""Alert messages (schemas/alert.v1.json): ids, summaries and the repeat-suppression keys. Pure.

Ids: an `event` alert is sha256(rule + event_id), a story alert sha256(rule + story_id), a
rate or spike alert sha256(rule + series + the event_id that crossed the threshold); first
32 hex chars each. The same input always gives the same id, so repeats can be deduplicated.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from consumers.alerter.rules import Rule

SUMMARY_SENTENCE_CHARS = 240


def alert_id(rule_name: str, event_id: str) -> str:
    """First 32 hex of sha256(rule name + event_id): one alert per rule and event, stable across redeliveries."""
    return hashlib.sha256(f"{rule_name}{event_id}".encode()).hexdigest()[:32]


def story_alert_id(rule_name: str, story_id: str) -> str:
    return hashlib.sha256(f"{rule_name}\x1fstory\x1f{story_id}".encode()).hexdigest()[:32]


def window_alert_id(rule_name: str, series: str, event_id: str) -> str:
    return hashlib.sha256(f"{rule_name}\x1f{series}\x1f{event_id}".encode()).hexdigest()[:32]


def story_dedup_key(story: dict[str, Any]) -> str:
    """Story alerts of one rule are 'the same' when type, source and target countries are."""
    return "|".join([story.get("event_type", "?"), ",".join(story.get("source_countries") or ()), ",".join(story.get("target_countries") or ())])


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


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _clip(sentence: str) -> str:
    sentence = " ".join((sentence or "").split())
    return sentence if len(sentence) <= SUMMARY_SENTENCE_CHARS else sentence[: SUMMARY_SENTENCE_CHARS - 1] + "…"


def build_alert(rule: Rule, event: dict[str, Any], fired_at: datetime, suppressed: int = 0) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "alert_id": alert_id(rule.name, event["event_id"]),
        "rule": rule.name,
        "kind": "event",
        "severity": rule.severity,
        "summary": summarize(rule, event, suppressed),
        "event_id": event["event_id"],
        "fired_at": _when(fired_at),
        "event": event,
    }


def _story_line(story: dict[str, Any]) -> str:
    who = " -> ".join(",".join(story.get(k) or ["?"]) for k in ("source_countries", "target_countries"))
    text = f"{story.get('event_type')} {who}"
    location = story.get("location") or {}
    if location.get("name"):
        text += f" in {location['name']}" + (f", {location['country']}" if location.get("country") else "")
    if story.get("event_date"):
        text += f" on {story['event_date']}"
    return text


def build_story_alert(rule: Rule, story: dict[str, Any], fired_at: datetime, suppressed: int = 0) -> dict[str, Any]:
    """A new_story or escalation alert: the story record rides along, its best mention as the event."""
    representative = story["representative"]
    outlets = ", ".join(s["outlet"] for s in story.get("sources") or ()) or "none independent"
    if rule.kind == "escalation":
        head = f"story now reported by {story['num_sources']} independent sources ({outlets})"
    else:
        head = f"new story ({story['num_sources']} source{'s' if story['num_sources'] != 1 else ''}: {outlets})"
    summary = f"[{rule.severity}] {rule.name}: {head}: {_story_line(story)}: \"{_clip(representative.get('sentence', ''))}\""
    if suppressed:
        summary += f" (+{suppressed} similar suppressed since the last alert)"
    return {
        "schema_version": 1,
        "alert_id": story_alert_id(rule.name, story["story_id"]),
        "rule": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "summary": summary,
        "event_id": representative["event_id"],
        "story_id": story["story_id"],
        "fired_at": _when(fired_at),
        "event": representative,
        "story": story,
    }


def build_window_alert(
    rule: Rule, event: dict[str, Any], series: str, count: int, fired_at: datetime, baseline: float | None = None, suppressed: int = 0
) -> dict[str, Any]:
    """A rate or spike alert, fired by the event that crossed the threshold."""
    event_type, country = series.split("|", 1)
    window = rule.window_minutes or 60.0
    span = f"{window / 60:g} h" if window >= 60 else f"{window:g} min"
    what = f"{count} {event_type} {rule.count} involving {country} within {span}"
    if rule.kind == "spike":
        per = f"{baseline:.2f}" if baseline is not None else "0"
        what += f", {per} per {span} over the {rule.baseline_days:g} days before (threshold x{rule.factor:g})"
    summary = f"[{rule.severity}] {rule.name}: {what}; latest: \"{_clip(event.get('sentence', ''))}\""
    if suppressed:
        summary += f" (+{suppressed} similar suppressed since the last alert)"
    alert: dict[str, Any] = {
        "schema_version": 1,
        "alert_id": window_alert_id(rule.name, series, event["event_id"]),
        "rule": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "summary": summary,
        "event_id": event["event_id"],
        "fired_at": _when(fired_at),
        "event": event,
        "series": series,
        "count": count,
        "window_minutes": window,
    }
    if event.get("story_id"):
        alert["story_id"] = event["story_id"]
    if baseline is not None:
        alert["baseline"] = round(baseline, 4)
    return alert
