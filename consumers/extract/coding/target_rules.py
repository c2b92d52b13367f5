"""Target rules: to whom a candidate event is done, read from the syntax around its trigger.

Each rule is a plain function of one `Query` (the candidate, its possibly recoded type, the source's
country and the role filler) that returns what it finds: actors already resolved, and head tokens
still to resolve. Rules are registered by name and run in registration order; every rule's actors
come first in the result, then its heads resolved (`find_targets`); fallback rules, registered
last, run one by one only while no one is found. One rule, `direct_object`, asks a chain of
object rules in turn, the first that names someone wins. Each rule can be run alone
(`run(name, query)`) and listed (`names()`, `object_names()`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from .. import triples as tr
from ..actors import PROPER_KINDS, Actor
from ..yamlio import role_words
from .model import Candidate, same, unique
from .triggers import LOOK_THROUGH_NOUNS

if TYPE_CHECKING:
    from .roles import RoleFiller

# Reactions to someone's act: the actor of the act named by the object is the target.
REACTION_TYPES = frozenset({"ACCUSE", "SUPPORT", "REJECT", "AGREE", "CONCEDE", "REQUEST"})
# RETREAT verbs whose object is a party (people freed or handed back), not a place left.
RELEASE_LEMMAS = frozenset({"free", "release", "return", "repatriate", "hand", "exchange", "swap", "pardon",
                            "extradite", "deliver", "surrender", "evacuate"})
# "marched to demand X's resignation": what the protesters demand or denounce names whom they protest.
PROTEST_AIMS = frozenset({"demand", "denounce", "condemn", "oppose", "protest", "decry", "reject", "urge"})

# Acts of handing over: the to-phrase names the recipient ("extradited X to Ireland").
TRANSFER_TYPES = frozenset({"COOPERATE", "AID"})

# Travel an advisory warns against (roles.yaml): where it goes is the advisory's target (C32).
TRAVEL_WORDS = frozenset(role_words()["travel_words"])
# Nouns that name a travel advisory: "a travel warning for Mali".
ADVISORY_NOUNS = frozenset({"advisory", "warning", "alert"})

# "to help X rebuild": the purpose clause names who is helped.
HELP_LEMMAS = frozenset({"help", "assist", "enable", "support"})

VERB = "verb"  # rules on the clause of a verbal or light-verb trigger
NOUN = "noun"  # rules on the event noun (of a nominal or light-verb trigger)


@dataclass(slots=True)
class Query:
    """One candidate's search for targets, with what several rules need computed once."""

    cand: Candidate
    ev_type: str
    source_country: str | None
    roles: RoleFiller
    preps: frozenset[str] = field(init=False)  # the type's target prepositions ("sanctions on X")
    act_preps: frozenset[str] = field(init=False)  # of an act named by a noun: also "against", and "with" for fighting
    direct: Token | None = field(init=False)  # the verb's direct object, whatever it is
    obj: Token | None = field(init=False)  # the direct object when it is not the event noun itself
    event_object: bool = field(init=False)  # the object names an act ("denounced the crackdown")
    object_is_target: bool = field(init=False)
    # what a preposition's objects resolve to, by the preposition's index: several rules ask the same
    pobj_actors: dict[int, list[Actor]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        cand, lex = self.cand, self.roles.lex
        # a recoded act keeps the prepositions of what it was: "will launch an incursion into Syria" threatens Syria
        self.preps = lex.target_preps.get(self.ev_type, frozenset()) | lex.target_preps.get(cand.sense.type, frozenset())
        self.act_preps = self.preps | {"against"} | ({"with"} if self.ev_type == "ASSAULT" else set())
        self.direct = tr.direct_object(cand.trigger) if cand.kind != "noun" else None
        self.obj = self.direct if self.direct is not None and not same(self.direct, cand.noun) else None
        self.event_object = self.obj is not None and self.roles.triggers.noun_sense(self.obj) is not None and not (
            # "ambushed a police patrol", "attacked an aid convoy": a unit attacked, not an act
            "ASSAULT" in {self.ev_type, cand.sense.type} and self.obj.lemma_.lower() in self.roles.resolver.t.sector_nouns)
        # what one withdraws from or leaves is a place, not a party; whom one frees is the target;
        # what is mobilised moved, it is not whom the troops face (also when recoded: "would not send troops")
        self.object_is_target = (
            (cand.entry is None or cand.entry.object_is_target)
            and (self.ev_type != "RETREAT" or lex.fix_lemma(cand.trigger.lemma_.lower()) in RELEASE_LEMMAS)
            and "MOBILIZE" not in self.types
        )

    @property
    def types(self) -> set[str]:
        """The event type and the trigger's own (a recoded act keeps some of its frame)."""
        return {self.ev_type, self.cand.sense.type}


@dataclass(slots=True)
class Found:
    actors: list[Actor] = field(default_factory=list)
    heads: list[Token] = field(default_factory=list)  # still to resolve


Rule = Callable[[Query], Found]
ObjectRule = Callable[[Query, Token], list[Actor]]


@dataclass(frozen=True, slots=True)
class TargetRule:
    name: str
    scope: str
    apply: Rule
    fallback: bool = False  # runs only when the rules before it found no one

    @property
    def description(self) -> str:
        return (self.apply.__doc__ or "").strip().split("\n")[0]


_REGISTRY: dict[str, TargetRule] = {}
_OBJECT_RULES: dict[str, ObjectRule] = {}


def target_rule(name: str, scope: str = VERB, *, fallback: bool = False) -> Callable[[Rule], Rule]:
    """Register a rule under a name; rules run in the order they are registered, fallbacks only
    when no rule before them found anyone."""

    def register(fn: Rule) -> Rule:
        if name in _REGISTRY or name in _OBJECT_RULES:
            raise ValueError(f"target rule {name!r} registered twice")
        if not fallback and any(r.fallback for r in _REGISTRY.values()):
            raise ValueError(f"target rule {name!r} registered after a fallback")
        _REGISTRY[name] = TargetRule(name, scope, fn, fallback)
        return fn

    return register


def object_rule(name: str) -> Callable[[ObjectRule], ObjectRule]:
    """Register a way of reading the direct object; the first that finds someone wins."""

    def register(fn: ObjectRule) -> ObjectRule:
        if name in _REGISTRY or name in _OBJECT_RULES:
            raise ValueError(f"object rule {name!r} registered twice")
        _OBJECT_RULES[name] = fn
        return fn

    return register


def names() -> list[str]:
    return list(_REGISTRY)


def object_names() -> list[str]:
    return list(_OBJECT_RULES)


def rules() -> list[TargetRule]:
    return list(_REGISTRY.values())


def _applies(rule: TargetRule, cand: Candidate) -> bool:
    return cand.kind != "noun" if rule.scope == VERB else cand.noun is not None


def read_head(q: Query, head: Token) -> list[Actor]:
    """Who a head token a rule found names: the party it names or has inside it ("Pakistan's navy",
    "villages in Chad"); of a deed one is accused of, whoever did it, not where ("a probe into
    sabotage by Russian intelligence at a Warsaw mall"); of what is reacted to, its owner
    ("acceded to the opposition's demand", "balked at a UN proposal")."""
    roles = q.roles
    if q.ev_type == "ACCUSE" and head.pos_ == "NOUN" and not roles.resolve(head):
        doers = roles.noun_sources(head)[0]
        if doers:
            return doers
    actors = roles.resolve(head, poss_country=q.source_country, descend=True)
    if "MOBILIZE" in q.types and _nationality_border(head, actors):
        return []
    if not actors and q.ev_type in REACTION_TYPES:
        actors = owners(roles, head)
    return actors


def _nationality_border(head: Token, actors: list[Actor]) -> bool:
    """"massed near the Saudi border" names where forces are, not whom they face (but "the border with
    Kuwait" and "Ukraine's borders" do)."""
    return head.lemma_.lower() == "border" and bool(actors) and all(a.end <= head.i for a in actors) \
        and not any(c.dep_ == "poss" for c in head.children)


def _resolved(q: Query, found: Found) -> list[Actor]:
    out = list(found.actors)
    for head in found.heads:
        out.extend(read_head(q, head))
    return out


def find_targets(q: Query) -> list[Actor]:
    """All rules in order: their actors first, then their heads resolved; then, while no one is
    found, the fallback rules one by one."""
    found = Found()
    for rule in _REGISTRY.values():
        if not rule.fallback and _applies(rule, q.cand):
            part = rule.apply(q)
            found.actors.extend(part.actors)
            found.heads.extend(part.heads)
    out = _resolved(q, found)
    for rule in _REGISTRY.values():
        if out:
            break
        if rule.fallback and _applies(rule, q.cand):
            out = _resolved(q, rule.apply(q))
    return [a for a in out if not force_as_means(a, q.cand.trigger.doc)]


def force_as_means(actor: Actor, doc: Doc) -> bool:
    """"would respond with force", "did not rule out using military force", "vowed overwhelming force":
    force as a mass noun, with no article or owner, is the means of the act, not a party to it."""
    head = doc[actor.start : actor.end].root
    return (head.lower_ == "force" and head.tag_ == "NN"
            and not any(c.dep_ in {"det", "poss"} or (c.dep_ == "amod" and c.text[:1].isupper()) for c in head.children))


def run(name: str, q: Query) -> list[Actor]:
    """One target rule or object rule alone (when its scope applies)."""
    if name in _OBJECT_RULES:
        return _OBJECT_RULES[name](q, q.obj) if q.obj is not None else []
    rule = _REGISTRY[name]
    return _resolved(q, rule.apply(q)) if _applies(rule, q.cand) else []


# ----------------------------------------------------------------------------- helpers


def owners(roles: RoleFiller, thing: Token) -> list[Actor]:
    """Who a rejected, welcomed or accepted thing belongs to: its possessor or actor modifier ("the
    bloc's peace deal", "a UN proposal"), its author ("a pact proposed by Beijing") or its other
    party ("the peace deal with the FARC", "an invitation to an ECOWAS summit")."""
    found = roles.noun_sources(thing)[0]
    if found:
        return found
    for child in thing.children:
        if child.dep_ == "acl" and child.tag_ == "VBN":
            ag = tr.agent(child)
            if ag is not None:
                found.extend(roles.resolve(ag))
    for _prep, pobj in tr.prep_objects(thing, {"with", "by", "from"}):
        found.extend(roles.resolve(pobj))
    if not found:
        for _prep, pobj in tr.prep_objects(thing, {"to", "of"}):
            found.extend(a for a in roles.resolve(pobj, descend=True) if a.kind not in {"sector", "regional"})
            if not found and pobj.pos_ in {"NOUN", "PROPN"}:
                found.extend(roles.noun_sources(pobj)[0])  # "an invitation to an ECOWAS summit"
    return unique(found)


def thing_owners(roles: RoleFiller, obj: Token, *, of_only: bool = False, aid: bool = False) -> list[Actor]:
    """Whose thing or act the object is: "froze the assets of Venezuela's oil company", "wrote off
    $4 billion of Iraq's debt"; of an act only its of-phrase ("lifted their blockade of Qatar"),
    since its possessor is who did it. Of aid only a possessor: "a shipment of German missiles"
    is what was given."""
    cur = obj
    for _ in range(3):
        if not of_only:
            for child in cur.children:
                if child.dep_ == "poss" and not tr.is_pronoun(child):
                    return roles.resolve(child, descend=True)
        of = [p for _, p in tr.prep_objects(cur, {"of"})]
        if not of:
            return []
        # an actor named by the of-phrase itself, not a nationality word: "the purchase of French weapons" is no one's
        found = [] if aid else [a for a in roles.resolve(of[0]) if a.kind != "modifier"]
        if found:
            return found
        cur, of_only = of[0], False
    return []


def territory_left(roles: RoleFiller, tok: Token) -> list[Actor]:
    """The country whose territory a withdrawal leaves is its target; villages and treaties are not."""
    return [a for _, p in tr.prep_objects(tok, {"from", "of"}) for a in roles.resolve(p) if a.kind == "country"]


# Bodies a promise can bring into being ("a unity government"); not people named to a post ("a new ambassador").
FORMED_BODIES = frozenset({"government", "administration", "cabinet", "council", "commission", "parliament", "assembly",
                           "authority", "coalition", "leadership"})


def to_be_formed(actor: Actor, doc: Doc) -> bool:
    """What a promise will bring about is no party to it yet: "agreed to form a unity government",
    "vowed to hand power back to an elected civilian government", "would support a new government"
    (an unqualified body named with "a"/"an")."""
    if actor.kind != "sector" or actor.country is not None:
        return False
    head = doc[actor.start : actor.end].root
    return head.lemma_.lower() in FORMED_BODIES and any(c.dep_ == "det" and c.lower_ in {"a", "an"} for c in head.children)


# ----------------------------------------------------------------------------- object rules


def noun_chain(obj: Token, depth: int = 3) -> list[Token]:
    """The nouns an object phrase runs through: the object, its apposition, conjuncts and what its
    of-phrases name ("a leading member of the Kinahan cartel", "the first of four frigates",
    "entrepreneur Do Kwon", "masks and ventilators")."""
    out = [obj]
    for child in obj.children:
        if depth and child.dep_ in {"appos", "conj"}:
            out.extend(noun_chain(child, depth - 1))
    for _, pobj in tr.prep_objects(obj, {"of"}):
        if depth:
            out.extend(noun_chain(pobj, depth - 1))
    return out


@object_rule("own_object_abroad")
def own_object_abroad(q: Query, obj: Token) -> list[Actor]:
    """What the source does with its own mission or people abroad concerns the host: "reopened its
    embassy in Tripoli", "recalled its ambassador to Britain"."""
    if q.event_object or not any(c.dep_ == "poss" and c.lower_ in {"its", "their"} for c in obj.children):
        return []  # "broke off their summit in Reykjavik": a meeting held abroad is no mission there
    return [a for _, p in tr.prep_objects(obj, {"in", "to", "from", "at"}) for a in q.roles.resolve(p)
            if a.country and a.country != q.source_country]


@object_rule("recipient_under_object")
def recipient_under_object(q: Query, obj: Token) -> list[Actor]:
    """Who receives what is handed over, sold or banned, where the parser hung the to-phrase under
    the object: "extradited a member of the Kinahan cartel to Ireland", "delivered the first of four
    frigates to Pakistan's navy", "banned exports of luxury goods to Russia", or on the verb
    ("extradited a Russian arms dealer to the United States"). The recipient is the target, not what
    or whom is handed over; of a ban, only when the object names no country's party."""
    types = q.types
    if not types & TRANSFER_TYPES and "SANCTION" not in types:
        return []
    roles = q.roles
    if not types & TRANSFER_TYPES and any(a.country for a in roles.resolve(obj, poss_country=q.source_country, descend=True)):
        return []
    # "imposed an embargo on arms exports to Israel": the traded thing may hang under the ban's on-phrase
    banned = [p for _, p in tr.prep_objects(obj, {"on", "against"})] if "SANCTION" in types else []
    heads = [p for noun in (q.cand.trigger, *noun_chain(obj), *banned) for prep, p in tr.prep_objects(noun, {"to"})
             if not _home_destination(q, prep)]
    return [a for h in heads for a in roles.resolve(h, poss_country=q.source_country, descend=True)]


def _condition_state(q: Query, obj: Token) -> bool:
    """"a state of emergency", "a state of siege": a state that is a condition, not a polity (whose
    of-phrase would name it: "the state of Israel")."""
    if obj.lemma_.lower() != "state":
        return False
    of = [p for _, p in tr.prep_objects(obj, {"of"})]
    return bool(of) and not any(q.roles.resolve(p) for p in of)


@object_rule("object_party")
def object_party(q: Query, obj: Token) -> list[Actor]:
    """The object names the party acted on: "expelled two Iranian diplomats"; "froze the US assets of
    Venezuela's oil company" is the owner's, not the source's own; aid goes to a named party only."""
    if q.event_object or not q.object_is_target or _condition_state(q, obj):
        return []
    actors = q.roles.resolve(obj, poss_country=q.source_country, descend=True)
    if q.source_country and actors and all(a.kind == "modifier" and a.country == q.source_country for a in actors):
        actors = thing_owners(q.roles, obj, aid=q.ev_type == "AID") or actors
    if "AID" in q.types:  # "sent tanks to Ukraine": the object is the aid, "aided Ukraine": the recipient
        actors = [a for a in actors if a.kind in PROPER_KINDS]
    if q.ev_type == "AGREE":  # "would support a new government": a body still to be formed
        actors = [a for a in actors if not to_be_formed(a, obj.doc)]
    return actors


def _pobj_actors(q: Query, prep: Token) -> list[Actor]:
    """Who a preposition's objects name, resolved once per query."""
    found = q.pobj_actors.get(prep.i)
    if found is None:
        found = q.pobj_actors[prep.i] = [a for p in prep.children if p.dep_ == "pobj" for a in q.roles.resolve(p)]
    return found


def _home_destination(q: Query, prep: Token) -> bool:
    """"flew 100 injured children to Abu Dhabi": aid brought to the giver's own state is brought home
    (for treatment, for shelter); the place is no recipient."""
    if not q.source_country or prep.lower_ != "to":
        return False
    found = _pobj_actors(q, prep)
    return bool(found) and all(a.country == q.source_country and a.kind in {"country", "capital"} for a in found)


def _names_recipient(q: Query, prep: Token) -> bool:
    """A recipient's preposition that names someone other than the giver's own home: not "for treatment",
    not "to Abu Dhabi" when the UAE flies the wounded there."""
    return not _home_destination(q, prep) and bool(_pobj_actors(q, prep))


@object_rule("aided_people")
def aided_people(q: Query, obj: Token) -> list[Actor]:
    """Aid given to people or places named by their country is received by them when no recipient is
    named: "trained 30,000 Ukrainian recruits", "funded clinics in northern Nigeria" (but "sent
    tanks", "sent German missiles to Kyiv" name what was given)."""
    if "AID" not in q.types or any(t.dep_ == "prep" and t.lower_ in q.preps and _names_recipient(q, t)
                                   for t in (*q.cand.trigger.children, *obj.subtree)):
        return []
    # people of a country ("Ukrainian recruits"), not things made there ("French weapons", "French goods")
    found = [a for a in q.roles.resolve(obj) if a.kind in {"sector", "modifier"} and a.country and a.sector != "BUS"]
    if not found:  # "clinics in northern Nigeria"
        found = [a for noun in noun_chain(obj) for _, p in tr.prep_objects(noun, {"in"}) for a in q.roles.resolve(p)
                 if a.kind in {"country", "entity"} and a.country]
    return [a for a in found if a.country not in {q.source_country, "IGO"}]


@object_rule("reacted_owner")
def reacted_owner(q: Query, obj: Token) -> list[Actor]:
    """A reaction targets whose act or thing it reacts to: "denounced Russia's crackdown", "rejected
    the peace deal with the FARC", "repudiated the tribunal's ruling"."""
    if q.ev_type not in REACTION_TYPES:
        return []
    if q.event_object or (q.object_is_target and "AID" not in q.types):
        return owners(q.roles, obj) or (act_place(q.roles, obj) if q.event_object else [])
    return []


def act_place(roles: RoleFiller, act: Token) -> list[Actor]:
    """"condemned the crackdown on protesters in Iran", "deplored the killing of civilians in Darfur": an
    act reacted to that names no author is held against the state where it happened (C43: the
    reaction is to B's actions; C38: an unnamed role takes the country of the place)."""
    undergoers = [p for _, p in tr.prep_objects(act, {"on", "of", "against"})]  # "on protesters in Iran"
    return unique([a for noun in (act, *undergoers) for _, p in tr.prep_objects(noun, {"in", "inside", "across"})
                   for a in roles.resolve(p) if a.country and a.country != "IGO" and a.kind in {"country", "capital", "entity"}])


@object_rule("place_attacked")
def place_attacked(q: Query, obj: Token) -> list[Actor]:
    """"seized four towns in Chiapas", "shelled villages": a place attacked is the target, of the
    country it is in (guidelines 7.1; with no place named, the event's location fills it in)."""
    if q.ev_type != "ASSAULT" or not q.object_is_target or obj.lemma_.lower() not in q.roles.lex.place_nouns:
        return []
    roles = q.roles
    country = next((a.country for _, p in tr.prep_objects(obj, {"in", "near", "of"}) for a in roles.resolve(p)
                    if a.country and a.country != "IGO"), None)
    if country is None:  # "seized the town, Kidal"
        country = next((a.country for c in obj.children if c.dep_ == "appos" for a in roles.resolve(c)
                        if a.country and a.country != "IGO"), None)
    end = max([obj.i] + [pobj.i for _, pobj in tr.prep_objects(obj, {"in", "near", "of"})]) + 1
    text = obj.doc[obj.left_edge.i : end].text
    name = roles.resolver.t.country_label(country, None) if country else obj.lemma_.lower()
    return [Actor(text, name, country, None, obj.left_edge.i, end, "sector")]


@object_rule("country_left")
def country_left(q: Query, obj: Token) -> list[Actor]:
    """"left Cambodia": the party whose territory is left, when a country is named (guidelines RETREAT)."""
    if q.ev_type != "RETREAT" or q.object_is_target:
        return []
    return [a for a in q.roles.resolve(obj) if a.kind == "country"]


@object_rule("thing_owner")
def thing_owner(q: Query, obj: Token) -> list[Actor]:
    """Whose thing the object is: "froze the assets of Venezuela's oil company"; of a lifted blockade
    or siege only the of-phrase: "lifted their blockade of Qatar"."""
    if q.ev_type in REACTION_TYPES or q.ev_type == "MOBILIZE":
        return []
    if not (q.object_is_target or q.event_object or q.ev_type == "RETREAT"):
        return []
    return thing_owners(q.roles, obj, of_only=q.event_object or not q.object_is_target, aid=q.ev_type == "AID")


# Objects of an attack that are no one attacked: the way forced, power seized, the weapons used, a span of time.
NOT_ATTACKED = frozenset({"way", "path", "life", "lives", "round", "rounds", "shot", "shots", "salvo", "volley", "barrage",
                          "power", "control", "second", "minute", "hour", "day", "week", "month", "year"})


@object_rule("thing_attacked")
def thing_attacked(q: Query, obj: Token) -> list[Actor]:
    """What an attack strikes that names no party, a building or a person the actor tables lack ("destroyed
    the Osirak nuclear reactor near Baghdad", "shot two suspected poachers"): the target, of no country until
    the event's place fills it in (guidelines 7.1, C38)."""
    if q.ev_type != "ASSAULT" or not q.object_is_target or q.event_object or obj.pos_ not in {"NOUN", "PROPN"}:
        return []
    trigger = q.cand.trigger
    subj = tr.first_child(trigger, {"nsubj"})
    if subj is None or not q.roles.resolve(subj) or any(True for _ in tr.prep_objects(trigger, {"into", "onto"})):
        return []  # a named attacker acts on it: not "a fire destroyed its roof"; "drove a truck into the barracks" moved it
    lemma = obj.lemma_.lower()
    if any(True for _ in tr.prep_objects(obj, q.act_preps | {"between"})):
        return []  # "fought a fierce battle with Cambodian troops": whom its prepositions name
    if lemma in NOT_ATTACKED or lemma in q.roles.lex.word_list("agentless_instruments") or q.roles.resolve(obj, descend=True):
        return []
    end = max([obj.i] + [p.i for _, p in tr.prep_objects(obj, {"in", "near", "of", "at"})]) + 1
    return [Actor(obj.doc[obj.left_edge.i : end].text, lemma, None, None, obj.left_edge.i, end, "sector")]


# ----------------------------------------------------------------------------- target rules


@target_rule("reacted_event_object")
def reacted_event_object(q: Query) -> Found:
    """A reaction to an act named by its object noun targets the act's owner: "blocked the EU's aid package"."""
    if q.direct is None or q.obj is not None or q.ev_type not in REACTION_TYPES:
        return Found()
    return Found(actors=owners(q.roles, q.direct))


@target_rule("direct_object")
def direct_object(q: Query) -> Found:
    """The direct object, read by the first object rule that names someone; else the parties in its
    prepositions: "cut diplomatic ties with Qatar", "halted its mediation between A and B"."""
    if q.obj is None:
        return Found()
    for rule in _OBJECT_RULES.values():
        actors = rule(q, q.obj)
        if actors:
            return Found(actors=actors)
    return Found(heads=[p for _, p in tr.prep_objects(q.obj, q.act_preps | {"between"})])


@target_rule("indirect_object")
def indirect_object(q: Query) -> Found:
    """The indirect object: "offered Kyiv a loan"."""
    return Found(heads=[c for c in q.cand.trigger.children if c.dep_ in {"dative", "iobj"} and c.pos_ != "ADP"])


@target_rule("trigger_preposition")
def trigger_preposition(q: Query) -> Found:
    """The object of a preposition that is part of the trigger ("cracked down on protesters"), unless
    the sense says what that object is."""
    prep = q.cand.prep
    if prep is None or q.cand.sense.pobj is not None:
        return Found()
    return Found(heads=[p for p in prep.children if p.dep_ == "pobj"])


@target_rule("verb_prepositions")
def verb_prepositions(q: Query) -> Found:
    """The type's target prepositions on the verb: "imposed sanctions on Iran", "sent aid to Gaza"."""
    home = "AID" in q.types  # "flew the wounded to Ankara": brought home, not given to Ankara
    return Found(heads=[p for prep, p in tr.prep_objects(q.cand.trigger, q.preps)
                        if not same(prep, q.cand.prep) and not (home and _home_destination(q, prep))])


@target_rule("means_phrase")
def means_phrase(q: Query) -> Found:
    """A target phrase the parser hung under the means of the act: "spoke by telephone with Peru's
    president", "talked via video link with Xi"."""
    heads = [p for c in q.cand.trigger.children if c.dep_ in {"prep", "agent"} and c.lower_ in {"by", "via"}
             for m in c.children if m.dep_ == "pobj" for _, p in tr.prep_objects(m, q.preps & {"with", "to"})]
    return Found(heads=heads)


@target_rule("light_verb_act")
def light_verb_act(q: Query) -> Found:
    """"engaged in a firefight with Pakistani soldiers": the act is the noun, known to the lexicon or
    what made the typer read a verb the lexicon lacks; whom it is done to is in its prepositions."""
    heads: list[Token] = []
    for _, act in tr.prep_objects(q.cand.trigger, {"in"}):
        sense = q.roles.triggers.noun_sense(act)
        if (sense.type == q.ev_type) if sense is not None else q.cand.entry is None:
            heads.extend(p for _, p in tr.prep_objects(act, q.act_preps))
    return Found(heads=heads)


@target_rule("protest_aims")
def protest_aims(q: Query) -> Found:
    """Whom a protest is aimed at beyond its prepositions: the building protested outside ("rallied outside
    parliament") and the owner of what is demanded ("marched to demand the prime minister's resignation")."""
    if q.ev_type != "PROTEST":
        return Found()
    roles, verb = q.roles, q.cand.trigger
    out = [a for _, p in tr.prep_objects(verb, {"outside"}) for a in roles.resolve(p)]
    for child in verb.children:
        if child.dep_ in {"advcl", "xcomp"} and roles.lex.fix_lemma(child.lemma_.lower()) in PROTEST_AIMS:
            obj = tr.direct_object(child)
            if obj is not None and not tr.is_pronoun(obj):
                out.extend(roles.resolve(obj, descend=True) or owners(roles, obj))
    return Found(actors=out)


@target_rule("mobilized_with")
def mobilized_with(q: Query) -> Found:
    """"moved divisions to the border with Kuwait": forces face whom the with-phrase names; "with tanks" is gear."""
    if "MOBILIZE" not in q.types:
        return Found()
    return Found(actors=[a for _, p in tr.prep_objects(q.cand.trigger, {"with"}) for a in q.roles.resolve(p, descend=True)
                         if a.kind != "sector"])


@target_rule("territory_left")
def territory_left_verb(q: Query) -> Found:
    """"withdrew from Afghanistan", "pulled out of Hungary", "withdrew its troops from Lebanon" (what is
    moved is no target): the country left."""
    if q.ev_type != "RETREAT" or (q.direct is not None and q.object_is_target):
        return Found()
    return Found(actors=territory_left(q.roles, q.cand.trigger))


@target_rule("look_through_object")
def look_through_object(q: Query) -> Found:
    """An object that counts or groups acts: "imposed a new round of sanctions on Iran", "$2 billion in aid to Kyiv"."""
    obj = q.obj
    if obj is None or obj.lower_ not in {"million", "billion"} | LOOK_THROUGH_NOUNS:
        return Found()
    return Found(heads=[p for _, inner in tr.prep_objects(obj, {"in", "of"}) for _, p in tr.prep_objects(inner, q.preps)])


@target_rule("event_noun_preps", NOUN)
def event_noun_preps(q: Query) -> Found:
    """"sanctions against South Africa" are directed at it whatever is done to them; whom one fights
    a battle with is fought; "an embargo on arms exports to Israel" at the trade's recipient."""
    assert q.cand.noun is not None
    heads = [p for _, p in tr.prep_objects(q.cand.noun, q.act_preps)]
    if "SANCTION" in q.types:
        # "an embargo on arms exports to Israel": a ban on a trade that names no party bans it to its recipient
        heads += [r for p in heads if not q.roles.resolve(p, descend=True) and not _named_owner(p)
                  for prep, r in tr.prep_objects(p, {"to"}) if not _home_destination(q, prep)]
    return Found(heads=heads)


@target_rule("event_noun_of", NOUN)
def event_noun_of(q: Query) -> Found:
    """"their blockade of Qatar", "the release of the journalists": an actor in the of-phrase undergoes the act."""
    assert q.cand.noun is not None
    return Found(actors=[a for _, p in tr.prep_objects(q.cand.noun, {"of"}) for a in q.roles.resolve(p) if a.kind != "modifier"])


@target_rule("reacted_topic")
def reacted_topic(q: Query) -> Found:
    """"expressed concern over Venezuela's military buildup", "voiced outrage at the killings in Gaza":
    what a stated attitude is about is what it reacts to; its party, owner or place is the target (C43)."""
    noun = q.cand.noun or q.direct
    if q.ev_type not in {"ACCUSE", "REJECT"} or noun is None:
        return Found()
    actors: list[Actor] = []
    for _, topic in tr.prep_objects(noun, {"over", "about", "at"}):
        found = read_head(q, topic)
        if not any(a.country for a in found):  # "outrage at the killings of protesters in Syria": the place's
            found = act_place(q.roles, topic) or found
        actors.extend(found)
    return Found(actors=actors)


def _named_owner(noun: Token) -> bool:
    """"Iranian oil exports", "Russia's gas sales": the thing is named with its owner."""
    return any(c.dep_ in {"amod", "compound", "poss"} and c.text[:1].isupper() for c in noun.children)


@target_rule("withdrawal_from", NOUN)
def withdrawal_from(q: Query) -> Found:
    """"its withdrawal from Afghanistan": the country left."""
    if q.ev_type != "RETREAT":
        return Found()
    assert q.cand.noun is not None
    return Found(actors=territory_left(q.roles, q.cand.noun))


@target_rule("look_through_noun", NOUN)
def look_through_noun(q: Query) -> Found:
    """An event noun that groups acts: "a fresh wave of strikes on Gaza"."""
    noun = q.cand.noun
    assert noun is not None
    if noun.lemma_.lower() not in LOOK_THROUGH_NOUNS:
        return Found()
    return Found(heads=[p for _, inner in tr.prep_objects(noun, {"of"}) for _, p in tr.prep_objects(inner, q.preps)])


@target_rule("shifted_object")
def shifted_object(q: Query) -> Found:
    """A reaction whose object the writer moved behind an as-phrase, which the parser then takes for
    the as-phrase's object: "condemned as unacceptable the French president's remarks", "dismissed as
    absurd Beijing's allegation"; whose remarks or allegation they are is the target."""
    if q.ev_type not in REACTION_TYPES or q.direct is not None:
        return Found()
    return Found(actors=[a for _, p in tr.prep_objects(q.cand.trigger, {"as"})
                         if any(c.dep_ == "poss" for c in p.children) for a in owners(q.roles, p)])


@target_rule("reacted_act_author")
def reacted_act_author(q: Query) -> Found:
    """A reaction to an act or thing named by its object, whose "by X" the parser hung on the verb:
    "condemned the nuclear test by North Korea", "denounced the missile launch by Pyongyang"; X did
    what is reacted to, as in "condemned North Korea's nuclear test". Not in the passive, where "by"
    is the agent, nor when the object is itself a party or names its owner."""
    trigger, obj = q.cand.trigger, q.obj
    if q.ev_type not in REACTION_TYPES or obj is None or obj.pos_ != "NOUN":
        return Found()
    if any(c.dep_ in {"auxpass", "nsubjpass"} for c in trigger.children):
        return Found()
    if q.roles.resolve(obj, descend=True) or owners(q.roles, obj):
        return Found()
    return Found(heads=[p for prep, p in tr.prep_objects(trigger, {"by"}) if prep.i > obj.i and p.pos_ in {"NOUN", "PROPN"}])


def _clause_tokens(verb: Token, depth: int = 4) -> list[Token]:
    """The tokens under a verb down to `depth`, not into another clause with a subject of its own."""
    out: list[Token] = []
    for child in verb.children:
        if child.dep_ in {"ccomp", "relcl", "conj", "parataxis"} or tr.first_child(child, tr.SUBJECT_DEPS) is not None:
            continue
        out.append(child)
        if depth > 1:
            out.extend(_clause_tokens(child, depth - 1))
    return out


@target_rule("advised_destination")
def advised_destination(q: Query) -> Found:
    """A travel advisory targets the country it warns against (guidelines C32): "issued a travel advisory
    warning its citizens against visiting Yemen", "advised its citizens against travel to Yemen",
    "issued a travel warning for Mali": where the travel advised against goes."""
    if "SANCTION" not in q.types:
        return Found()
    heads: list[Token] = []
    for tok in _clause_tokens(q.cand.trigger):
        lemma = tok.lemma_.lower()
        if lemma in TRAVEL_WORDS and tok.dep_ != "compound":
            obj = tr.direct_object(tok) if tok.pos_ in {"VERB", "AUX"} else None
            heads.extend([obj] if obj is not None else [p for _, p in tr.prep_objects(tok, {"to"})])
        elif lemma in ADVISORY_NOUNS and any(c.dep_ == "compound" and c.lemma_.lower() in TRAVEL_WORDS for c in tok.children):
            heads.extend(p for _, p in tr.prep_objects(tok, {"for", "on", "against"}))
    return Found(heads=[h for h in heads if h.pos_ == "PROPN" and not tr.is_pronoun(h)])


@target_rule("left_with")
def left_with(q: Query) -> Found:
    """Walking out of or withdrawing from something shared is aimed at the other party to it:
    "walked out of talks with Azerbaijan", "withdrew from the nuclear deal with Iran"."""
    if not q.types & {"SANCTION", "RETREAT", "REJECT"}:
        return Found()
    heads: list[Token] = []
    preps = [c for c in q.cand.trigger.children if c.dep_ == "prep" and c.lower_ in {"from", "of", "out"}]
    preps += [g for c in preps if c.lower_ == "out" for g in c.children if g.dep_ == "prep" and g.lower_ == "of"]
    for prep in preps:
        for shared in prep.children:
            if shared.dep_ == "pobj":
                heads.extend(p for _, p in tr.prep_objects(shared, {"with"}))
    return Found(heads=heads)


@target_rule("condition_addressee")
def condition_addressee(q: Query) -> Found:
    """A threat made on a condition is aimed at whoever must meet it: "threatened to quit the
    government unless the DUP agreed ...", "will block the aid unless the Commission releases ..." (C14)."""
    if q.ev_type != "THREATEN":
        return Found()
    trigger = q.cand.trigger
    clause = q.cand.condition or tr.conditional_clause(trigger) or next(
        (tr.conditional_clause(c) for c in trigger.children if c.dep_ == "xcomp" and tr.conditional_clause(c) is not None), None)
    if clause is None:
        return Found()
    subj, passive = tr.clause_subject(clause)
    if subj is None or passive or tr.is_pronoun(subj):
        return Found()
    return Found(actors=q.roles.resolve(subj))


@target_rule("misparsed_passive_subject")
def misparsed_passive_subject(q: Query) -> Found:
    """A passive subject noun the parser took for a clause ("Aid to Sudan was suspended by Norway",
    with "Aid" read as a verb): like any passive subject, it or the party in its target phrase undergoes the act."""
    roles = q.roles
    subj = next((c for c in q.cand.trigger.children if c.dep_ == "csubjpass" and not any(g.dep_ in tr.SUBJECT_DEPS | tr.OBJECT_DEPS for g in c.children)), None)
    if subj is None:
        return Found()
    return Found(actors=roles.resolve(subj, descend=True) or roles.subject_phrase_targets(subj, q.cand))


@target_rule("shared_object")
def shared_object(q: Query) -> Found:
    """Two verbs of one subject that share the object the parser hung on the second: "beat and
    detained a journalist", "shot and wounded a member of parliament"."""
    if q.direct is not None or not q.object_is_target or tr.first_child(q.cand.trigger, tr.SUBJECT_DEPS | {"agent"}) is None:
        return Found()
    for conj in q.cand.trigger.children:
        if conj.dep_ == "conj" and conj.i > q.cand.trigger.i and tr.is_verbal(conj) and tr.first_child(conj, tr.SUBJECT_DEPS) is None:
            obj = tr.direct_object(conj)
            if obj is not None and not tr.is_pronoun(obj) and q.roles.triggers.noun_sense(obj) is None:
                return Found(heads=[obj])
    return Found()


RELATIVE_WORDS = frozenset({"who", "which", "that", "whom", "whose"})


@target_rule("relative_clause_head")
def relative_clause_head(q: Query) -> Found:
    """A relative clause whose object is the noun it describes: "40 Russian priests it accuses of
    supporting the war", "three mayors it accused of terrorism links"."""
    trigger = q.cand.trigger
    if trigger.dep_ != "relcl" or q.direct is not None or not q.object_is_target:
        return Found()
    subj = tr.first_child(trigger, {"nsubj"})
    if subj is None or subj.lower_ in RELATIVE_WORDS:
        return Found()  # "the rebels who attacked": the noun is who did it
    if any(c.dep_ in {"dative", "iobj", "ccomp", "xcomp", "prt"} for c in trigger.children) or any(
            p.lower_ in q.preps for p, _ in tr.prep_objects(trigger)):
        return Found()  # the clause names its own target
    return Found(heads=[trigger.head])


@target_rule("helped_party", fallback=True)
def helped_party(q: Query) -> Found:
    """Aid given or pledged "to help X" goes to X: "pledged $1.5 billion to help Pakistan rebuild",
    "agreed to set up a fund to help Ukraine rebuild its grid"."""
    if not q.types & {"AID", "AGREE"}:
        return Found()
    heads: list[Token] = []
    verbs = [q.cand.trigger] + [c for c in q.cand.trigger.children if c.dep_ == "xcomp"]
    for verb in verbs:
        for clause in verb.children:
            if clause.dep_ in {"advcl", "xcomp"} and clause.lemma_.lower() in HELP_LEMMAS:
                obj = tr.direct_object(clause)
                if obj is None:  # "help Pakistan rebuild": the parser makes Pakistan the subject of rebuild
                    obj = next((tr.clause_subject(c)[0] for c in clause.children if c.dep_ in {"ccomp", "xcomp"}), None)
                if obj is not None and not tr.is_pronoun(obj):
                    heads.append(obj)
    return Found(heads=heads)


@target_rule("participle_victims", fallback=True)
def participle_victims(q: Query) -> Found:
    """An attack told by how it began and what it did: "opened fire in a school, killing 19 children";
    whom the participle's act befalls is attacked."""
    if q.ev_type not in {"ASSAULT", "COERCE"}:
        return Found()
    heads = [obj for c in q.cand.trigger.children
             if c.dep_ == "advcl" and c.tag_ == "VBG" and q.roles.triggers.lexicon_type(c) in {"ASSAULT", "COERCE"}
             and (obj := tr.direct_object(c)) is not None and not tr.is_pronoun(obj)]
    return Found(heads=heads)


def _after_clause(verb: Token) -> Token | None:
    """The verb of an "after ..." clause on this verb (parsed as a marked clause or as a preposition's complement)."""
    for child in verb.children:
        if child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "after" for m in child.children):
            return child
        if child.dep_ == "prep" and child.lower_ == "after":
            return next((c for c in child.children if c.dep_ == "pcomp" and tr.is_verbal(c)), None)
    return None


@target_rule("concession_after", fallback=True)
def concession_after(q: Query) -> Found:
    """A concession made after the other side's move is made to that side: "called off their strike
    after factory owners agreed to a pay rise"."""
    clause = _after_clause(q.cand.trigger) if q.ev_type == "CONCEDE" else None
    if clause is None:
        return Found()
    subj, passive = tr.clause_subject(clause)
    return Found(heads=[subj] if subj is not None and not passive and not tr.is_pronoun(subj) else [])
