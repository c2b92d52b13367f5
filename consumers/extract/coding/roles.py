"""Roles: who did it (source), to whom (target), who says so (speaker), and whether it is negated."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Token

from .. import triples as tr
from ..actors import PROPER_KINDS, Actor, ActorResolver, ActorTables, backer_word_follows
from ..lexicon import Lexicon
from ..yamlio import role_words
from . import target_rules
from .model import Candidate, Sentence, unique
from .target_rules import REACTION_TYPES, to_be_formed
from .triggers import TriggerFinder


_WORDS = role_words()

COMPLEMENT_PREPS = frozenset(_WORDS["complement_preps"])
# A threat or offer made on a condition is addressed to whoever must meet it (C14).
CONDITIONAL_OFFERS = frozenset({"THREATEN", "AGREE"})
# Nominal events stand alone only with enough participants; these need just a source.
SOURCE_ONLY_NOMINALS = frozenset({"ASSAULT", "PROTEST", "MOBILIZE", "RETREAT", "COERCE"})
# Events coded even when their agent is unknown (guidelines C37).
UNKNOWN_AGENT_TYPES = frozenset({"ASSAULT", "COERCE"})


class RoleFiller:
    def __init__(self, lexicon: Lexicon, resolver: ActorResolver, triggers: TriggerFinder) -> None:
        self.lex = lexicon
        self.resolver = resolver
        self.triggers = triggers

    def resolve(self, tok: Token | None, *, poss_country: str | None = None, descend: bool = False) -> list[Actor]:
        if tok is None:
            return []
        out: list[Actor] = []
        shared: str | None = None  # "25 Soviet diplomats, journalists and trade officials": the nationality is all of theirs
        for n, part in enumerate(tr.coordinated(tok)):
            if tr.is_pronoun(part):
                antecedent = self._object_antecedent(part) or addressee_antecedent(part)
                if antecedent is not None:
                    out.extend(self.resolve(antecedent, poss_country=poss_country, descend=descend))
                continue
            found = self.resolver._resolve_one(part, poss_country, True, descend, 0)
            if any(a.country is None and a.kind == "sector" for a in found):
                found = self._of_state_named_before(part, found)
            if n == 0:
                nationality = {a.country for a in found if a.kind == "sector" and a.country
                               and any(c.dep_ == "amod" and c.i < part.i for c in part.children)}
                shared = next(iter(nationality)) if len(nationality) == 1 else None
            elif shared is not None and not any(c.dep_ in {"amod", "poss"} for c in part.children):
                found = [Actor(a.text, self.resolver.t.country_label(shared, a.sector), shared, a.sector, a.start, a.end, a.kind)
                         if a.country is None and a.kind == "sector" else a for a in found]
            out.extend(found)
        return unique(out)

    def _of_state_named_before(self, tok: Token, found: list[Actor]) -> list[Actor]:
        """"the country", "the kingdom", "the country's junta" refer to a state the sentence named before,
        not to the other party of their own clause: "... Burkina Faso after the country's junta expelled
        French troops", "Iraqi troops overran the emirate" (Kuwait, named before)."""
        words = self.resolver.t.state_anaphors
        anaphor = tok if _state_anaphor(tok, words) else next((c for c in tok.children if c.dep_ == "poss" and _state_anaphor(c, words)), None)
        if anaphor is None:
            return found
        capital = anaphor.lemma_.lower() == "capital"
        if capital:  # "attacked the capital, N'Djamena"
            named = [a.country for c in anaphor.children if c.dep_ == "appos" for a in self.resolve(c) if a.country]
            if named:
                return self._with_countries(found, named[:1])
        clause = next((a for a in anaphor.ancestors if tr.is_verbal(a)), None)
        other: set[str] = set()
        if clause is not None and not capital:  # a side may take its own capital  # the clause's other party, and the noun a relative clause describes ("whose forces entered")
            span = [clause.head] if clause.dep_ == "relcl" else []
            for t in (*clause.subtree, *span):
                if not (anaphor.left_edge.i <= t.i <= tok.right_edge.i) and t.dep_ in tr.SUBJECT_DEPS | tr.OBJECT_DEPS | {"pobj", "relcl"}:
                    other.update(a.country for a in self.resolver._resolve_one(t, None, True, False, 0) if a.country)
        sent = tok.sent
        # a state named by its name, else by its capital ("into the Somali capital, Mogadishu"); a nationality
        # word names people, not the state ("ordered French troops to leave the country")
        mentions = [info for _s, _e, info in self.resolver.mentions(tok.doc, sent.start, anaphor.left_edge.i)
                    if info.country and info.country != "IGO" and info.country not in other]
        wanted = 2 if anaphor.tag_ == "NNS" else 1  # "the two countries": the last two named
        countries: list[str] = []
        for kind in (("capital",) if capital else ("country", "capital")):
            for info in reversed(mentions):
                if info.kind == kind and info.country not in countries and len(countries) < wanted:
                    countries.append(info.country)
            if countries:
                break
        return self._with_countries(found, countries) if len(countries) == wanted else found

    def _with_countries(self, found: list[Actor], countries: list[str]) -> list[Actor]:
        t = self.resolver.t
        return [Actor(a.text, t.country_label(c, a.sector), c, a.sector, a.start, a.end, a.kind)
                for a in found for c in (countries if a.country is None and a.kind == "sector" else [a.country])]

    @staticmethod
    def _object_antecedent(pron: Token) -> Token | None:
        """"expelled seven UN officials, accusing them of ...": an object pronoun of a participle or
        second conjunct refers to the object of the verb it hangs off."""
        if pron.lower_ not in {"them", "him", "her", "it"} or pron.dep_ not in tr.OBJECT_DEPS:
            return None
        verb = pron.head
        if verb.dep_ in {"advcl", "conj"} and tr.is_verbal(verb.head):
            obj = tr.direct_object(verb.head)
            if obj is not None and not tr.is_pronoun(obj):
                return obj
            # "withdrew from UNESCO, accusing it of mismanagement"
            pobjs = [p for _, p in tr.prep_objects(verb.head, {"from", "with", "to", "on", "against"}) if not tr.is_pronoun(p)]
            if len(pobjs) == 1:
                return pobjs[0]
        return None

    @staticmethod
    def subject_antecedent(pron: Token) -> Token | None:
        """A third-person subject pronoun of a relative or subordinate clause refers to the subject of
        the clause above: "Tuareg rebels withdrew from the towns they had seized", "Israel deported
        415 Palestinians it accused of ..."."""
        if pron.lower_ not in {"they", "it", "he", "she"} or pron.dep_ != "nsubj" or pron.head.dep_ == "ROOT":
            return None
        found = tr.clause_above_subject(pron)
        described = pron.head.head if pron.head.dep_ == "relcl" else None
        if found is not None and described is not None and found.i in {described.i, *(c.i for c in described.conjuncts)}:
            # "..., the only regional capital they had captured": the noun the relative clause describes
            # is what "they" acted on, not who; the nearest named subject before it is
            sent_start = pron.sent.start
            before = pron.doc[sent_start : described.left_edge.i]
            found = next((t for t in reversed(before) if t.dep_ == "nsubj"
                          and t.pos_ in {"NOUN", "PROPN"} and not tr.is_pronoun(t)), None)
        return found

    def enough(self, cand: Candidate, sources: list[Actor], targets: list[Actor], passive: bool, agentless: bool = False) -> bool:
        """Only code events with a known actor; nominal events need enough participants to stand alone.
        Violence and repression by an unknown agent ("gunmen killed", "a car bomb killed nine
        policemen") are kept with an unknown or empty source (guidelines C37)."""
        if cand.event_type in UNKNOWN_AGENT_TYPES and cand.kind != "noun":
            if any(a.kind == "unaffiliated" for a in sources):
                return True
            if agentless and targets:
                return True
        if not any(a.country or a.sector for a in sources + targets):
            return False
        if cand.kind == "noun":
            if not sources:
                return False
            return bool(targets) or len(sources) >= 2 or cand.event_type in SOURCE_ONLY_NOMINALS
        return bool(sources) or (passive and bool(targets))

    def agentless(self, subj: Token | None) -> bool:
        """A clause whose subject names no agent: none at all, a weapon ("a car bomb killed"), or an
        attack ("an air strike hit", "the blast wounded") (C37)."""
        if subj is None:
            return True
        instruments = self.lex.word_list("agentless_instruments")
        if subj.lemma_.lower() in instruments or subj.lower_ in instruments:
            return True
        sense = self.triggers.noun_sense(subj)
        return sense is not None and sense.type == "ASSAULT"

    def noun_sources(self, noun: Token) -> tuple[list[Actor], list[Actor]]:
        """Sources of a nominal event: possessor, actor modifiers ("US air strikes"), "by X";
        "between X and Y" gives reciprocal participants."""
        sources: list[Actor] = []
        reciprocal: list[Actor] = []
        for child in noun.children:
            if child.dep_ == "poss" and not tr.is_pronoun(child):
                sources.extend(self.resolve(child))
        start = noun.left_edge.i
        for s, e, info in self.resolver.mentions(noun.doc, start, noun.i):
            if info.kind in PROPER_KINDS or info.kind == "demonym":
                tok = noun.doc[e - 1]
                if any(a.start <= tok.i < a.end for a in sources) or (info.country != "IGO" and backer_word_follows(noun.doc, tok.i)):
                    continue  # "a US-brokered agreement" is not the United States' own
                text = noun.doc[s:e].text
                if info.kind == "demonym":
                    sources.append(Actor(text, info.name, info.country, None, s, e, "modifier"))
                else:
                    sector = "GOV" if info.kind == "country" else info.sector
                    name = info.name
                    sources.append(Actor(text, name, info.country, sector, s, e, "modifier"))
        for prep, pobj in tr.prep_objects(noun, {"by", "between", "among"}):
            if prep.lower_ == "by":
                sources.extend(self.resolve(pobj))
            else:
                reciprocal.extend(self.resolve(pobj))
        if not sources:  # "a general strike called by the unions", "raids carried out by the army"
            for child in noun.children:
                if child.dep_ == "acl" and child.tag_ == "VBN" and (ag := tr.agent(child)) is not None:
                    sources.extend(self.resolve(ag))
        return unique(sources), unique(reciprocal)

    def irrealis(self, noun: Token) -> bool:
        """"in search of US support", "a bid for talks": the nominal event has not happened."""
        cur = noun
        for _ in range(3):
            if cur.head.i == cur.i:
                return False
            child, cur = cur, cur.head
            governs = child.dep_ in tr.OBJECT_DEPS or (child.dep_ == "prep" and child.lower_ in {"for", "of"}) or child.dep_ == "pobj"
            if cur.lemma_.lower() in self.lex.irrealis_governors and governs:
                return True
            if tr.is_verbal(cur):
                return False
        return False

    def targets(self, cand: Candidate, ev_type: str, source_country: str | None) -> list[Actor]:
        """Whom the event is done to, by the named rules of `target_rules`, in order."""
        return target_rules.find_targets(target_rules.Query(cand, ev_type, source_country, self))

    def subject_phrase_targets(self, subj: Token, cand: Candidate) -> list[Actor]:
        """A passive subject that names a thing, not a party: "evidence against Serbia was presented",
        "sanctions on Iran were lifted": the party in its target phrase undergoes the act."""
        preps = self.lex.target_preps.get(cand.event_type, frozenset()) | {"against"}
        return [a for _, p in tr.prep_objects(subj, preps) for a in self.resolve(p, descend=True)]

    def complement_targets(self, cand: Candidate, ev_type: str, source_country: str | None) -> list[Actor]:
        """Targets spelled out in a complement: "threatened to impose tariffs on Mexico",
        "charged that Turkish jets violated ...", "would retaliate if Finland deployed ..."."""
        out: list[Actor] = []
        comp = cand.complement
        if comp is not None:
            if comp.dep_ == "ccomp" and ev_type in {"ACCUSE", "REQUEST"}:
                subj, _ = tr.clause_subject(comp)
                if subj is not None and not tr.is_pronoun(subj):
                    out.extend(self.resolve(subj, descend=True))
            if not out:
                obj = tr.direct_object(comp)
                # what is sent or moved is no target: "refused to send troops to Ukraine"
                if obj is not None and self.triggers.lexicon_type(comp) not in {"MOBILIZE", "AID"}:
                    if self.triggers.noun_sense(obj) is None:
                        out.extend(self.resolve(obj, poss_country=source_country, descend=True))
                    if not out:  # an act on a thing with a party: "sever communication lines with Seoul"
                        for _, p in tr.prep_objects(obj, COMPLEMENT_PREPS | {"with"} | self.lex.target_preps.get(ev_type, frozenset())):
                            out.extend(self.resolve(p, poss_country=source_country, descend=True))
                    if not out and ev_type in REACTION_TYPES:
                        out.extend(target_rules.owners(self, obj))  # "refused to sign a pact proposed by Beijing"
                for _, p in tr.prep_objects(comp, COMPLEMENT_PREPS | self.lex.target_preps.get(ev_type, frozenset())):
                    out.extend(self.resolve(p, poss_country=source_country, descend=True))
                if not out and obj is None and self.triggers.lexicon_type(comp) == "RETREAT":
                    # "would begin withdrawing from Afghanistan", "agreed to pull out of Lebanon": the country left
                    out.extend(target_rules.territory_left(self, comp))
                for child in comp.children:
                    if child.dep_ in {"dative", "iobj"} and child.pos_ != "ADP":
                        out.extend(self.resolve(child, poss_country=source_country, descend=True))
                if not out and ev_type == "THREATEN":
                    # "threatened to expand its military operation in Gaza": the place the threatened force is aimed at
                    out.extend(target_rules.act_place(self, comp) or (target_rules.act_place(self, obj) if obj is not None else []))
        condition = cand.condition
        if condition is None and ev_type in CONDITIONAL_OFFERS:
            # "threatened a strike unless the government scrapped ...", "threatened to secede if the envoy imposed ..."
            condition = tr.conditional_clause(cand.trigger) or (tr.conditional_clause(comp) if comp is not None else None)
        if not out and condition is not None:
            subj, _ = tr.clause_subject(condition)
            if subj is not None and not tr.is_pronoun(subj):
                out.extend(self.resolve(subj))
        if ev_type == "AGREE" and comp is not None:
            out = [a for a in out if not to_be_formed(a, comp.doc)]
        return [a for a in out if not target_rules.force_as_means(a, cand.trigger.doc)]

    def speaker(self, trigger: Token, sent: Sentence) -> Token | None:
        reporting = self.lex.reporting_verbs
        cur = trigger
        for _ in range(8):
            head = cur.head
            if head.i == cur.i:
                break
            if cur.dep_ == "conj" and tr.first_child(cur, tr.SUBJECT_DEPS) is not None:
                break  # "he sought ties but tensions grew": a new clause with its own subject is narration
            reported = cur.dep_ in {"ccomp", "parataxis"} and self.lex.fix_lemma(head.lemma_.lower()) in reporting
            if reported and not (head.lemma_ == "tell" and tr.directive_complement(head) is not None):
                subj, _ = tr.clause_subject(head)
                if subj is not None:
                    return subj
                misparsed = trailing_speaker(head)
                if misparsed is not None:
                    return misparsed
            cur = head
        for anc in (trigger, *tr.ancestors_within(trigger, 3)):
            for child in anc.children:
                if child.dep_ in {"parataxis", "ccomp", "advcl"} and child.i > trigger.i and child.lemma_ in reporting:
                    subj, _ = tr.clause_subject(child)
                    if subj is not None:
                        return subj
        return sent.according_to()

    def negated(self, cand: Candidate) -> bool:
        tok = cand.trigger
        if any(c.dep_ == "neg" for c in tok.children):
            return True
        if cand.kind == "noun" and any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
            return True
        head = tok.head
        if tok.dep_ == "xcomp" and head.i != tok.i:
            head_lemma = self.lex.fix_lemma(head.lemma_.lower())
            if head_lemma in self.lex.negating_verbs:
                return True
            if head_lemma in self.lex.transparent_verbs and any(c.dep_ == "neg" for c in head.children):
                return True
        return False


