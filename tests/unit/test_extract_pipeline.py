"""The pipeline object: components, extensions, nlp.pipe with contexts and several processes."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

from consumers.extract.pipeline import (
    CUSTOM_COMPONENTS,
    EXCLUDED_COMPONENTS,
    MODEL_COMPONENTS,
    ArticleResult,
    analysed_text,
    load_pipeline,
    process_articles,
)
from schemas import validate

EVAL_FILE = Path(__file__).resolve().parents[1] / "eval" / "frozen" / "test-a.jsonl"


def eval_articles(n: int) -> list[dict[str, Any]]:
    items = [json.loads(line) for line in EVAL_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": it["id"], "text": it["text"], "title": it.get("title"), "published_at": it.get("published_at")} for it in items[:n]]


def test_pipeline_is_loaded_once_with_the_event_components(nlp: Any) -> None:
    assert load_pipeline() is nlp
    assert nlp.pipe_names == [CUSTOM_COMPONENTS[0], *MODEL_COMPONENTS, *CUSTOM_COMPONENTS[1:]]
    assert not set(EXCLUDED_COMPONENTS) & set(nlp.component_names)


def test_doc_extensions_with_nlp_pipe_contexts(nlp: Any) -> None:
    texts = [
        (
            "MOSCOW (Reuters) - Russia and China staged joint naval drills on Thursday.",
            {"article_id": "a", "published_at": "2023-07-21T06:00:00Z"},
        ),
        ("The museum reopened after a renovation.", {"article_id": "b", "published_at": None}),
    ]
    docs = list(nlp.pipe(texts, as_tuples=True, batch_size=2))
    (doc, ctx), (quiet, _) = docs
    assert ctx["article_id"] == "a" and doc._.article_id == "a"
    assert doc._.reference_date == "2023-07-21"
    assert doc._.dateline["country"] == "RUS"
    assert [e["event_type"] for e in doc._.events] == ["COOPERATE"]
    assert doc._.events[0]["event_date"] == "2023-07-20"
    assert set(doc._.countries) >= {"RUS", "CHN"}
    assert {a["name"] for a in doc._.actors} >= {"Russia", "China"}
    assert quiet._.events == [] and quiet._.reference_date is None


def test_plain_nlp_call_works_without_context(nlp: Any) -> None:
    doc = nlp("Iran released two French citizens.")
    assert [e["event_type"] for e in doc._.events] == ["RETREAT"]  # releases are RETREAT (guidelines C1)
    assert doc._.article_id is None


def test_components_pickle_as_their_constructor(nlp: Any) -> None:
    for name in CUSTOM_COMPONENTS:
        component = nlp.get_pipe(name)
        restored = pickle.loads(pickle.dumps(component))
        assert type(restored) is type(component) and len(pickle.dumps(component)) < 1000


def test_two_processes_give_the_same_results(nlp: Any) -> None:
    articles = eval_articles(24)
    one = [r.events for r in process_articles(nlp, articles, batch_size=8, n_process=1)]
    two = [r.events for r in process_articles(nlp, articles, batch_size=4, n_process=2)]
    assert one == two and any(one)


def test_process_articles_keeps_order_and_contracts(nlp: Any) -> None:
    articles = eval_articles(40)
    results = list(process_articles(nlp, iter(articles), batch_size=7, extracted_at="2026-01-01T00:00:00Z"))
    assert [r.article["id"] for r in results] == [a["id"] for a in articles]
    for result in results:
        assert isinstance(result, ArticleResult)
        validate("enriched_article", result.enriched)
        assert result.enriched["extracted_at"] == "2026-01-01T00:00:00Z"
        for event in result.events:
            validate("event", event)
            assert event["article_id"] == result.article["id"]
            offsets = event["sentence_offsets"]
            assert result.enriched["text"][offsets["start"] : offsets["end"]] == event["sentence"]
    # the offsets point into the Doc's own text, which the results carry
    for article, result in zip(articles[:8], results[:8], strict=True):
        doc = nlp(analysed_text(article)[0])
        assert result.enriched["text"] == doc.text
        for event in result.events:
            assert doc.char_span(event["sentence_offsets"]["start"], event["sentence_offsets"]["end"]).text == event["sentence"]


def test_title_already_in_text_is_not_repeated(nlp: Any) -> None:
    text = "Rein in Assad, Trump tells Moscow\n\nSyrian rebels have ruled out respecting the safe zones."
    result = next(process_articles(nlp, [{"id": "t", "title": "Rein in Assad, Trump tells Moscow", "text": text}]))
    assert result.enriched["text"] == text
    assert {e["event_type"] for e in result.events} == {"REQUEST", "REJECT"}


def test_unsupported_language_is_flagged_not_silent(nlp: Any) -> None:
    russian = {
        "id": "ru",
        "language": "ru",
        "title": "Переговоры в Анкаре",
        "text": "Министр иностранных дел России провёл в понедельник переговоры со своим турецким коллегой в Анкаре.",
    }
    english = {"id": "en", "language": "en", "text": "Russia attacked Ukraine on Thursday."}
    unknown = {"id": "xx", "text": "Russia attacked Ukraine on Thursday."}
    results = {r.article["id"]: r.enriched for r in process_articles(nlp, [russian, english, unknown])}
    for enriched in results.values():
        validate("enriched_article", enriched)
    assert results["ru"]["unsupported_language"] is True and results["ru"]["event_count"] == 0
    assert results["en"]["unsupported_language"] is False and results["en"]["event_count"] == 1
    assert results["xx"]["unsupported_language"] is False
