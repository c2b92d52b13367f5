from __future__ import annotations

import io
import json

import pytest

from consumers.indexing.documents import article_document, event_document
from consumers.search_cli import (
    ANSI_BOLD,
    ANSI_RESET,
    HL_END,
    HL_START,
    SearchRequest,
    bar,
    build_count_query,
    build_parser,
    build_query,
    format_counts,
    format_story_hits,
    operator_hint,
    translate_operators,
    format_article_hits,
    format_event_hits,
    format_total,
    hit_as_json,
    parse_time,
    quote_hyphenated,
    render_highlights,
)
from tests.event_factories import actor, make_enriched_article, make_event


def test_build_query_for_the_readme_example() -> None:
    body = build_query(SearchRequest(text="de-escalation", types=("AGREE",), countries=("SYR",), since="now-7d", limit=10))
    assert body["size"] == 10
    bool_query = body["query"]["bool"]
    assert bool_query["must"] == [
        {
            "simple_query_string": {
                "query": '"de-escalation"',
                "fields": ["sentence^3", "article_title", "action.text", "source.name", "target.name", "location.name"],
                "default_operator": "and",
            }
        }
    ]
    assert bool_query["filter"] == [
        {"terms": {"event_type": ["AGREE"]}},
        {"terms": {"countries": ["SYR"]}},
        {"range": {"@timestamp": {"gte": "now-7d"}}},
    ]
    assert body["sort"][0] == "_score"
    assert body["collapse"] == {"field": "event_id"}
    assert body["aggs"]["distinct"]["cardinality"]["field"] == "event_id"
    assert body["highlight"]["pre_tags"] == [HL_START]
    assert body["highlight"]["fields"]["sentence"] == {"number_of_fragments": 0}


def test_build_query_without_text_sorts_by_date_and_matches_all() -> None:
    body = build_query(SearchRequest())
    assert body["query"] == {"match_all": {}}
    assert body["sort"] == [{"@timestamp": {"order": "desc", "missing": "_last"}}]


def test_build_query_for_articles_uses_article_fields() -> None:
    body = build_query(
        SearchRequest(text="ceasefire", types=("ASSAULT",), countries=("UKR", "RUS"), until="2024-06-01", articles=True, min_confidence=0.9)
    )
    assert body["query"]["bool"]["filter"] == [
        {"terms": {"event_types": ["ASSAULT"]}},
        {"terms": {"countries": ["UKR", "RUS"]}},
        {"range": {"@timestamp": {"lt": "2024-06-01"}}},
    ]
    assert body["query"]["bool"]["must"][0]["simple_query_string"]["fields"] == ["title^2", "text"]
    assert body["collapse"] == {"field": "article_id"}
    assert body["_source"] == {"excludes": ["text"]}
    assert set(body["highlight"]["fields"]) == {"title", "text"}


def test_min_confidence_filter_for_events() -> None:
    body = build_query(SearchRequest(min_confidence=0.7, sort="relevance"))
    assert body["query"]["bool"]["filter"] == [{"range": {"confidence": {"gte": 0.7}}}]
    assert body["sort"][0] == "_score"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("de-escalation", '"de-escalation"'),
        ("de-escalation talks", '"de-escalation" talks'),
        ('"cease-fire talks" de-escalation', '"cease-fire talks" "de-escalation"'),
        ("troops -withdrawal", "troops -withdrawal"),
        ("Bosnia-Herzegovina-based NGOs", '"Bosnia-Herzegovina-based" NGOs'),
        ("plain words", "plain words"),
    ],
)
def test_quote_hyphenated(given: str, expected: str) -> None:
    assert quote_hyphenated(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [("7d", "now-7d"), ("12h", "now-12h"), ("2w", "now-2w"), ("3M", "now-3M"), ("2024-05-01", "2024-05-01"), ("now-1d/d", "now-1d/d")],
)
def test_parse_time(given: str, expected: str) -> None:
    assert parse_time(given) == expected


def test_parse_time_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="cannot read time"):
        parse_time("last week")


def test_parser_validates_types_and_countries(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["talks", "--type", "agree", "--country", "syr", "--country", "TUR", "--since", "7d"])
    assert (args.text, args.types, args.countries, args.since) == ("talks", ["AGREE"], ["SYR", "TUR"], "now-7d")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--type", "HUG"])
    assert "not a PLOVER type" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--country", "Syria"])


