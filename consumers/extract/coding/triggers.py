"""Trigger finding: words of a sentence that may express a PLOVER event.

Verbs (with their object, particle or preposition: "reached a deal", "ruled out", "called for"),
light verbs carrying an event noun ("held talks", "imposed sanctions") and nominal events
("the attack on", "US air strikes") become Candidates; construction rules then decide what the
sentence says about each one.
"""

from __future__ import annotations

import numpy as np
from spacy.tokens import Token

from .. import triples as tr
from ..actors import ActorResolver
from ..lexicon import Lexicon, Sense
from ..typer import CLASSES, TyperModel, is_candidate, token_features
from .model import Candidate, Sentence, same

LOOK_THROUGH_NOUNS = frozenset({"package", "series", "round", "wave", "set", "raft", "number", "string", "spate", "batch"})
# Heads of "N of X" objects that only count X ("hundreds of prisoners", "the rest of its troops").
QUANTITY_HEADS = frozenset({"hundred", "hundreds", "thousand", "thousands", "dozen", "dozens", "million", "millions",
                            "score", "scores", "some", "most", "all", "many", "rest", "remainder", "last", "first",
                            "part", "bulk", "majority", "number", "group", "contingent", "one", "two", "three", "several"})
# A complement that spells out what these verbs are about is not a separate event.
COMPLEMENT_OWNERS = frozenset({"ACCUSE", "THREATEN", "REQUEST", "REJECT"})
# A that-clause spells out what these are about ("signalled it would reopen the border"): their content.
CONTENT_OWNERS = COMPLEMENT_OWNERS | {"AGREE"}
JOINT_ACTION = Sense("COOPERATE", None, 0.5)  # "France and Germany will jointly develop ..."
# Categories a sentence's frame gives an act ("would not send" REJECT, "will send" AGREE, "said B shelled"
# ACCUSE, "must send" REQUEST): the construction rules derive them from the syntax, so the typer's
# reading of one on a word the lexicon knows is only a fallback for when no rule decides.
FRAME_TYPES = frozenset({"AGREE", "REJECT", "THREATEN", "ACCUSE", "REQUEST"})


# The typer's say over a candidate word: add it when the lexicon lacks it, recode the lexicon's
# reading, or veto it (probabilities; tuned on the dev split of the training corpus).
TYPER_NEW = 0.4
TYPER_SWITCH = 0.9
TYPER_VETO = 0.95
# "United States air strikes against a Syrian airfield" in a background phrase is still an event with
# its own actors and date: a nominal event owned by a named actor is not vetoed.
KEEP_OWNED_NOMINALS = True