# Verbs of telling: what is told to its object is about the object ("told Ethiopia it must stop").
TELLING_LEMMAS = frozenset(_WORDS["telling_lemmas"])


def addressee_antecedent(pron: Token) -> Token | None:
    """"The minister told Ethiopia it must stop filling the dam", "warned the rebels they would be
    crushed": "it" / "they" subject of what is told is its addressee (the demand's or threat's target)."""
    clause = pron.head
    if pron.lower_ not in {"it", "they"} or pron.dep_ not in {"nsubj", "nsubjpass"} or clause.dep_ != "ccomp":
        return None
    verb = clause.head
    if verb.lemma_.lower() not in TELLING_LEMMAS:
        return None
    obj = tr.direct_object(verb)
    if obj is None or tr.is_pronoun(obj) or (pron.lower_ == "they") != (obj.tag_ in {"NNS", "NNPS"} or bool(obj.conjuncts)):
        return None
    return obj


def _state_anaphor(tok: Token, words: frozenset[str]) -> bool:
    """"the country", or "the two countries" (a word of actors.yaml's state_anaphors), with no of-phrase
    of its own ("the Republic of Korea" is a name)."""
    if tok.lemma_.lower() not in words or not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
        return False
    if tok.tag_ == "NNS" and not any(c.dep_ == "nummod" and c.lower_ == "two" for c in tok.children):
        return False  # "the first countries to recognise"
    return not any(True for _ in tr.prep_objects(tok, {"of"}))


