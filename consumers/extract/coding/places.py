"""Where an event happened: a place phrase of the trigger, its object, its clause or its
subject, else a place the sentence names outside the event's own arguments, else the dateline."""

from __future__ import annotations

from spacy.tokens import Token

from .. import triples as tr
from ..actors import BORDER_NOUNS, Actor, ActorResolver
from ..geocode import Gazetteer, Place
from ..lexicon import Lexicon
from .model import Candidate, Sentence, same
from .triggers import COMPLEMENT_OWNERS, TriggerFinder

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
PART_CITY = 100_000  # a word of a longer name ("Idlib province") is a city only if it has this many people
VISIT_LEMMAS = frozenset({"visit", "travel", "arrive", "tour"})


class Locator:
    def __init__(self, lexicon: Lexicon, resolver: ActorResolver, gazetteer: Gazetteer, triggers: TriggerFinder) -> None:
        self.lex = lexicon
        self.resolver = resolver
        self.tables = resolver.t
        self.gaz = gazetteer
        self.triggers = triggers
        self.place_nouns = lexicon.place_nouns

    def place(self, tok: Token, depth: int = 0) -> Place | None:
        """Geocode a place phrase: "Astana, Kazakhstan", "the city of Kherson", "Russia's Krasnodar region",
        "the Syrian town of Tal Abyad" (falls back to the country when the town is unknown),
        "a school in the town of Kuriga" (looks into the phrase's own place)."""
        doc = tok.doc
        gaz = self.gaz
        # proper names are written with a capital: "the Drenica valley" is not The Valley, Anguilla
        known = (None if tok.is_lower else self.tables.proper.get(tok.lower_)) or self.tables.exact.get(tok.text)
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
            # "a hideout near the Afghan border" may lie on either side of it: a border is no one country's place
            if child.dep_ in {"poss", "amod", "compound"} and place_noun and tok.lemma_.lower() not in BORDER_NOUNS:
                code = gaz.country_code(child.text) or self._demonym_country(child)
                if code is None and child.dep_ == "poss" and (owner := gaz.lookup(child.text)) is not None:
                    code = owner.country  # "Baghdad's Green Zone" is in Iraq
                if code:
                    fallback = fallback or code
        names: list[str] = []
        parts: list[str] = []  # single words of a longer name: places only if well known
        ent = tr.entity_span(tok)
        if ent is not None and (ent.label_ not in NON_PLACE_LABELS or named_place):
            names.append(ent.text)
        compounds = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN" and c.ent_type_ != "PERSON"]
        if compounds:
            first = compounds[0].left_edge.i
            names.append(doc[first : tok.i + 1].text)
            if tok.lemma_.lower() in self.place_nouns:  # "Cabo Delgado province" (but "the Green Zone" is no town Green)
                stripped = doc[first : tok.i]
                (names if len(stripped) > 1 else parts).append(stripped.text)
            # a single word of a longer name is a place only if NER says so ("Bogazici University" is no
            # town called University)
            parts.extend(c.text for c in compounds if c.ent_type_ in PLACE_ENTITY_LABELS)
        single = tok.ent_type_ in PLACE_ENTITY_LABELS or (tok.pos_ == "PROPN" and not compounds and tok.ent_type_ not in NON_PLACE_LABELS | {"ORG"})
        if single or (known is not None and known.kind in {"capital", "country"}):
            # NER sometimes calls "Kyiv" a PERSON; the dictionary knows better
            (names if ent is None or len(ent) == 1 or known is not None else parts).append(tok.text)
        for name in names:
            place = gaz.lookup(name, hint or fallback)
            if place is not None:
                return place
        for name in parts:
            place = self._part_place(name, hint or fallback)
            # one word of a longer name does not outweigh the country the phrase gives ("Kiev's Independence Square")
            if place is not None and (hint or fallback) in {None, place.country}:
                return place
        if depth < 2:
            for child in tok.children:
                if child.dep_ == "poss" and not tr.is_pronoun(child):  # "Istanbul's Bogazici University"
                    place = self.place(child, depth + 1)
                    if place is not None:
                        return place
        if depth < 2:
            for _prep, pobj in tr.prep_objects(tok, {"of", "in", "near", "around", "outside", "inside", "across", "throughout"}):
                place = self.place(pobj, depth + 1)
                if place is not None:
                    return place
        code = hint or fallback
        return gaz.country(code) if code else None

    def _part_place(self, name: str, hint: str | None) -> Place | None:
        """A single word of a longer name is that place only if it is well known: a country, a curated
        region or a big city ("North Waziristan" is not North Salt Lake, "Causeway Bay" not a town Bay)."""
        place = self.gaz.lookup(name, hint)
        if place is None or place.kind in {"country", "region"}:
            return place
        if hint is not None and place.country == hint:
            return place
        return self.gaz.big_city(name, PART_CITY)

    def _placelike(self, tok: Token) -> bool:
        return tok.ent_type_ in PLACE_ENTITY_LABELS or tok.lemma_.lower() in self.place_nouns or (
            tok.pos_ == "PROPN" and tok.ent_type_ not in NON_PLACE_LABELS)

    def _demonym_country(self, tok: Token) -> str | None:
        info = self.tables.proper.get(tok.lower_)
        return info.country if info is not None and info.kind == "demonym" else None

    def location(
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
        if obj is not None and not same(obj, cand.noun) and self._describes_other(obj, cand, ev_type) and obj in anchors:
            anchors.remove(obj)  # "condemned the attack on its embassy in Kabul": the attack's place
        for anchor in anchors:
            for _, pobj in tr.prep_objects(anchor, preps):
                place = self.place(pobj)
                if place is not None:
                    return place
        if cand.prep is not None and cand.sense.pobj is not None:  # "took to the streets of Nairobi"
            for pobj in cand.prep.children:
                if pobj.dep_ == "pobj":
                    place = self.place(pobj)
                    if place is not None:
                        return place
        if obj is not None and (ev_type in OBJECT_PLACE_TYPES or trigger.lemma_ in VISIT_LEMMAS):
            place = self.place(obj) if self._placelike(obj) else None  # "shelled residential areas of El Fasher", "visit Washington"
            if place is None:
                poss = tr.first_child(obj, {"poss"})
                place = self.place(poss) if poss is not None else None  # "struck Kyiv's infrastructure"
            if place is not None:
                return place
        if ev_type in OBJECT_PLACE_TYPES:  # "air strikes on Gaza", "shelled Kharkiv": the place hit
            for actor in targets:
                if actor.kind in {"entity", "capital", "country"}:
                    place = self.place(trigger.doc[actor.end - 1])
                    if place is not None:
                        return place
        if trigger.lemma_ in VISIT_LEMMAS:
            for _, pobj in tr.prep_objects(trigger, {"to"}):
                place = self.place(pobj)
                if place is not None:
                    return place
        for anc in tr.ancestors_within(trigger, 3):
            if anc.lemma_ in self.lex.reporting_verbs:
                break
            for holder in (anc, *(c for c in anc.children if c.dep_ in {"relcl", "acl"} and c not in anchors)):
                for _, pobj in tr.prep_objects(holder, LOCATION_PREPS):
                    place = self.place(pobj)
                    if place is not None:
                        return place
        subj = tr.first_child(trigger, tr.SUBJECT_DEPS) if cand.kind != "noun" else None
        if subj is not None:
            for _, pobj in tr.prep_objects(subj, {"in", "at", "from"}):
                place = self.place(pobj)
                if place is not None:
                    return place
        place = self._sentence_place(cand, ev_type, sent, actors)
        if place is not None or dateline is None:
            return place
        about = self.sentence_country(sent)
        # "NAIROBI, Kenya - Somali fighters seized Kismayo after government troops withdrew": a bureau's
        # dateline is no place of a sentence about one other country
        return None if about is not None and about != dateline.country else dateline

    def sentence_country(self, sent: Sentence) -> str | None:
        """The one country a sentence is about, if it names only one (guidelines C38: "police detained
        dozens" in a sentence about Turkey are Turkish police): countries of the actors it names
        (countries, capitals, demonyms, people, national bodies) and of the places it names. None when
        it names several or none."""
        if sent.country is None:
            named: set[str] = set()
            span = sent.span
            for _s, _e, info in self.resolver.mentions(span.doc, span.start, span.end):
                if info.country and info.country != "IGO":
                    named.add(info.country)
            places: set[str] = set()
            for ent in sent.ents:
                if ent.label_ in PLACE_ENTITY_LABELS:
                    place = self.place(ent.root)
                    if place is not None and place.country:
                        places.add(place.country)
            found = named | places
            if len(found) > 1 and len(places) == 1:
                found = places  # "... flew to Khartoum ... after security forces killed ...": where it happens
            if len(found) > 1 and not places and (placed := self.country_of_named_places(sent)) in found:
                found = {placed}  # "civilians in Kyiv ..." where the tagger took Kyiv for a person
            sent.country = next(iter(found)) if len(found) == 1 else ""
        return sent.country or None

    def country_of_named_places(self, sent: Sentence) -> str | None:
        """The one country of the places a sentence names after a place preposition ("in Kyiv", "at
        Calais", "the town of Bunia"), whatever the parser took the name for; None when they lie in
        several or there are none."""
        found: set[str] = set()
        for tok in sent.tokens:
            if tok.dep_ != "pobj" or tok.pos_ != "PROPN":
                continue
            head = tok.head
            if not (head.lower_ in LOCATION_PREPS or (head.lower_ == "of" and head.head.lemma_.lower() in self.place_nouns)):
                continue
            place = self.place(tok)
            if place is not None and place.country and place.country != "IGO":
                found.add(place.country)
        return next(iter(found)) if len(found) == 1 else None

    def _sentence_place(self, cand: Candidate, ev_type: str, sent: Sentence, actors: list[Actor]) -> Place | None:
        """A place named elsewhere in the sentence ("in/at/near X") that is not an actor, not what a
        threat/request/accusation is about, not inside an "if/until" clause, and not the place of
        something else ("the war in Gaza", "the attack on its embassy in Kabul")."""
        excluded = {i for a in actors for i in range(a.start, a.end)}
        if ev_type in COMPLEMENT_OWNERS:
            for owned in self.triggers.owned_clauses(cand):
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
            place = self.place(tok)
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
                if not same(cur, cand.noun) and cur.i != cand.trigger.i:
                    sense = self.triggers.noun_sense(cur)
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