def test_render_highlights_in_each_style() -> None:
    text = f"agreed on {HL_START}de{HL_END}-{HL_START}escalation{HL_END} today"
    assert render_highlights(text, "markdown") == "agreed on **de**-**escalation** today"
    assert render_highlights(text, "ansi") == f"agreed on {ANSI_BOLD}de{ANSI_RESET}-{ANSI_BOLD}escalation{ANSI_RESET} today"
    assert render_highlights(text, "plain") == "agreed on de-escalation today"
    assert render_highlights(f"cut {HL_START}mid", "markdown") == "cut **mid**"


def _event_hit(**overrides) -> dict:
    source = event_document(make_event(**overrides))
    return {"_id": source["event_id"], "_index": "news-events-v1-000001", "_score": 3.2, "_source": source}


def test_format_event_hits_as_a_table_with_highlighted_sentences() -> None:
    hit = _event_hit()
    hit["highlight"] = {
        "sentence": [f"Russian forces {HL_START}shelled{HL_END} residential districts of Kharkiv on Thursday, officials said."]
    }
    other = _event_hit(
        event_type="AGREE", negated=True, location=None, source=[actor("Syria", "SYR")], target=[], sentence="Syria did not agree."
    )
    text = format_event_hits([hit, other], "markdown", width=120)
    lines = text.splitlines()
    assert lines[0].split() == ["DATE", "TYPE", "SOURCE", "->", "TARGET", "LOCATION"]
    assert lines[1].startswith("2024-05-02  ASSAULT")
    assert "Russian forces (RUS MIL) -> civilians (UKR CVL)" in lines[1]
    assert lines[1].rstrip().endswith("Kharkiv, UKR")
    assert lines[2] == "    Russian forces **shelled** residential districts of Kharkiv on Thursday, officials said."
    assert "AGREE (negated)" in lines[3]
    assert "Syria (SYR GOV) -> ?" in lines[3]
    assert lines[4] == "    Syria did not agree."
    # columns line up
    assert lines[1].index("ASSAULT") == lines[3].index("AGREE") == lines[0].index("TYPE")


def test_format_event_hits_wraps_long_sentences_and_uses_ansi_on_terminals() -> None:
    hit = _event_hit(sentence="word " * 60)
    hit["highlight"] = {"sentence": [("word " * 30) + f"{HL_START}target{HL_END} " + ("word " * 29)]}
    lines = format_event_hits([hit], "ansi", width=80).splitlines()
    assert len(lines) > 3
    assert all(line.startswith("    ") for line in lines[2:])
    assert any(f"{ANSI_BOLD}target{ANSI_RESET}" in line for line in lines)


def test_format_article_hits_and_empty_results() -> None:
    source = article_document(make_enriched_article())
    source.pop("text")
    hit = {
        "_id": "a",
        "_index": "i",
        "_score": 1.0,
        "_source": source,
        "highlight": {"text": [f"Talks on {HL_START}de{HL_END}-{HL_START}escalation{HL_END} are due"]},
    }
    lines = format_article_hits([hit], "markdown", width=100).splitlines()
    assert lines[0].split() == ["DATE", "OUTLET", "TITLE"]
    assert lines[1].startswith("2024-05-03  example-wire  Strikes hit Kharkiv overnight")
    assert lines[2] == "    … Talks on **de**-**escalation** are due …"
    assert lines[3] == "    https://news.example.org/2024/05/03/kharkiv"
    assert format_event_hits([], "markdown") == "no matching events"
    assert format_article_hits([], "markdown") == "no matching articles"


def test_json_output_and_totals() -> None:
    hit = _event_hit()
    hit["highlight"] = {"sentence": [f"{HL_START}shelled{HL_END}"]}
    parsed = json.loads(hit_as_json(hit))
    assert parsed["id"] == hit["_id"]
    assert parsed["highlight"] == {"sentence": ["<em>shelled</em>"]}
    assert parsed["source"]["event_type"] == "ASSAULT"
    assert format_total({"hits": {"total": {"value": 12, "relation": "eq"}}}, 10) == "10 shown of 12 matches"
    assert format_total({"hits": {"total": {"value": 13, "relation": "eq"}}, "aggregations": {"distinct": {"value": 12}}}, 10) == (
        "10 shown of 12 matches"
    )
    assert format_total({"hits": {"total": {"value": 10000, "relation": "gte"}}}, 10) == "10 shown of ≥10000 matches"


