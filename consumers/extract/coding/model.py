"""The values event coding passes around: a candidate trigger, a sentence, the document context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Span, Token

from .. import triples as tr
from ..actors import Actor
from ..geocode import Place
from ..lexicon import Sense, VerbEntry

# How the sentence presents an event (PLOVER codes intentions and claims, not only acts).
ASSERTED = "asserted"  # it happened / is happening
INTENDED = "intended"  # pledged, ready to, will (coded AGREE)
CLAIMED = "claimed"  # someone says another party did it (coded ACCUSE by the claimant)
THREATENED = "threatened"  # conditional or forceful intent (coded THREATEN)
REFUSED = "refused"  # refused / would not (coded REJECT)
MODALITIES = (ASSERTED, INTENDED, CLAIMED, THREATENED, REFUSED)


@dataclass(slots=True)
class Candidate:
    """A word that may express an event, and what the construction rules decided about it."""

    trigger: Token
    sense: Sense
    kind: str  # "verb", "light" (verb + event noun), "noun" (nominal event)
    entry: VerbEntry | None = None
    noun: Token | None = None
    prep: Token | None = None
    suppressed: bool = False
    event_type: str = ""
    complement: Token | None = None
    condition: Token | None = None
    modality: str = ASSERTED
    rules: list[str] = field(default_factory=list)  # names of the construction rules that changed it
    # Roles a construction fixed before role filling ("A said B shelled C": source A, target B).
    source_tokens: list[Token] | None = None
    target_tokens: list[Token] | None = None
    negated: bool = False
    learned: bool = False  # found by the typer, not the lexicon
    vetoed: bool = False  # the typer reads no event here
    proposed: str | None = None  # a framing category the typer reads here, if no construction rule decides

    def __post_init__(self) -> None:
        self.event_type = self.sense.type

    def recode(self, event_type: str, rule: str, modality: str | None = None) -> None:
        self.event_type = event_type
        if modality is not None:
            self.modality = modality
        self.rules.append(rule)

    def suppress(self, rule: str) -> None:
        self.suppressed = True
        self.rules.append(rule)


@dataclass(slots=True)
class Sentence:
    """A sentence with what several events of it need, computed once (spaCy makes a new Token
    object on every access, so repeated passes over a Span are what costs)."""

    span: Span
    index: int
    tokens: list[Token]
    ents: list[Span]
    start: int  # character offsets of the sentence without surrounding whitespace
    end: int
    _lemmas: set[str] | None = None
    _speaker: list[Token | None] | None = None
    _conditional: set[int] | None = None
    triggers: set[int] = field(default_factory=set)  # verbs that trigger an event in this sentence
    country: str | None = None  # the one country the sentence names ("" when several or none); set by Locator

    @classmethod
    def of(cls, span: Span, index: int, doc_ents: list[Span], first_ent: int = 0) -> Sentence:
        """`doc_ents` sorted by start; `first_ent` is the index of the first one that may be in the span."""
        tokens = list(span)
        content = [t for t in tokens if not t.is_space]
        start = content[0].idx if content else span.start_char
        end = content[-1].idx + len(content[-1].text) if content else span.end_char
        ents = []
        for ent in doc_ents[first_ent:]:
            if ent.start >= span.end:
                break
            if ent.start >= span.start:
                ents.append(ent)
        return cls(span, index, tokens, ents, start, end)

    @property
    def lemmas(self) -> set[str]:
        if self._lemmas is None:
            self._lemmas = {t.lemma_.lower() for t in self.tokens}
        return self._lemmas

    def according_to(self) -> Token | None:
        if self._speaker is None:
            self._speaker = [tr.according_to(self.tokens)]
        return self._speaker[0]

    def conditional(self) -> set[int]:
        """Token indices inside "if/unless/until" clauses."""
        if self._conditional is None:
            out: set[int] = set()
            for tok in self.tokens:
                if tok.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless", "until"} for m in tok.children):
                    out.update(t.i for t in tok.subtree)
            self._conditional = out
        return self._conditional


@dataclass(slots=True)
class Context:
    """Per-document values the extractor needs."""

    reference_date: date | None = None
    dateline: Place | None = None
    skip_ranges: list[tuple[int, int]] = field(default_factory=list)


def same(a: Token | None, b: Token | None) -> bool:
    """Token identity: spaCy creates a new Token object on every access, so `is` never works."""
    return a is not None and b is not None and a.i == b.i


def unique(actors: list[Actor]) -> list[Actor]:
    seen: set[tuple[str, str | None]] = set()
    out = []
    for actor in actors:
        key = (actor.name, actor.country)
        if key not in seen:
            seen.add(key)
            out.append(actor)
    return out
