"""The search CLI prints an excerpt of a huge document, not megabytes of it."""

from __future__ import annotations

import json

from consumers.search_cli import MAX_JSON_STRING_CHARS, format_article_hits, format_event_hits, hit_as_json
from tests.event_factories import make_event

HUGE = "word " * 1_060_000  # 5.3 MB, as indexed before the schema had bounds


def _hit(source: dict, highlight: dict | None = None) -> dict:
    return {"_id": "x", "_index": "news-events-v1-000001", "_score": 1.0, "_source": source, "highlight": highlight or {}}


def test_a_five_megabyte_sentence_prints_as_an_excerpt() -> None:
    hit = _hit(make_event(sentence=HUGE), {"sentence": ["\ue000word\ue001 " + HUGE]})
    text = format_event_hits([hit], "markdown", width=100)
    assert len(text) < 2_000
    assert "**word**" in text


def test_json_output_is_bounded_and_says_so() -> None:
    line = hit_as_json(_hit(make_event(sentence=HUGE)))
    assert len(line) < 3 * MAX_JSON_STRING_CHARS
    sentence = json.loads(line)["source"]["sentence"]
    assert sentence.endswith("more characters]") and sentence.startswith("word word")


def test_articles_too() -> None:
    hit = _hit({"title": HUGE, "source": "x", "url": "https://e.org/" + "a" * 100_000}, {"text": [HUGE]})
    assert len(format_article_hits([hit], "markdown", width=100)) < 5_000
