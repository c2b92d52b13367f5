from __future__ import annotations

import json

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
    assert es_setup.first_index("articles", 2) == "acme-articles-v2-000001"


def test_parse_index_name_orders_by_generation_then_counter() -> None:
    names = ["news-events-v2-000001", "news-events-v1-000010", "news-events-v1-000002", "news-events-x", "news-articles-v1-000001"]
    parsed = sorted(p for p in (parse_index_name(n, "events", "news") for n in names) if p)
    assert [p.name for p in parsed] == ["news-events-v1-000002", "news-events-v1-000010", "news-events-v2-000001"]
    assert parse_index_name("news-events-v12-000003", "events", "news") == IndexName(12, 3, "news-events-v12-000003")


def test_templates_render_the_prefix_everywhere() -> None:
    components = es_setup.component_templates("t1", overrides={})
    templates = es_setup.index_templates("t1")
    assert set(components) == {"t1-settings", "t1-mappings-common"}
    assert set(templates) == {"t1-events", "t1-articles"}
    assert templates["t1-events"]["index_patterns"] == ["t1-events-*"]
    assert templates["t1-articles"]["composed_of"] == ["t1-settings", "t1-mappings-common"]
    assert "{prefix}" not in json.dumps([components, templates])
    for name in templates["t1-events"]["composed_of"]:
        assert name in components


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


@pytest.mark.parametrize(("kind", "schema_kind"), [("events", "event"), ("articles", "enriched_article")])
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
    current = {"news-events-v1-000001": False, "news-events-v1-000002": True}
    target = [IndexName(2, 1, "news-events-v2-000001"), IndexName(2, 2, "news-events-v2-000002")]
    actions = swap_actions("events", 2, current, target, {"news-events-v2-000002": True, "news-events-v2-000001": False}, "news")
    assert actions == [
        {"remove": {"index": "news-events-v1-000001", "alias": "news-events", "must_exist": True}},
        {"remove": {"index": "news-events-v1-000002", "alias": "news-events", "must_exist": True}},
        {"add": {"index": "news-events-v2-000001", "alias": "news-events", "is_write_index": False}},
        {"add": {"index": "news-events-v2-000002", "alias": "news-events", "is_write_index": True}},
        {"remove": {"index": "news-events-v2-000001", "alias": "news-events-v2", "must_exist": True}},
        {"remove": {"index": "news-events-v2-000002", "alias": "news-events-v2", "must_exist": True}},
    ]


def test_swap_to_an_empty_generation_is_refused() -> None:
    with pytest.raises(ValueError, match="start_generation"):
        swap_actions("events", 5, {"news-events-v1-000001": True}, [], {}, "news")


def test_rollover_conditions_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEWS_ES_ROLLOVER_MAX_AGE", "NEWS_ES_ROLLOVER_MAX_DOCS", "NEWS_ES_ROLLOVER_MAX_PRIMARY_SHARD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    assert es_setup.rollover_conditions_from_env() == {"max_age": "30d", "max_primary_shard_size": "25gb"}
    monkeypatch.setenv("NEWS_ES_ROLLOVER_MAX_AGE", "")
    monkeypatch.setenv("NEWS_ES_ROLLOVER_MAX_DOCS", "1000000")
    assert es_setup.rollover_conditions_from_env() == {"max_docs": 1_000_000, "max_primary_shard_size": "25gb"}