# Role nouns that, when unqualified, are of the country where the event is or of the authority that
# acts on them ("Kenyan authorities shut down three television stations": Kenyan stations).
DOMESTIC_TARGET_SECTORS = frozenset({"CVL", "OPP", "MED", "EDU", "REL", "HLH", "BUS", "JUD", "LEG", "POL", "NGO"})
# Besides, what a government says to or does (short of violence) to rebels, troops or gangs concerns its own.
GOVERNED_SECTORS = DOMESTIC_TARGET_SECTORS | {"REB", "MIL", "CRM", "GOV"}
AUTHORITY_SECTORS = frozenset({"GOV", "POL", "JUD", "LEG"})
NON_STATE_ARMED = frozenset({"REB", "CRM"})
CIVILIAN_TARGET_SECTORS = frozenset({"CVL", "BUS", "NGO", "MED", "HLH", "EDU", "REL", "REF"})
# Actors that are a state itself: a country's name, its capital, a seat of power.
STATE_KINDS = frozenset({"country", "capital", "metonym"})


def _with_country(actor: Actor, country: str, tables: ActorTables) -> Actor:
    name = tables.country_label(country, actor.sector) if actor.kind == "sector" else actor.name
    return Actor(actor.text, name, country, actor.sector, actor.start, actor.end, actor.kind)