class TriggerFinder:
    def __init__(self, lexicon: Lexicon, resolver: ActorResolver, typer: TyperModel | None = None) -> None:
        self.lex = lexicon
        self.resolver = resolver
        self.typer = typer
        # lemmas that can start an event: the lexicon's, the typer's, and the joint-action adverbs
        self.event_words = lexicon.trigger_lemmas | lexicon.cooperative_adverbs | (typer.event_lemmas if typer else frozenset())


    def candidates(self, sent: Sentence) -> list[Candidate]:
        return self.candidates_of([sent])[0]

    def candidates_of(self, sents: list[Sentence]) -> list[list[Candidate]]:
        """The candidates of sentences of one doc; the typer scores the words of all of them in one
        batch (a call per sentence costs more in numpy overhead than in arithmetic)."""
        lexical = [self._lexical(sent) for sent in sents]
        typer = self.typer
        if typer is None or not sents:
            return [cands for cands, _ in lexical]
        words = [self._words(sent, cands, consumed) for sent, (cands, consumed) in zip(sents, lexical, strict=True)]
        flat = [w for ws in words for w in ws]
        if not flat:
            return [[] for _ in sents]
        doc = sents[0].span.doc
        tensor = doc.tensor if doc.tensor is not None and len(doc.tensor) == len(doc) else None
        feats = [token_features(tok, cand.event_type if cand is not None else None) for tok, cand in flat]
        probs = typer.batch_probabilities(feats, tensor[[tok.i for tok, _ in flat]] if tensor is not None else None)
        out, at = [], 0
        for ws in words:
            out.append(self._decide(ws, probs[at : at + len(ws)]))
            at += len(ws)
        return out

    def _lexical(self, sent: Sentence) -> tuple[list[Candidate], set[int]]:
        """The lexicon's candidates, and the words they consume (objects, owned clauses)."""
        lex = self.lex
        if self.event_words.isdisjoint(sent.lemmas):
            return [], set()  # no word of the sentence ever expressed an event: most sentences of a story
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
                for owned in self.owned_clauses(cand):
                    consumed.update(t.i for t in owned.subtree)
        for tok in nouns:
            if tok.i in consumed:
                continue
            if tok.lemma_.lower() not in lex.trigger_lemmas and tok.lower_ not in lex.trigger_lemmas:
                continue
            sense = self.noun_sense(tok)
            if sense is not None:
                out.append(Candidate(tok, sense, "noun", noun=tok))
        return out, consumed

    def _words(self, sent: Sentence, lexical: list[Candidate], consumed: set[int]) -> list[tuple[Token, Candidate | None]]:
        """The words the typer scores: the lexicon's candidates and the other content words."""
        typer = self.typer
        assert typer is not None
        if not lexical and self.event_words.isdisjoint(sent.lemmas):
            return []
        by_token = {c.trigger.i: c for c in lexical}
        words: list[tuple[Token, Candidate | None]] = []
        for tok in sent.tokens:
            cand = by_token.get(tok.i)
            if cand is None:
                if tok.i in consumed or not is_candidate(tok):
                    continue
                if tok.pos_ != "VERB" and tok.lemma_.lower() not in typer.event_lemmas:
                    continue  # a noun that never expressed an event in training is not worth scoring
            words.append((tok, cand))
        return words

    def _decide(self, words: list[tuple[Token, Candidate | None]], probs: np.ndarray) -> list[Candidate]:
        """Let the trained typer confirm, recode or veto the lexicon's candidates and add the words
        the lexicon does not know ("opened a probe into", "tendered his resignation")."""
        out: list[Candidate] = []
        for (tok, cand), p in zip(words, probs, strict=True):
            best = int(p[1:].argmax()) + 1
            p_best, p_none = float(p[best]), float(p[0])
            if cand is not None:
                if p_none >= TYPER_VETO and not _phrasal(tok) and not _light_or_prepositional(cand) and not (
                    KEEP_OWNED_NOMINALS and cand.kind == "noun" and _owned_by_actor(tok)
                ):
                    # kept for the construction rules ("A said B shelled C" needs the shelling to code
                    # the accusation); dropped after them unless a rule recoded it
                    cand.vetoed = True
                elif CLASSES[best] != cand.event_type and p_best >= TYPER_SWITCH:
                    if CLASSES[best] in FRAME_TYPES:
                        if not _collocation(cand):  # "had a meeting" stays a meeting, quoted or not
                            cand.proposed = CLASSES[best]
                    else:
                        cand.recode(CLASSES[best], "typer")
                out.append(cand)
            elif p_best >= TYPER_NEW:
                kind = "verb" if tr.is_verbal(tok) or tok.pos_ == "ADJ" else "noun"
                sense = Sense(CLASSES[best], None, round(p_best, 3))
                out.append(Candidate(tok, sense, kind, noun=tok if kind == "noun" else None, learned=True))
        return out

    def lexicon_type(self, tok: Token) -> str | None:
        """The category the lexicon alone gives a word in its sentence (None if it gives none)."""
        if tok.pos_ in {"NOUN", "PROPN"}:
            sense = self.noun_sense(tok) if tok.lemma_.lower() in self.lex.trigger_lemmas or tok.lower_ in self.lex.trigger_lemmas else None
            return sense.type if sense else None
        if not tr.is_verbal(tok):
            return None
        lemma = self.lex.fix_lemma(tok.lemma_.lower())
        if lemma not in self.lex.trigger_lemmas:
            return None
        cand = self._verb_candidate(tok, lemma)
        return cand.event_type if cand else None

    def _object_keys(self, obj: Token) -> list[str]:
        keys = []
        if obj.lemma_.lower() in QUANTITY_HEADS or obj.pos_ == "NUM":
            # "thousands of fighters", "the last of its F-16 jets": the counted thing is the object
            for _prep, pobj in tr.prep_objects(obj, {"of"}):
                keys.extend(self._object_keys(pobj))
        mods = [c for c in obj.lefts if c.dep_ in {"compound", "amod"}]
        if mods:
            keys.append(f"{mods[-1].lower_} {obj.lemma_.lower()}")
            keys.append(f"{mods[-1].lower_} {obj.lower_}")
        keys.extend([obj.lemma_.lower(), obj.lower_])
        for _prep, pobj in tr.prep_objects(obj, {"of"}):  # "ending the state of emergency"
            keys.append(f"{obj.lower_} of {pobj.lower_}")
        hyphen = self.hyphen_word(obj)  # "ended their sit-in"
        if hyphen != obj.lower_:
            keys.append(hyphen)
        return keys

    def _verb_candidate(self, tok: Token, lemma: str) -> Candidate | None:
        entry = self.lex.verbs.get(lemma)
        obj = tr.direct_object(tok)
        if obj is None and tr.is_passive(tok):
            obj = tr.first_child(tok, {"nsubjpass"})  # "sanctions were imposed on ..."
        if obj is None and tok.dep_ == "relcl" and _own_subject(tok):
            obj = tok.head  # "the sanctions it had imposed", "the towns they had seized"
        oprd = tr.first_child(tok, {"oprd", "acomp"})
        if oprd is None and obj is not None:  # "held the state responsible", parsed as a noun's modifier
            oprd = next((c for c in obj.rights if c.dep_ == "amod"), None)
        if entry is not None:
            keys = self._object_keys(obj) if obj is not None else []
            if keys and entry.particles:  # a phrasal verb's own object sense first: "called off a strike"
                keys = [f"{prt} {key}" for prt in tr.particles(tok) for key in keys] + keys
            if oprd is not None:
                keys.insert(0, oprd.lower_)
            for key in keys:
                if key in entry.objects:
                    sense = entry.objects[key]
                    if sense is None:
                        return None
                    noun = obj if obj is not None and self.noun_sense(obj) is not None else None
                    return Candidate(tok, sense, "verb", entry, noun=noun)
            for prep in self._particle_preps(tok, obj) if entry.particles and entry.preps else ():
                # "pulled out of the alliance": a preposition naming what is left outranks the particle
                sense = entry.preps.get(prep.lower_)
                if sense is not None and sense.pobj is not None:
                    pobj = tr.first_child(prep, {"pobj"})
                    if pobj is not None and pobj.lemma_.lower() in sense.pobj:
                        return Candidate(tok, sense, "verb", entry, prep=prep if same(prep.head, tok) else None)
            for prt in tr.particles(tok):
                if prt in entry.particles:
                    sense = entry.particles[prt]
                    return Candidate(tok, sense, "verb", entry) if sense else None
            for prep in self._preps(tok, obj):
                if prep.dep_ == "prep" and prep.lower_ in entry.preps:
                    sense = entry.preps[prep.lower_]
                    if sense is None or (sense.pobj is None and not same(prep.head, tok)):
                        continue
                    if sense.pobj is not None:
                        pobj = tr.first_child(prep, {"pobj"})
                        if pobj is None or (pobj.lemma_.lower() not in sense.pobj and pobj.lower_ not in sense.pobj
                                            and " ".join(t.lower_ for t in pobj.subtree if not t.is_stop) not in sense.pobj):
                            continue
                    return Candidate(tok, sense, "verb", entry, prep=prep)
        if lemma in self.lex.light_verbs:
            for noun in self.light_objects(tok, obj):
                sense = self.noun_sense(noun)
                if sense is not None:
                    return Candidate(tok, sense, "light", entry, noun=noun)
        if entry is None:
            return None
        if entry.directive is not None and (tr.directive_complement(tok) is not None or _infinitive_clause(tok) is not None):
            return Candidate(tok, entry.directive, "verb", entry)
        if entry.default is None:
            return None
        if entry.needs_actor_object and (obj is None or not self.resolver.resolve(obj, modifier_actors=False)):
            return None
        return Candidate(tok, entry.default, "verb", entry)

    def _particle_preps(self, verb: Token, obj: Token | None) -> list[Token]:
        """The verb's prepositions and those under a particle parsed as one ("out" in "pulled out of")."""
        preps = [p for p in self._preps(verb, obj) if p.dep_ == "prep"]
        return preps + [c for p in preps for c in p.children if c.dep_ == "prep"]

    @staticmethod
    def _preps(verb: Token, obj: Token | None) -> list[Token]:
        """The verb's prepositions, then its object's: "set two schools on fire" hangs "on fire" on
        the schools (only a sense that names its prepositional object is read from there)."""
        preps = [c for c in verb.children if c.dep_ == "prep"]
        if obj is not None:
            preps.extend(c for c in obj.children if c.dep_ == "prep")
        return preps

    def light_objects(self, verb: Token, obj: Token | None) -> list[Token]:
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
        preps = self.lex.light_preps.get(self.lex.fix_lemma(verb.lemma_.lower()))
        if preps:  # "engaged in a firefight", "took part in talks"
            out.extend(pobj for _prep, pobj in tr.prep_objects(verb, set(preps)))
        return out

    def noun_sense(self, tok: Token | None) -> Sense | None:
        if tok is None or tok.pos_ not in {"NOUN", "PROPN"}:
            return None
        nouns = self.lex.nouns
        mods = [c for c in tok.lefts if c.dep_ in {"compound", "amod", "nmod"}]
        word = tok.lemma_.lower()
        hyphen = self.hyphen_word(tok)
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
                    return self.noun_sense(pobj)
            return None
        return None

    @staticmethod
    def hyphen_word(tok: Token) -> str:
        """"sit-in", "cease-fire": the token joined with hyphenated neighbours written without spaces."""
        doc = tok.doc
        start = end = tok.i
        while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and not doc[start - 1].whitespace_:
            start -= 2
        while end + 2 < len(doc) and doc[end + 1].text == "-" and not doc[end].whitespace_ and not doc[end + 1].whitespace_:
            end += 2
        return doc[start : end + 1].text.lower() if end > start else tok.lower_

    def _preposed_fact(self, verb: Token, clause: Token) -> bool:
        """"Britain sent a destroyer, a move Argentina denounced as ...": a clause before a verb that
        does not report speech is a fact the verb reacts to, not what it alleges."""
        if clause.i > verb.i:
            return False
        lemma = self.lex.fix_lemma(verb.lemma_.lower())
        return lemma not in self.lex.reporting_verbs and lemma not in self.lex.word_list("claim_verbs")

    def owned_clauses(self, cand: Candidate) -> list[Token]:
        """Clauses that spell out this trigger's content rather than report another event: its xcomp
        ("agreed to resume talks"), an order it gives ("tells Moscow: rein in Assad"), what it
        accuses/threatens/requests/rejects ("accused Kyiv of shelling ...", "warned that ..."),
        and its purpose ("staged a sit-in to demand ...")."""
        if cand.kind == "noun":
            purpose = tr.purpose_clause(cand.trigger)
            return [purpose] if purpose is not None else []
        verb = cand.trigger
        directive = (tr.directive_complement(verb) or _infinitive_clause(verb)) if cand.entry and cand.sense is cand.entry.directive else None
        owned = []
        for child in verb.children:
            if not tr.is_verbal(child):
                continue
            if child.dep_ == "xcomp" or same(child, directive) or (child.dep_ == "ccomp" and cand.event_type in CONTENT_OWNERS
                                                                   and not self._preposed_fact(verb, child)):
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



