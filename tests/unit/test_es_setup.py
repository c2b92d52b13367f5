from __future__ import annotations

import json
from datetime import date

import pytest

from common import es_setup
from common.es import index_name
from common.es_setup import IndexName, merged_mappings, parse_index_name, swap_actions
from schemas import load_schema
from tests.mapping_helpers import mapped_fields, schema_paths


def test_names_follow_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_INDEX_PREFIX", "acme")
    assert es_setup.write_alias("events") == "acme-events" == index_name("events")
    assert es_setup.generation_alias("events", 3) == "acme-events-v3"
    assert es_setup.partition_index("acme-articles-v2", "2026-11-30T23:59:59Z") == "acme-articles-v2-2026.11.01"


@pytest.mark.parametrize(
    ("timestamp", "month"),
    [
        ("2026-11-22", "2026.11"),
        ("2026-11-22T06:35:00Z", "2026.11"),
        ("2026-12-01T01:10:00+09:00", "2026.11"),  # the UTC month
        ("2026-12-31T23:30:00-05:00", "2027.01"),
    ],
)
def test_month_of_reads_utc(timestamp: str, month: str) -> None:
    assert es_setup.month_of(timestamp) == month


def test_parse_index_name_orders_by_generation_then_month_and_knows_the_old_layout() -> None:
    names = [
        "news-events-v2-2026.01.01",
        "news-events-v1-2026.11.01",
        "news-events-v1-2025.12.01",
        "news-events-v1-000003",  # the rollover layout before time partitions
        "news-events-x",
        "news-events-v1-2026.11",
        "news-articles-v1-2026.11.01",
    ]
    parsed = sorted(p for p in (parse_index_name(n, "events", "news") for n in names) if p)
    assert [p.name for p in parsed] == ["news-events-v1-000003", "news-events-v1-2025.12.01", "news-events-v1-2026.11.01", "news-events-v2-2026.01.01"]
    assert parse_index_name("news-events-v12-2026.03.01", "events", "news") == IndexName(12, "2026.03", "news-events-v12-2026.03.01")
    assert parsed[0].legacy and not parsed[1].legacy


def test_templates_render_the_prefix_everywhere() -> None:
    components = es_setup.component_templates("t1", overrides={})
    templates = es_setup.index_templates("t1")
    assert set(components) == {"t1-settings", "t1-mappings-common"}
    assert set(templates) == {"t1-events", "t1-articles", "t1-stories"}
    assert templates["t1-events"]["index_patterns"] == ["t1-events-*"]
    assert templates["t1-articles"]["composed_of"] == ["t1-settings", "t1-mappings-common"]
    assert "{prefix}" not in json.dumps([components, templates])
    for name in templates["t1-events"]["composed_of"]:
        assert name in components


def test_generation_templates_give_partitions_their_aliases() -> None:
    live = es_setup.generation_template("events", 2, live=True, prefix="news")
    assert live["index_patterns"] == ["news-events-v2-*"]
    assert live["template"]["aliases"] == {"news-events-v2": {}, "news-events": {}}
    assert live["priority"] > es_setup.index_templates("news")["news-events"]["priority"]
    backfill = es_setup.generation_template("events", 3, live=False, prefix="news")
    assert backfill["template"]["aliases"] == {"news-events-v3": {}}
    assert backfill["template"]["mappings"] == live["template"]["mappings"]


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_ES_REPLICAS", "2")
    monkeypatch.setenv("NEWS_ES_SHARDS", "3")
    settings = es_setup.component_templates("t")["t-settings"]["template"]["settings"]["index"]
    assert settings["number_of_replicas"] == 2
    assert settings["number_of_shards"] == 3
    monkeypatch.delenv("NEWS_ES_REPLICAS")
    monkeypatch.delenv("NEWS_ES_SHARDS")
    settings = es_setup.component_templates("t")["t-settings"]["template"]["settings"]["index"]
    assert (settings["number_of_replicas"], settings["number_of_shards"]) == (0, 1)


