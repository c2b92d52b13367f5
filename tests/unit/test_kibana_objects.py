"""The Kibana saved objects: up to date, internally consistent, and naming only mapped fields."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from common.es_setup import merged_mappings
from tests.mapping_helpers import mapped_fields

KIBANA_DIR = Path(__file__).resolve().parents[2] / "infra" / "kibana"
PREFIX = "news"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"kibana_{name}", KIBANA_DIR / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = _load("build_saved_objects")
importer = _load("import_saved_objects")


@pytest.fixture(scope="module")
def objects() -> list[dict[str, Any]]:
    text = importer.render((KIBANA_DIR / "saved_objects.ndjson").read_text(encoding="utf-8"), PREFIX)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def fields_by_view() -> dict[str, set[str]]:
    return {f"{PREFIX}-{kind}": set(mapped_fields(merged_mappings(kind, PREFIX))) for kind in ("events", "articles", "stories")}


def test_ndjson_is_generated_from_the_builder() -> None:
    committed = (KIBANA_DIR / "saved_objects.ndjson").read_text(encoding="utf-8")
    assert committed == builder.render_ndjson(builder.build()), "run: python infra/kibana/build_saved_objects.py"


def test_the_expected_objects_are_there(objects: list[dict[str, Any]]) -> None:
    by_type: dict[str, list[str]] = {}
    for obj in objects:
        by_type.setdefault(obj["type"], []).append(obj["id"])
        assert obj["coreMigrationVersion"] and obj["typeMigrationVersion"]
    assert sorted(by_type["index-pattern"]) == ["news-articles", "news-events", "news-stories"]
    assert "news-top-stories" in by_type["search"]
    assert len(by_type["lens"]) == 7
    assert {"news-magnitudes-over-time", "news-amounts-over-time"} <= set(by_type["lens"])  # sums of magnitudes.*
    assert by_type["map"] == ["news-event-map"]
    assert by_type["dashboard"] == ["news-overview"]
    assert len({(o["type"], o["id"]) for o in objects}) == len(objects), "duplicate ids"


def test_data_views_use_mapped_time_fields(objects: list[dict[str, Any]], fields_by_view: dict[str, set[str]]) -> None:
    for obj in objects:
        if obj["type"] == "index-pattern":
            attrs = obj["attributes"]
            assert attrs["title"] == obj["id"]
            assert attrs["timeFieldName"] in fields_by_view[obj["id"]]
            for field in json.loads(attrs["fieldFormatMap"]):
                assert field in fields_by_view[obj["id"]], field


def test_every_reference_resolves(objects: list[dict[str, Any]]) -> None:
    known = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in known, f"{obj['id']} -> {ref}"


def test_dashboard_panels_match_references(objects: list[dict[str, Any]]) -> None:
    board = next(o for o in objects if o["type"] == "dashboard")
    panels = json.loads(board["attributes"]["panelsJSON"])
    refs = {r["name"]: r for r in board["references"]}
    assert len(panels) == len(board["references"]) == 11
    assert {"news-magnitudes-over-time", "news-amounts-over-time"} <= {r["id"] for r in board["references"]}
    for panel in panels:
        ref = refs[f"{panel['panelIndex']}:{panel['panelRefName']}"]
        assert ref["type"] == panel["type"]
        grid = panel["gridData"]
        assert grid["x"] + grid["w"] <= 48 and grid["i"] == panel["panelIndex"]
    assert {p["type"] for p in panels} == {"lens", "map", "search"}


def _kql_fields(query: str) -> set[str]:
    return set(re.findall(r"([\w.@]+)\s*:", query))


def _view_of(obj: dict[str, Any], ref_name: str) -> str:
    return next(r["id"] for r in obj["references"] if r["name"] == ref_name)


def named_fields(obj: dict[str, Any]) -> list[tuple[str, str]]:
    """(data view id, field) for every field a saved object names."""
    attrs = obj["attributes"]
    found: list[tuple[str, str]] = []
    if obj["type"] == "search":
        view = _view_of(obj, "kibanaSavedObjectMeta.searchSourceJSON.index")
        source = json.loads(attrs["kibanaSavedObjectMeta"]["searchSourceJSON"])
        found += [(view, c) for c in attrs["columns"]]
        found += [(view, field) for field, _ in attrs["sort"]]
        found += [(view, f) for f in _kql_fields(source["query"]["query"])]
    elif obj["type"] == "lens":
        state = attrs["state"]
        for layer_id, layer in state["datasourceStates"]["formBased"]["layers"].items():
            view = _view_of(obj, f"indexpattern-datasource-layer-{layer_id}")
            for column in layer["columns"].values():
                if column.get("sourceField") != "___records___":
                    found.append((view, column["sourceField"]))
            assert set(layer["columnOrder"]) == set(layer["columns"])
        for layer in state["visualization"]["layers"]:
            columns = state["datasourceStates"]["formBased"]["layers"][layer["layerId"]]["columns"]
            for accessor in [layer["xAccessor"], *layer["accessors"], *filter(None, [layer.get("splitAccessor")])]:
                assert accessor in columns, f"{obj['id']}: accessor {accessor} has no column"
    elif obj["type"] == "map":
        for layer in json.loads(attrs["layerListJSON"]):
            source = layer["sourceDescriptor"]
            if "indexPatternRefName" not in source:
                continue
            view = _view_of(obj, source["indexPatternRefName"])
            found.append((view, source["geoField"]))
            found += [(view, f) for f in source.get("tooltipProperties", [])]
            if source.get("sortField"):
                found.append((view, source["sortField"]))
            for prop in layer["style"]["properties"].values():
                field = prop.get("options", {}).get("field")
                if field and field.get("origin") == "source":
                    found.append((view, field["name"]))
    return found


def test_every_named_field_is_mapped(objects: list[dict[str, Any]], fields_by_view: dict[str, set[str]]) -> None:
    checked = 0
    for obj in objects:
        for view, field in named_fields(obj):
            assert field in fields_by_view[view], f"{obj['type']} {obj['id']} names {field!r}, not mapped in {view}"
            checked += 1
    assert checked > 20


def test_field_types_fit_their_use(objects: list[dict[str, Any]]) -> None:
    types = {f"{PREFIX}-{kind}": mapped_fields(merged_mappings(kind, PREFIX)) for kind in ("events", "articles", "stories")}
    numeric = {"integer", "long", "float", "double", "short"}
    for obj in objects:
        if obj["type"] == "map":
            for layer in json.loads(obj["attributes"]["layerListJSON"]):
                if "geoField" in layer["sourceDescriptor"]:
                    view = _view_of(obj, layer["sourceDescriptor"]["indexPatternRefName"])
                    assert types[view][layer["sourceDescriptor"]["geoField"]] == "geo_point"
        if obj["type"] == "lens":
            for layer_id, layer in obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"].items():
                fields = types[_view_of(obj, f"indexpattern-datasource-layer-{layer_id}")]
                for column in layer["columns"].values():
                    operation, field = column["operationType"], column["sourceField"]
                    if operation in ("terms", "unique_count"):
                        assert fields[field] == "keyword", (obj["id"], field)
                    if operation == "date_histogram":
                        assert fields[field] == "date", (obj["id"], field)
                    if operation in ("sum", "average", "max", "min"):
                        assert fields[field] in numeric, (obj["id"], field)
        if obj["type"] == "search":
            fields = types[_view_of(obj, "kibanaSavedObjectMeta.searchSourceJSON.index")]
            for field, _ in obj["attributes"]["sort"]:
                assert fields[field] in numeric | {"date", "keyword"}, (obj["id"], field)  # sortable


def test_render_fills_the_prefix() -> None:
    text = (KIBANA_DIR / "saved_objects.ndjson").read_text(encoding="utf-8")
    rendered = importer.render(text, "acme")
    assert "{prefix}" not in rendered
    assert '"title": "acme-events"' in rendered


def test_import_posts_multipart_ndjson_with_xsrf_and_api_key(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(503, text="Kibana server is not ready yet")
        return httpx.Response(200, json={"success": True, "successCount": 10, "successResults": []})

    monkeypatch.setenv("KIBANA_API_KEY", "c2VjcmV0")
    monkeypatch.setenv("NEWS_INDEX_PREFIX", "acme")
    code = importer.main(["--url", "http://kibana.test:5601/", "--space", "ops", "--wait", "30"], transport=httpx.MockTransport(handler))
    assert code == 0
    request = seen[-1]
    assert request.method == "POST"
    assert str(request.url) == "http://kibana.test:5601/s/ops/api/saved_objects/_import?overwrite=true"
    assert request.headers["kbn-xsrf"]
    assert request.headers["authorization"] == "ApiKey c2VjcmV0"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = request.read().decode()
    assert 'name="file"; filename="saved_objects.ndjson"' in body
    assert '"id": "acme-overview"' in body
    assert "imported 10 saved objects" in capsys.readouterr().out


def test_import_reports_per_object_errors(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "success": False,
                "successCount": 9,
                "errors": [{"type": "map", "id": "news-event-map", "error": {"type": "unsupported_type"}}],
            },
        )

    monkeypatch.delenv("KIBANA_API_KEY", raising=False)
    assert importer.main(["--url", "http://kibana.test:5601"], transport=httpx.MockTransport(handler)) == 1
    assert "map/news-event-map" in capsys.readouterr().err