def _infinitive_clause(verb: Token) -> Token | None:
    """"allow Ukrainian grain to transit", parsed as a clause with its own subject and "to"."""
    for child in verb.children:
        if child.dep_ == "ccomp" and tr.first_child(child, {"nsubj", "nsubjpass"}) is not None and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            return child
    return None


def _own_subject(clause: Token) -> bool:
    """A relative clause with a subject of its own ("it had imposed"): the noun it modifies is its object."""
    subj = tr.first_child(clause, {"nsubj"})
    return subj is not None and subj.tag_ not in {"WP", "WDT"} and subj.lower_ not in {"that", "which", "who"}


def _phrasal(tok: Token) -> bool:
    """Phrasal verbs ("ruled out", "called off") are rare in training and their lexicon entries exact."""
    return any(c.dep_ == "prt" for c in tok.children)


def _collocation(cand: Candidate) -> bool:
    """Whether the lexicon read the word from a collocation ("held talks", "called off", "appealed
    for calm"), which fixes its sense more surely than the word's context does."""
    return cand.kind == "light" or cand.prep is not None or (
        cand.kind == "verb" and cand.entry is not None and cand.sense is not cand.entry.default
        and cand.sense is not cand.entry.directive)


def _light_or_prepositional(cand: Candidate) -> bool:
    """A light verb with its event noun ("held talks", "imposed a curfew") or a verb read with its
    preposition ("fired on", "appealed for"): the lexicon's reading is exact, so the typer does not
    veto it (as with phrasal verbs); collocations with an object are left to the typer."""
    return cand.kind == "light" or cand.prep is not None


def _owned_by_actor(noun: Token) -> bool:
    """A nominal event whose possessor, modifier or between/by phrase names an actor ("Russia's invasion")."""
    actor_labels = {"GPE", "NORP", "ORG", "PERSON"}
    for child in noun.lefts:
        if child.dep_ in {"poss", "compound", "amod", "nmod"} and child.ent_type_ in actor_labels:
            return True
    # "an agreement between Russia, Iran and Turkey", "strikes by Israeli jets"
    return any(pobj.ent_type_ in actor_labels for _, pobj in tr.prep_objects(noun, {"between", "among", "by"}))
