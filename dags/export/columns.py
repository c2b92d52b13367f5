"""The exported tables: their columns (name, Arrow type, meaning) and how an indexed document becomes a row.

One source of truth for the Parquet schemas, the TSV headers and docs/codebook.md
(`python -m dags.export.codebook` regenerates it; a test fails when it is stale). A column's
meaning is its `source` field's description in schemas/event.v1.json when it has one, else the
text given here.

Row functions return tuples in the order of their table's columns (fast to transpose); the
unit tests check the order by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

EXPORT_SCHEMA_VERSION = 1
TIMESTAMP = pa.timestamp("ms", tz="UTC")
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    meaning: str = ""
    source: str | None = None  # dotted path in schemas/event.v1.json whose description is the meaning


def _c(name: str, type_: pa.DataType, meaning: str = "", source: str | None = None) -> Column:
    return Column(name, type_, meaning, source)


def _actor_columns(role: str, what: str) -> list[Column]:
    return [
        _c(f"{role}_name", pa.string(), f"canonical name of the first {what} actor", f"{role}.name"),
        _c(f"{role}_country", pa.string(), f"country of the first {what} actor: ISO 3166-1 alpha-3, or IGO", f"{role}.country"),
        _c(f"{role}_sector", pa.string(), f"sector of the first {what} actor (see Actor codes)", f"{role}.sector"),
        _c(f"{role}_actors", pa.string(), f"canonical names of every {what} actor, '{LIST_SEPARATOR}'-separated"),
        _c(f"{role}_countries", pa.string(), f"distinct countries of the {what} actors, '{LIST_SEPARATOR}'-separated, sorted"),
    ]


EVENT_COLUMNS: list[Column] = [
    _c("event_id", pa.string(), "stable id of the coded event (32 hex characters); the key of mentions.event_id", "event_id"),
    _c("event_date", pa.date32(), "", "event_date"),
    _c("event_date_text", pa.string(), "", "event_date_text"),
    _c("event_type", pa.string(), "PLOVER event category (see PLOVER categories)", "event_type"),
    _c("mode", pa.string(), "", "mode"),
    _c("contexts", pa.string(), f"PLOVER contexts, '{LIST_SEPARATOR}'-separated", "context"),
    _c("quad_class", pa.string(), "PLOVER quad category of event_type (see Quad classes); empty for events coded before it existed", "quad_class"),
    _c("intensity", pa.float32(), "Goldstein-like score, -10 (most conflictual) to +10 (most cooperative) (see Intensity scale)", "intensity"),
    _c("cameo_root", pa.string(), "two-digit CAMEO root code via the PLOVER-2021 crosswalk", "cameo_root"),
    _c("negated", pa.bool_(), "the sentence says the action did not happen (kept so it can be filtered)", "negated"),
    _c("action_text", pa.string(), "the words that trigger the event", "action.text"),
    _c("action_lemma", pa.string(), "their lemmas", "action.lemma"),
    *_actor_columns("source", "source"),
    *_actor_columns("target", "target"),
    _c("speaker_name", pa.string(), "who said it, for reported speech", "speaker.name"),
    _c("speaker_country", pa.string(), "the speaker's country", "speaker.country"),
    _c("location_name", pa.string(), "where it happened, as named", "location.name"),
    _c("location_country", pa.string(), "ISO 3166-1 alpha-3 of the place", "location.country"),
    _c("location_feature_type", pa.string(), "", "location.feature_type"),
    _c("location_adm1", pa.string(), "", "location.adm1"),
    _c("location_lat", pa.float64(), "latitude (WGS84) of the place's representative point", "location.lat"),
    _c("location_lon", pa.float64(), "longitude (WGS84)", "location.lon"),
    _c("location_geonameid", pa.int64(), "GeoNames id of the place (none for regions from places.yaml)", "location.geonameid"),
    _c("dead", pa.int32(), "", "magnitudes.dead"),
    _c("injured", pa.int32(), "", "magnitudes.injured"),
    _c("size", pa.int32(), "", "magnitudes.size"),
    _c("amount", pa.float64(), "", "magnitudes.amount"),
    _c("currency", pa.string(), "", "magnitudes.currency"),
    _c("confidence", pa.float32(), "how sure the coder is, 0-1: grows with the trigger's weight and the actors and place found", "confidence"),
    _c("story_id", pa.string(), "the story (one real-world event across articles) this event belongs to, once stories are built", "story_id"),
    _c("article_id", pa.string(), "the article the event was coded from (see mentions)", "article_id"),
    _c("article_url", pa.string(), "canonical URL of the article", "article_url"),
    _c("article_source", pa.string(), "", "article_source"),
    _c("published_at", TIMESTAMP, "when the article was published (UTC)", "published_at"),
    _c("extracted_at", TIMESTAMP, "when the event was coded (UTC)", "extracted_at"),
    _c("extractor_version", pa.string(), "version of the newsevents extractor that coded it", "extractor.version"),
    _c("model", pa.string(), "spaCy pipeline and its version", "extractor.model"),
]

MENTION_COLUMNS: list[Column] = [
    _c("event_id", pa.string(), "the event mentioned (events.event_id)", "event_id"),
    _c("article_id", pa.string(), "the article that mentions it", "article_id"),
    _c("event_date", pa.date32(), "", "event_date"),
    _c("mention_time", TIMESTAMP, "when the article was published (UTC); empty when unknown", "published_at"),
    _c("outlet", pa.string(), "", "article_source"),
    _c("url", pa.string(), "canonical URL of the article", "article_url"),
    _c("title", pa.string(), "the article's headline", "article_title"),
    _c("sentence", pa.string(), "the sentence the event was coded from", "sentence"),
    _c("sentence_start", pa.int32(), "character offset where the sentence starts in the analysed article text (title + blank line + body when the body does not start with the title)", "sentence_offsets.start"),
    _c("sentence_end", pa.int32(), "character offset where it ends", "sentence_offsets.end"),
    _c("confidence", pa.float32(), "the event's confidence in this article (0-1)", "confidence"),
    _c("near_duplicate_of", pa.string(), "the article this one is a near-duplicate of (syndicated copies), once the extractor carries it", "near_duplicate_of"),
    _c("extractor_version", pa.string(), "version of the extractor that coded the mention", "extractor.version"),
]

STORY_COLUMNS: list[Column] = [  # the stories index (schemas/story.v1.json, the stories consumer)
    _c("story_id", pa.string(), "stable id of the story; events.story_id points here"),
    _c("event_date", pa.date32(), "the event date of the story's first mention (its partition day)"),
    _c("event_type", pa.string(), "PLOVER category of the story's events"),
    _c("quad_class", pa.string(), "PLOVER quad category"),
    _c("intensity", pa.float32(), "Goldstein-like score of the category and mode"),
    _c("cameo_root", pa.string(), "two-digit CAMEO root code"),
    _c("source_countries", pa.string(), f"countries of the source actors, '{LIST_SEPARATOR}'-separated"),
    _c("target_countries", pa.string(), f"countries of the target actors, '{LIST_SEPARATOR}'-separated"),
    _c("location_name", pa.string(), "where it happened"),
    _c("location_country", pa.string(), "ISO 3166-1 alpha-3 of the place"),
    _c("first_seen", TIMESTAMP, "earliest publication among the mentions (UTC)"),
    _c("last_seen", TIMESTAMP, "latest publication among the mentions (UTC)"),
    _c("num_mentions", pa.int32(), "events grouped into the story, syndicated copies included (GDELT NumMentions)"),
    _c("num_articles", pa.int32(), "distinct articles (GDELT NumArticles)"),
    _c("num_sources", pa.int32(), "distinct outlets that reported it independently (GDELT NumSources)"),
    _c("outlets", pa.string(), f"every outlet with a mention, '{LIST_SEPARATOR}'-separated"),
    _c("sentence", pa.string(), "the most confident independent mention's sentence"),
    _c("url", pa.string(), "that mention's article URL"),
    _c("confidence", pa.float32(), "confidence that the story happened; grows with independent sources"),
]

TABLES: dict[str, list[Column]] = {"events": EVENT_COLUMNS, "mentions": MENTION_COLUMNS, "stories": STORY_COLUMNS}

# One pass builds both tables: the event columns plus what only mentions need ("wide" rows);
# mentions are then a selection of the wide table (mention column -> wide column).
_BY_NAME = {c.name: c for c in EVENT_COLUMNS + MENTION_COLUMNS}
WIDE_COLUMNS: list[Column] = EVENT_COLUMNS + [_BY_NAME[n] for n in ("title", "sentence", "sentence_start", "sentence_end", "near_duplicate_of")]
MENTION_FROM_WIDE: dict[str, str] = {
    "event_id": "event_id", "article_id": "article_id", "event_date": "event_date", "mention_time": "published_at",
    "outlet": "article_source", "url": "article_url", "title": "title", "sentence": "sentence",
    "sentence_start": "sentence_start", "sentence_end": "sentence_end", "confidence": "confidence",
    "near_duplicate_of": "near_duplicate_of", "extractor_version": "extractor_version",
}


def arrow_schema(table: str) -> pa.Schema:
    cols = WIDE_COLUMNS if table == "wide" else TABLES[table]
    return pa.schema([pa.field(c.name, c.type, metadata={"meaning": c.meaning}) for c in cols],
                     metadata={"export_schema_version": str(EXPORT_SCHEMA_VERSION), "table": table})


def _names(actors: list[dict[str, Any]] | None) -> str | None:
    return LIST_SEPARATOR.join(a["name"] for a in actors) if actors else None


def _countries(actors: list[dict[str, Any]] | None) -> str | None:
    codes = sorted({a["country"] for a in actors or () if a.get("country")})
    return LIST_SEPARATOR.join(codes) if codes else None


def event_row(doc: dict[str, Any]) -> tuple[Any, ...]:
    """An indexed event document -> a row of EVENT_COLUMNS."""
    src = doc.get("source") or []
    tgt = doc.get("target") or []
    s0 = src[0] if src else {}
    t0 = tgt[0] if tgt else {}
    sp = doc.get("speaker") or {}
    loc = doc.get("location") or {}
    mag = doc.get("magnitudes") or {}
    action = doc.get("action") or {}
    ex = doc.get("extractor") or {}
    contexts = doc.get("context")
    return (
        doc["event_id"], doc.get("event_date"), doc.get("event_date_text"), doc["event_type"], doc.get("mode"),
        LIST_SEPARATOR.join(contexts) if contexts else None,
        doc.get("quad_class"), doc.get("intensity"), doc.get("cameo_root"), doc.get("negated"),
        action.get("text"), action.get("lemma"),
        s0.get("name"), s0.get("country"), s0.get("sector"), _names(src), _countries(src),
        t0.get("name"), t0.get("country"), t0.get("sector"), _names(tgt), _countries(tgt),
        sp.get("name"), sp.get("country"),
        loc.get("name"), loc.get("country"), loc.get("feature_type"), loc.get("adm1"), loc.get("lat"), loc.get("lon"),
        loc.get("geonameid"),
        mag.get("dead"), mag.get("injured"), mag.get("size"), mag.get("amount"), mag.get("currency"),
        doc.get("confidence"), doc.get("story_id"),
        doc["article_id"], doc.get("article_url"), doc.get("article_source"), doc.get("published_at"), doc.get("extracted_at"),
        ex.get("version"), f"{ex['model']} {ex['model_version']}" if ex.get("model") else None,
    )


def mention_row(doc: dict[str, Any]) -> tuple[Any, ...]:
    """An indexed event document -> its mention: the event in one article (one row per event document)."""
    offsets = doc.get("sentence_offsets") or {}
    return (
        doc["event_id"], doc["article_id"], doc.get("event_date"), doc.get("published_at"), doc.get("article_source"),
        doc.get("article_url"), doc.get("article_title"), doc.get("sentence"), offsets.get("start"), offsets.get("end"),
        doc.get("confidence"), doc.get("near_duplicate_of"), (doc.get("extractor") or {}).get("version"),
    )


def wide_row(doc: dict[str, Any]) -> tuple[Any, ...]:
    """An event row followed by the mention-only values (see WIDE_COLUMNS)."""
    offsets = doc.get("sentence_offsets") or {}
    return (*event_row(doc), doc.get("article_title"), doc.get("sentence"), offsets.get("start"), offsets.get("end"),
            doc.get("near_duplicate_of"))


def split_wide(wide: pa.Table) -> tuple[pa.Table, pa.Table]:
    """(events, mentions) tables out of a wide table, with their own schemas."""
    events = wide.select([c.name for c in EVENT_COLUMNS]).cast(arrow_schema("events"))
    mentions = pa.Table.from_arrays([wide.column(MENTION_FROM_WIDE[c.name]) for c in MENTION_COLUMNS], schema=arrow_schema("mentions"))
    return events, mentions


def _join(values: Any) -> str | None:
    if not values:
        return None
    return LIST_SEPARATOR.join(sorted(str(v) for v in values)) if isinstance(values, list) else str(values)


def story_row(doc: dict[str, Any]) -> tuple[Any, ...]:
    """A stories-index document (story.v1) -> a row of STORY_COLUMNS (fields it lacks stay empty)."""
    loc = doc.get("location") or {}
    rep = doc.get("representative") or {}
    event_date = doc.get("event_date") or (doc.get("first_seen") or "")[:10] or None
    return (
        doc.get("story_id"), event_date, doc.get("event_type"), doc.get("quad_class"), doc.get("intensity"),
        doc.get("cameo_root"), _join(doc.get("source_countries")), _join(doc.get("target_countries")),
        loc.get("name"), loc.get("country"), doc.get("first_seen"), doc.get("last_seen"), doc.get("num_mentions"),
        doc.get("num_articles"), doc.get("num_sources"), _join(doc.get("outlets")), rep.get("sentence"),
        rep.get("article_url"), doc.get("confidence"),
    )


# What the exporter asks Elasticsearch for (derived search fields such as `actors` are left out).
EVENT_SOURCE_FIELDS: list[str] = [
    "event_id", "article_id", "article_url", "article_source", "article_title", "published_at", "event_date",
    "event_date_text", "event_type", "mode", "context", "quad_class", "intensity", "cameo_root", "negated", "action",
    "source.name", "source.country", "source.sector", "target.name", "target.country", "target.sector",
    "speaker.name", "speaker.country", "location.name", "location.country", "location.feature_type", "location.adm1",
    "location.lat", "location.lon", "location.geonameid", "magnitudes", "confidence", "story_id", "near_duplicate_of",
    "sentence", "sentence_offsets", "extractor", "extracted_at",
]


def to_table(table: str, rows: list[tuple[Any, ...]]) -> pa.Table:
    """Rows -> an Arrow table of the table's schema. Timestamps and dates arrive as ISO strings and
    are parsed by Arrow (any UTC offset, normalised to UTC)."""
    schema = arrow_schema(table)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = []
    for field, values in zip(schema, columns, strict=True):
        if pa.types.is_timestamp(field.type):  # parsed at microseconds, kept at milliseconds
            arrays.append(pa.array(values, pa.string()).cast(pa.timestamp("us", "UTC")).cast(field.type, safe=False))
        elif pa.types.is_date(field.type):
            arrays.append(pa.array(values, pa.string()).cast(field.type))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)