def implied_countries(
    sources: list[Actor], targets: list[Actor], location_country: str | None, ev_type: str, tables: ActorTables,
    sentence_country: Callable[[], str | None] = lambda: None, doc: Doc | None = None,
    instruments: frozenset[str] | set[str] = frozenset(),
) -> tuple[list[Actor], list[Actor]]:
    """Countries the sentence implies for actors it leaves unqualified (guidelines C38): a role noun
    ("police", "students") or an unknown named person takes the country where the event happened;
    without a place, a domestic role noun takes the country of the authority acting on it, else the
    one country the sentence names. Unknown attackers ("gunmen") keep no country."""
    if location_country == "IGO":
        location_country = None

    def one(actors: list[Actor]) -> set[str]:
        return {a.country for a in actors if a.country and a.country != "IGO"}

    src_countries, tgt_countries = one(sources), one(targets)
    people_attacked = one([a for a in targets if a.kind not in STATE_KINDS])
    # a bare country name is GOV too, but says nothing about whose people the targets are
    authority = [a for a in sources if a.sector in AUTHORITY_SECTORS and a.kind != "country"]
    domestic_event = ev_type != "ASSAULT" or bool(authority)

    def fill(actor: Actor, counterpart: set[str], role_sectors: frozenset[str], attacker: bool = False, source: bool = False) -> Actor:
        # a thing named by its party's sector ("the licences of four newspapers") is that party's
        placeless = actor.kind == "sector" or (actor.kind == "modifier" and actor.sector is not None)
        if actor.country is not None or not placeless or actor.name in tables.relational or actor.sector == "REF":
            return actor  # "its allies" are of no country the sentence implies; refugees are of their origin (7.4d)
        if doc is not None and multinational(doc, actor):
            return actor  # "more than 90 countries", "world leaders": many states, none of them the place's
        if source and doc is not None and doc[actor.start : actor.end].root.lemma_.lower() in instruments:
            return actor  # "a drone crashed into a hospital in El Obeid": whose drone, the place does not say (C37)
        if location_country and not (attacker and actor.sector == "MIL" and location_country in people_attacked):
            # forces attacking the named people of a place are seldom that place's own; forces
            # entering or taking its capital may well be ("Rebel forces entered Addis Ababa")
            return _with_country(actor, location_country, tables)
        if doc is not None and pair_of_parties(doc, actor):
            return actor  # "Washington urged both sides to show restraint": neither side is Washington's (7.2)
        if actor.kind == "sector" and actor.sector in role_sectors and domestic_event and len(counterpart) == 1:
            return _with_country(actor, next(iter(counterpart)), tables)
        home = sentence_country()
        if source and actor.sector in NON_STATE_ARMED and home in foreigners_held:
            return actor  # "rebels released the Italian aid worker": the captive's nationality is not theirs
        return _with_country(actor, home, tables) if home else actor

    # countries named only as the nationality of civilians acted on ("two Chinese engineers")
    foreigners_held = {a.country for a in targets if a.country and a.sector in CIVILIAN_TARGET_SECTORS}
    target_sectors = GOVERNED_SECTORS if authority and ev_type != "ASSAULT" else DOMESTIC_TARGET_SECTORS
    if doc is not None and location_country:
        sources = [ethnic_residence(a, doc, location_country, tables) for a in sources]
        targets = [ethnic_residence(a, doc, location_country, tables) for a in targets]
    def titled_person(actor: Actor) -> Actor:
        # "prosecutors issued an arrest warrant for journalist Jose Ruben Zamora": a named person the
        # dictionary does not know, with a domestic role, is of the state whose authority acts on them (C38)
        if (actor.country is not None or actor.kind != "entity" or actor.sector not in DOMESTIC_TARGET_SECTORS
                or doc is None or doc[actor.end - 1].ent_type_ != "PERSON"):
            return actor
        own = one(authority)
        if ev_type != "ASSAULT" and len(own) == 1:
            return _with_country(actor, next(iter(own)), tables)
        home = location_country or sentence_country()
        return _with_country(actor, home, tables) if home else actor

    return ([fill(a, tgt_countries, AUTHORITY_SECTORS, attacker=ev_type == "ASSAULT", source=True) for a in sources],
            [titled_person(fill(a, src_countries, target_sectors)) for a in targets])