@pytest.mark.parametrize(("kind", "schema_kind"), [("events", "event"), ("articles", "enriched_article"), ("stories", "story")])
def test_every_contract_field_is_mapped_and_mappings_are_strict(kind: str, schema_kind: str) -> None:
    mappings = merged_mappings(kind, "news")
    assert mappings["dynamic"] == "strict"
    fields = mapped_fields(mappings)
    missing = schema_paths(load_schema(schema_kind)) - set(fields)
    assert not missing, f"{kind} mapping lacks contract fields {sorted(missing)}"
    assert fields["@timestamp"] == "date"


def test_event_mapping_types_for_search_and_kibana() -> None:
    fields = mapped_fields(merged_mappings("events", "news"))
    assert fields["location.point"] == "geo_point"
    assert fields["sentence"] == "text"
    assert fields["article_title.keyword"] == "keyword"
    for path in ("event_type", "source.country", "target.sector", "actors.role", "actors.country", "source_countries", "countries"):
        assert fields[path] == "keyword", path
    for path in ("published_at", "event_date", "extracted_at"):
        assert fields[path] == "date", path


def test_swap_actions_move_the_alias_in_one_call() -> None:
    current = ["news-events-v1-000001", "news-events-v1-2026.11.01", "news-events-v2-2026.11.01"]
    target = [IndexName(2, "2026.10", "news-events-v2-2026.10.01"), IndexName(2, "2026.11", "news-events-v2-2026.11.01")]
    actions = swap_actions("events", 2, current, target, "news")
    assert actions == [
        {"remove": {"index": "news-events-v1-000001", "alias": "news-events", "must_exist": True}},
        {"remove": {"index": "news-events-v1-2026.11.01", "alias": "news-events", "must_exist": True}},
        {"add": {"index": "news-events-v2-2026.10.01", "alias": "news-events"}},
        {"add": {"index": "news-events-v2-2026.11.01", "alias": "news-events"}},
    ]


def test_swap_to_an_empty_generation_is_refused() -> None:
    with pytest.raises(ValueError, match="start_generation"):
        swap_actions("events", 5, ["news-events-v1-2026.11.01"], [], "news")


def test_retention_deletes_partitions_whose_month_ended_long_enough_ago() -> None:
    names = [parse_index_name(n, "events", "news") for n in ("news-events-v1-2025.10.01", "news-events-v2-2025.11.01", "news-events-v1-2025.12.01", "news-events-v1-000001")]
    doomed = es_setup.expired([n for n in names if n], retention_days=30, today=date(2026, 1, 1))
    # October ended 62 days before, November 32 days before, December 1 day; the legacy index is never dated.
    assert [n.name for n in doomed] == ["news-events-v1-2025.10.01", "news-events-v2-2025.11.01"]
    assert es_setup.expired([n for n in names if n], retention_days=32, today=date(2026, 1, 1))[-1].month == "2025.10"


def test_retention_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWS_ES_RETENTION_DAYS", raising=False)
    assert es_setup.retention_days_from_env() == es_setup.DEFAULT_RETENTION_DAYS
    monkeypatch.setenv("NEWS_ES_RETENTION_DAYS", "none")
    assert es_setup.retention_days_from_env() is None
    monkeypatch.setenv("NEWS_ES_RETENTION_DAYS", "90")
    assert es_setup.retention_days_from_env() == 90
    policy = es_setup.retention_policy(90)
    assert policy["phases"]["delete"] == {"min_age": "121d", "actions": {"delete": {}}}  # ILM counts from the 1st of the month
    monkeypatch.setenv("NEWS_ES_RETENTION_DAYS", "ninety")
    with pytest.raises(ValueError, match="NEWS_ES_RETENTION_DAYS"):
        es_setup.retention_days_from_env()


def test_next_month_wraps_the_year() -> None:
    assert es_setup.next_month("2026.11") == "2026.12"
    assert es_setup.next_month("2026.12") == "2027.01"
