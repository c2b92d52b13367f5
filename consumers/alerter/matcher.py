"""match(rule, event): does a coded event satisfy an alert rule? Pure."""

from __future__ import annotations

from collections.abc import Iterable
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
    return [rule for rule in rules if match(rule, event)]
