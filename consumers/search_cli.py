"""news-search: full-text search over coded events, stories or articles from the terminal.

    news-search "de-escalation" --type AGREE --country SYR --since 7d
    news-search --stories "drone strike" --since 7d          # stories with their counts
    news-search --count-by type --country UKR --since 7d     # counts per type, as bars
    news-search "Russia AND NOT Turkey"                      # AND / OR / NOT work
    news-search --articles "ceasefire" --limit 5 --json

Query building and output formatting are pure functions; main() only wires them to the
Elasticsearch client.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from common.es import index_name, make_es
from schemas import load_schema

# Private-use characters as highlight markers: they cannot occur in news text, survive
# wrapping as single characters and are swapped for ANSI bold or **...** at the end.
HL_START, HL_END = "\ue000", "\ue001"
ANSI_BOLD, ANSI_RESET = "\x1b[1m", "\x1b[22m"

EVENT_TEXT_FIELDS = ["sentence^3", "article_title", "action.text", "source.name", "target.name", "location.name"]
ARTICLE_TEXT_FIELDS = ["title^2", "text"]
STORY_TEXT_FIELDS = ["representative.sentence^3", "representative.article_title", "source_names", "target_names", "location.name"]
COUNT_BY = ("day", "type", "country", "source")
BLOCKS = " ▏▎▍▌▋▊▉█"
_OPERATORS = {"AND": "+", "OR": "|"}
_LOWERCASE_OPERATORS = re.compile(r"(?<![\w\"-])(or|not)(?![\w\"-])")  # lower-case "and" means what the default does
DISTINCT_PRECISION = 40_000  # exact distinct counts below this
# What one hit may print: a document indexed before the schema bounds (or by another writer)
# can hold megabytes; the terminal gets a readable excerpt, --json the schema's own bound.
MAX_SHOWN_CHARS = 1_000
MAX_JSON_STRING_CHARS = 10_000
_RELATIVE = re.compile(r"^(\d+)([mhdwMy])$")
_HYPHENATED = re.compile(r'(?<![\w"-])(\w+(?:-\w+)+)(?![\w"])')


def event_types() -> list[str]:
    return list(load_schema("event")["properties"]["event_type"]["enum"])


@dataclass(frozen=True)
class SearchRequest:
    text: str | None = None
    stories: bool = False
    types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    articles: bool = False
    limit: int = 10
    min_confidence: float | None = None
    sort: str | None = None  # "relevance" | "date" | "top" (stories); default: relevance when there is text
    extra_filters: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def parse_time(value: str) -> str:
    """'7d' -> 'now-7d' (also m, h, w, M, y); an ISO date or date-math expression as is."""
    value = value.strip()
    match = _RELATIVE.match(value)
    if match:
        return f"now-{match.group(1)}{match.group(2)}"
    if value.startswith("now") or re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value
    raise ValueError(f"cannot read time {value!r}: use e.g. 7d, 12h, 2w, 2024-05-01 or now-1M/M")


def quote_hyphenated(text: str) -> str:
    """'de-escalation talks' -> '"de-escalation" talks'.

    The standard analyzer splits hyphenated words, and unquoted they would match 'de' and
    'escalation' anywhere in the sentence; quoted they must be adjacent.
    """
    parts = text.split('"')
    # Even-indexed parts are outside quotes.
    return '"'.join(_HYPHENATED.sub(r'"\1"', part) if i % 2 == 0 else part for i, part in enumerate(parts))


def translate_operators(text: str) -> str:
    """'Russia AND NOT Turkey' -> 'Russia + -Turkey': boolean words as simple_query_string operators.

    Only upper-case AND, OR, NOT outside quotes are operators (as in Lucene and Kibana); lower
    case they are words, which the english analyzer drops as stop words.
    """
    out: list[str] = []
    negate = False
    for part in re.findall(r'"[^"]*"?|\S+', text):
        if part in _OPERATORS:
            out.append(_OPERATORS[part])
        elif part == "NOT":
            negate = not negate
        else:
            out.append(f"-{part}" if negate else part)
            negate = False
    return " ".join(out)


def operator_hint(text: str | None) -> str | None:
    """A hint when the query has a lower-case or/not: a stop word, dropped, so not what was meant."""
    if not text:
        return None
    outside_quotes = "".join(part for i, part in enumerate(text.split('"')) if i % 2 == 0)
    found = [word for word in ("or", "not") if word in _LOWERCASE_OPERATORS.findall(outside_quotes)]
    if not found:
        return None
    words = " and ".join(repr(f) for f in found)
    return f"hint: lower-case {words} {'is' if len(found) == 1 else 'are'} not an operator but a stop word, ignored; write OR, NOT (or |, -word)"


def _text_fields(request: SearchRequest) -> list[str]:
    if request.stories:
        return STORY_TEXT_FIELDS
    return ARTICLE_TEXT_FIELDS if request.articles else EVENT_TEXT_FIELDS


def build_filters(request: SearchRequest) -> list[dict[str, Any]]:
    """The filter clauses shared by searches and counts."""
    filters: list[dict[str, Any]] = list(request.extra_filters)
    if request.types:
        filters.append({"terms": {"event_types" if request.articles else "event_type": list(request.types)}})
    if request.countries:
        # `countries` is source + target + location country for events, all countries for articles.
        filters.append({"terms": {"countries": list(request.countries)}})
    if request.since or request.until:
        time_range: dict[str, str] = {}
        if request.since:
            time_range["gte"] = request.since
        if request.until:
            time_range["lt"] = request.until
        filters.append({"range": {"@timestamp": time_range}})
    if request.min_confidence is not None and not request.articles:
        filters.append({"range": {"confidence": {"gte": request.min_confidence}}})
    return filters


def build_bool(request: SearchRequest) -> dict[str, Any]:
    filters = build_filters(request)
    must: list[dict[str, Any]] = []
    if request.text:
        must.append(
            {
                "simple_query_string": {
                    "query": quote_hyphenated(translate_operators(request.text)),
                    "fields": _text_fields(request),
                    "default_operator": "and",
                }
            }
        )
    return {"bool": {"filter": filters, "must": must}} if (must or filters) else {"match_all": {}}


def build_query(request: SearchRequest) -> dict[str, Any]:
    """The Elasticsearch search body for a request (pure)."""
    if request.stories:
        return build_story_query(request)
    query = build_bool(request)
    by_relevance = (request.sort or ("relevance" if request.text else "date")) == "relevance"
    sort: list[Any] = (
        ["_score", {"@timestamp": {"order": "desc", "missing": "_last"}}]
        if by_relevance
        else [{"@timestamp": {"order": "desc", "missing": "_last"}}]
    )
    if request.articles:
        highlight_fields = {"title": {"number_of_fragments": 0}, "text": {"fragment_size": 180, "number_of_fragments": 2}}
    else:
        highlight_fields = {"sentence": {"number_of_fragments": 0}, "article_title": {"number_of_fragments": 0}}
    id_field = "article_id" if request.articles else "event_id"
    body: dict[str, Any] = {
        "query": query,
        "size": request.limit,
        "sort": sort,
        # Redelivered messages can land in two indices across a rollover: show and count each once.
        "collapse": {"field": id_field},
        "aggs": {"distinct": {"cardinality": {"field": id_field, "precision_threshold": DISTINCT_PRECISION}}},
        "highlight": {"pre_tags": [HL_START], "post_tags": [HL_END], "fields": highlight_fields},
        "track_total_hits": True,
    }
    if request.articles:
        body["_source"] = {"excludes": ["text"]}
    return body


TOP_STORIES_SORT: list[Any] = [
    {"num_sources": "desc"},
    {"num_articles": "desc"},
    {"num_mentions": "desc"},
    {"last_seen": {"order": "desc", "missing": "_last"}},
]


def build_story_query(request: SearchRequest) -> dict[str, Any]:
    """Stories: by relevance with text, else the top stories (most independent sources first)."""
    sort_by = request.sort or ("relevance" if request.text else "top")
    sort: list[Any]
    if sort_by == "relevance":
        sort = ["_score", *TOP_STORIES_SORT]
    elif sort_by == "date":
        sort = [{"@timestamp": {"order": "desc"}}, *TOP_STORIES_SORT]
    else:
        sort = TOP_STORIES_SORT
    return {
        "query": build_bool(request),
        "size": request.limit,
        "sort": sort,
        "highlight": {"pre_tags": [HL_START], "post_tags": [HL_END], "fields": {"representative.sentence": {"number_of_fragments": 0}}},
        "track_total_hits": True,
    }


def build_count_query(request: SearchRequest, by: str, size: int = 20) -> dict[str, Any]:
    """Counts per day, type, country or outlet: events with their distinct stories, or stories with their mentions."""
    fields = {
        "day": "@timestamp",
        "type": "event_type",
        "country": "countries",
        "source": "outlets" if request.stories else ("source" if request.articles else "article_source"),
    }
    if request.articles and by == "type":
        fields["type"] = "event_types"
    field_name = fields[by]
    if by == "day":
        buckets: dict[str, Any] = {"date_histogram": {"field": field_name, "calendar_interval": "day", "format": "yyyy-MM-dd", "min_doc_count": 1}}
    else:
        buckets = {"terms": {"field": field_name, "size": size}}
    if request.stories:
        buckets["aggs"] = {"mentions": {"sum": {"field": "num_mentions"}}}
        totals: dict[str, Any] = {"mentions": {"sum": {"field": "num_mentions"}}}
    elif not request.articles:
        buckets["aggs"] = {"stories": {"cardinality": {"field": "story_id", "precision_threshold": DISTINCT_PRECISION}}}
        totals = {"stories": {"cardinality": {"field": "story_id", "precision_threshold": DISTINCT_PRECISION}}}
    else:
        totals = {}
    return {"query": build_bool(request), "size": 0, "track_total_hits": True, "aggs": {"by": buckets, **totals}}


# --- formatting --------------------------------------------------------------------


def bar(value: float, largest: float, width: int) -> str:
    """A horizontal bar in eighths of a character, `width` characters for the largest value."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (BLOCKS[rest] if rest else "")


