"""Generate saved_objects.ndjson: the Kibana 9 data views, saved searches, Lens charts, map and dashboard.

Run `python infra/kibana/build_saved_objects.py` after editing; the NDJSON is committed and a
unit test checks it is up to date and that every field it names is mapped. Index names and
object ids carry a `{prefix}` placeholder that import_saved_objects.py fills with
NEWS_INDEX_PREFIX, so several prefixes can share one Kibana.

Objects carry the migration versions of the Kibana sample data sets, so Kibana migrates them
up to its own version on import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent / "saved_objects.ndjson"
CORE_MIGRATION_VERSION = "8.8.0"
TYPE_MIGRATION_VERSIONS = {"index-pattern": "8.0.0", "search": "8.0.0", "lens": "8.9.0", "map": "8.4.0", "dashboard": "8.7.0"}
PANEL_VERSION = "8.8.0"

EVENTS_VIEW = "{prefix}-events"
ARTICLES_VIEW = "{prefix}-articles"
STORIES_VIEW = "{prefix}-stories"
EMPTY_QUERY = {"query": "", "language": "kuery"}


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=False)


def saved_object(type_: str, id_: str, attributes: dict[str, Any], references: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": id_,
        "type": type_,
        "managed": False,
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": TYPE_MIGRATION_VERSIONS[type_],
        "attributes": attributes,
        "references": references,
    }


def data_view(id_: str, name: str, time_field: str, url_fields: list[str]) -> dict[str, Any]:
    return saved_object(
        "index-pattern",
        id_,
        {
            "title": id_,  # the alias: reads follow rollovers and generation swaps
            "name": name,
            "timeFieldName": time_field,
            "fieldFormatMap": _json({field: {"id": "url"} for field in url_fields}),
            "sourceFilters": "[]",
            "fields": "[]",
            "runtimeFieldMap": "{}",
            "typeMeta": "{}",
            "allowNoIndex": False,
        },
        [],
    )


def saved_search(
    id_: str, title: str, view: str, columns: list[str], query: str, description: str, sort: list[list[str]] | None = None
) -> dict[str, Any]:
    search_source = {
        "query": {"query": query, "language": "kuery"},
        "filter": [],
        "highlightAll": True,
        "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index",
    }
    return saved_object(
        "search",
        id_,
        {
            "title": title,
            "description": description,
            "columns": columns,
            "sort": sort or [["@timestamp", "desc"]],
            "grid": {},
            "hideChart": False,
            "isTextBasedQuery": False,
            "kibanaSavedObjectMeta": {"searchSourceJSON": _json(search_source)},
        },
        [{"id": view, "name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern"}],
    )


def _count_column(label: str) -> dict[str, Any]:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "number",
        "operationType": "count",
        "isBucketed": False,
        "scale": "ratio",
        "sourceField": "___records___",
        "params": {"emptyAsNull": True},
    }


def _metric_column(operation: str, field: str, label: str) -> dict[str, Any]:
    """sum / unique_count / max ... of a field: e.g. mentions (sum of num_mentions), stories (unique story_id)."""
    return {
        "label": label,
        "customLabel": True,
        "dataType": "number",
        "operationType": operation,
        "isBucketed": False,
        "scale": "ratio",
        "sourceField": field,
        "params": {"emptyAsNull": True},
    }


def _terms_column(field: str, label: str, size: int, order_by: str) -> dict[str, Any]:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "string",
        "operationType": "terms",
        "isBucketed": True,
        "scale": "ordinal",
        "sourceField": field,
        "params": {
            "size": size,
            "orderBy": {"type": "column", "columnId": order_by},
            "orderDirection": "desc",
            "otherBucket": False,
            "missingBucket": False,
            "parentFormat": {"id": "terms"},
        },
    }


def _date_column(field: str) -> dict[str, Any]:
    return {
        "label": field,
        "dataType": "date",
        "operationType": "date_histogram",
        "isBucketed": True,
        "scale": "interval",
        "sourceField": field,
        "params": {"interval": "auto", "includeEmptyRows": True, "dropPartials": False},
    }


def _xy_visualization(layer_id: str, series_type: str, x: str, y: str | list[str], split: str | None, legend: bool) -> dict[str, Any]:
    layer: dict[str, Any] = {
        "layerId": layer_id,
        "layerType": "data",
        "seriesType": series_type,
        "xAccessor": x,
        "accessors": y if isinstance(y, list) else [y],
    }
    if split:
        layer["splitAccessor"] = split
    return {
        "legend": {"isVisible": legend, "position": "right"},
        "valueLabels": "hide",
        "fittingFunction": "None",
        "preferredSeriesType": series_type,
        "axisTitlesVisibilitySettings": {"x": False, "yLeft": True, "yRight": True},
        "tickLabelsVisibilitySettings": {"x": True, "yLeft": True, "yRight": True},
        "gridlinesVisibilitySettings": {"x": True, "yLeft": True, "yRight": True},
        "yLeftExtent": {"mode": "full"},
        "yRightExtent": {"mode": "full"},
        "layers": [layer],
    }


def lens_xy(
    id_: str,
    title: str,
    description: str,
    view: str,
    columns: dict[str, dict[str, Any]],
    visualization: dict[str, Any],
) -> dict[str, Any]:
    layer_id = visualization["layers"][0]["layerId"]
    state = {
        "datasourceStates": {
            "formBased": {"layers": {layer_id: {"columns": columns, "columnOrder": list(columns), "incompleteColumns": {}}}}
        },
        "visualization": visualization,
        "query": EMPTY_QUERY,
        "filters": [],
        "internalReferences": [],
        "adHocDataViews": {},
    }
    return saved_object(
        "lens",
        id_,
        {"title": title, "description": description, "visualizationType": "lnsXY", "state": state},
        [{"type": "index-pattern", "id": view, "name": f"indexpattern-datasource-layer-{layer_id}"}],
    )


def events_over_time() -> dict[str, Any]:
    columns = {
        "type": _terms_column("event_type", "PLOVER type", 16, "count"),
        "date": _date_column("@timestamp"),
        "count": _count_column("Events"),
    }
    return lens_xy(
        "{prefix}-events-over-time",
        "Events over time by PLOVER type",
        "Coded events per interval, stacked by event_type.",
        EVENTS_VIEW,
        columns,
        _xy_visualization("events-layer", "bar_stacked", "date", "count", "type", legend=True),
    )


def _sum_column(field: str, label: str) -> dict[str, Any]:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "number",
        "operationType": "sum",
        "isBucketed": False,
        "scale": "ratio",
        "sourceField": field,
        "params": {"emptyAsNull": False},
    }


def magnitudes_over_time() -> dict[str, Any]:
    """Sums of the figures events state (magnitudes.*) per interval: dead, injured, people taking part."""
    columns = {
        "date": _date_column("@timestamp"),
        "dead": _sum_column("magnitudes.dead", "Dead"),
        "injured": _sum_column("magnitudes.injured", "Injured"),
        "size": _sum_column("magnitudes.size", "Taking part (crowds, forces)"),
    }
    visualization = _xy_visualization("magnitudes-layer", "line", "date", "dead", None, legend=True)
    visualization["layers"][0]["accessors"] = ["dead", "injured", "size"]
    return lens_xy(
        "{prefix}-magnitudes-over-time",
        "Dead, injured and people taking part over time",
        "Sums of the figures the sentences state (magnitudes.dead, .injured, .size); a story told by several outlets counts once per article.",
        EVENTS_VIEW,
        columns,
        visualization,
    )


def amounts_over_time() -> dict[str, Any]:
    """Money stated in AID and SANCTION events per interval, by currency (amounts are never converted)."""
    columns = {
        "currency": _terms_column("magnitudes.currency", "Currency", 5, "amount"),
        "date": _date_column("@timestamp"),
        "amount": _sum_column("magnitudes.amount", "Amount"),
    }
    return lens_xy(
        "{prefix}-amounts-over-time",
        "Aid and sanction amounts over time",
        "Sum of magnitudes.amount per currency (AID and SANCTION events that state a sum).",
        EVENTS_VIEW,
        columns,
        _xy_visualization("amounts-layer", "bar_stacked", "date", "amount", "currency", legend=True),
    )


def top_countries(role: str) -> dict[str, Any]:
    field = f"{role}_countries"
    columns = {"country": _terms_column(field, f"{role.capitalize()} country", 10, "count"), "count": _count_column("Events")}
    return lens_xy(
        f"{{prefix}}-top-{role}-countries",
        f"Top {role} countries",
        f"Countries of the {role} actors of events ({field}).",
        EVENTS_VIEW,
        columns,
        _xy_visualization(f"{role}-layer", "bar_horizontal", "country", "count", None, legend=False),
    )


def stories_and_mentions_over_time() -> dict[str, Any]:
    columns = {
        "date": _date_column("@timestamp"),
        "stories": _count_column("Stories"),
        "mentions": _metric_column("sum", "num_mentions", "Mentions"),
    }
    return lens_xy(
        "{prefix}-stories-over-time",
        "Stories and mentions over time",
        "Real-world events (stories) per interval next to the mentions that report them: five outlets on one strike are one story, five mentions.",
        STORIES_VIEW,
        columns,
        _xy_visualization("stories-layer", "bar", "date", ["stories", "mentions"], None, legend=True),
    )


def events_and_stories_by_type() -> dict[str, Any]:
    columns = {
        "type": _terms_column("event_type", "PLOVER type", 16, "events"),
        "events": _count_column("Events (mentions)"),
        "stories": _metric_column("unique_count", "story_id", "Stories"),
    }
    return lens_xy(
        "{prefix}-events-and-stories-by-type",
        "Events and stories by PLOVER type",
        "Coded events (every mention) and the distinct stories they belong to, per event_type.",
        EVENTS_VIEW,
        columns,
        _xy_visualization("types-layer", "bar_horizontal", "type", ["events", "stories"], None, legend=True),
    )


def event_map() -> dict[str, Any]:
    layers = [
        {
            "id": "basemap",
            "type": "EMS_VECTOR_TILE",
            "sourceDescriptor": {"type": "EMS_TMS", "isAutoSelect": True, "lightModeDefault": "road_map_desaturated"},
            "style": {"type": "EMS_VECTOR_TILE", "color": ""},
            "alpha": 1,
            "visible": True,
            "includeInFitToBounds": True,
            "minZoom": 0,
            "maxZoom": 24,
        },
        {
            "id": "event-locations",
            "label": "Event locations",
            "type": "GEOJSON_VECTOR",
            "sourceDescriptor": {
                "id": "event-locations-source",
                "type": "ES_SEARCH",
                "geoField": "location.point",
                "scalingType": "CLUSTERS",
                "filterByMapBounds": True,
                "tooltipProperties": ["event_type", "location.name", "source_countries", "target_countries", "sentence"],
                "sortField": "@timestamp",
                "sortOrder": "desc",
                "applyGlobalQuery": True,
                "applyGlobalTime": True,
                "applyForceRefresh": True,
                "indexPatternRefName": "layer_1_source_index_pattern",
            },
            "style": {
                "type": "VECTOR",
                "properties": {
                    "fillColor": {"type": "STATIC", "options": {"color": "#D36086"}},
                    "lineColor": {"type": "STATIC", "options": {"color": "#FFFFFF"}},
                    "lineWidth": {"type": "STATIC", "options": {"size": 1}},
                    "iconSize": {"type": "STATIC", "options": {"size": 6}},
                },
                "isTimeAware": True,
            },
            "alpha": 0.85,
            "visible": True,
            "includeInFitToBounds": True,
            "minZoom": 0,
            "maxZoom": 24,
        },
    ]
    map_state = {
        "zoom": 1.4,
        "center": {"lon": 25.0, "lat": 25.0},
        "timeFilters": {"from": "now-7d", "to": "now"},
        "refreshConfig": {"isPaused": True, "interval": 0},
        "query": EMPTY_QUERY,
        "filters": [],
        "settings": {"autoFitToDataBounds": False, "showSpatialFilters": True, "showTimesliderToggleButton": True},
    }
    return saved_object(
        "map",
        "{prefix}-event-map",
        {
            "title": "Event locations",
            "description": "Where coded events happened (location.point), clustered when dense.",
            "mapStateJSON": _json(map_state),
            "layerListJSON": _json(layers),
            "uiStateJSON": _json({"isLayerTOCOpen": True, "openTOCDetails": []}),
        },
        [{"name": "layer_1_source_index_pattern", "type": "index-pattern", "id": EVENTS_VIEW}],
    )


def dashboard(panels: list[tuple[dict[str, Any], dict[str, int]]]) -> dict[str, Any]:
    panels_json = []
    references = []
    for number, (obj, grid) in enumerate(panels, start=1):
        index = str(number)
        panels_json.append(
            {
                "version": PANEL_VERSION,
                "type": obj["type"],
                "gridData": {**grid, "i": index},
                "panelIndex": index,
                "embeddableConfig": {"enhancements": {}},
                "panelRefName": f"panel_{index}",
            }
        )
        references.append({"name": f"{index}:panel_{index}", "type": obj["type"], "id": obj["id"]})
    return saved_object(
        "dashboard",
        "{prefix}-overview",
        {
            "title": "News events overview",
            "description": "Coded news events and the stories they make up: activity by PLOVER type, stories next to mentions, the top stories, where they happen, who acts on whom, and the latest articles.",
            "panelsJSON": _json(panels_json),
            "optionsJSON": _json(
                {"useMargins": True, "syncColors": False, "syncCursor": True, "syncTooltips": False, "hidePanelTitles": False}
            ),
            "timeRestore": True,
            "timeFrom": "now-7d",
            "timeTo": "now",
            "refreshInterval": {"pause": True, "value": 60000},
            "kibanaSavedObjectMeta": {"searchSourceJSON": _json({"query": EMPTY_QUERY, "filter": []})},
            "version": 1,
        },
        references,
    )


def build() -> list[dict[str, Any]]:
    events_view = data_view(EVENTS_VIEW, "News events", "@timestamp", ["article_url"])
    articles_view = data_view(ARTICLES_VIEW, "News articles", "@timestamp", ["url"])
    stories_view = data_view(STORIES_VIEW, "News stories", "@timestamp", ["representative.article_url"])
    top_stories = saved_search(
        "{prefix}-top-stories",
        "Top stories",
        STORIES_VIEW,
        ["event_type", "num_sources", "num_articles", "num_mentions", "outlets", "location.name", "representative.sentence", "confidence"],
        "",
        "Stories (one real-world event across articles), most independent sources first; syndicated copies count as mentions, not sources.",
        sort=[["num_sources", "desc"], ["num_articles", "desc"], ["last_seen", "desc"]],
    )
    latest_articles = saved_search(
        "{prefix}-latest-articles",
        "Latest articles",
        ARTICLES_VIEW,
        ["source", "title", "countries", "event_count", "url"],
        "not is_near_duplicate:true",
        "Newest enriched articles, syndicated near-duplicates hidden.",
    )
    unsupported = saved_search(
        "{prefix}-unsupported-language-articles",
        "Articles in unsupported languages",
        ARTICLES_VIEW,
        ["source", "language", "title", "url"],
        "unsupported_language:true",
        "Articles the event coder cannot read (flag unsupported_language): their 0 events mean unsupported, not quiet.",
    )
    events_table = saved_search(
        "{prefix}-events",
        "Coded events",
        EVENTS_VIEW,
        ["event_type", "source_countries", "target_countries", "location.name", "sentence", "confidence", "article_url"],
        "",
        "Every coded event with its sentence; filter on event_type, source.country, target.sector, actors.* ...",
    )
    violent = saved_search(
        "{prefix}-violent-events",
        "Violent events (ASSAULT, COERCE)",
        EVENTS_VIEW,
        ["event_type", "source.name", "target.name", "location.name", "sentence", "confidence"],
        "event_type:(ASSAULT or COERCE) and not negated:true",
        "Material conflict events, negated mentions excluded.",
    )
    over_time, top_source, top_target, locations = events_over_time(), top_countries("source"), top_countries("target"), event_map()
    stories_time, by_type = stories_and_mentions_over_time(), events_and_stories_by_type()
    figures, amounts = magnitudes_over_time(), amounts_over_time()
    board = dashboard(
        [
            (over_time, {"x": 0, "y": 0, "w": 24, "h": 12}),
            (stories_time, {"x": 24, "y": 0, "w": 24, "h": 12}),
            (top_stories, {"x": 0, "y": 12, "w": 48, "h": 15}),
            (locations, {"x": 0, "y": 27, "w": 24, "h": 18}),
            (by_type, {"x": 24, "y": 27, "w": 24, "h": 18}),
            (top_source, {"x": 0, "y": 45, "w": 24, "h": 15}),
            (top_target, {"x": 24, "y": 45, "w": 24, "h": 15}),
            (latest_articles, {"x": 0, "y": 60, "w": 48, "h": 15}),
            (events_table, {"x": 0, "y": 75, "w": 48, "h": 15}),
            (figures, {"x": 0, "y": 90, "w": 24, "h": 12}),
            (amounts, {"x": 24, "y": 90, "w": 24, "h": 12}),
        ]
    )
    return [
        events_view,
        articles_view,
        stories_view,
        latest_articles,
        unsupported,
        events_table,
        violent,
        top_stories,
        over_time,
        stories_time,
        by_type,
        top_source,
        top_target,
        locations,
        figures,
        amounts,
        board,
    ]


def render_ndjson(objects: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n" for obj in objects)


if __name__ == "__main__":
    OUTPUT.write_text(render_ndjson(build()), encoding="utf-8")
    print(f"wrote {OUTPUT}")
