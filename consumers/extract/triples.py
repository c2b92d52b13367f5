"""Dependency-tree helpers for source-action-target extraction (spaCy English labels, ClearNLP style)."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span, Token

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
OBJECT_DEPS = frozenset({"dobj", "obj"})
RELATIVE_PRONOUNS = frozenset({"which", "that", "who", "whom", "whose"})
FIRST_PERSON = frozenset({"we", "i", "us", "me"})
THIRD_PERSON = frozenset({"he", "she", "it", "they", "him", "her", "them"})
HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "should"})
LIST_ENTITY_LABELS = frozenset({"GPE", "NORP", "ORG"})
# "urged Iran to halt": the object does what the complement says.
OBJECT_CONTROL_VERBS = frozenset({
    "urge", "ask", "tell", "order", "call", "press", "encourage", "invite", "force", "persuade", "allow",
    "permit", "request", "instruct", "direct", "pressure", "push", "compel", "oblige", "advise", "warn", "beg",
    "implore", "appeal", "authorize", "authorise", "enable", "help", "want", "expect", "send", "need", "require",
    "demand", "lead", "prompt", "convince", "get", "challenge", "dare", "remind", "exhort", "entreat", "cause",
})
# Whoever passes a law or signs a decree is the source of what it does ("a law banning ...");
# not so for "vetoed a resolution condemning ...".
ENACTING_VERBS = frozenset({"pass", "adopt", "approve", "sign", "issue", "enact", "introduce", "impose", "unveil", "decree"})


def coordinated(tok: Token) -> list[Token]:
    """The token and what it is coordinated with: conj chains, plus comma lists of the same entity type
    that the small parser sometimes attaches as npadvmod/appos ("Russia, Turkey, Iran and ...")."""
    out = [tok]
    stack = [tok]
    while stack:
        cur = stack.pop()
        for child in cur.children:
            if child in out:
                continue
            listed = (
                child.dep_ in {"npadvmod", "appos"}
                and cur.ent_type_ in LIST_ENTITY_LABELS
                and child.ent_type_ == cur.ent_type_
                and child.i > 0
                and child.doc[child.i - 1].text == ","
            )
            if child.dep_ == "conj" or listed:
                out.append(child)
                stack.append(child)
    return sorted(out, key=lambda t: t.i)


def children(tok: Token, deps: frozenset[str] | set[str]) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def first_child(tok: Token, deps: frozenset[str] | set[str]) -> Token | None:
    return next((c for c in tok.children if c.dep_ in deps), None)


def direct_object(verb: Token) -> Token | None:
    return first_child(verb, OBJECT_DEPS)


# The small parser often labels the particle of "pulled out of", "pulled back from" as prep/advmod.
PARTICLE_WORDS = frozenset({"out", "back", "down", "up", "off", "over", "in", "away", "together"})


def particles(verb: Token) -> list[str]:
    return [c.lower_ for c in verb.children if c.dep_ == "prt" or (
        c.dep_ in {"prep", "advmod"} and c.lower_ in PARTICLE_WORDS and c.i == verb.i + 1)]


def prep_objects(tok: Token, preps: frozenset[str] | set[str] | None = None) -> list[tuple[Token, Token]]:
    """(preposition, object) pairs hanging off a token; multiword "according to" excluded."""
    out = []
    for prep in tok.children:
        if prep.dep_ in {"prep", "advmod", "prt"} and prep.lower_ in PARTICLE_WORDS:
            # look through a particle: "pulled out of the camp", "pulled back from the town"
            out.extend(prep_objects(prep, preps))
        if prep.dep_ not in {"prep", "agent", "dative"} or (preps is not None and prep.lower_ not in preps):
            continue
        for pobj in prep.children:
            if pobj.dep_ in {"pobj", "pcomp"}:
                out.append((prep, pobj))
    return out


def agent(verb: Token) -> Token | None:
    for prep in verb.children:
        if prep.dep_ == "agent" or (prep.dep_ == "prep" and prep.lower_ == "by" and is_passive(verb)):
            pobj = first_child(prep, {"pobj"})
            if pobj is not None:
                return pobj
    return None


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)


def is_verbal(tok: Token) -> bool:
    return tok.pos_ in {"VERB", "AUX"} or tok.tag_.startswith("VB")


def misparsed_main_verb(verb: Token) -> bool:
    """"The UN's human rights chief called on the Taliban to ...": a full sentence whose root the
    parser made the subject noun, with the real main verb hanging off it as a participle."""
    head = verb.head
    sent = verb.sent
    return (verb.dep_ == "acl" and verb.tag_ in {"VBN", "VBD"} and head.dep_ == "ROOT" and head.i < verb.i
            and head.pos_ in {"NOUN", "PROPN"} and verb.i == head.i + 1 and sent[-1].text in {".", "!"}
            and not any(t.pos_ in {"VERB", "AUX"} and t.dep_ == "ROOT" for t in sent))


def clause_subject(verb: Token, depth: int = 0) -> tuple[Token | None, bool]:
    """(subject token, passive) for a verb, following control and coordination when it has none.

    "Niger expelled X and suspended Y" (conj), "began withdrawing" (xcomp), "..., accusing Doha"
    (participle advcl), "the attack that Washington blamed" (relcl) all find their subject here.
    """
    subj = first_child(verb, SUBJECT_DEPS)
    if subj is not None:
        if subj.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
            return verb.head, subj.dep_ == "nsubjpass"
        return subj, subj.dep_ == "nsubjpass"
    if depth > 4 or verb.head.i == verb.i:
        return None, is_passive(verb)
    head = verb.head
    if verb.dep_ == "conj" and is_verbal(head):
        return clause_subject(head, depth + 1)
    if verb.dep_ == "xcomp" and (is_verbal(head) or head.pos_ == "ADJ"):
        obj = direct_object(head)  # object control: "urged Iran to halt" (but "used drones to attack")
        if obj is not None and head.lemma_.lower() in OBJECT_CONTROL_VERBS:
            return obj, False
        # "Iran was urged to halt", "A is scheduled to attend": the raised subject acts, in the complement's voice
        subj, _ = clause_subject(head, depth + 1)
        return subj, is_passive(verb)
    if verb.dep_ in {"advcl", "acl"} and is_verbal(head) and (
        verb.tag_ in {"VBG", "VBN"} or any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    ):
        return clause_subject(head, depth + 1)
    if verb.dep_ == "pcomp" and head.head.i != head.i and is_verbal(head.head):
        obj = direct_object(head.head)  # "prevent him from holding"
        return (obj, False) if obj is not None else clause_subject(head.head, depth + 1)
    if verb.dep_ == "relcl":
        return head, is_passive(verb)
    if misparsed_main_verb(verb):
        return head, False
    if verb.dep_ in {"acomp", "attr", "oprd"} and is_verbal(head):  # "Iran is ready to talk"
        return clause_subject(head, depth + 1)
    if (verb.dep_ == "acl" and verb.tag_ == "VBG" and head.dep_ in OBJECT_DEPS
            and head.head.lemma_ in ENACTING_VERBS):
        return clause_subject(head.head, depth + 1)  # "passed a law banning Pride events"
    return None, is_passive(verb)


def is_hypothetical(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_AUX for c in verb.children)


def purpose_clause(tok: Token) -> Token | None:
    """An infinitive of purpose without its own subject: "staged a sit-in to demand ..."."""
    for child in tok.children:
        subjectless = child.dep_ in {"advcl", "acl", "relcl"} and is_verbal(child) and first_child(child, SUBJECT_DEPS) is None
        if subjectless and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            return child
    return None


def in_conditional(tok: Token) -> bool:
    """Inside an "if/unless" clause: a hypothetical, not a reported event."""
    cur = tok
    for _ in range(6):
        if cur.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless"} for m in cur.children):
            return True
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def conditional_clause(verb: Token) -> Token | None:
    """The verb of an "if ..." clause attached to this verb ("would retaliate if Finland deployed")."""
    for child in verb.children:
        if child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless"} for m in child.children):
            return child
    return None


def directive_complement(verb: Token) -> Token | None:
    """An order governed by the verb: "told Y to leave" (xcomp) or "Rein in Assad, Trump tells Moscow"
    (a subjectless base-form clause)."""
    for child in verb.children:
        if child.dep_ == "xcomp" and is_verbal(child):
            return child
        imperative = child.dep_ in {"ccomp", "dep", "parataxis", "advcl"} and child.tag_ == "VB"
        if imperative and first_child(child, SUBJECT_DEPS) is None and not any(c.dep_ in {"aux", "mark"} for c in child.children):
            return child
    return None


def sentence_root(tok: Token) -> Token:
    while tok.head.i != tok.i:
        tok = tok.head
    return tok


def ancestors_within(tok: Token, limit: int) -> list[Token]:
    out: list[Token] = []
    cur = tok
    while cur.head.i != cur.i and len(out) < limit:
        cur = cur.head
        out.append(cur)
    return out


def according_to(sent: Iterable[Token]) -> Token | None:
    """The X of "according to X" anywhere in the sentence."""
    for tok in sent:
        if tok.lower_ == "according":
            for prep in tok.children:
                if prep.lower_ == "to":
                    pobj = first_child(prep, {"pobj"})
                    if pobj is not None:
                        return pobj
            nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
            if nxt is not None and nxt.lower_ == "to":
                pobj = first_child(nxt, {"pobj"})
                if pobj is not None:
                    return pobj
    return None


def entity_span(tok: Token) -> Span | None:
    """The named entity a token is part of (from its IOB tags: cheaper than scanning doc.ents)."""
    if not tok.ent_type_:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=tok.ent_type_)


def is_pronoun(tok: Token) -> bool:
    return tok.pos_ == "PRON" or tok.tag_ in {"PRP", "PRP$", "WP", "WDT"}


def clause_above_subject(tok: Token) -> Token | None:
    """The subject of the nearest clause above a token's head, named (not a pronoun) and active."""
    cur = tok.head
    for _ in range(6):
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        if is_verbal(cur):
            subj, passive = clause_subject(cur)
            if subj is not None and not is_pronoun(subj) and not passive:
                return subj
    return None