def format_counts(response: dict[str, Any], request: SearchRequest, by: str, width: int = 100) -> str:
    """One line per bucket: label, bar, count, and the secondary count in brackets."""
    buckets = response.get("aggregations", {}).get("by", {}).get("buckets", [])
    total = response.get("hits", {}).get("total", {}).get("value", 0)
    aggs = response.get("aggregations", {})
    if request.stories:
        unit, second = "stories", "mentions"
        headline = f"{total} stories ({int(aggs.get('mentions', {}).get('value') or 0)} mentions) by {by}"
    elif request.articles:
        unit, second = "articles", None
        headline = f"{total} articles by {by}"
    else:
        unit, second = "events", "stories"
        headline = f"{total} events in {int(aggs.get('stories', {}).get('value') or 0)} stories by {by}"
    if not buckets:
        return f"{headline}: nothing matches"
    rows = []
    for bucket in buckets:
        label = str(bucket.get("key_as_string") or bucket["key"])
        extra = bucket.get(second, {}).get("value") if second else None
        rows.append((label, int(bucket["doc_count"]), None if extra is None else int(extra)))
    label_w = min(24, max(len(r[0]) for r in rows))
    count_w = max(len(str(r[1])) for r in rows)
    extra_w = max((len(str(r[2])) for r in rows if r[2] is not None), default=0)
    bar_w = max(10, width - label_w - count_w - extra_w - 8)
    largest = max(r[1] for r in rows)
    lines = [f"{headline}" + (f" ({unit}, [{second}])" if second else "")]
    for label, count, extra in rows:
        line = f"{label[:label_w].ljust(label_w)}  {bar(count, largest, bar_w).ljust(bar_w)}  {str(count).rjust(count_w)}"
        if extra is not None:
            line += f"  [{str(extra).rjust(extra_w)}]"
        lines.append(line.rstrip())
    return "\n".join(lines)


