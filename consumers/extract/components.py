"""spaCy pipeline components and Doc extensions for event coding.

Registered at import time, so `nlp.pipe(..., n_process=N)` workers know them. Each component
keeps only a reference to per-process lookup tables (built once, cached) and pickles as its
constructor arguments, so spawn-based multiprocessing rebuilds it instead of shipping tables.

Doc extensions (all plain JSON-like values, so they survive Doc.to_bytes across processes):
  Doc._.article_id       str | None   from the nlp.pipe(as_tuples=True) context
  Doc._.published_at     str | None   ISO 8601, from the context
  Doc._.reference_date   str | None   the day relative dates count from (publication date)
  Doc._.title_chars      int          length of the title prefix ("title\\n\\n"), 0 if none
  Doc._.boilerplate      list         [start, end] character ranges of boilerplate lines
  Doc._.dateline         dict | None  geocoded dateline ("KABUL (Reuters) -")
  Doc._.dateline_span    list | None  [start, end, city, region] of the dateline text
  Doc._.actors           list         dictionary-resolved named actors {text,name,country,sector,start_char,end_char,label}
  Doc._.countries        list         ISO-3 codes mentioned, in order of first mention
  Doc._.events           list         coded events (see coding.EventExtractor)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .actors import ActorResolver, get_actor_tables
from .coding import Context, EventExtractor
from .dates import reference_date, warm_up
from .geocode import Place, get_gazetteer, normalise
from .layout import find_dateline, in_ranges, is_boilerplate, line_breaks
from .lexicon import get_lexicon
from .typer import get_model as get_typer

CONTEXT_COMPONENT = "newsevents_context"
ACTORS_COMPONENT = "newsevents_actors"
EVENTS_COMPONENT = "newsevents_events"
CUSTOM_COMPONENTS = (CONTEXT_COMPONENT, ACTORS_COMPONENT, EVENTS_COMPONENT)

ENTITY_LABELS_FOR_ACTORS = frozenset({"GPE", "NORP", "ORG", "PERSON", "FAC", "LOC"})

_EXTENSIONS: dict[str, Any] = {
    "article_id": None,
    "published_at": None,
    "reference_date": None,
    "title_chars": 0,
    "boilerplate": None,
    "dateline": None,
    "dateline_span": None,
    "actors": None,
    "countries": None,
    "events": None,
}
for _name, _default in _EXTENSIONS.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def skip_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges that hold no actors or events: boilerplate lines and the dateline, sorted."""
    ranges = [(s, e) for s, e in (doc._.boilerplate or [])]
    if doc._.dateline_span:
        ranges.append((doc._.dateline_span[0], doc._.dateline_span[1]))
    return sorted(ranges)


def _context_value(doc: Doc, key: str) -> Any:
    ctx = getattr(doc, "_context", None)
    return ctx.get(key) if isinstance(ctx, Mapping) else None