# Plural nouns that, unqualified, name several states or their governments.
STATE_PLURALS = frozenset(_WORDS["state_plurals"])


def multinational(doc: Doc, actor: Actor) -> bool:
    """"More than 90 countries", "the governments", "world leaders", "the presidents of five Central
    American nations", "police from 20 countries": an actor made of several states' people, of no one
    country the sentence implies. "The two countries" and "both governments" are a named pair."""
    head = doc[actor.start : actor.end].root
    if head.tag_ not in {"NNS", "NNPS"}:
        return False
    if any(c.dep_ in {"amod", "compound"} and c.lower_ == "world" for c in head.children):
        return True
    nouns = [head] + [p for _, p in tr.prep_objects(head, {"of", "from"}) if p.tag_ in {"NNS", "NNPS"}]
    return any(n.lemma_.lower() in STATE_PLURALS
               and not any(c.lower_ in {"two", "both"} for c in n.children) and n.lower_ != "both" for n in nouns)


CONFLICT_SIDES = frozenset({"side", "camp"})


def pair_of_parties(doc: Doc, actor: Actor) -> bool:
    """"Both sides", "the two camps", "all sides": the parties to a conflict, whom no one country the
    sentence implies stands for (7.2: an unresolved plural anaphor keeps no country). ("Two
    journalists" and "both parties" in a parliament are of the place.)"""
    head = doc[actor.start : actor.end].root
    return head.lemma_.lower() in CONFLICT_SIDES and head.tag_ in {"NNS", "NNPS"} and any(
        c.lower_ in {"both", "two", "all"} for c in head.children)


