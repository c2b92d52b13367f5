"""Event attributes besides the roles: date, mode, contexts, the action words, a confidence score,
and the merge of one sentence's events."""

from __future__ import annotations

from datetime import date
from typing import Any

from spacy.tokens import Span, Token

from .. import triples as tr
from ..actors import Actor
from ..dates import is_date_expression, normalise_date
from ..geocode import Place
from ..lexicon import Lexicon
from .model import Candidate, Sentence


class Attributes:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon

    def event_date(self, cand: Candidate, sent: Sentence, reference: date | None) -> tuple[date | None, str | None]:
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

    def mode(self, cand: Candidate, sources: list[Actor], ev_type: str) -> str | None:
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

    def contexts(self, ev_type: str, lemmas: set[str]) -> list[str]:
        out = list(self.lex.type_contexts.get(ev_type, ()))
        for name, words in self.lex.contexts.items():
            if name not in out and not words.isdisjoint(lemmas):
                out.append(name)
        return out

    def action(self, cand: Candidate) -> dict[str, str]:
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

    def confidence(
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


# Dependents that make a coordinated verb's act its own: "outlawed the order and seized its
# university". Not triples.OBJECT_DEPS: a dative counts here, a bare "obj" does not.
OWN_OBJECT_DEPS = frozenset({"dobj", "dative"})
TEMPORAL_ENTS = frozenset({"DATE", "TIME"})
ADJUNCT_PREPS = frozenset({"since", "during", "after", "before", "until", "amid", "following", "despite"})


def own_argument(verb: Token, subject_counts: bool) -> bool:
    """The verb has an object (or, for a later conjunct, a subject) of its own; "on Friday" and "since
    the coup" are none."""
    for child in verb.children:
        if child.dep_ in OWN_OBJECT_DEPS or (subject_counts and child.dep_ in tr.SUBJECT_DEPS):
            return True
        if child.dep_ == "prep" and child.lower_ not in ADJUNCT_PREPS and any(
                p.dep_ == "pobj" and p.ent_type_ not in TEMPORAL_ENTS for p in child.children):
            return True
    return False


def distinct_acts(first: Candidate, later: Candidate) -> bool:
    """Guidelines 6.2: coordinated predicates are separate events ("outlawed the Jesuit order and seized
    its university", "A freed X and B released Y"), unless the first has no argument of its own
    ("shelled and bombed the town": one object for both). Participle adjuncts and their conjuncts ("..., killing four and
    wounding ten"), event nouns and clauses that retell the act ("pulled out ... as the troops withdrew")
    stay one event."""
    a, b = first.trigger, later.trigger
    if first.kind == "noun" or later.kind == "noun" or a.i == b.i or b.i not in {c.i for c in a.conjuncts}:
        return False
    head = a
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    if head.tag_ == "VBG":
        return False
    early, late = (a, b) if a.i < b.i else (b, a)
    # "detained or suspended 50,000 officials ... and barred academics": the object of the first act
    # may hang off a conjunct of its verb that comes before the second
    before = [early, *(c for c in early.conjuncts if early.i < c.i < late.i)]
    return any(own_argument(v, subject_counts=False) for v in before) and own_argument(late, subject_counts=True)


def merge(built: list[tuple[Candidate, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One sentence, one event per act of a (type, source): "struck Kyiv ..., killing four people" is one
    attack; "attacked a train and kidnapped three tourists" are two (distinct_acts)."""
    def key(ev: dict[str, Any]) -> tuple[Any, ...]:
        return ev["event_type"], tuple(a["name"] for a in ev["source"]), ev["negated"]

    merged: list[tuple[Candidate, dict[str, Any]]] = []
    for cand, ev in built:
        first = next((f for c, f in merged if key(f) == key(ev) and not distinct_acts(c, cand)), None)
        if first is None:
            merged.append((cand, ev))
            continue
        names = {a["name"] for a in first["target"]}
        first["target"].extend(a for a in ev["target"] if a["name"] not in names)
        for field_name in ("location", "mode", "speaker", "magnitudes"):
            if first[field_name] is None:
                first[field_name] = ev[field_name]
        if first["event_date_text"] is None and ev["event_date_text"] is not None:
            first["event_date"], first["event_date_text"] = ev["event_date"], ev["event_date_text"]
        first["confidence"] = max(first["confidence"], ev["confidence"])
    return [ev for _, ev in merged]