def format_story_hits(hits: list[dict[str, Any]], style: str, width: int = 100) -> str:
    """A table (date, type, actors, place, sources/articles/mentions) with each story's best sentence below."""
    if not hits:
        return "no matching stories"
    header = ["DATE", "TYPE", "SOURCE -> TARGET", "WHERE", "SRC", "ART", "MEN"]
    rows = []
    for hit in hits:
        src = hit["_source"]
        who = f"{', '.join(src.get('source_countries') or ['?'])} -> {', '.join(src.get('target_countries') or ['?'])}"
        location = src.get("location") or {}
        where = ", ".join(p for p in (location.get("name"), location.get("country")) if p)
        counts = [str(src.get(k, 0)) for k in ("num_sources", "num_articles", "num_mentions")]
        rows.append([str(src.get("event_date") or _date(src)), str(src.get("event_type", "?")), who, where, *counts])
    lines = _columns([header, *rows], caps=[10, 10, max(20, width - 58), 20, 3, 3, 3])
    out = [lines[0]]
    for hit, line in zip(hits, lines[1:], strict=True):
        src = hit["_source"]
        out.append(line)
        sentence = (hit.get("highlight", {}).get("representative.sentence") or [(src.get("representative") or {}).get("sentence", "")])[0]
        out.extend(render_highlights(part, style) for part in _wrapped(sentence, width))
        outlets = ", ".join(src.get("outlets") or [])
        out.append(f"    outlets: {outlets}; first seen {str(src.get('first_seen', ''))[:16]}, last {str(src.get('last_seen', ''))[:16]}")
    return "\n".join(out)



