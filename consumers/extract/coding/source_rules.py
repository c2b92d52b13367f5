"""Source rules: who did it, once the clause's subject (or agent, or speaker) is resolved.

Each rule is a plain function registered by name for one stage of `EventExtractor.build`; rules of a
stage run in registration order, each on the actors the one before left:

* `PRONOUN`: a subject pronoun's antecedent was resolved; the rule may pick who the pronoun is
  instead (`fn(query, pronoun, antecedent, found) -> actors`);
* `ANTECEDENT`: the event is kept; an actor of no country may refer back to one named earlier in
  the sentence (`fn(query, actor) -> actors`), before the place of the event is asked;
* `AFTER_PLACE`: the countries the place implies are filled in; what is still missing may come
  from the sentence (`fn(query, actor) -> actors`).

A rule marked `dedupe` has its stage's result made unique (a pair of countries read for "both" may
repeat one named already). Rules can be run alone (`run(name, ...)`) and listed (`names()`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from spacy.tokens import Token

from .. import triples as tr
from ..actors import Actor, ActorResolver
from .model import Sentence, unique
from .roles import multinational

if TYPE_CHECKING:
    from .places import Locator
    from .roles import RoleFiller

PRONOUN = "pronoun"
ANTECEDENT = "antecedent"
AFTER_PLACE = "after_place"
STAGES = (PRONOUN, ANTECEDENT, AFTER_PLACE)

# Antecedents a personal pronoun cannot have: "he" is no country.
INANIMATE_KINDS = frozenset({"country", "capital", "metonym", "org"})
# Roles held at home: a person with one of them is of the country the sentence is about.
DOMESTIC_ROLE_SECTORS = frozenset({"OPP", "LEG", "JUD", "POL", "EDU", "REL", "MED", "BUS", "CVL", "HLH"})
# Role nouns that "the ..." uses to refer back to a force or body named earlier in the sentence.
ANAPHORIC_SECTORS = frozenset({"MIL", "POL", "REB", "GOV", "SPY"})


@dataclass(slots=True)
class SourceQuery:
    """What the source rules of one sentence need."""

    sent: Sentence
    roles: RoleFiller
    places: Locator

    @property
    def resolver(self) -> ActorResolver:
        return self.roles.resolver


@dataclass(frozen=True, slots=True)
class SourceRule:
    name: str
    stage: str
    fn: Callable[..., list[Actor]]
    dedupe: bool


_REGISTRY: dict[str, SourceRule] = {}


def source_rule(name: str, stage: str, *, dedupe: bool = False) -> Callable[[Callable[..., list[Actor]]], Callable[..., list[Actor]]]:
    """Register a rule under a name for a stage; rules of a stage run in registration order."""
    if stage not in STAGES:
        raise ValueError(f"source rule {name!r}: unknown stage {stage!r}")

    def register(fn: Callable[..., list[Actor]]) -> Callable[..., list[Actor]]:
        if name in _REGISTRY:
            raise ValueError(f"source rule {name!r} registered twice")
        _REGISTRY[name] = SourceRule(name, stage, fn, dedupe)
        return fn

    return register


def names(stage: str | None = None) -> list[str]:
    return [r.name for r in _REGISTRY.values() if stage is None or r.stage == stage]


def run(name: str, q: SourceQuery, *args: Any) -> list[Actor]:
    """One rule alone: (pronoun, antecedent, found) for a pronoun rule, (actor,) for the others."""
    return _REGISTRY[name].fn(q, *args)


def pronoun_sources(q: SourceQuery, pron: Token, antecedent: Token, found: list[Actor]) -> list[Actor]:
    """The actors a subject pronoun stands for, given its antecedent and what that resolved to."""
    for rule in _REGISTRY.values():
        if rule.stage == PRONOUN:
            found = rule.fn(q, pron, antecedent, found)
    return found


def refine(stage: str, q: SourceQuery, sources: list[Actor]) -> list[Actor]:
    """The sources after the actor rules of a stage, each run on every actor in turn."""
    for rule in _REGISTRY.values():
        if rule.stage != stage or rule.stage == PRONOUN:
            continue
        out = [b for a in sources for b in rule.fn(q, a)]
        sources = unique(out) if rule.dedupe else out
    return sources


# ----------------------------------------------------------------------------- pronoun rules

@source_rule("animate_antecedent", PRONOUN)
def animate_antecedent(q: SourceQuery, pron: Token, antecedent: Token, found: list[Actor]) -> list[Actor]:
    """"he/she" is a person, not the country that is the subject above: "Mexico granted asylum to
    Evo Morales after he resigned" takes the person the clause above names as object."""
    if pron.lower_ not in {"he", "she"} or not found or any(a.kind not in INANIMATE_KINDS for a in found):
        return found
    verb = antecedent.head
    for obj in (tr.direct_object(verb), *(p for _, p in tr.prep_objects(verb, {"to", "with", "for"}))):
        if obj is not None and obj.ent_type_ == "PERSON" and not tr.is_pronoun(obj):
            people = q.roles.resolve(obj)
            if people:
                return people
    return found