class DocContext:
    """Reads the per-article context, forces sentence breaks at line breaks and marks boilerplate lines.

    Runs before the parser: sentence starts set here are respected by it, so a title or a
    "More news: ..." line never runs into the next paragraph.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if doc._.article_id is None:
            doc._.article_id = _context_value(doc, "article_id")
        if doc._.published_at is None:
            doc._.published_at = _context_value(doc, "published_at")
        title_chars = _context_value(doc, "title_chars")
        if title_chars:
            doc._.title_chars = int(title_chars)
        ref = reference_date(doc._.published_at)
        doc._.reference_date = ref.isoformat() if ref else None
        text = doc.text
        breaks = line_breaks(text, is_boilerplate=is_boilerplate)
        dateline = find_dateline(text, doc._.title_chars or 0)
        if dateline is not None:
            # "KHARTOUM, Sudan: Sudanese troops ...": the story starts after the dateline
            doc._.dateline_span = [dateline.start, dateline.end, dateline.city, dateline.region]
            breaks.add(dateline.end)
        if breaks:
            starts = doc.to_array([SENT_START]).reshape(-1).astype("int64")  # -1 means "not a start"
            for tok in doc[1:]:
                if tok.is_space or tok.idx not in breaks:
                    continue
                starts[tok.i] = 1
                # A forced start after an unpunctuated line (a title) can make the parser cut off the
                # first word ("Moscow | accused Kyiv ..."); a word can't be a sentence of its own here.
                if tok.is_alpha and tok.i + 1 < len(doc) and not doc[tok.i + 1].is_space and starts[tok.i + 1] != 1:
                    starts[tok.i + 1] = -1
            doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))
        doc._.boilerplate = self._boilerplate(text)
        return doc

    @staticmethod
    def _boilerplate(text: str) -> list[list[int]]:
        ranges: list[list[int]] = []
        pos = 0
        for line in text.splitlines(keepends=True):
            if line.strip() and is_boilerplate(line):
                ranges.append([pos, pos + len(line)])
            pos += len(line)
        return ranges

    def __reduce__(self) -> tuple[Any, ...]:
        return (DocContext, (None, self.name))


class ActorMentions:
    """Named actors of the whole document (from NER spans) and the countries it mentions."""

    def __init__(self, nlp: Language | None, name: str) -> None:
        self.name = name
        self.tables = get_actor_tables()

    def __call__(self, doc: Doc) -> Doc:
        actors: list[dict[str, Any]] = []
        countries: list[str] = []
        skip = skip_ranges(doc)
        for ent in doc.ents:
            if ent.label_ not in ENTITY_LABELS_FOR_ACTORS or in_ranges(ent.start_char, skip):
                continue
            infos = self._matches(doc, ent.start, ent.end)
            info = infos[-1] if infos else None  # the head of a name is at its end
            if info is None or (info.country is None and info.kind != "org"):
                continue
            actors.append({
                "text": ent.text, "name": info.name, "country": info.country, "sector": info.sector,
                "start_char": ent.start_char, "end_char": ent.end_char, "label": ent.label_,
            })
            # a wire credit ("(AP)", "Reuters") says nothing about the countries in the story
            if info.country and info.country != "IGO" and info.sector != "MED" and info.country not in countries:
                countries.append(info.country)
        doc._.actors = actors
        doc._.countries = countries
        return doc

    def _matches(self, doc: Doc, start: int, end: int) -> list[Any]:
        return [m.info for m in self.tables.scan(doc, start, end) if m.info.kind != "sector"]

    def __reduce__(self) -> tuple[Any, ...]:
        return (ActorMentions, (None, self.name))


class EventCoder:
    """PLOVER event coding of every sentence; sets Doc._.events (and Doc._.dateline)."""

    def __init__(self, nlp: Language | None, name: str) -> None:
        self.name = name
        gazetteer = get_gazetteer()
        self.gazetteer = gazetteer
        self.extractor = EventExtractor(get_lexicon(), ActorResolver(get_actor_tables()), gazetteer, get_typer())
        warm_up()

    def __call__(self, doc: Doc) -> Doc:
        dateline = self._dateline(doc)
        doc._.dateline = dateline.as_location() if dateline else None
        ref = doc._.reference_date
        ctx = Context(
            reference_date=date.fromisoformat(ref) if ref else None,
            dateline=dateline,
            skip_ranges=skip_ranges(doc),
        )
        doc._.events = self.extractor.extract(doc, ctx)
        countries = list(doc._.countries or [])
        for ev in doc._.events:
            for actor in ev["source"] + ev["target"]:
                if actor["country"] and actor["country"] != "IGO" and actor["country"] not in countries:
                    countries.append(actor["country"])
        doc._.countries = countries
        return doc

    def _dateline(self, doc: Doc) -> Place | None:
        """"MOSCOW (Reuters) -" at the start of the body: the fallback event location."""
        if not doc._.dateline_span:
            return None
        _start, _end, city, region = doc._.dateline_span
        hint = self.gazetteer.country_code(region) if region else None
        return self.gazetteer.lookup(normalise(city).title(), hint)

    def __reduce__(self) -> tuple[Any, ...]:
        return (EventCoder, (None, self.name))


@Language.factory(CONTEXT_COMPONENT)
def make_context(nlp: Language, name: str) -> DocContext:
    return DocContext(nlp, name)


@Language.factory(ACTORS_COMPONENT)
def make_actors(nlp: Language, name: str) -> ActorMentions:
    return ActorMentions(nlp, name)


@Language.factory(EVENTS_COMPONENT)
def make_events(nlp: Language, name: str) -> EventCoder:
    return EventCoder(nlp, name)
