"""Alert rules: loaded from YAML (NEWS_ALERT_RULES), validated up front with clear errors.

Five kinds (`kind:`, default `event`); the example rules file documents each:

* `event`: one coded event matches the conditions below;
* `new_story`: the first mention of a story (one real-world event across articles);
* `escalation`: a story reaches `min_sources` independent outlets within `within_minutes`;
* `rate`: at least `min_count` matching stories (or events, `count: events`) within
  `window_minutes` (default 60), per event type and country;
* `spike`: the count within `window_minutes` (default 1440) is at least `factor` times the
  average count per window over the `baseline_days` (default 7) before it, and at least
  `min_count` (default 3), per event type and country.

Story, rate and spike rules filter with `event_types`, `country` (any source, target or
location country), `keywords` (story kinds: in the representative sentence) and
`min_confidence` (story kinds: the story's confidence). Every kind has `suppress_minutes`.

An `event` rule:

    defaults: {severity: warning, suppress_minutes: 60}
    rules:
      - name: airstrikes-on-civilians
        event_types: [ASSAULT]
        source: {sector: [MIL]}          # some source actor is military
        target: {sector: CVL}            # some target actor is civilian
        any_actor: {country: [SYR]}      # some source or target actor is Syrian
        location_country: [SYR, LBN]
        keywords: [airstrike, "barrel bomb"]   # any of them, whole words, in the sentence
        min_confidence: 0.6
        include_negated: false
        severity: critical
        webhook: ${ALERT_WEBHOOK_URL:-}   # ${VAR} must be set, ${VAR:-} may be empty (no webhook)
        suppress_minutes: 30

All given conditions must hold; a list means "any of". Within source/target/any_actor,
country and sector must hold for the same actor.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from schemas import load_schema

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "rules.example.yaml"
SEVERITIES = ("info", "warning", "critical")
_COUNTRY = re.compile(r"^[A-Z]{3}$")
KINDS = ("event", "new_story", "escalation", "rate", "spike")
_COMMON_KEYS = {"name", "description", "enabled", "kind", "severity", "webhook", "suppress_minutes", "event_type", "event_types"}
_KIND_KEYS: dict[str, set[str]] = {
    "event": {"source", "target", "any_actor", "location_country", "keywords", "min_confidence", "include_negated"},
    "new_story": {"country", "keywords", "min_confidence"},
    "escalation": {"country", "keywords", "min_confidence", "min_sources", "within_minutes"},
    "rate": {"country", "min_confidence", "include_negated", "min_count", "window_minutes", "count"},
    "spike": {"country", "min_confidence", "include_negated", "min_count", "window_minutes", "count", "factor", "baseline_days"},
}
_RULE_KEYS = _COMMON_KEYS.union(*_KIND_KEYS.values())
COUNTS = ("stories", "events")
_ACTOR_KEYS = {"country", "sector"}
_DEFAULT_KEYS = {"severity", "suppress_minutes", "min_confidence", "include_negated"}


class RuleError(ValueError):
    """The rules file is invalid; the message lists every problem, one per line."""


def plover_types() -> frozenset[str]:
    return frozenset(load_schema("event")["properties"]["event_type"]["enum"])


def actor_sectors() -> frozenset[str]:
    return frozenset(s for s in load_schema("event")["$defs"]["actor"]["properties"]["sector"]["enum"] if s)


@dataclass(frozen=True)
class ActorFilter:
    """Conditions one actor must meet together; empty sets mean 'any'."""

    countries: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.countries or self.sectors)


def keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole-word, case-insensitive, any-of; inner whitespace matches any whitespace."""
    if not keywords:
        return None
    alternatives = [r"\s+".join(re.escape(part) for part in kw.split()) for kw in keywords]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str = "event"
    event_types: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()  # story, rate and spike rules: any source, target or location country
    source: ActorFilter = ActorFilter()
    target: ActorFilter = ActorFilter()
    any_actor: ActorFilter = ActorFilter()
    location_countries: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    min_confidence: float | None = None
    include_negated: bool = False
    severity: str = "warning"
    webhook: str | None = None
    suppress_minutes: float = 60.0
    description: str = ""
    min_sources: int | None = None  # escalation
    within_minutes: float | None = None  # escalation
    min_count: int | None = None  # rate, spike
    window_minutes: float | None = None  # rate, spike
    count: str = "stories"  # rate, spike: what is counted
    factor: float | None = None  # spike
    baseline_days: float | None = None  # spike
    keyword_regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keyword_regex", keyword_pattern(self.keywords))


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _codes(value: Any, allowed: frozenset[str] | None, what: str, where: str, problems: _Problems) -> frozenset[str]:
    codes = set()
    for item in _as_list(value):
        if not isinstance(item, str):
            problems.add(where, f"{item!r} is not a {what}")
            continue
        code = item.strip().upper()
        if allowed is not None and code not in allowed:
            problems.add(where, f"{item!r} is not a {what} (one of {', '.join(sorted(allowed))})")
        elif allowed is None and not _COUNTRY.match(code):
            problems.add(where, f"{item!r} is not a {what} (ISO 3166-1 alpha-3, or IGO)")
        else:
            codes.add(code)
    return frozenset(codes)


