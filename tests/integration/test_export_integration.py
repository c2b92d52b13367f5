"""events export against real Elasticsearch: partitions match the index, read back with the codebook's
types by DuckDB, the GDELT view loads with GDELT's column list, re-runs replace atomically."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from elasticsearch.helpers import bulk

from common.es import index_name, make_es
from consumers.indexing.documents import event_action, story_action
from consumers.stories.grouping import new_story
from dags.export import gdelt, source
from dags.export.codebook import codebook_types
from dags.export.columns import LIST_SEPARATOR
from dags.export.files import Target
from dags.export.run import export_day, plan_days
from tests.event_factories import _hex32, actor, make_event

pytestmark = pytest.mark.integration
DAY1, DAY2 = date(2024, 5, 2), date(2024, 5, 3)


def _events() -> list[dict[str, Any]]:
    out = []
    for i in range(7):  # day 1: assaults with figures, a place below country level
        art = _hex32("article", str(i))
        out.append(make_event(
            article_id=art, event_id=_hex32("ev", str(i)), magnitudes={"dead": i + 1, "injured": 2},
            location={"name": "Kharkiv", "country": "UKR", "lat": 49.98, "lon": 36.25, "geonameid": 706483,
                      "feature_type": "city", "adm1": "UA.07"},
            sentence=f"Russian forces shelled Kharkiv,\tkilling {i + 1} people, officials said \"today\".",
        ))
    for i in range(3):  # day 2: aid with an amount, and one with no location
        out.append(make_event(
            event_id=_hex32("aid", str(i)), event_type="AID", event_date=DAY2.isoformat(), mode=None,
            source=[actor("Japan", "JPN")], target=[actor("Philippines", "PHL")], action={"text": "pledged", "lemma": "pledge"},
            magnitudes={"amount": 2e9, "currency": "USD"}, location=None if i == 0 else make_event()["location"],
        ))
    # undated: falls on the day of its @timestamp (published_at)
    out.append(make_event(event_id=_hex32("undated"), event_date=None, published_at="2024-05-03T22:00:00Z"))
    return out


@pytest.fixture
def indexed(es_prefix: str) -> list[dict[str, Any]]:
    es = make_es()
    events = _events()
    ok, errors = bulk(es, [event_action(e) for e in events], refresh=True, raise_on_error=False)
    assert ok == len(events) and not errors, errors
    return events


def test_partitions_match_the_index_and_read_back_with_codebook_types(indexed: list[dict[str, Any]], tmp_path: Path) -> None:
    es = make_es()
    target = Target(str(tmp_path / "exports"))
    days = plan_days(es, all_days=True)
    assert days == [DAY1, DAY2]
    types = codebook_types()
    for day in days:
        manifest = export_day(day, target, es)
        folder = tmp_path / "exports" / f"date={day.isoformat()}"
        assert json.loads((folder / "manifest.json").read_text()) == manifest
        in_es = source.count_day(es, index_name("events"), day)
        assert manifest["tables"]["events"]["rows"] == manifest["tables"]["mentions"]["rows"] == in_es > 0
        assert manifest["extractor_versions"] == ["0.1.0"] and manifest["schema_version"] == 1
        assert manifest["time_window"]["start"] == f"{day.isoformat()}T00:00:00Z"
        for table in ("events", "mentions"):
            parquet = folder / f"{table}.parquet"
            described = {r[0]: r[1] for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{parquet}', hive_partitioning=false)").fetchall()}
            assert described == types[table], f"{table}.parquet types differ from docs/codebook.md"
            tsv = folder / f"{table}.tsv.gz"
            cols = ", ".join(f"'{k}': '{v}'" for k, v in types[table].items())
            from_tsv = f"read_csv('{tsv}', delim='\t', header=true, quote='\"', hive_partitioning=false, columns={{{cols}}})"
            n = duckdb.sql(f"SELECT count(*) FROM {from_tsv}").fetchall()[0][0]
            assert n == in_es
            # the TSV holds the same values as the Parquet, text cleaned of tabs and line breaks
            diff = duckdb.sql(f"SELECT * FROM read_parquet('{parquet}', hive_partitioning=false) EXCEPT SELECT * FROM {from_tsv}").fetchall()
            assert all("\t" in " ".join(str(v) for v in row) for row in diff), diff
    # figures and location detail survive the round trip
    day1 = duckdb.sql(f"SELECT sum(dead), min(location_adm1), min(location_feature_type) FROM "
                      f"read_parquet('{tmp_path}/exports/date=2024-05-02/events.parquet')").fetchall()[0]
    assert day1 == (28, "UA.07", "city")
    amount = duckdb.sql(f"SELECT sum(amount), min(currency) FROM read_parquet('{tmp_path}/exports/date=2024-05-03/events.parquet')").fetchall()[0]
    assert amount == (6e9, "USD")


def test_gdelt_view_loads_with_gdelts_column_list(indexed: list[dict[str, Any]], tmp_path: Path) -> None:
    target = Target(str(tmp_path))
    export_day(DAY1, target)
    path = tmp_path / "date=2024-05-02" / "gdelt.export.tsv.gz"
    names = ", ".join(f"'{c}'" for c in gdelt.COLUMNS)
    rel = duckdb.sql(f"SELECT * FROM read_csv('{path}', delim='\t', header=false, quote='', hive_partitioning=false, names=[{names}], all_varchar=true)")
    assert rel.columns == list(gdelt.COLUMNS)
    rows = rel.fetchall()
    assert len(rows) == 7
    row = dict(zip(gdelt.COLUMNS, rows[0], strict=True))
    assert row["SQLDATE"] == "20240502" and row["Actor1Code"] == "RUSMIL" and row["Actor2CountryCode"] == "UKR"
    assert row["ActionGeo_CountryCode"] == "UP" and row["ActionGeo_ADM1Code"] == "UP07" and row["ActionGeo_Type"] == "4"
    assert row["SOURCEURL"].startswith("https://") and row["AvgTone"] is None
    with gzip.open(path, "rt") as fh:
        assert all(len(line.rstrip("\n").split("\t")) == 61 for line in fh)


def test_rerun_replaces_the_day_and_drops_what_it_no_longer_writes(indexed: list[dict[str, Any]], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    es = make_es()
    target = Target(str(tmp_path))
    export_day(DAY2, target, es)
    folder = tmp_path / "date=2024-05-03"
    assert (folder / "gdelt.export.tsv.gz").exists()
    bulk(es, [event_action(make_event(event_id=_hex32("late"), event_date=DAY2.isoformat()))], refresh=True)
    monkeypatch.setenv("NEWS_EXPORT_FORMATS", "parquet")
    manifest = export_day(DAY2, target, es)
    assert manifest["tables"]["events"]["rows"] == 5 == source.count_day(es, index_name("events"), DAY2)
    assert sorted(p.name for p in folder.iterdir()) == ["events.parquet", "manifest.json", "mentions.parquet", "stories.parquet"]
    # a failure half-way (the events file written, the mentions file not) leaves the previous
    # partition whole and no temporary files behind
    before = (folder / "events.parquet").read_bytes()
    from dags.export.files import TableSink

    original, calls = TableSink.write, []

    def fails_second(self: TableSink, table: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        original(self, table)

    monkeypatch.setattr(TableSink, "write", fails_second)
    with pytest.raises(OSError, match="disk full"):
        export_day(DAY2, target, es)
    assert (folder / "events.parquet").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["events.parquet", "manifest.json", "mentions.parquet", "stories.parquet"]


def test_any_fsspec_target(indexed: list[dict[str, Any]]) -> None:
    import fsspec

    target = Target("memory://exports-test")
    manifest = export_day(DAY1, target)
    fs = fsspec.filesystem("memory")
    names = sorted(p.rsplit("/", 1)[-1] for p in fs.ls("/exports-test/date=2024-05-02", detail=False))
    assert names == ["events.parquet", "events.tsv.gz", "gdelt.export.tsv.gz", "manifest.json", "mentions.parquet", "mentions.tsv.gz",
                     "stories.parquet", "stories.tsv.gz"]
    assert manifest["tables"]["events"]["rows"] == 7
    fs.rm("/exports-test", recursive=True)


def test_stories_are_exported_from_the_stories_index(indexed: list[dict[str, Any]], tmp_path: Path) -> None:
    es = make_es()
    event = make_event(event_id=_hex32("story"), event_date=DAY1.isoformat(), published_at=f"{DAY1.isoformat()}T08:00:00Z")
    story = new_story(event, now=0.0).message()  # what the stories consumer publishes for a first mention
    bulk(es, [story_action(story)], refresh=True)
    manifest = export_day(DAY1, Target(str(tmp_path)), es)
    assert manifest["tables"]["stories"] == {"rows": 1, "files": ["stories.parquet", "stories.tsv.gz"]}
    row = duckdb.sql(f"SELECT num_mentions, outlets, sentence FROM read_parquet('{tmp_path}/date=2024-05-02/stories.parquet', "
                     "hive_partitioning=false)").fetchall()[0]
    assert row == (1, LIST_SEPARATOR.join(story["outlets"]), event["sentence"])
    assert story["outlets"] and story["num_mentions"] == 1