# Words that name an ethnic group living in several states rather than one state's nationals
# ("Serb gunmen" in Sarajevo; "Serbian" is the state's), with the state the dictionary gives them.
ETHNIC_WORDS: dict[str, str] = dict(_WORDS["ethnic_words"])
# Heads that make such a group the kin state's own organs: "Serb forces", "Serb police" in Kosovo.
STATE_ORGAN_HEADS = frozenset(_WORDS["state_organ_heads"])


def ethnic_residence(actor: Actor, doc: Doc, location_country: str, tables: ActorTables) -> Actor:
    """An ethnic group is of the country where it lives (guidelines 7.4c): "Serb gunmen opened fire on
    marchers in Sarajevo" are Bosnia's, "Serb homes across Kosovo" Kosovo's; the kin state's forces and
    officials stay its own."""
    if actor.country is None or actor.country == location_country or location_country == "IGO":
        return actor
    span = doc[actor.start : actor.end]
    first = span.root
    while first.dep_ == "conj" and first.head.i < first.i:  # "Serb homes and Orthodox churches": the word is all of theirs
        first = first.head
    if not any(ETHNIC_WORDS.get(t.lower_) == actor.country for t in (*span, *first.lefts)):
        return actor
    if span.root.lemma_.lower() in STATE_ORGAN_HEADS or actor.kind not in {"sector", "modifier", "demonym"}:
        return actor
    return _with_country(actor, location_country, tables)


