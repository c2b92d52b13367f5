"""Construction rules: what a sentence says about each candidate event.

A rule looks at the candidates of one sentence and their syntax, and recodes ("pledged to send
aid" is AGREE), suppresses ("if Finland deployed troops" did not happen) or re-roles them
("Kyiv said Russian forces shelled Kharkiv" is ACCUSE by Kyiv against Russia). Rules run in
registration order; each is a plain function, registered by name so it can be tested alone
(`run(name, candidates, sentence, tools)`) and listed (`names()`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import triples as tr
from ..lexicon import Lexicon
from .model import Candidate, Sentence
from .triggers import COMPLEMENT_OWNERS, TriggerFinder

FORCEFUL_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE"})


@dataclass(frozen=True, slots=True)
class Tools:
    """What rules may consult: the lexicon and the trigger finder (for owned clauses, noun senses)."""

    lex: Lexicon
    triggers: TriggerFinder


Rule = Callable[[list[Candidate], Sentence, Tools], None]


@dataclass(frozen=True, slots=True)
class Construction:
    name: str
    apply: Rule

    @property
    def description(self) -> str:
        return (self.apply.__doc__ or "").strip().split("\n")[0]


_REGISTRY: dict[str, Construction] = {}


def construction(name: str) -> Callable[[Rule], Rule]:
    """Register a rule under a name; rules run in the order they are registered."""

    def register(fn: Rule) -> Rule:
        if name in _REGISTRY:
            raise ValueError(f"construction rule {name!r} registered twice")
        _REGISTRY[name] = Construction(name, fn)
        return fn

    return register


def names() -> list[str]:
    return list(_REGISTRY)


def rules() -> list[Construction]:
    return list(_REGISTRY.values())


def run(name: str, cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    _REGISTRY[name].apply(cands, sent, tools)


def apply_all(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    for rule in _REGISTRY.values():
        rule.apply(cands, sent, tools)


# ----------------------------------------------------------------------------- rules


@construction("conditional")
def conditional(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """Inside an "if/unless" clause an event is a hypothesis: "if Finland deployed NATO troops"."""
    for cand in cands:
        if tr.in_conditional(cand.trigger):
            cand.suppress("conditional")


@construction("owned_complement")
def owned_complement(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """A clause that spells out another trigger's content is not an event of its own: "agreed to
    resume talks" is one AGREE; what is alleged, threatened, requested or refused did not happen."""
    by_token = {c.trigger.i: c for c in cands if c.kind != "noun"}
    for cand in cands:
        if cand.kind == "noun":
            continue
        for child in tools.triggers.owned_clauses(cand):
            if cand.complement is None:
                cand.complement = child
            scope = [t.i for t in child.subtree] if cand.event_type in COMPLEMENT_OWNERS else [child.i]
            for i in scope:
                inner = by_token.get(i)
                if inner is not None and inner is not cand:
                    inner.suppress("owned_complement")


@construction("threat_frame")
def threat_frame(cands: list[Candidate], sent: Sentence, tools: Tools) -> None:
    """Force announced, not used: "vowed to retaliate", "would strike if ..." are THREATEN."""
    for cand in cands:
        if cand.kind == "noun":
            continue
        verb = cand.trigger
        if cand.event_type not in FORCEFUL_TYPES and verb.lemma_ != "retaliate":
            continue
        if verb.dep_ == "xcomp" and tools.lex.fix_lemma(verb.head.lemma_.lower()) in tools.lex.threat_frames:
            cand.recode("THREATEN", "threat_frame")
        cond = tr.conditional_clause(verb)
        if cond is not None and any(c.dep_ == "aux" and c.lower_ in {"would", "will", "'ll"} for c in verb.children):
            cand.recode("THREATEN", "threat_frame")
            cand.condition = cond
