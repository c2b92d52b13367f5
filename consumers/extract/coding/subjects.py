"""Subjects and agents the parser misplaced or left implicit: pure syntax over spaCy tokens, used by
the source side of `EventExtractor.build`."""

from __future__ import annotations

from spacy.tokens import Token

from .. import triples as tr

COPULAS = frozenset({"be", "become", "remain"})
POSSESSIVE_PRONOUNS = frozenset({"its", "their", "his", "her"})


def copula_subject(subj: Token | None) -> Token | None:
    """"Russia became the first country to recognise X": the complement noun the clause hangs off is
    the copula's subject under another name."""
    if subj is None or subj.dep_ != "attr" or subj.head.lemma_ not in COPULAS:
        return subj
    real, passive = tr.clause_subject(subj.head)
    return real if real is not None and not passive and not tr.is_pronoun(real) else subj


def loyal_subject(verb: Token) -> Token | None:
    """"..., after soldiers loyal to the ruler killed 15 critics": the parser reads "soldiers (were) loyal"
    as a clause and hangs "killed" on the main verb as a conjunct with no "and"; its subject is the
    noun before the adjective."""
    if verb.dep_ != "conj" or tr.first_child(verb, tr.SUBJECT_DEPS) is not None:
        return None
    between = verb.doc[verb.head.i + 1 : verb.i]
    if any(t.dep_ == "cc" and t.head.i == verb.head.i for t in between):
        return None
    return next((t for t in reversed(between) if t.dep_ == "nsubj" and t.head.pos_ == "ADJ" and t.head.i > t.i
                 and t.pos_ in {"NOUN", "PROPN"}), None)


def preposed_subject(verb: Token) -> Token | None:
    """"... after an air strike by Turkish jets killed nine": the parser ends the clause's subject up
    as the object of "after" and leaves the verb with none; the object right before the verb is it."""
    if verb.dep_ != "advcl" or tr.first_child(verb, tr.SUBJECT_DEPS) is not None or verb.tag_ not in {"VBD", "VBZ", "VBP"}:
        return None
    for prep, pobj in tr.prep_objects(verb.head, {"after", "before", "until", "as", "since"}):
        if pobj.right_edge.i == verb.i - 1 and pobj.pos_ in {"NOUN", "PROPN"}:
            return pobj
    return None


def stray_subjects(subj: Token) -> list[Token]:
    """The rest of a coordinated subject the parser lost: a second subject of the same verb after an
    "and" ("US President Joe Biden and (...) leader Kim Jong Un held talks"), or a conjunct of the
    subject's apposition ("US President (, Barack Obama and Cuban leader Raul Castro)")."""
    doc = subj.doc
    # "X (, his name,) and Y", not "X, the capital they took ..., and Y entered": nothing but an
    # apposition between X and its "and"
    appos = {t.i for c in subj.rights if c.dep_ == "appos" for t in c.subtree}
    joined = any(c.dep_ == "cc" and all(t.i in appos or (t.is_punct and appos) for t in doc[subj.i + 1 : c.i])
                 for c in subj.rights)
    out = [c for c in subj.head.children if c.dep_ == "nsubj" and c.i > subj.i] if subj.dep_ == "nsubj" and joined else []
    for ap in subj.children:
        if ap.dep_ == "appos":
            out.extend(c for c in ap.conjuncts if c.i > ap.i and c.pos_ == "PROPN")
    return out


def possessive_pronoun(tok: Token) -> Token | None:
    return next((c for c in tok.children if c.dep_ == "poss" and c.lower_ in POSSESSIVE_PRONOUNS), None)


def shared_agent(trigger: Token) -> Token | None:
    """"were beaten, stripped and humiliated by guards": the agent of a list of passive participles
    hangs off the last one but belongs to them all."""
    for verb in (*trigger.conjuncts, trigger.head if trigger.dep_ == "conj" else None, *_listed_participles(trigger)):
        if verb is not None and tr.is_verbal(verb) and (ag := tr.agent(verb)) is not None:
            return ag
    # "was placed under investigation by a judge", "was taken into custody by police": the agent
    # hangs off the noun of the verb's phrase
    for _prep, pobj in tr.prep_objects(trigger, {"under", "into", "in"}):
        for by, agent in tr.prep_objects(pobj, {"by"}):
            if agent.pos_ in {"NOUN", "PROPN"}:
                return agent
    return None


def _listed_participles(trigger: Token) -> list[Token]:
    """"were kicked, whipped and tortured by officers" is often parsed with "whipped" as an adverbial
    clause of "kicked": the rest of a passive list then hangs off it."""
    if not any(c.dep_ == "auxpass" for c in trigger.children):
        return []
    return [v for c in trigger.children if c.dep_ == "advcl" and c.tag_ == "VBN" and not tr.first_child(c, tr.SUBJECT_DEPS)
            for v in (c, *c.conjuncts)]


def reporter_conjunct_subject(verb: Token, reporting: frozenset[str]) -> Token | None:
    """"Officials in Moscow said there was no evidence that Navalny had been poisoned and rejected German
    demands": the parser joins "rejected" to the passive verb of what was said and lends it that verb's
    subject. A conjunct with a direct object of its own cannot share a passive subject: it is the
    reporting verb's conjunct, and its subject is the speaker's."""
    if verb.dep_ != "conj" or tr.first_child(verb, tr.SUBJECT_DEPS | {"auxpass"}) is not None:
        return None
    if not tr.is_passive(verb.head) or tr.direct_object(verb) is None:
        return None
    cur = verb.head
    for _ in range(6):
        if cur.head.i == cur.i:
            return None
        reported = cur.dep_ in {"ccomp", "parataxis"}
        cur = cur.head
        if reported and tr.is_verbal(cur) and cur.lemma_.lower() in reporting:
            subj, passive = tr.clause_subject(cur)
            return subj if subj is not None and not passive and not tr.is_pronoun(subj) else None
    return None