def local_branch(
    actor: Actor, doc: Doc, ev_type: str, resolver: ActorResolver, country: Callable[[], str | None],
) -> Actor:
    """A group with local branches (actors.yaml `local_branches`) acting in one of their countries is that
    branch (guidelines 7.4b, 7.4k): "Taliban gunmen massacred pupils at a school in Peshawar" are the
    Pakistani Taliban, PAK REB. Its officials and government organs ("the Taliban's foreign minister"),
    the group named with its home's nationality ("Afghan Taliban forces") and its envoys on a visit
    (C26) stay of its home. `country` gives where the event is, else where the sentence's places lie."""
    if ev_type == "CONSULT" or (actor.sector == "GOV" and actor.kind != "org"):
        return actor
    tables = resolver.t
    for start, _end, info in resolver.mentions(doc, actor.start, actor.end):
        branches = tables.local_branches.get(info.name)
        if not branches or info.country != actor.country:
            continue
        if any(i.kind == "demonym" for _s, _e, i in resolver.mentions(doc, actor.start, start)):
            return actor
        branch = branches.get(country() or "")
        if branch is None:
            return actor
        name = branch.name if actor.kind == "org" else tables.country_label(branch.country, branch.sector)
        return Actor(actor.text, name, branch.country, branch.sector, actor.start, actor.end, actor.kind)
    return actor


