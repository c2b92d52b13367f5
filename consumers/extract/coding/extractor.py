"""Sentence-level event coding: triggers, construction rules, roles, place, date, attributes."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Token

from .. import triples as tr
from ..actors import Actor, ActorResolver
from ..geocode import Gazetteer
from ..layout import in_ranges
from ..lexicon import Lexicon
from ..magnitudes import compact, magnitudes
from ..typer import TyperModel
from . import constructions, source_rules
from .attributes import Attributes, merge
from .model import REFUSED, THREATENED, Candidate, Context, Sentence, unique
from .places import Locator
from .roles import RoleFiller, implied_countries, local_branch, visit_roles
from .subjects import (
    copula_subject,
    loyal_subject,
    possessive_pronoun,
    preposed_subject,
    reporter_conjunct_subject,
    shared_agent,
    stray_subjects,
)
from .triggers import CONTENT_OWNERS, TriggerFinder

CIVILIAN_SECTORS = frozenset({"CVL", "OPP", "EDU"})
# Acts that can befall the source's own forces: a government may arrest or fire on its own troops.
OWN_FORCES_UNDERGO = frozenset({"ASSAULT", "COERCE"})


class EventExtractor:
    def __init__(self, lexicon: Lexicon, resolver: ActorResolver, gazetteer: Gazetteer, typer: TyperModel | None = None) -> None:
        self.lex = lexicon
        self.resolver = resolver
        self.triggers = TriggerFinder(lexicon, resolver, typer)
        self.roles = RoleFiller(lexicon, resolver, self.triggers)
        self.places = Locator(lexicon, resolver, gazetteer, self.triggers)
        self.attributes = Attributes(lexicon)
        self.tools = constructions.Tools(lexicon, self.triggers, self.roles)
        self.instruments = frozenset(lexicon.word_list("agentless_instruments"))

    def extract(self, doc: Doc, ctx: Context) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        seen: dict[tuple[Any, ...], int] = {}  # event key -> the sentence that told it first
        doc_ents = list(doc.ents)
        first_ent = 0
        sents: list[Sentence] = []
        for index, span in enumerate(doc.sents):
            while first_ent < len(doc_ents) and doc_ents[first_ent].start < span.start:
                first_ent += 1  # entities are sorted: one sweep instead of a scan per sentence
            sent = Sentence.of(span, index, doc_ents, first_ent)
            if not in_ranges(sent.start, ctx.skip_ranges):
                sents.append(sent)
        for sent, candidates in zip(sents, self.triggers.candidates_of(sents), strict=True):
            for ev in self.sentence_events(sent, ctx, candidates):
                key = (ev["event_type"], tuple(a["name"] for a in ev["source"]),
                       tuple(a["name"] for a in ev["target"]), ev["negated"])
                # the same event told again in a later sentence: keep the first; within one sentence
                # merge() has already decided what is one act ("confiscated X and sealed its offices": two)
                if seen.setdefault(key, sent.index) != sent.index:
                    continue
                events.append(ev)
        return events

    def sentence_events(self, sent: Sentence, ctx: Context, candidates: list[Candidate]) -> list[dict[str, Any]]:
        if not candidates and self.tools.readiness_lemmas.isdisjoint(sent.lemmas):
            return []  # ("was ready to sit down": the readiness rule makes the event; lemmas are cached)
        constructions.apply_all(candidates, sent, self.tools)
        for cand in candidates:
            if cand.vetoed and not cand.rules:
                cand.suppressed = True
        sent.triggers = {c.trigger.i for c in candidates if not c.suppressed and c.kind != "noun"}
        built: list[tuple[Candidate, dict[str, Any]]] = []
        for cand in candidates:
            if cand.suppressed:
                continue
            ev = self.build(cand, sent, ctx)
            if ev is not None:
                built.append((cand, ev))
        return merge(built)

    def _speaks_for_organisation(self, speaker: list[Actor], doc: Doc) -> bool:
        """"A Taliban spokesman", "ANC officials": a speaker named by the organisation it speaks for."""
        return any(info.kind == "org" for a in speaker for _s, _e, info in self.resolver.mentions(doc, a.start, a.end))

    def possessor_country(self, subj: Token) -> str | None:
        """Country of "its/their/his" in a subject: the named subject of the clause above ("Israel
        barred journalists as its forces massed", "X's president said that his country would ...")."""
        above = tr.clause_above_subject(subj)
        if above is None:
            return None
        return next((a.country for a in self.roles.resolve(above) if a.country), None)

    def build(self, cand: Candidate, sent: Sentence, ctx: Context) -> dict[str, Any] | None:
        roles = self.roles
        trigger = cand.trigger
        squery = source_rules.SourceQuery(sent, roles, self.places)
        targets_from_subject: list[Actor] = []
        speaker_tok = roles.speaker(trigger, sent)
        speaker = roles.resolve(speaker_tok) if speaker_tok is not None and not tr.is_pronoun(speaker_tok) else []
        inferred = False
        passive = False
        subj: Token | None = None
        if cand.source_tokens is not None or cand.target_tokens is not None:
            # a construction rule fixed the roles ("A said B shelled C": A accuses B)
            reciprocal = []
            if cand.source_tokens is not None:
                sources = unique([a for t in cand.source_tokens for a in roles.resolve(t)])
            elif cand.kind == "noun":
                sources = roles.noun_sources(trigger)[0]
            else:
                subj, _ = tr.clause_subject(trigger)
                sources = roles.resolve(subj) if subj is not None and not tr.is_pronoun(subj) else []
            targets_from_subject = unique([a for t in cand.target_tokens or [] for a in roles.resolve(t, descend=True)])
        elif cand.kind == "noun":
            if roles.irrealis(trigger):
                return None
            sources, reciprocal = roles.noun_sources(trigger)
        else:
            reciprocal = []
            subj, passive = tr.clause_subject(trigger)
            subj = loyal_subject(trigger) or copula_subject(subj) or preposed_subject(trigger)
            if (reporter := reporter_conjunct_subject(trigger, self.lex.reporting_verbs)) is not None:
                # "X said ... that Y had been poisoned and rejected Z": X's own act, not what X reports
                subj, passive, speaker = reporter, False, []
            sources = []
            if subj is not None:
                if tr.is_pronoun(subj):
                    # "We had a good meeting", Trump said / Russia said it would retaliate: the speaker.
                    if subj.lower_ in tr.FIRST_PERSON | tr.THIRD_PERSON and speaker and subj.dep_ == "nsubj":
                        sources = list(speaker)
                        inferred = True
                    elif (antecedent := roles.subject_antecedent(subj)) is not None:
                        sources = source_rules.pronoun_sources(squery, subj, antecedent, roles.resolve(antecedent))
                        inferred = True
                elif passive:
                    targets_from_subject = roles.resolve(subj, descend=True) or roles.subject_phrase_targets(subj, cand)
                elif speaker and self._speaks_for_organisation(speaker, subj.doc) and constructions.own_group([subj], self.roles):
                    sources = list(speaker)  # "a Taliban spokesman said the group had kidnapped ...": the speaker's group
                    inferred = True
                else:
                    # "its forces" in what the Russian ministry said: the speaker's forces; else the
                    # subject of the clause above ("Israel closed ... as its forces massed")
                    speaker_country = next((a.country for a in speaker if a.country), None)
                    if speaker_country is None and possessive_pronoun(subj) is not None:
                        speaker_country = self.possessor_country(subj)
                    sources = roles.resolve(subj, poss_country=speaker_country)
                    for other in stray_subjects(subj):
                        sources = unique(sources + roles.resolve(other))
                    if not sources and (sense := self.triggers.noun_sense(subj)) is not None and sense.type == "ASSAULT":
                        # "a Turkish drone strike / a strike by Turkish forces killed nine": the attack's author
                        # ("the dockworkers' strike" is a walkout: no attack by civilians)
                        sources = [a for a in roles.noun_sources(subj)[0] if a.sector not in CIVILIAN_SECTORS]
            if passive:
                ag = tr.agent(trigger) or shared_agent(trigger)
                sources = roles.resolve(ag) if ag is not None else []
                if not sources and cand.event_type in {"MOBILIZE", "RETREAT"}:
                    # "army units were deployed": the units are who mobilised
                    sources, targets_from_subject = targets_from_subject, []
            if cand.sense.speaker_is_source:
                targets_from_subject, sources = sources, list(speaker)
            if cand.entry is not None and cand.entry.protest_if_civilian and any(a.sector in CIVILIAN_SECTORS for a in sources):
                cand.event_type = "PROTEST"
        ev_type = cand.event_type
        source_country = next((a.country for a in sources if a.country), None)
        targets = [] if cand.kind == "noun" and cand.target_tokens is None else list(targets_from_subject)
        if cand.target_tokens is None:
            targets.extend(roles.targets(cand, ev_type, source_country))
        owns_complement = ev_type in CONTENT_OWNERS or (cand.complement is not None and cand.complement.dep_ == "xcomp")
        if not targets and cand.kind != "noun" and (owns_complement or cand.condition is not None):
            targets.extend(roles.complement_targets(cand, ev_type, source_country))
        if reciprocal:
            sources = unique(sources + reciprocal)
        source_keys = {(a.name, a.country) for a in sources}
        targets = [a for a in unique(targets) if (a.name, a.country) not in source_keys]
        targets = own_side_removed(targets, sources, ev_type)
        agentless = cand.kind != "noun" and cand.source_tokens is None and not sources and roles.agentless(subj)
        if not roles.enough(cand, sources, targets, passive, agentless):
            return None
        sources = source_rules.refine(source_rules.ANTECEDENT, squery, sources)
        # "Egypt urged both sides to stop": a pair anaphor reads the same in either role (7.2)
        targets = unique([b for a in targets for b in source_rules.pair_antecedent(squery, a)])
        attrs = self.attributes
        location = self.places.location(cand, ev_type, sent, sources + targets + speaker, ctx.dateline, targets)
        sources, targets = visit_roles(cand, sources, targets, location.country if location else None)
        sources, targets = implied_countries(sources, targets, location.country if location else None, ev_type, self.resolver.t,
                                              lambda: self.places.sentence_country(sent), sent.span.doc, self.instruments)
        sources = source_rules.refine(source_rules.AFTER_PLACE, squery, sources)
        if self.resolver.t.local_branches:
            def branch_country() -> str | None:
                return (location.country if location else None) or self.places.country_of_named_places(sent)
            doc = sent.span.doc
            sources = [local_branch(a, doc, ev_type, self.resolver, branch_country) for a in sources]
            targets = [local_branch(a, doc, ev_type, self.resolver, branch_country) for a in targets]
        event_date, date_text = attrs.event_date(cand, sent, ctx.reference_date)
        negated = roles.negated(cand) and cand.modality not in {REFUSED, THREATENED}  # "would not release unless": a threat
        mode = cand.sense.mode or attrs.mode(cand, sources, ev_type)
        return {
            "event_type": ev_type,
            "mode": mode,
            "context": attrs.contexts(ev_type, sent.lemmas),
            "action": attrs.action(cand),
            "source": [a.as_dict() for a in sources],
            "target": [a.as_dict() for a in targets],
            "location": location.as_location() if location else None,
            "negated": negated,
            "speaker": speaker[0].as_dict() if speaker else None,
            "confidence": attrs.confidence(cand, sources, targets, location, inferred),
            "event_date": when.isoformat() if (when := event_date or ctx.reference_date) else None,
            "event_date_text": date_text if event_date else None,
            "sentence_index": sent.index,
            "sentence_start": sent.start,
            "sentence_end": sent.end,
            "magnitudes": compact(magnitudes(sent.span, cand.trigger, ev_type)),
        }


def own_side_removed(targets: list[Actor], sources: list[Actor], ev_type: str) -> list[Actor]:
    """The source's own people in the object slot are what it sends or moves, not whom it acts on:
    "would not send its troops / German troops to Ukraine", "withdrew its ambassador from Kyiv"."""
    own = {a.country for a in sources if a.country}
    if not own:
        return targets

    def own_side(a: Actor) -> bool:
        if a.country not in own:
            return False
        if a.text.lower().startswith(("its ", "their ")):
            return ev_type == "SANCTION" or a.sector == "MIL"
        return a.sector == "MIL" and a.kind != "country" and ev_type not in OWN_FORCES_UNDERGO

    return [a for a in targets if not own_side(a)]
