"""Does an event or a story satisfy an alert rule, and the window arithmetic of rate and spike rules. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from consumers.alerter.rules import ActorFilter, Rule


def _actor_matches(actor: dict[str, Any], wanted: ActorFilter) -> bool:
    if wanted.countries and actor.get("country") not in wanted.countries:
        return False
    return not (wanted.sectors and actor.get("sector") not in wanted.sectors)


def _any_actor(actors: Iterable[dict[str, Any]], wanted: ActorFilter) -> bool:
    return not wanted or any(_actor_matches(a, wanted) for a in actors)


def match(rule: Rule, event: dict[str, Any]) -> bool:
    """True when every condition of the rule holds for the event (cheapest checks first)."""
    if event.get("negated") and not rule.include_negated:
        return False
    if rule.event_types and event.get("event_type") not in rule.event_types:
        return False
    if rule.min_confidence is not None and float(event.get("confidence") or 0.0) < rule.min_confidence:
        return False
    if rule.location_countries and (event.get("location") or {}).get("country") not in rule.location_countries:
        return False
    sources, targets = event.get("source") or [], event.get("target") or []
    if not _any_actor(sources, rule.source) or not _any_actor(targets, rule.target):
        return False
    if not _any_actor([*sources, *targets], rule.any_actor):
        return False
    return rule.keyword_regex is None or bool(rule.keyword_regex.search(event.get("sentence") or ""))


def matching_rules(rules: Iterable[Rule], event: dict[str, Any]) -> list[Rule]:
    """The `event` rules an event fires."""
    return [rule for rule in rules if rule.kind == "event" and match(rule, event)]


# --- stories, rates and spikes --------------------------------------------------------


def story_matches(rule: Rule, story: dict[str, Any]) -> bool:
    """The conditions of a new_story or escalation rule, on a story (stories topic record)."""
    if rule.event_types and story.get("event_type") not in rule.event_types:
        return False
    if rule.countries and not rule.countries & set(story.get("countries") or ()):
        return False
    if rule.min_confidence is not None and float(story.get("confidence") or 0.0) < rule.min_confidence:
        return False
    sentence = (story.get("representative") or {}).get("sentence") or ""
    return rule.keyword_regex is None or bool(rule.keyword_regex.search(sentence))


def escalated(story: dict[str, Any], min_sources: int, within_s: float) -> bool:
    """Did `min_sources` independent outlets first report the story within `within_s` of each other?"""
    times = sorted(parse_time(s["first_seen"]) for s in story.get("sources") or ())
    return any(times[i + min_sources - 1] - times[i] <= within_s for i in range(len(times) - min_sources + 1))


def event_countries(event: dict[str, Any]) -> set[str]:
    countries = {a.get("country") for a in [*(event.get("source") or ()), *(event.get("target") or ())]}
    countries.add((event.get("location") or {}).get("country"))
    return {c for c in countries if c}


def window_keys(rule: Rule, event: dict[str, Any]) -> list[str]:
    """The (event type | country) series a rate or spike rule counts this event in; [] if it does not match."""
    if event.get("negated") and not rule.include_negated:
        return []
    if rule.event_types and event.get("event_type") not in rule.event_types:
        return []
    if rule.min_confidence is not None and float(event.get("confidence") or 0.0) < rule.min_confidence:
        return []
    countries = event_countries(event)
    if rule.countries:
        countries &= rule.countries
    return [f"{event['event_type']}|{country}" for country in sorted(countries)]


def densest_window(times: list[float], at: float, window_s: float) -> tuple[int, float]:
    """(count, start) of the fullest window [start, start + window_s) that contains `at`.

    Items arrive out of time order (partitions, late articles), so the window that crosses
    a threshold is not necessarily the one ending at the item just counted: every window
    containing it is looked at, and the item that completes a burst fires, whenever it comes.
    `times` are sorted and include `at`.
    """
    best, best_start = 0, at
    right = 0
    for left, start in enumerate(times):
        if start > at:
            break
        if start + window_s <= at:
            continue
        right = max(right, left)
        while right < len(times) and times[right] < start + window_s:
            right += 1
        if right - left > best:
            best, best_start = right - left, start
    return best, best_start


def spike_baseline(before: int, window_s: float, baseline_s: float) -> float:
    """Average count per window over the baseline period."""
    return before * window_s / baseline_s


def spiking(now_count: int, baseline: float, factor: float, min_count: int) -> bool:
    """At least `min_count`, and at least `factor` times the baseline (a baseline of 0 needs only min_count)."""
    return now_count >= min_count and now_count >= factor * baseline


def parse_time(value: str) -> float:
    """ISO date or date-time -> unix seconds (a bare date is its midnight UTC)."""
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def event_time(event: dict[str, Any]) -> float:
    """When the world saw an event: its article's publication time, else extraction time."""
    return parse_time(event.get("published_at") or event.get("extracted_at") or event.get("event_date") or "1970-01-01")