def _actor_filter(value: Any, where: str, problems: _Problems) -> ActorFilter:
    if value is None:
        return ActorFilter()
    if not isinstance(value, dict):
        problems.add(where, "must be a mapping with country and/or sector")
        return ActorFilter()
    for key in sorted(set(value) - _ACTOR_KEYS):
        problems.add(f"{where}.{key}", "unknown key (use country, sector)")
    return ActorFilter(
        countries=_codes(value.get("country"), None, "country code", f"{where}.country", problems),
        sectors=_codes(value.get("sector"), actor_sectors(), "sector", f"{where}.sector", problems),
    )


def _number(value: Any, where: str, problems: _Problems, low: float, high: float | None = None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(where, f"{value!r} is not a number")
        return None
    if value < low or (high is not None and value > high):
        problems.add(where, f"{value} is outside [{low}, {high if high is not None else '∞'}]")
        return None
    return float(value)


_ENV_REFERENCE = re.compile(r"\$\{(\w+)(:-([^}]*))?\}")


def expand_env(text: str) -> str:
    """${VAR} must be set; ${VAR:-default} falls back (an empty default makes a webhook optional)."""

    def replace(match: re.Match[str]) -> str:
        value = os.environ.get(match.group(1))
        if value:
            return value
        if match.group(2) is not None:
            return match.group(3)
        raise KeyError(match.group(1))

    return _ENV_REFERENCE.sub(replace, text)


def _webhook(value: Any, where: str, problems: _Problems) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        problems.add(where, f"{value!r} is not a URL")
        return None
    try:
        url = expand_env(value.strip())
    except KeyError as exc:
        problems.add(where, f"environment variable {exc.args[0]} is not set (write ${{{exc.args[0]}:-}} to make the webhook optional)")
        return None
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        problems.add(where, f"{value!r} is not an http(s) URL")
        return None
    return url


def parse_rule(raw: Any, where: str, defaults: dict[str, Any], problems: _Problems) -> Rule | None:
    if not isinstance(raw, dict):
        problems.add(where, "a rule must be a mapping")
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.add(f"{where}.name", "required, a non-empty string")
        return None
    where = f"{where} ({name})"
    kind = raw.get("kind", "event")
    if kind not in KINDS:
        problems.add(f"{where}.kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        kind = "event"
    for key in sorted(set(raw) - _RULE_KEYS):
        problems.add(f"{where}.{key}", f"unknown key (known: {', '.join(sorted(_RULE_KEYS))})")
    for key in sorted((set(raw) & _RULE_KEYS) - _COMMON_KEYS - _KIND_KEYS[kind]):
        problems.add(f"{where}.{key}", f"not a condition of a {kind} rule (those are: {', '.join(sorted(_KIND_KEYS[kind]))})")
    merged = {**defaults, **raw}
    if kind != "event":
        # Defaults written for event rules (include_negated...) apply only where they mean something.
        merged = {**{k: v for k, v in defaults.items() if k in _COMMON_KEYS | _KIND_KEYS[kind]}, **raw}
    if "event_type" in raw and "event_types" in raw:
        problems.add(where, "give event_type or event_types, not both")
    severity = merged.get("severity", "warning")
    if severity not in SEVERITIES:
        problems.add(f"{where}.severity", f"{severity!r} is not one of {', '.join(SEVERITIES)}")
    keywords = _as_list(raw.get("keywords"))
    if any(not isinstance(k, str) or not k.strip() for k in keywords):
        problems.add(f"{where}.keywords", "must be non-empty strings")
        keywords = []
    include_negated = merged.get("include_negated", False)
    if not isinstance(include_negated, bool):
        problems.add(f"{where}.include_negated", "must be true or false")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        problems.add(f"{where}.enabled", "must be true or false")
    suppress = _number(merged.get("suppress_minutes", 60), f"{where}.suppress_minutes", problems, 0)
    rule = Rule(
        name=name.strip(),
        description=str(raw.get("description") or ""),
        event_types=_codes(
            raw.get("event_types", raw.get("event_type")), plover_types(), "PLOVER event type", f"{where}.event_types", problems
        ),
        source=_actor_filter(raw.get("source"), f"{where}.source", problems),
        target=_actor_filter(raw.get("target"), f"{where}.target", problems),
        any_actor=_actor_filter(raw.get("any_actor"), f"{where}.any_actor", problems),
        location_countries=_codes(raw.get("location_country"), None, "country code", f"{where}.location_country", problems),
        keywords=tuple(k.strip() for k in keywords),
        min_confidence=_number(merged.get("min_confidence"), f"{where}.min_confidence", problems, 0, 1),
        include_negated=include_negated is True,
        severity=severity if severity in SEVERITIES else "warning",
        webhook=_webhook(raw.get("webhook"), f"{where}.webhook", problems),
        suppress_minutes=suppress if suppress is not None else 60.0,
        kind=kind,
        countries=_codes(raw.get("country"), None, "country code", f"{where}.country", problems),
        **_kind_parameters(kind, raw, where, problems),
    )
    has_condition = rule.event_types or rule.source or rule.target or rule.any_actor or rule.location_countries or rule.keywords
    if kind == "event" and not has_condition and rule.min_confidence is None:
        problems.add(where, "has no condition and would fire on every event")
    return rule if enabled is not False else None


def _kind_parameters(kind: str, raw: dict[str, Any], where: str, problems: _Problems) -> dict[str, Any]:
    """The parameters of the story, rate and spike kinds, with their defaults; required ones checked."""
    params: dict[str, Any] = {}

    def number(key: str, low: float, default: float | None = None, *, integer: bool = False, required: bool = False) -> None:
        if raw.get(key) is None:
            if required:
                problems.add(f"{where}.{key}", f"required for a {kind} rule")
            elif default is not None:
                params[key] = int(default) if integer else float(default)
            return
        value = _number(raw[key], f"{where}.{key}", problems, low)
        if value is not None and integer and value != int(value):
            problems.add(f"{where}.{key}", f"{raw[key]!r} is not a whole number")
        elif value is not None:
            params[key] = int(value) if integer else value

    if kind == "escalation":
        number("min_sources", 2, integer=True, required=True)
        number("within_minutes", 1, required=True)
    elif kind == "rate":
        number("min_count", 1, integer=True, required=True)
        number("window_minutes", 1, 60)
    elif kind == "spike":
        number("factor", 1, required=True)
        number("min_count", 1, 3, integer=True)
        number("window_minutes", 1, 1440)
        number("baseline_days", 1, 7)
    if kind in ("rate", "spike"):
        count = raw.get("count", "stories")
        if count not in COUNTS:
            problems.add(f"{where}.count", f"{count!r} is not one of {', '.join(COUNTS)}")
        else:
            params["count"] = count
    return params


def parse_rules(document: Any, origin: str = "rules") -> list[Rule]:
    """Validate a parsed YAML document; raise RuleError listing every problem."""
    problems = _Problems()
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise RuleError(f"{origin}: expected a mapping with a 'rules' list")
    for key in sorted(set(document) - {"rules", "defaults"}):
        problems.add(f"{origin}.{key}", "unknown top-level key (use rules, defaults)")
    defaults = document.get("defaults") or {}
    if not isinstance(defaults, dict):
        problems.add(f"{origin}.defaults", "must be a mapping")
        defaults = {}
    for key in sorted(set(defaults) - _DEFAULT_KEYS):
        problems.add(f"{origin}.defaults.{key}", f"not a default (use {', '.join(sorted(_DEFAULT_KEYS))})")
    rules: list[Rule] = []
    seen: set[str] = set()
    for number, raw in enumerate(document["rules"], start=1):
        rule = parse_rule(raw, f"{origin}: rule #{number}", defaults, problems)
        if rule is None:
            continue
        if rule.name in seen:
            problems.add(f"{origin}: rule #{number} ({rule.name})", "duplicate name (names key the alert ids)")
        seen.add(rule.name)
        rules.append(rule)
    if problems.items:
        raise RuleError("invalid alert rules:\n  " + "\n  ".join(problems.items))
    return rules


def rules_path() -> Path:
    return Path(os.environ.get("NEWS_ALERT_RULES") or DEFAULT_RULES_FILE)


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """Read and validate a rules file (default: $NEWS_ALERT_RULES, else the example rules)."""
    source = Path(path) if path else rules_path()
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(f"cannot read alert rules {source}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RuleError(f"{source} is not valid YAML: {exc}") from exc
    return parse_rules(document, str(source))