def render_highlights(text: str, style: str) -> str:
    """Swap the markers for ANSI bold ('ansi'), **...** ('markdown'), <em> ('html') or nothing."""
    start, end = {"ansi": (ANSI_BOLD, ANSI_RESET), "markdown": ("**", "**"), "html": ("<em>", "</em>")}.get(style, ("", ""))
    if text.count(HL_START) > text.count(HL_END):  # a clipped or wrapped highlight: close it
        text += HL_END
    if text.count(HL_END) > text.count(HL_START):
        text = HL_START + text
    return text.replace(HL_START, start).replace(HL_END, end)


def format_actor(actor: dict[str, Any]) -> str:
    codes = " ".join(c for c in (actor.get("country"), actor.get("sector")) if c)
    return f"{actor.get('name') or actor.get('text') or '?'} ({codes})" if codes else str(actor.get("name") or "?")


def format_actors(actors: Sequence[dict[str, Any]] | None) -> str:
    return ", ".join(format_actor(a) for a in actors or []) or "?"


def _date(source: dict[str, Any]) -> str:
    return str(source.get("@timestamp") or source.get("event_date") or source.get("published_at") or "")[:10]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def bounded(value: Any, limit: int = MAX_JSON_STRING_CHARS) -> Any:
    """`value` with every string longer than `limit` clipped (with a note of the full length)."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + f"… [{len(value) - limit} more characters]"
    if isinstance(value, list):
        return [bounded(v, limit) for v in value]
    if isinstance(value, dict):
        return {k: bounded(v, limit) for k, v in value.items()}
    return value


def _columns(rows: list[list[str]], caps: list[int]) -> list[str]:
    widths = [min(cap, max(len(row[i]) for row in rows)) for i, cap in enumerate(caps)]
    return ["  ".join(_clip(cell, widths[i]).ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def _wrapped(text: str, width: int, indent: str = "    ") -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width=max(20, width), initial_indent=indent, subsequent_indent=indent)


def format_event_hits(hits: list[dict[str, Any]], style: str, width: int = 100) -> str:
    """A table (date, type, source -> target, location) with each highlighted sentence below its row."""
    if not hits:
        return "no matching events"
    header = ["DATE", "TYPE", "SOURCE -> TARGET", "LOCATION"]
    rows = []
    for hit in hits:
        src = hit["_source"]
        event_type = str(src.get("event_type", "?")) + (" (negated)" if src.get("negated") else "")
        location = src.get("location") or {}
        where = ", ".join(p for p in (location.get("name"), location.get("country")) if p)
        rows.append([_date(src), event_type, f"{format_actors(src.get('source'))} -> {format_actors(src.get('target'))}", where])
    lines = _columns([header, *rows], caps=[10, 20, max(30, width - 50), 24])
    out = [lines[0]]
    for hit, line in zip(hits, lines[1:], strict=True):
        sentence = (hit.get("highlight", {}).get("sentence") or [hit["_source"].get("sentence", "")])[0]
        sentence = bounded(sentence, MAX_SHOWN_CHARS)
        out.append(line)
        out.extend(render_highlights(part, style) for part in _wrapped(sentence, width))
    return "\n".join(out)


def format_article_hits(hits: list[dict[str, Any]], style: str, width: int = 100) -> str:
    if not hits:
        return "no matching articles"
    header = ["DATE", "OUTLET", "TITLE"]
    rows = []
    for hit in hits:
        src = hit["_source"]
        title = bounded((hit.get("highlight", {}).get("title") or [src.get("title") or "(untitled)"])[0], MAX_SHOWN_CHARS)
        rows.append([_date(src), str(src.get("source") or "?"), title])
    lines = _columns([header, *rows], caps=[10, 20, max(30, width - 34)])
    out = [lines[0]]
    for hit, line in zip(hits, lines[1:], strict=True):
        out.append(render_highlights(line, style))
        for fragment in hit.get("highlight", {}).get("text", []):
            out.extend(render_highlights(part, style) for part in _wrapped(f"… {bounded(fragment, MAX_SHOWN_CHARS)} …", width))
        if hit["_source"].get("url"):
            out.append(f"    {bounded(hit['_source']['url'], MAX_SHOWN_CHARS)}")
    return "\n".join(out)


def hit_as_json(hit: dict[str, Any]) -> str:
    highlight = {k: [render_highlights(f, "html") for f in v] for k, v in hit.get("highlight", {}).items()}
    return json.dumps(
        bounded({"id": hit["_id"], "index": hit["_index"], "score": hit.get("_score"), "source": hit["_source"], "highlight": highlight}),
        ensure_ascii=False,
        sort_keys=True,
    )


def format_total(response: dict[str, Any], shown: int) -> str:
    """'10 shown of 12 matches', counting distinct ids (collapse does not change hits.total)."""
    distinct = response.get("aggregations", {}).get("distinct", {}).get("value")
    if distinct is not None:
        approx = "≈" if distinct >= DISTINCT_PRECISION else ""
        return f"{shown} shown of {approx}{distinct} matches"
    total = response.get("hits", {}).get("total", {})
    value, relation = total.get("value", shown), total.get("relation", "eq")
    return f"{shown} shown of {'≥' if relation == 'gte' else ''}{value} matches"


# --- command line ------------------------------------------------------------------


def _country(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 3166-1 alpha-3 code (or IGO)")
    return code


def _event_type(value: str) -> str:
    code = value.strip().upper()
    if code not in event_types():
        raise argparse.ArgumentTypeError(f"{value!r} is not a PLOVER type: {', '.join(event_types())}")
    return code


def _time(value: str) -> str:
    try:
        return parse_time(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="news-search", description="Search coded news events, stories or articles in Elasticsearch.")
    parser.add_argument(
        "text", nargs="?", help='words to find in the sentence; "quotes" for phrases; AND, OR, NOT (or +, |, -word) and (parentheses)'
    )
    parser.add_argument("--type", dest="types", action="append", type=_event_type, default=[], help="PLOVER event type (repeatable)")
    parser.add_argument(
        "--country",
        dest="countries",
        action="append",
        type=_country,
        default=[],
        help="source, target or location country, alpha-3 (repeatable)",
    )
    parser.add_argument("--since", type=_time, help="e.g. 7d, 12h, 2024-05-01")
    parser.add_argument("--until", type=_time, help="exclusive upper bound, same forms as --since")
    parser.add_argument("--min-confidence", type=float, help="events only: minimum extractor confidence")
    kinds = parser.add_mutually_exclusive_group()
    kinds.add_argument("--articles", action="store_true", help="search enriched articles instead of events")
    kinds.add_argument("--stories", action="store_true", help="search stories (one real-world event across articles) with their counts")
    parser.add_argument("--count-by", choices=COUNT_BY, help="print counts per day, type, country or source (outlet) as bars instead of hits")
    parser.add_argument("--limit", type=int, default=10, help="number of results (default 10)")
    parser.add_argument("--sort", choices=["relevance", "date", "top"], help="default: relevance with text, else date (stories: top, most sources first)")
    parser.add_argument("--json", action="store_true", help="one JSON object per hit")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="bold highlights (auto: on a terminal)")
    parser.add_argument("--index", help="alias or index to search (default: the events, stories or articles alias)")
    return parser


def highlight_style(color: str, stream: TextIO) -> str:
    if color == "always" or (color == "auto" and stream.isatty() and not os.environ.get("NO_COLOR")):
        return "ansi"
    return "markdown"


def main(argv: list[str] | None = None, *, es: Elasticsearch | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    if args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return 2
    request = SearchRequest(
        text=args.text,
        stories=args.stories,
        types=tuple(args.types),
        countries=tuple(args.countries),
        since=args.since,
        until=args.until,
        articles=args.articles,
        limit=args.limit,
        min_confidence=args.min_confidence,
        sort=args.sort,
    )
    index = args.index or index_name("articles" if args.articles else "stories" if args.stories else "events")
    client = es or make_es()
    body = build_count_query(request, args.count_by, size=max(args.limit, 10)) if args.count_by else build_query(request)
    try:
        response = client.search(index=index, **body).body
    except NotFoundError:
        print(f"error: no index or alias {index!r}; has the bootstrap (make up) run?", file=sys.stderr)
        return 2
    except ApiError as exc:
        print(f"error: Elasticsearch refused the search: {exc}", file=sys.stderr)
        return 2
    except TransportError as exc:
        print(f"error: cannot reach Elasticsearch (ELASTICSEARCH_URL): {type(exc).__name__}. Start the local services with `make up`.", file=sys.stderr)
        return 2
    width = shutil.get_terminal_size((100, 24)).columns
    if args.count_by:
        if args.json:
            print(json.dumps(response.get("aggregations", {}), ensure_ascii=False, sort_keys=True), file=out)
        else:
            print(format_counts(response, request, args.count_by, width), file=out)
        _hint(request, response)
        return 0
    hits = response["hits"]["hits"]
    if args.json:
        for hit in hits:
            print(hit_as_json(hit), file=out)
        return 0
    style = highlight_style(args.color, out)
    formatter = format_article_hits if args.articles else format_story_hits if args.stories else format_event_hits
    print(formatter(hits, style, width), file=out)
    print(format_total(response, len(hits)), file=out)
    _hint(request, response)
    return 0


def _hint(request: SearchRequest, response: dict[str, Any]) -> None:
    """Lower-case or/not are stop words, not operators: say so on stderr."""
    hint = operator_hint(request.text)
    if hint:
        print(hint, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
