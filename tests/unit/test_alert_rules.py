from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from consumers.alerter.rules import DEFAULT_RULES_FILE, ActorFilter, RuleError, load_rules, parse_rules


def rules(*raw: dict, defaults: dict | None = None) -> list:
    document: dict = {"rules": list(raw)}
    if defaults is not None:
        document["defaults"] = defaults
    return parse_rules(document)


def test_the_example_rules_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWS_ALERT_WEBHOOK_URL", raising=False)
    loaded = load_rules(DEFAULT_RULES_FILE)
    assert [r.name for r in loaded] == [
        "attacks-on-civilians",
        "middle-east-de-escalation",
        "sanctions-on-russia",
        "mobilisation-near-ukraine",
        "strikes-in-ukraine",
        "sanctions-involving-iran",
        "syria-diplomacy",
        "new-violent-story",
        "attack-confirmed-by-two-outlets",
        "attacks-in-ukraine-hourly",
        "conflict-spike",
    ]
    civilians = loaded[0]
    assert civilians.event_types == {"ASSAULT"}
    assert civilians.source == ActorFilter(sectors=frozenset({"MIL", "REB"}))
    assert civilians.target == ActorFilter(sectors=frozenset({"CVL"}))
    assert (civilians.min_confidence, civilians.severity, civilians.suppress_minutes) == (0.6, "critical", 60.0)
    assert civilians.webhook is None  # ${NEWS_ALERT_WEBHOOK_URL:-} with the variable unset
    assert loaded[1].suppress_minutes == 180.0
    assert loaded[2].event_types == {"SANCTION"}


def test_scalars_are_accepted_for_lists_and_codes_are_normalised() -> None:
    (rule,) = rules({"name": "r", "event_type": "assault", "any_actor": {"country": "syr"}, "location_country": "lbn", "keywords": "truce"})
    assert rule.event_types == {"ASSAULT"}
    assert rule.any_actor.countries == {"SYR"}
    assert rule.location_countries == {"LBN"}
    assert rule.keywords == ("truce",)


def test_defaults_apply_unless_a_rule_overrides_them() -> None:
    a, b = rules(
        {"name": "a", "event_types": ["PROTEST"]},
        {"name": "b", "event_types": ["PROTEST"], "severity": "critical", "suppress_minutes": 0},
        defaults={"severity": "info", "suppress_minutes": 15, "min_confidence": 0.4},
    )
    assert (a.severity, a.suppress_minutes, a.min_confidence) == ("info", 15.0, 0.4)
    assert (b.severity, b.suppress_minutes) == ("critical", 0.0)


def test_webhook_urls_expand_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK", "https://hooks.example.org/T1/B2")
    (rule,) = rules({"name": "r", "event_types": ["ASSAULT"], "webhook": "${HOOK}"})
    assert rule.webhook == "https://hooks.example.org/T1/B2"
    (rule,) = rules({"name": "r", "event_types": ["ASSAULT"], "webhook": "${HOOK:-}"})
    assert rule.webhook == "https://hooks.example.org/T1/B2"
    monkeypatch.delenv("HOOK")
    (rule,) = rules({"name": "r", "event_types": ["ASSAULT"], "webhook": "${HOOK:-}"})
    assert rule.webhook is None  # optional and unset: no webhook
    monkeypatch.setenv("HOOK", "")
    (rule,) = rules({"name": "r", "event_types": ["ASSAULT"], "webhook": "${HOOK:-https://fallback.example.org/x}"})
    assert rule.webhook == "https://fallback.example.org/x"
    with pytest.raises(RuleError, match=r"webhook: environment variable HOOK is not set"):
        rules({"name": "r", "event_types": ["ASSAULT"], "webhook": "${HOOK}"})
    with pytest.raises(RuleError, match=r"webhook: 'ftp://x' is not an http\(s\) URL"):
        rules({"name": "r", "event_types": ["ASSAULT"], "webhook": "ftp://x"})


def test_disabled_rules_are_skipped() -> None:
    assert rules({"name": "off", "event_types": ["ASSAULT"], "enabled": False}) == []


def test_every_problem_is_reported_with_its_place() -> None:
    with pytest.raises(RuleError) as caught:
        rules(
            {"name": "bad", "event_types": ["HUG"], "target": {"country": "Syria", "sector": "CIV", "role": "x"}, "severity": "urgent"},
            {"name": "bad", "event_types": ["ASSAULT"], "min_confidence": 1.5, "keywords": [""], "colour": "red"},
            {"name": "catch-all"},
            {"event_types": ["ASSAULT"]},
        )
    message = str(caught.value)
    expected = [
        "rule #1 (bad).event_types: 'HUG' is not a PLOVER event type",
        "rule #1 (bad).target.country: 'Syria' is not a country code",
        "rule #1 (bad).target.sector: 'CIV' is not a sector",
        "rule #1 (bad).target.role: unknown key",
        "rule #1 (bad).severity: 'urgent' is not one of info, warning, critical",
        "rule #2 (bad).min_confidence: 1.5 is outside [0, 1]",
        "rule #2 (bad).keywords: must be non-empty strings",
        "rule #2 (bad).colour: unknown key",
        "rule #2 (bad): duplicate name",
        "rule #3 (catch-all): has no condition and would fire on every event",
        "rule #4.name: required",
    ]
    for part in expected:
        assert part in message, part


def test_file_errors_are_rule_errors(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="cannot read"):
        load_rules(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RuleError, match="not valid YAML"):
        load_rules(broken)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(yaml.safe_dump({"alerts": []}), encoding="utf-8")
    with pytest.raises(RuleError, match="expected a mapping with a 'rules' list"):
        load_rules(wrong)


def test_rules_path_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"rules": [{"name": "mine", "event_types": ["PROTEST"]}]}), encoding="utf-8")
    monkeypatch.setenv("NEWS_ALERT_RULES", str(path))
    assert [r.name for r in load_rules()] == ["mine"]