# ----------------------------------------------------------------------------- antecedent rules

@source_rule("pair_antecedent", ANTECEDENT, dedupe=True)
def pair_antecedent(q: SourceQuery, actor: Actor) -> list[Actor]:
    """"Jordan and Israel opened ... before the two countries' leaders met", "talks between Phnom Penh
    and Bangkok ... both governments agreed": "both" / "the two" refer back to the pair of
    countries coordinated earlier in the sentence."""
    words = actor.text.lower().split()
    if actor.country is not None or actor.kind != "sector" or words[:1] != ["both"] and words[:2] != ["the", "two"]:
        return [actor]
    resolver = q.resolver
    for tok in reversed(q.sent.tokens):
        if tok.i >= actor.start or tok.dep_ == "conj" or not tok.conjuncts:
            continue
        found = [a for part in (tok, *tok.conjuncts) if part.i < actor.start
                 for a in resolver._resolve_one(part, None, False, False, 0)]
        countries = list(dict.fromkeys(a.country for a in found if a.country and a.country != "IGO"))
        if len(countries) == 2:
            return [Actor(actor.text, resolver.t.country_label(c, actor.sector), c, actor.sector, actor.start,
                          actor.end, actor.kind) for c in countries]
    return [actor]


@source_rule("definite_antecedent", ANTECEDENT)
def definite_antecedent(q: SourceQuery, actor: Actor) -> list[Actor]:
    """"Israeli forces pulled out ... as the troops withdrew", "Sudan's generals ... after the army
    rejected", "Assad's forces ... as government troops massed": a definite role noun of no country refers back to the nearest earlier actor of its
    sector in the sentence that has one (before the place of the event is asked)."""
    doc = q.sent.span.doc
    if (actor.country is not None or actor.kind != "sector" or actor.sector not in ANAPHORIC_SECTORS
            or doc[actor.start].lower_ not in {"the", "government"} or actor.end - actor.start > 3):
        return [actor]
    for tok in reversed(q.sent.tokens):
        if tok.i >= actor.start or tok.pos_ not in {"NOUN", "PROPN"} or tok.dep_ in {"compound", "amod", "poss"}:
            continue
        for earlier in q.resolver._resolve_one(tok, None, True, False, 0):
            if earlier.kind == "sector" and earlier.sector == actor.sector and earlier.country and earlier.end <= actor.start:
                return [Actor(actor.text, earlier.name, earlier.country, actor.sector, actor.start, actor.end, actor.kind)]
    return [actor]


# ----------------------------------------------------------------------------- after the place

@source_rule("titled_person_country", AFTER_PLACE)
def titled_person_country(q: SourceQuery, actor: Actor) -> list[Actor]:
    """"opposition leader Brendan Nelson" in a sentence about Australia: a named person the
    dictionary does not know, with a domestic role, is of the one country the sentence names (C38)."""
    if actor.country is not None or actor.kind != "entity" or actor.sector not in DOMESTIC_ROLE_SECTORS:
        return [actor]
    if q.sent.span.doc[actor.end - 1].ent_type_ != "PERSON":
        return [actor]
    home = q.places.sentence_country(q.sent)
    if home is None:
        return [actor]
    return [Actor(actor.text, actor.name, home, actor.sector, actor.start, actor.end, actor.kind)]


# Role nouns of a state's own organs: unqualified, they are of the state where the sentence's events take
# place, though its other clauses name foreigners (C38). (An opposition may meet abroad.)
PLACED_SECTORS = frozenset({"GOV", "POL", "JUD", "LEG"})


@source_rule("home_of_named_places", AFTER_PLACE)
def home_of_named_places(q: SourceQuery, actor: Actor) -> list[Actor]:
    """"French fishermen blockaded Calais ... stranding British holidaymakers, and riot police used tear
    gas", "civilians in Kyiv took up rifles as Russian troops approached, and the government told ...":
    an unqualified organ of a state in a sentence that names several countries, but whose places
    ("in Kyiv", "at Calais", "the town of Bunia") all lie in one, is of that one (C38)."""
    if actor.country is not None or actor.kind != "sector" or actor.sector not in PLACED_SECTORS:
        return [actor]
    if multinational(q.sent.span.doc, actor):
        return [actor]  # "the presidents of five Central American nations", "the governments"
    home = q.places.country_of_named_places(q.sent)
    if home is None:
        return [actor]
    return [Actor(actor.text, q.resolver.t.country_label(home, actor.sector), home, actor.sector, actor.start, actor.end, actor.kind)]