def test_highlight_style_follows_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from consumers.search_cli import highlight_style

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert highlight_style("auto", Tty()) == "ansi"
    assert highlight_style("auto", io.StringIO()) == "markdown"
    assert highlight_style("always", io.StringIO()) == "ansi"
    monkeypatch.setenv("NO_COLOR", "1")
    assert highlight_style("auto", Tty()) == "markdown"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Russia AND NOT Turkey", "Russia + -Turkey"),
        ("Russia OR Iran", "Russia | Iran"),
        ("NOT (Russia OR Iran) strike", "-(Russia | Iran) strike"),
        ('"NOT a phrase" AND de-escalation', '"NOT a phrase" + de-escalation'),
        ("NOT NOT Russia", "Russia"),
        ("Russia and not Turkey", "Russia and not Turkey"),  # lower case: words (and a hint)
    ],
)
def test_boolean_words_become_operators(given: str, expected: str) -> None:
    assert translate_operators(given) == expected


def test_lower_case_or_and_not_get_a_hint() -> None:
    assert "'not'" in (operator_hint("Russia and not Turkey") or "")
    assert "'or' and 'not'" in (operator_hint("Iran or Iraq not Syria") or "")
    assert operator_hint("Russia and Turkey") is None  # that is what the default does anyway
    assert operator_hint('"war or peace" de-escalation') is None  # inside quotes, and within a word
    assert operator_hint("Russia AND NOT Turkey") is None


def test_readme_boolean_query_reaches_elasticsearch_as_operators() -> None:
    body = build_query(SearchRequest(text="Russia AND NOT Turkey"))
    assert body["query"]["bool"]["must"][0]["simple_query_string"]["query"] == "Russia + -Turkey"


def test_story_queries_sort_top_stories_first() -> None:
    body = build_query(SearchRequest(stories=True, types=("ASSAULT",)))
    assert body["sort"][:3] == [{"num_sources": "desc"}, {"num_articles": "desc"}, {"num_mentions": "desc"}]
    assert body["query"]["bool"]["filter"] == [{"terms": {"event_type": ["ASSAULT"]}}]
    body = build_query(SearchRequest(stories=True, text="drone strike"))
    assert body["sort"][0] == "_score"
    assert body["query"]["bool"]["must"][0]["simple_query_string"]["fields"][0] == "representative.sentence^3"
    assert "collapse" not in body


def test_count_queries_count_events_and_their_distinct_stories() -> None:
    body = build_count_query(SearchRequest(countries=("UKR",)), "type")
    assert body["aggs"]["by"]["terms"]["field"] == "event_type"
    assert body["aggs"]["by"]["aggs"]["stories"]["cardinality"]["field"] == "story_id"
    day = build_count_query(SearchRequest(stories=True), "day")
    assert day["aggs"]["by"]["date_histogram"]["calendar_interval"] == "day"
    assert day["aggs"]["by"]["aggs"]["mentions"]["sum"]["field"] == "num_mentions"
    assert build_count_query(SearchRequest(stories=True), "source")["aggs"]["by"]["terms"]["field"] == "outlets"
    assert build_count_query(SearchRequest(), "source")["aggs"]["by"]["terms"]["field"] == "article_source"


def test_format_counts_draws_proportional_bars() -> None:
    response = {
        "hits": {"total": {"value": 30}},
        "aggregations": {
            "stories": {"value": 12},
            "by": {"buckets": [{"key": "ASSAULT", "doc_count": 20, "stories": {"value": 8}}, {"key": "AGREE", "doc_count": 10, "stories": {"value": 4}}]},
        },
    }
    text = format_counts(response, SearchRequest(), "type", width=40)
    lines = text.splitlines()
    assert lines[0] == "30 events in 12 stories by type (events, [stories])"
    assert lines[1].startswith("ASSAULT  ") and lines[1].endswith("20  [8]")
    assert lines[1].count("█") == 2 * lines[2].count("█")
    assert bar(1, 8, 1) == "▏" and bar(8, 8, 1) == "█" and bar(0, 8, 10) == ""


def test_format_story_hits_shows_the_counts() -> None:
    from consumers.stories.grouping import Group

    group = Group("ASSAULT")
    sid = group.assign(make_event(), 1.0).story_id
    group.assign(make_event(event_id="9" * 32, article_id="8" * 32, article_source="daily"), 2.0)
    hit = {"_id": sid, "_source": group.stories[sid].message()}
    text = format_story_hits([hit], "markdown", 120)
    header, row, sentence, outlets = text.splitlines()
    assert header.split() == ["DATE", "TYPE", "SOURCE", "->", "TARGET", "WHERE", "SRC", "ART", "MEN"]
    assert row.split()[:2] == ["2024-05-02", "ASSAULT"] and row.split()[-3:] == ["2", "2", "2"]
    assert "shelled residential districts" in sentence and outlets.strip().startswith("outlets: daily, example-wire")
