"""Sentence-level event coding: triggers from the lexicon, actors from the dependency tree.

For each sentence: find trigger words (verbs, light verb + event noun, phrasal verbs, nominal
events), suppress complements that only spell out another trigger's content ("agreed to resume
talks", "threatened to impose tariffs"), then fill each event with source and target actors,
speaker, negation, location, date, mode, context and a confidence score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from spacy.tokens import Doc, Span, Token

from . import triples as tr
from .actors import PROPER_KINDS, Actor, ActorResolver
from .dates import is_date_expression, normalise_date
from .geocode import Gazetteer, Place
from .lexicon import Lexicon, Sense, VerbEntry
from .magnitudes import compact, magnitudes

LOCATION_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "around", "off", "throughout", "through"})
EXTRA_LOCATION_PREPS = {"RETREAT": frozenset({"from", "of"}), "MOBILIZE": frozenset({"to"}),
                        "ASSAULT": frozenset({"from"}), "COERCE": frozenset({"from"})}
# Events whose direct object is (in) the place where they happen.
OBJECT_PLACE_TYPES = frozenset({"ASSAULT", "COERCE", "RETREAT"})
# A place attached to these describes them, not the event being coded ("the war in Gaza").
TOPIC_NOUNS = frozenset({"war", "fighting", "conflict", "crisis", "coup", "abuse", "abuses", "violence", "dispute",
                         "situation", "tension", "tensions", "report", "programme", "program", "mission",
                         "assassination", "election", "unrest", "insurgency", "process", "case", "trial",
                         "issue", "policy", "killing", "death", "deaths", "massacre", "famine", "disaster"})
# Events made of words: they happen where the speaker is, not where their targets are.
VERBAL_TYPES = frozenset({"REQUEST", "ACCUSE", "THREATEN", "REJECT", "SUPPORT"})
NON_PLACE_LABELS = frozenset({"PERSON", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
PLACE_ENTITY_LABELS = frozenset({"GPE", "LOC", "FAC"})
# A complement that spells out what these verbs are about is not a separate event.
COMPLEMENT_OWNERS = frozenset({"ACCUSE", "THREATEN", "REQUEST", "REJECT"})
FORCEFUL_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE"})
# Nominal events stand alone only with enough participants; these need just a source.
SOURCE_ONLY_NOMINALS = frozenset({"ASSAULT", "PROTEST", "MOBILIZE", "RETREAT", "COERCE"})
CIVILIAN_SECTORS = frozenset({"CVL", "OPP", "EDU"})
LOOK_THROUGH_NOUNS = frozenset({"package", "series", "round", "wave", "set", "raft", "number", "string", "spate", "batch"})
VISIT_LEMMAS = frozenset({"visit", "travel", "arrive", "tour"})
JOINT_ACTION = Sense("COOPERATE", None, 0.5)  # "France and Germany will jointly develop ..."


@dataclass(slots=True)
class Candidate:
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

    def __post_init__(self) -> None:
        self.event_type = self.sense.type


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

    @classmethod
    def of(cls, span: Span, index: int, doc_ents: list[Span]) -> Sentence:
        tokens = list(span)
        content = [t for t in tokens if not t.is_space]
        start = content[0].idx if content else span.start_char
        end = content[-1].idx + len(content[-1].text) if content else span.end_char
        ents = [e for e in doc_ents if span.start <= e.start < span.end]
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


class EventExtractor:
    def __init__(self, lexicon: Lexicon, resolver: ActorResolver, gazetteer: Gazetteer) -> None:
        self.lex = lexicon
        self.resolver = resolver
        self.gaz = gazetteer
        self.place_nouns = lexicon.place_nouns

    # ------------------------------------------------------------------ public
    def extract(self, doc: Doc, ctx: Context) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        seen: set[tuple[Any, ...]] = set()
        doc_ents = list(doc.ents)
        for index, span in enumerate(doc.sents):
            sent = Sentence.of(span, index, doc_ents)
            if any(s <= sent.start < e for s, e in ctx.skip_ranges):
                continue
            for ev in self.sentence_events(sent, ctx):
                key = (ev["event_type"], tuple(a["name"] for a in ev["source"]),
                       tuple(a["name"] for a in ev["target"]), ev["negated"])
                if key in seen:  # the same event told twice in one article: keep the first
                    continue
                seen.add(key)
                events.append(ev)
        return events

    def sentence_events(self, sent: Sentence, ctx: Context) -> list[dict[str, Any]]:
        candidates = self._candidates(sent)
        if not candidates:
            return []
        self._link_complements(candidates)
        sent.triggers = {c.trigger.i for c in candidates if not c.suppressed and c.kind != "noun"}
        built: list[dict[str, Any]] = []
        for cand in candidates:
            if cand.suppressed:
                continue
            ev = self._build(cand, sent, ctx)
            if ev is not None:
                built.append(ev)
        return self._merge(built)

    # -------------------------------------------------------------- candidates
    def _candidates(self, sent: Sentence) -> list[Candidate]:
        lex = self.lex
        out: list[Candidate] = []
        consumed: set[int] = set()
        nouns: list[Token] = []
        has_joint = not lex.cooperative_adverbs.isdisjoint(t.lower_ for t in sent.tokens)
        for tok in sent.tokens:
            if tok.pos_ in {"NOUN", "PROPN"}:
                nouns.append(tok)
                continue
            if tok.is_space or tok.is_punct or not tr.is_verbal(tok):
                continue
            lemma = lex.fix_lemma(tok.lemma_.lower())
            joint = has_joint and any(c.dep_ in {"advmod", "prt"} and c.lower_ in lex.cooperative_adverbs for c in tok.children)
            if lemma not in lex.trigger_lemmas and not joint:
                continue
            cand = self._verb_candidate(tok, lemma)
            if cand is None and joint:
                cand = Candidate(tok, JOINT_ACTION, "verb")
            if cand is not None:
                out.append(cand)
                if cand.noun is not None:
                    consumed.add(cand.noun.i)
        for cand in out:
            obj = tr.direct_object(cand.trigger)
            if obj is not None:
                consumed.add(obj.i)
            if cand.event_type in COMPLEMENT_OWNERS:  # what is threatened/requested/alleged did not happen (yet)
                for owned in self._owned_clauses(cand):
                    consumed.update(t.i for t in owned.subtree)
        for tok in nouns:
            if tok.i in consumed:
                continue
            if tok.lemma_.lower() not in lex.trigger_lemmas and tok.lower_ not in lex.trigger_lemmas:
                continue
            sense = self._noun_sense(tok)
            if sense is not None:
                out.append(Candidate(tok, sense, "noun", noun=tok))
        return out

    def _object_keys(self, obj: Token) -> list[str]:
        keys = []
        mods = [c for c in obj.lefts if c.dep_ in {"compound", "amod"}]
        if mods:
            keys.append(f"{mods[-1].lower_} {obj.lemma_.lower()}")
            keys.append(f"{mods[-1].lower_} {obj.lower_}")
        keys.extend([obj.lemma_.lower(), obj.lower_])
        return keys

    def _verb_candidate(self, tok: Token, lemma: str) -> Candidate | None:
        entry = self.lex.verbs.get(lemma)
        obj = tr.direct_object(tok)
        if obj is None and tr.is_passive(tok):
            obj = tr.first_child(tok, {"nsubjpass"})  # "sanctions were imposed on ..."
        oprd = tr.first_child(tok, {"oprd", "acomp"})
        if entry is not None:
            keys = self._object_keys(obj) if obj is not None else []
            if oprd is not None:
                keys.insert(0, oprd.lower_)
            for key in keys:
                if key in entry.objects:
                    sense = entry.objects[key]
                    if sense is None:
                        return None
                    noun = obj if obj is not None and self._noun_sense(obj) is not None else None
                    return Candidate(tok, sense, "verb", entry, noun=noun)
            for prt in tr.particles(tok):
                if prt in entry.particles:
                    sense = entry.particles[prt]
                    return Candidate(tok, sense, "verb", entry) if sense else None
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in entry.preps:
                    sense = entry.preps[prep.lower_]
                    if sense is None:
                        continue
                    if sense.pobj is not None:
                        pobj = tr.first_child(prep, {"pobj"})
                        if pobj is None or (pobj.lemma_.lower() not in sense.pobj and pobj.lower_ not in sense.pobj
                                            and " ".join(t.lower_ for t in pobj.subtree if not t.is_stop) not in sense.pobj):
                            continue
                    return Candidate(tok, sense, "verb", entry, prep=prep)
        if lemma in self.lex.light_verbs:
            for noun in self._light_objects(tok, obj):
                sense = self._noun_sense(noun)
                if sense is not None:
                    return Candidate(tok, sense, "light", entry, noun=noun)
        if entry is None:
            return None
        if entry.directive is not None and tr.directive_complement(tok) is not None:
            return Candidate(tok, entry.directive, "verb", entry)
        if entry.default is None:
            return None
        if entry.needs_actor_object and (obj is None or not self.resolver.resolve(obj, modifier_actors=False)):
            return None
        return Candidate(tok, entry.default, "verb", entry)

    def _light_objects(self, verb: Token, obj: Token | None) -> list[Token]:
        """Event nouns a light verb may carry: its object ("held talks"), a look-through
        ("a package of sanctions"), or "on alert" style complements ("put forces on high alert")."""
        out: list[Token] = []
        if obj is not None:
            out.append(obj)
            # "a package of sanctions", "500 million euros in aid", "$2 billion in loans"
            for _prep, pobj in tr.prep_objects(obj, {"of", "in"}):
                out.append(pobj)
        for _prep, pobj in tr.prep_objects(verb, {"on", "under", "into"}):
            if pobj.lemma_.lower() in {"alert", "readiness", "standby", "footing"}:
                out.append(pobj)
        return out

    def _noun_sense(self, tok: Token | None) -> Sense | None:
        if tok is None or tok.pos_ not in {"NOUN", "PROPN"}:
            return None
        nouns = self.lex.nouns
        mods = [c for c in tok.lefts if c.dep_ in {"compound", "amod", "nmod"}]
        word = tok.lemma_.lower()
        hyphen = self._hyphen_word(tok)
        for key in ([f"{mods[-1].lower_} {word}"] if mods else []) + [hyphen, word, tok.lower_]:
            entry = nouns.get(key)
            if entry is None:
                continue
            for mod in reversed(mods):
                for mkey in (mod.lower_, mod.lemma_.lower()):
                    if mkey in entry.modifiers:
                        return entry.modifiers[mkey]
            if entry.default is not None:
                return entry.default
            if word in LOOK_THROUGH_NOUNS:
                for _prep, pobj in tr.prep_objects(tok, {"of"}):
                    return self._noun_sense(pobj)
            return None
        return None

    @staticmethod
    def _hyphen_word(tok: Token) -> str:
        """"sit-in", "cease-fire": the token joined with hyphenated neighbours written without spaces."""
        doc = tok.doc
        start = end = tok.i
        while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and not doc[start - 1].whitespace_:
            start -= 2
        while end + 2 < len(doc) and doc[end + 1].text == "-" and not doc[end].whitespace_ and not doc[end + 1].whitespace_:
            end += 2
        return doc[start : end + 1].text.lower() if end > start else tok.lower_

    def _owned_clauses(self, cand: Candidate) -> list[Token]:
        """Clauses that spell out this trigger's content rather than report another event: its xcomp
        ("agreed to resume talks"), an order it gives ("tells Moscow: rein in Assad"), what it
        accuses/threatens/requests/rejects ("accused Kyiv of shelling ...", "warned that ..."),
        and its purpose ("staged a sit-in to demand ...")."""
        if cand.kind == "noun":
            purpose = tr.purpose_clause(cand.trigger)
            return [purpose] if purpose is not None else []
        verb = cand.trigger
        directive = tr.directive_complement(verb) if cand.entry and cand.sense is cand.entry.directive else None
        owned = []
        for child in verb.children:
            if not tr.is_verbal(child):
                continue
            if child.dep_ == "xcomp" or _same(child, directive) or (child.dep_ == "ccomp" and cand.event_type in COMPLEMENT_OWNERS):
                owned.append(child)
        if cand.event_type in COMPLEMENT_OWNERS:
            for _prep, pobj in tr.prep_objects(verb, {"of", "for", "over"}):
                if pobj.dep_ == "pcomp" or tr.is_verbal(pobj):
                    owned.append(pobj)
        purpose = tr.purpose_clause(verb)
        if purpose is not None and purpose not in owned:
            owned.append(purpose)
        if cand.noun is not None:
            purpose = tr.purpose_clause(cand.noun)
            if purpose is not None and purpose not in owned:
                owned.append(purpose)
        return owned

    def _link_complements(self, cands: list[Candidate]) -> None:
        by_token = {c.trigger.i: c for c in cands if c.kind != "noun"}
        for cand in cands:
            if tr.in_conditional(cand.trigger):
                cand.suppressed = True  # "if Finland deployed NATO troops" did not happen
        for cand in cands:
            if cand.kind == "noun":
                continue
            verb = cand.trigger
            for child in self._owned_clauses(cand):
                if cand.complement is None:
                    cand.complement = child
                # what is alleged, threatened, requested or refused is content, not another event
                scope = [t.i for t in child.subtree] if cand.event_type in COMPLEMENT_OWNERS else [child.i]
                for i in scope:
                    inner = by_token.get(i)
                    if inner is not None and inner is not cand:
                        inner.suppressed = True
            # "vowed to retaliate" / "would retaliate if Finland deployed troops" are threats.
            head = verb.head
            if cand.event_type in FORCEFUL_TYPES or cand.trigger.lemma_ == "retaliate":
                if verb.dep_ == "xcomp" and self.lex.fix_lemma(head.lemma_.lower()) in self.lex.threat_frames:
                    cand.event_type = "THREATEN"
                cond = tr.conditional_clause(verb)
                if cond is not None and any(c.dep_ == "aux" and c.lower_ in {"would", "will", "'ll"} for c in verb.children):
                    cand.event_type = "THREATEN"
                    cand.condition = cond

    # -------------------------------------------------------------------- build
    def _build(self, cand: Candidate, sent: Sentence, ctx: Context) -> dict[str, Any] | None:
        trigger = cand.trigger
        targets_from_subject: list[Actor] = []
        speaker_tok = self._speaker(trigger, sent)
        speaker = self._resolve(speaker_tok) if speaker_tok is not None and not tr.is_pronoun(speaker_tok) else []
        inferred = False
        passive = False
        if cand.kind == "noun":
            if self._irrealis(trigger):
                return None
            sources, reciprocal = self._noun_sources(trigger)
        else:
            reciprocal = []
            subj, passive = tr.clause_subject(trigger)
            sources = []
            if subj is not None:
                if tr.is_pronoun(subj):
                    # "We had a good meeting", Trump said / Russia said it would retaliate: the speaker.
                    if subj.lower_ in tr.FIRST_PERSON | tr.THIRD_PERSON and speaker and subj.dep_ == "nsubj":
                        sources = list(speaker)
                        inferred = True
                elif passive:
                    targets_from_subject = self._resolve(subj, descend=True)
                else:
                    sources = self._resolve(subj)
            if passive:
                ag = tr.agent(trigger)
                sources = self._resolve(ag) if ag is not None else []
                if not sources and cand.event_type in {"MOBILIZE", "RETREAT"}:
                    # "army units were deployed": the units are who mobilised
                    sources, targets_from_subject = targets_from_subject, []
            if cand.sense.speaker_is_source:
                targets_from_subject, sources = sources, list(speaker)
            if cand.entry is not None and cand.entry.protest_if_civilian and any(a.sector in CIVILIAN_SECTORS for a in sources):
                cand.event_type = "PROTEST"
        ev_type = cand.event_type
        source_country = next((a.country for a in sources if a.country), None)
        targets = [] if cand.kind == "noun" else list(targets_from_subject)
        targets.extend(self._targets(cand, ev_type, source_country))
        if not targets and cand.kind != "noun" and (ev_type in COMPLEMENT_OWNERS or cand.condition is not None):
            targets.extend(self._complement_targets(cand, ev_type, source_country))
        if reciprocal:
            sources = _unique(sources + reciprocal)
        source_keys = {(a.name, a.country) for a in sources}
        targets = [a for a in _unique(targets) if (a.name, a.country) not in source_keys]
        if ev_type == "SANCTION":  # "withdrew its ambassador from Kyiv": the target is Kyiv, not Russia's envoy
            own = {a.country for a in sources if a.country}
            targets = [a for a in targets if not (a.country in own and a.text.lower().startswith(("its ", "their ")))]
        if not self._enough(cand, sources, targets, passive):
            return None
        location = self._location(cand, ev_type, sent, sources + targets + speaker, ctx.dateline, targets)
        event_date, date_text = self._date(cand, sent, ctx.reference_date)
        negated = self._negated(cand)
        mode = cand.sense.mode or self._mode(cand, sources, ev_type)
        return {
            "event_type": ev_type,
            "mode": mode,
            "context": self._contexts(ev_type, sent.lemmas),
            "action": self._action(cand),
            "source": [a.as_dict() for a in sources],
            "target": [a.as_dict() for a in targets],
            "location": location.as_location() if location else None,
            "negated": negated,
            "speaker": speaker[0].as_dict() if speaker else None,
            "confidence": self._confidence(cand, sources, targets, location, inferred),
            "event_date": when.isoformat() if (when := event_date or ctx.reference_date) else None,
            "event_date_text": date_text if event_date else None,
            "sentence_index": sent.index,
            "sentence_start": sent.start,
            "sentence_end": sent.end,
            "magnitudes": compact(magnitudes(sent.span, trigger, ev_type)),
        }

    def _resolve(self, tok: Token | None, *, poss_country: str | None = None, descend: bool = False) -> list[Actor]:
        if tok is None:
            return []
        out: list[Actor] = []
        for part in tr.coordinated(tok):
            if tr.is_pronoun(part):
                antecedent = self._object_antecedent(part)
                if antecedent is not None:
                    out.extend(self._resolve(antecedent, poss_country=poss_country, descend=descend))
                continue
            out.extend(self.resolver._resolve_one(part, poss_country, True, descend, 0))
        return _unique(out)

    @staticmethod
    def _object_antecedent(pron: Token) -> Token | None:
        """"expelled seven UN officials, accusing them of ...": an object pronoun of a participle or
        second conjunct refers to the object of the verb it hangs off."""
        if pron.lower_ not in {"them", "him", "her"} or pron.dep_ not in tr.OBJECT_DEPS:
            return None
        verb = pron.head
        if verb.dep_ in {"advcl", "conj"} and tr.is_verbal(verb.head):
            obj = tr.direct_object(verb.head)
            if obj is not None and not tr.is_pronoun(obj):
                return obj
        return None

    def _enough(self, cand: Candidate, sources: list[Actor], targets: list[Actor], passive: bool) -> bool:
        """Only code events with a known actor; nominal events need enough participants to stand alone."""
        if not any(a.country or a.sector for a in sources + targets):
            return False
        if cand.kind == "noun":
            if not sources:
                return False
            return bool(targets) or len(sources) >= 2 or cand.event_type in SOURCE_ONLY_NOMINALS
        return bool(sources) or (passive and bool(targets))

    def _noun_sources(self, noun: Token) -> tuple[list[Actor], list[Actor]]:
        """Sources of a nominal event: possessor, actor modifiers ("US air strikes"), "by X";
        "between X and Y" gives reciprocal participants."""
        sources: list[Actor] = []
        reciprocal: list[Actor] = []
        for child in noun.children:
            if child.dep_ == "poss" and not tr.is_pronoun(child):
                sources.extend(self._resolve(child))
        start = noun.left_edge.i
        for s, e, info in self.resolver.mentions(noun.doc, start, noun.i):
            if info.kind in PROPER_KINDS or info.kind == "demonym":
                tok = noun.doc[e - 1]
                if any(a.start <= tok.i < a.end for a in sources):
                    continue
                text = noun.doc[s:e].text
                if info.kind == "demonym":
                    sources.append(Actor(text, info.name, info.country, None, s, e, "modifier"))
                else:
                    sector = None if info.kind == "country" else info.sector
                    name = info.name
                    sources.append(Actor(text, name, info.country, sector, s, e, "modifier"))
        for prep, pobj in tr.prep_objects(noun, {"by", "between", "among"}):
            if prep.lower_ == "by":
                sources.extend(self._resolve(pobj))
            else:
                reciprocal.extend(self._resolve(pobj))
        return _unique(sources), _unique(reciprocal)

    def _irrealis(self, noun: Token) -> bool:
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

    def _targets(self, cand: Candidate, ev_type: str, source_country: str | None) -> list[Actor]:
        preps = self.lex.target_preps.get(ev_type, frozenset())
        heads: list[Token] = []
        heads_actors: list[Actor] = []
        verb = cand.trigger
        if cand.kind != "noun":
            obj = tr.direct_object(verb)
            # what one withdraws from or leaves is a place, not a party
            object_is_target = (cand.entry is None or cand.entry.object_is_target) and ev_type != "RETREAT"
            if obj is not None and not _same(obj, cand.noun):
                actors = []
                if self._noun_sense(obj) is None and object_is_target:
                    actors = self._resolve(obj, poss_country=source_country, descend=True)
                    if ev_type == "AID":  # "sent tanks to Ukraine": the object is the aid, "aided Ukraine": the recipient
                        actors = [a for a in actors if a.kind in PROPER_KINDS]
                if actors:
                    heads_actors.extend(actors)
                else:  # "cut diplomatic ties with Qatar": the object's own prepositions
                    heads.extend(p for _, p in tr.prep_objects(obj, preps))
            for child in verb.children:
                if child.dep_ in {"dative", "iobj"} and child.pos_ != "ADP":
                    heads.append(child)
            if cand.prep is not None and cand.sense.pobj is None:
                heads.extend(p for p in cand.prep.children if p.dep_ == "pobj")
            heads.extend(p for prep, p in tr.prep_objects(verb, preps) if not _same(prep, cand.prep))
            if obj is not None and not _same(obj, cand.noun) and obj.lower_ in {"million", "billion"} | LOOK_THROUGH_NOUNS:
                for _, inner in tr.prep_objects(obj, {"in", "of"}):
                    heads.extend(p for _, p in tr.prep_objects(inner, preps))
        if cand.noun is not None:
            heads.extend(p for _, p in tr.prep_objects(cand.noun, preps))
            if cand.noun.lemma_.lower() in LOOK_THROUGH_NOUNS:
                for _, inner in tr.prep_objects(cand.noun, {"of"}):
                    heads.extend(p for _, p in tr.prep_objects(inner, preps))
        out: list[Actor] = list(heads_actors)
        for head in heads:
            out.extend(self._resolve(head, poss_country=source_country, descend=True))
        return out

    def _complement_targets(self, cand: Candidate, ev_type: str, source_country: str | None) -> list[Actor]:
        """Targets spelled out in a complement: "threatened to impose tariffs on Mexico",
        "charged that Turkish jets violated ...", "would retaliate if Finland deployed ..."."""
        out: list[Actor] = []
        comp = cand.complement
        if comp is not None:
            if comp.dep_ == "ccomp" and ev_type in {"ACCUSE", "REQUEST"}:
                subj, _ = tr.clause_subject(comp)
                if subj is not None and not tr.is_pronoun(subj):
                    out.extend(self._resolve(subj, descend=True))
            if not out:
                obj = tr.direct_object(comp)
                if obj is not None:
                    if self._noun_sense(obj) is not None:
                        for _, p in tr.prep_objects(obj, {"on", "against", "to", "at", "into", "across"}):
                            out.extend(self._resolve(p, poss_country=source_country, descend=True))
                    else:
                        out.extend(self._resolve(obj, poss_country=source_country, descend=True))
                for _, p in tr.prep_objects(comp, {"on", "against", "to", "at", "into", "across"}):
                    out.extend(self._resolve(p, poss_country=source_country, descend=True))
                for child in comp.children:
                    if child.dep_ in {"dative", "iobj"} and child.pos_ != "ADP":
                        out.extend(self._resolve(child, poss_country=source_country, descend=True))
        if not out and cand.condition is not None:
            subj, _ = tr.clause_subject(cand.condition)
            if subj is not None and not tr.is_pronoun(subj):
                out.extend(self._resolve(subj))
        return out

    # ------------------------------------------------------------ annotations
    def _speaker(self, trigger: Token, sent: Sentence) -> Token | None:
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
            cur = head
        for anc in (trigger, *tr.ancestors_within(trigger, 3)):
            for child in anc.children:
                if child.dep_ in {"parataxis", "ccomp", "advcl"} and child.i > trigger.i and child.lemma_ in reporting:
                    subj, _ = tr.clause_subject(child)
                    if subj is not None:
                        return subj
        return sent.according_to()

    def _negated(self, cand: Candidate) -> bool:
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

    def _place(self, tok: Token, depth: int = 0) -> Place | None:
        """Geocode a place phrase: "Astana, Kazakhstan", "the city of Kherson", "Russia's Krasnodar region",
        "the Syrian town of Tal Abyad" (falls back to the country when the town is unknown),
        "a school in the town of Kuriga" (looks into the phrase's own place)."""
        doc = tok.doc
        gaz = self.gaz
        known = self.resolver.t.proper.get(tok.lower_) or self.resolver.t.exact.get(tok.text)
        if known is not None and known.kind in {"person", "org", "metonym", "demonym", "sector"}:
            return None  # "Vladimir Putin" is not the city of Vladimir, "UN" not a town in India
        named_place = tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in self.place_nouns  # "the town of X"
        if tok.ent_type_ == "PERSON" and not named_place and (known is None or known.kind not in {"capital", "country"}):
            return self.resolver.city_misread_as_person(tok)
        hint: str | None = None
        fallback: str | None = None
        if tok.lemma_.lower() in TOPIC_NOUNS:
            return None
        place_noun = tok.lemma_.lower() in self.place_nouns or tok.ent_type_ in PLACE_ENTITY_LABELS
        for child in tok.children:
            if child.dep_ in {"appos", "npadvmod", "conj"} and child.i > tok.i:
                hint = gaz.country_code(child.text) or hint
            if child.dep_ in {"poss", "amod", "compound"} and place_noun:
                code = gaz.country_code(child.text) or self._demonym_country(child)
                if code:
                    fallback = fallback or code
        names: list[str] = []
        ent = tr.entity_span(tok)
        if ent is not None and (ent.label_ not in NON_PLACE_LABELS or named_place):
            names.append(ent.text)
        compounds = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN" and c.ent_type_ != "PERSON"]
        if compounds:
            names.append(doc[compounds[0].i : tok.i + 1].text)
            names.extend(c.text for c in compounds)
        if (tok.pos_ == "PROPN" and tok.ent_type_ not in NON_PLACE_LABELS) or (known is not None and known.kind in {"capital", "country"}):
            names.append(tok.text)  # NER sometimes calls "Kyiv" a PERSON; the dictionary knows better
        for name in names:
            place = gaz.lookup(name, hint or fallback)
            if place is not None:
                return place
        if depth < 2:
            for _prep, pobj in tr.prep_objects(tok, {"of", "in", "near", "around", "outside", "inside", "across", "throughout"}):
                place = self._place(pobj, depth + 1)
                if place is not None:
                    return place
        code = hint or fallback
        return gaz.country(code) if code else None

    def _placelike(self, tok: Token) -> bool:
        return tok.ent_type_ in PLACE_ENTITY_LABELS or tok.lemma_.lower() in self.place_nouns or (
            tok.pos_ == "PROPN" and tok.ent_type_ not in NON_PLACE_LABELS)

    def _demonym_country(self, tok: Token) -> str | None:
        info = self.resolver.t.proper.get(tok.lower_)
        return info.country if info is not None and info.kind == "demonym" else None

    def _location(
        self, cand: Candidate, ev_type: str, sent: Sentence, actors: list[Actor], dateline: Place | None,
        targets: list[Actor] = (),  # type: ignore[assignment]
    ) -> Place | None:
        """Where it happened: a place phrase of the trigger ("met in Moscow"), of its object
        ("attacked a hotel in Mogadishu"), of its clause ("negotiations which began in Astana"), of the
        subject ("Students in Dhaka staged ..."); else a place the sentence names outside the trigger's
        objects ("the fighting in Gaza" is what was called for, not where); else the dateline."""
        preps = set(LOCATION_PREPS) | EXTRA_LOCATION_PREPS.get(ev_type, frozenset())
        trigger = cand.trigger
        obj = tr.direct_object(trigger) if cand.kind != "noun" else None
        anchors = [trigger] + [t for t in (cand.noun, obj) if t is not None and t.i != trigger.i]
        if obj is not None and not _same(obj, cand.noun) and self._describes_other(obj, cand, ev_type) and obj in anchors:
            anchors.remove(obj)  # "condemned the attack on its embassy in Kabul": the attack's place
        for anchor in anchors:
            for _, pobj in tr.prep_objects(anchor, preps):
                place = self._place(pobj)
                if place is not None:
                    return place
        if cand.prep is not None and cand.sense.pobj is not None:  # "took to the streets of Nairobi"
            for pobj in cand.prep.children:
                if pobj.dep_ == "pobj":
                    place = self._place(pobj)
                    if place is not None:
                        return place
        if obj is not None and (ev_type in OBJECT_PLACE_TYPES or trigger.lemma_ in VISIT_LEMMAS):
            place = self._place(obj) if self._placelike(obj) else None  # "shelled residential areas of El Fasher", "visit Washington"
            if place is None:
                poss = tr.first_child(obj, {"poss"})
                place = self._place(poss) if poss is not None else None  # "struck Kyiv's infrastructure"
            if place is not None:
                return place
        if ev_type in OBJECT_PLACE_TYPES:  # "air strikes on Gaza", "shelled Kharkiv": the place hit
            for actor in targets:
                if actor.kind in {"entity", "capital", "country"}:
                    place = self._place(trigger.doc[actor.end - 1])
                    if place is not None:
                        return place
        if trigger.lemma_ in VISIT_LEMMAS:
            for _, pobj in tr.prep_objects(trigger, {"to"}):
                place = self._place(pobj)
                if place is not None:
                    return place
        for anc in tr.ancestors_within(trigger, 3):
            if anc.lemma_ in self.lex.reporting_verbs:
                break
            for holder in (anc, *(c for c in anc.children if c.dep_ in {"relcl", "acl"} and c not in anchors)):
                for _, pobj in tr.prep_objects(holder, LOCATION_PREPS):
                    place = self._place(pobj)
                    if place is not None:
                        return place
        subj = tr.first_child(trigger, tr.SUBJECT_DEPS) if cand.kind != "noun" else None
        if subj is not None:
            for _, pobj in tr.prep_objects(subj, {"in", "at", "from"}):
                place = self._place(pobj)
                if place is not None:
                    return place
        return self._sentence_place(cand, ev_type, sent, actors) or dateline

    def _sentence_place(self, cand: Candidate, ev_type: str, sent: Sentence, actors: list[Actor]) -> Place | None:
        """A place named elsewhere in the sentence ("in/at/near X") that is not an actor, not what a
        threat/request/accusation is about, not inside an "if/until" clause, and not the place of
        something else ("the war in Gaza", "the attack on its embassy in Kabul")."""
        excluded = {i for a in actors for i in range(a.start, a.end)}
        if ev_type in COMPLEMENT_OWNERS:
            for owned in self._owned_clauses(cand):
                excluded.update(t.i for t in owned.subtree)
        excluded |= sent.conditional()
        for tok in sent.tokens:
            if tok.dep_ != "pobj" or tok.i in excluded:
                continue
            head = tok.head
            if not (head.lower_ in LOCATION_PREPS or (head.lower_ == "to" and head.head.lemma_ in VISIT_LEMMAS | {"trip"})):
                continue
            if tok.ent_type_ not in PLACE_ENTITY_LABELS and tok.pos_ != "PROPN" and tok.lemma_.lower() not in self.place_nouns:
                continue
            if self._describes_other(head.head, cand, ev_type) or self._other_clause(tok, cand, sent):
                continue
            place = self._place(tok)
            if place is not None:
                return place
        return None

    @staticmethod
    def _other_clause(tok: Token, cand: Candidate, sent: Sentence) -> bool:
        """Whether the nearest verb above a place is another event's trigger ("as Pelosi arrived in Taipei")."""
        cur = tok.head
        while cur.head.i != cur.i and not tr.is_verbal(cur):
            cur = cur.head
        return cur.i in sent.triggers and cur.i != cand.trigger.i

    def _describes_other(self, holder: Token, cand: Candidate, ev_type: str) -> bool:
        """Whether a place phrase hangs off a topic ("the war in ...") or another kind of event."""
        cur = holder
        for _ in range(2):
            if cur.pos_ in {"NOUN", "PROPN"}:
                if cur.lemma_.lower() in TOPIC_NOUNS:
                    return True
                if not _same(cur, cand.noun) and cur.i != cand.trigger.i:
                    sense = self._noun_sense(cur)
                    if sense is not None and sense.type != ev_type:
                        return True
            if cur.head.i == cur.i or tr.is_verbal(cur):
                break
            cur = cur.head
        if ev_type in VERBAL_TYPES:  # "all parties in Sudan" were asked, the asking was not in Sudan
            node = holder
            while node.head.i != node.i and not tr.is_verbal(node):
                node = node.head
            return node.i == cand.trigger.i and holder.i != cand.trigger.i
        return False

    def _date(self, cand: Candidate, sent: Sentence, reference: date | None) -> tuple[date | None, str | None]:
        ents = [e for e in sent.ents if e.label_ in {"DATE", "TIME"} and is_date_expression(e.text)]
        if not ents:
            return None, None
        anchors = {cand.trigger.i} | ({cand.noun.i} if cand.noun is not None else set())
        best: tuple[int, Span] | None = None
        for ent in ents:
            cur, hops = ent.root, 0
            while cur.head.i != cur.i and hops < 4:
                cur, hops = cur.head, hops + 1
                if cur.i in anchors:
                    if best is None or hops < best[0]:
                        best = (hops, ent)
                    break
                if tr.is_verbal(cur):
                    break
        if best is None:
            holders = []
            for anc in tr.ancestors_within(cand.trigger, 4):
                holders.append(anc)
                holders.extend(c for c in anc.children if c.dep_ in {"relcl", "acl"})
            for holder in holders:
                for ent in ents:
                    root = ent.root
                    if root.head == holder or (root.head.dep_ == "prep" and root.head.head == holder):
                        best = (0, ent)
                        break
                if best is not None:
                    break
        if best is None:
            return None, None
        ent = best[1]
        text = ent.text
        head = ent.root.head
        if head.dep_ == "prep" and head.i == ent.start - 1:
            text = f"{head.text} {text}"
        return normalise_date(ent.text, reference), text

    def _mode(self, cand: Candidate, sources: list[Actor], ev_type: str) -> str | None:
        if ev_type != "ASSAULT":
            return None
        words: list[str] = [cand.trigger.lower_, cand.trigger.lemma_.lower()]
        obj = tr.direct_object(cand.trigger) if cand.kind != "noun" else None
        if obj is not None:  # "fired a ballistic missile"
            words.extend(t.lower_ for t in obj.subtree if t.i <= obj.i)
        if cand.noun is not None:
            words.extend(c.lower_ for c in cand.noun.lefts)
            words.append(cand.noun.lower_)
        for actor in sources:
            words.extend(actor.text.lower().split())
        for word in words:
            mode = self.lex.modes.get(word)
            if mode:
                return mode
        return None

    def _contexts(self, ev_type: str, lemmas: set[str]) -> list[str]:
        out = list(self.lex.type_contexts.get(ev_type, ()))
        for name, words in self.lex.contexts.items():
            if name not in out and not words.isdisjoint(lemmas):
                out.append(name)
        return out

    def _action(self, cand: Candidate) -> dict[str, str]:
        trigger = cand.trigger
        words = [trigger]
        if cand.kind == "noun":
            words = [c for c in trigger.lefts if c.dep_ == "compound" and c.i == trigger.i - 1] + [trigger]
        else:
            words.extend(c for c in trigger.children if c.dep_ == "prt")
            if cand.prep is not None:
                words.append(cand.prep)
            if cand.noun is not None:
                words.append(cand.noun)
        words.sort(key=lambda t: t.i)
        lemma = " ".join(self.lex.fix_lemma(t.lemma_.lower()) for t in words)
        return {"text": " ".join(t.text for t in words), "lemma": lemma}

    def _confidence(
        self, cand: Candidate, sources: list[Actor], targets: list[Actor], location: Place | None, inferred: bool
    ) -> float:
        score = 0.2 + 0.35 * cand.sense.weight
        if any(a.country for a in sources):
            score += 0.2
        elif sources:
            score += 0.08
        if any(a.country for a in targets):
            score += 0.12
        elif targets:
            score += 0.05
        if location is not None:
            score += 0.05
        if cand.kind == "noun":
            score -= 0.08
        if inferred:
            score -= 0.1
        if cand.kind != "noun" and tr.is_hypothetical(cand.trigger):
            score -= 0.1
        return round(min(1.0, max(0.05, score)), 3)

    @staticmethod
    def _merge(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One sentence, one event per (type, source): "struck Kyiv ..., killing four people" is one attack."""
        merged: dict[tuple[Any, ...], dict[str, Any]] = {}
        for ev in events:
            key = (ev["event_type"], tuple(a["name"] for a in ev["source"]), ev["negated"])
            first = merged.get(key)
            if first is None:
                merged[key] = ev
                continue
            names = {a["name"] for a in first["target"]}
            first["target"].extend(a for a in ev["target"] if a["name"] not in names)
            for field_name in ("location", "mode", "speaker", "magnitudes"):
                if first[field_name] is None:
                    first[field_name] = ev[field_name]
            if first["event_date_text"] is None and ev["event_date_text"] is not None:
                first["event_date"], first["event_date_text"] = ev["event_date"], ev["event_date_text"]
            first["confidence"] = max(first["confidence"], ev["confidence"])
        return list(merged.values())


def _same(a: Token | None, b: Token | None) -> bool:
    """Token identity: spaCy creates a new Token object on every access, so `is` never works."""
    return a is not None and b is not None and a.i == b.i


def _unique(actors: list[Actor]) -> list[Actor]:
    seen: set[tuple[str, str | None]] = set()
    out = []
    for actor in actors:
        key = (actor.name, actor.country)
        if key not in seen:
            seen.add(key)
            out.append(actor)
    return out