def visit_roles(
    cand: Candidate, sources: list[Actor], targets: list[Actor], location_country: str | None,
) -> tuple[list[Actor], list[Actor]]:
    """The visitor is the source of a CONSULT and the host its target (guidelines C26): "A hosted /
    received B" is B -> A, and so is "A met B in A's country" when B is foreign."""
    if cand.event_type != "CONSULT" or cand.kind == "noun" or not sources:
        return sources, targets
    if not targets:
        # "The Chinese and French presidents held talks in Beijing", "Soviet and Afghan officials met in
        # Kabul": of two joint parties, the one at home hosts the other (three or more meet as a group)
        countries = {a.country for a in sources if a.country}
        if (location_country and location_country != "IGO" and location_country in countries and len(countries) == 2
                and not any(t.lemma_.lower() in MULTILATERAL_SETTINGS for t in cand.trigger.subtree)):
            return ([a for a in sources if a.country != location_country],
                    [a for a in sources if a.country == location_country])
        return sources, targets
    if _mediation(cand.trigger):
        return sources, targets  # the mediator or convener is the source, the parties its targets (C27)
    if cand.entry is not None and cand.entry.hosts:
        return targets, sources
    doc = cand.trigger.doc
    if any(_visiting(a, doc) for a in targets) and not any(_visiting(a, doc) for a in sources):
        # "The Mauritanian president welcomed the visiting president of Mali": the visitor is who
        # "visiting" describes, wherever the grammar puts it
        return targets, sources
    src = {a.country for a in sources if a.country}
    tgt = {a.country for a in targets if a.country}
    if location_country and src == {location_country} and tgt and location_country not in tgt and "IGO" not in tgt:
        return targets, sources
    return sources, targets


MEDIATING_VERBS = frozenset(_WORDS["mediating_verbs"])
# A meeting "on the sidelines of a summit" is had in a multilateral setting, not hosted by one side.
MULTILATERAL_SETTINGS = frozenset(_WORDS["multilateral_settings"])


def _mediation(verb: Token) -> bool:
    """"X brokered / hosted talks between A and B", "X brought together A and B", "X mediated": a third
    party's act on the parties, not a visit (guidelines C27)."""
    if verb.lemma_.lower() in MEDIATING_VERBS:
        return True
    if any(c.lower_ == "together" and c.dep_ in {"prt", "advmod"} for c in verb.children):
        return True
    obj = tr.direct_object(verb)
    return obj is not None and any(True for _ in tr.prep_objects(obj, {"between", "among"}))


def _visiting(actor: Actor, doc: Doc) -> bool:
    """"the visiting president of Mali", "the visiting Chinese premier": an actor described as the visitor."""
    return any(t.lower_ == "visiting" and t.dep_ == "amod" for t in doc[actor.start : actor.end])


def trailing_speaker(verb: Token) -> Token | None:
    """The speaker of a trailing attribution the parser left without a subject ("..., the leader of the
    opposition said.", where the leader ends up attached to the clause before): the head of the
    words between the last comma and the reporting verb."""
    doc = verb.doc
    start = verb.i
    while start > verb.sent.start and doc[start - 1].text not in {",", ";", "\u2014"}:
        start -= 1
    words = [t for t in doc[start : verb.i] if not t.is_punct]
    if not words or start == verb.sent.start:
        return None
    inside = {t.i for t in words}
    heads = [t for t in words if t.head.i not in inside and t.pos_ in {"NOUN", "PROPN"}]
    return heads[0] if heads else None
