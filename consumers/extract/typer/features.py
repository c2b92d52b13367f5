"""Features of a word that may express an event: the word, its arguments and what governs it.

They describe the syntax the construction rules look at ("refused" governing "to send", a modal, a
negation, the object and its preposition) so that the typer learns senses the lexicon lacks
("opened a probe into", "tendered his resignation") and how constructions change them.
"""

from __future__ import annotations

from spacy.tokens import Token

from .. import triples as tr

CANDIDATE_POS = frozenset({"VERB", "NOUN", "ADJ", "PROPN"})
# Auxiliaries and light "be/have/do" are never triggers themselves.
NON_TRIGGER_LEMMAS = frozenset({"be", "have", "do", "will", "would", "shall", "can", "could", "may", "might", "must", "should"})


def is_candidate(tok: Token) -> bool:
    if tok.pos_ not in CANDIDATE_POS or tok.is_stop and tok.pos_ != "VERB":
        return False
    if tok.lemma_.lower() in NON_TRIGGER_LEMMAS or not tok.is_alpha:
        return False
    if tok.pos_ == "PROPN":  # a named event ("Operation Interflex") is rare; skip names unless tagged an event
        return tok.ent_type_ == "EVENT"
    if tok.pos_ == "ADJ":  # "ready to", "willing to", "prepared to"
        return any(c.dep_ == "xcomp" for c in tok.children)
    return True


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


# Derivational endings: "condemnation", "condemned" and "condemn" share the stem "condemn".
_SUFFIXES = ("izations", "ization", "isations", "isation", "ations", "ation", "itions", "ition", "ments", "ment", "ances", "ance", "ences", "ence", "ions", "ion",
             "ings", "ing", "ers", "er", "ors", "or", "als", "al", "ures", "ure", "ive", "ize", "ise", "ate", "ed", "es", "s", "e")


def stem(lem: str) -> str:
    """A crude derivational stem: the lemma without its longest listed ending (at least 4 letters kept)."""
    for suf in _SUFFIXES:
        if lem.endswith(suf) and len(lem) - len(suf) >= 4:
            return lem[: -len(suf)]
    return lem


def token_features(tok: Token, lexicon_type: str | None) -> list[str]:
    """Sparse string features of one candidate token (the lexicon's reading is one of them)."""
    lem = _lemma(tok)
    pos = tok.pos_
    f = ["b", f"pos={pos}", f"lem={lem}", f"lp={lem}|{pos}", f"dep={tok.dep_}", f"tag={tok.tag_}",
         f"lex={lexicon_type or '-'}", f"lexlem={lexicon_type or '-'}|{lem}"]
    if len(lem) > 4:
        f.append(f"suf={lem[-4:]}")
    f.append(f"stem={stem(lem)}")  # shares what "condemnation" learnt with "condemn"
    for child in tok.children:
        dep, clem = child.dep_, _lemma(child)
        if dep in tr.OBJECT_DEPS:
            f += [f"obj={clem}", f"lo={lem}|{clem}"]
            # what is acted on: a country or a person ("hit Israel") rather than a thing ("hit a record")
            f += [f"oent={child.ent_type_ or ('pron' if tr.is_pronoun(child) else child.pos_)}",
                  f"so={stem(lem)}|{stem(clem)}"]
            for mod in child.children:
                if mod.dep_ in {"compound", "amod"}:
                    f.append(f"lom={lem}|{_lemma(mod)} {clem}")
                elif mod.dep_ == "prep":
                    f.append(f"lop={lem}|{clem}|{mod.lower_}")
        elif dep == "prt":
            f.append(f"lprt={lem}|{clem}")
        elif dep in {"prep", "agent", "dative"}:
            f += [f"prep={child.lower_}", f"lprep={lem}|{child.lower_}"]
            pobj = tr.first_child(child, {"pobj", "pcomp"})
            if pobj is not None:
                f.append(f"lpp={lem}|{child.lower_}|{_lemma(pobj)}")
                if pobj.ent_type_:
                    f.append(f"pent={child.lower_}|{pobj.ent_type_}")
        elif dep in {"aux", "auxpass"}:
            f.append(f"aux={child.lower_}")
        elif dep == "neg":
            f.append("neg")
        elif dep in {"xcomp", "ccomp"}:
            f += [f"{dep}={clem}", f"l{dep}={lem}|{clem}"]
        elif dep in tr.SUBJECT_DEPS:
            f.append(f"{dep}={clem}")
            f.append(f"sent={child.ent_type_ or ('pron' if tr.is_pronoun(child) else child.pos_)}")
        elif dep in {"compound", "amod", "nmod"} and pos == "NOUN":
            f += [f"mod={clem}", f"mn={clem} {lem}"]
        elif dep == "poss":
            f.append(f"poss={child.ent_type_ or child.pos_}")
        elif dep == "det" and pos == "NOUN":
            f.append(f"det={child.lower_}")
        elif dep == "advmod":
            f.append(f"adv={clem}")
        elif dep == "advcl":
            mark = tr.first_child(child, {"mark"})
            if mark is not None:
                f.append(f"advcl={mark.lower_}")
    head = tok.head
    if head.i != tok.i:
        hlem = _lemma(head)
        f += [f"head={hlem}", f"hd={hlem}|{tok.dep_}", f"hpos={head.pos_}"]
        f.append(f"lh={lem}|{hlem}")
        if tok.dep_ == "pobj" and head.head.i != head.i:  # the word governing a noun through its preposition
            f.append(f"gov={_lemma(head.head)}|{head.lower_}")
        if head.head.i != head.i and tok.dep_ in {"xcomp", "ccomp", "pcomp", "pobj", "dobj", "conj"}:
            f.append(f"head2={_lemma(head.head)}|{head.dep_}")
        if any(c.dep_ == "neg" for c in head.children):
            f.append("head_neg")
        for c in head.children:
            if c.dep_ in {"aux", "auxpass"} and c.lower_ in {"will", "would", "must", "should", "could", "may", "might", "'ll"}:
                f.append(f"haux={c.lower_}")
    else:
        f.append("root")
    if tr.in_conditional(tok):
        f.append("cond")
    return f
