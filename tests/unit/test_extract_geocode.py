"""The offline gazetteer and event locations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from consumers.extract.geocode import get_gazetteer

Extract = Callable[..., list[dict[str, Any]]]


def test_gazetteer_cities_countries_states_and_regions() -> None:
    gaz = get_gazetteer()
    moscow = gaz.lookup("Moscow")
    assert (moscow.country, moscow.geonameid, moscow.kind) == ("RUS", 524901, "city")
    assert abs(moscow.lat - 55.75) < 0.1 and abs(moscow.lon - 37.62) < 0.1
    assert gaz.lookup("Geneva").country == "CHE"  # alternate name of Genève
    assert gaz.lookup("Kiev").name == "Kyiv"
    assert gaz.lookup("Alaska").country == "USA"  # a US state
    assert gaz.lookup("Tal Abyad").country == "SYR"  # supplementary regions
    assert gaz.lookup("Nowhere-on-Earth") is None
    syria = gaz.lookup("Syria")
    assert syria.kind == "country" and syria.geonameid == 163843
    assert 32 < syria.lat < 37.5 and 35.5 < syria.lon < 42.5  # the representative point lies in Syria


def test_country_hint_disambiguates() -> None:
    gaz = get_gazetteer()
    assert gaz.lookup("Tripoli", "LBN").country == "LBN"
    assert gaz.lookup("Tripoli", "LBY").country == "LBY"


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("In Moscow, Putin met with his security council.", "Moscow", "RUS"),
        ("Lavrov held talks with Tillerson in Washington.", "Washington", "USA"),
        ("Russian forces withdrew from the city of Kherson.", "Kherson", "UKR"),
        ("Russia and Iran reached an agreement in Astana, Kazakhstan.", "Astana", "KAZ"),
        ("Kurdish fighters abandoned their positions in the Syrian town of Tal Abyad.", "Tal Abyad", "SYR"),
        ("Ukrainian drones attacked an oil refinery in Russia's Krasnodar region.", "Krasnodar", "RUS"),
        ("Protesters stormed the Swedish embassy in Baghdad.", "Baghdad", "IRQ"),
    ],
)
def test_event_location(extract: Extract, text: str, name: str, country: str) -> None:
    events = extract(text)
    assert events and events[0]["location"] is not None, events
    loc = events[0]["location"]
    assert (loc["name"], loc["country"]) == (name, country)
    assert isinstance(loc["lat"], float) and isinstance(loc["lon"], float)


def test_place_of_a_topic_is_not_the_event_location(extract: Extract) -> None:
    ev = extract("Germany's foreign minister called for a humanitarian pause in the fighting in Gaza.")[0]
    assert ev["event_type"] == "REQUEST" and ev["location"] is None


def test_dateline_is_the_fallback_location(extract: Extract) -> None:
    ev = extract("KABUL (Reuters) - The Taliban ordered the closure of all beauty salons.")[0]
    assert ev["location"]["country"] == "AFG"


def test_a_bureau_dateline_is_no_place_of_a_sentence_about_another_country(extract: Extract) -> None:
    """A sentence about one other country is not located at the bureau's city; its role nouns take that country."""
    events = extract("NAIROBI, Kenya - Somali Islamist fighters seized the port town of Kismayo on Monday after "
                     "government troops withdrew, residents said.")
    withdrawal = next(e for e in events if e["event_type"] == "RETREAT")
    assert withdrawal["location"] is None or withdrawal["location"]["country"] != "KEN"
    assert [a["country"] for a in withdrawal["source"]] == ["SOM"]


def test_a_border_named_by_a_demonym_is_no_countrys_place(extract: Extract) -> None:
    """"Near the Afghan border" may be on the Pakistani side: the border does not place the raid in Afghanistan."""
    events = extract("ISLAMABAD, Pakistan (AP) - Pakistani security forces killed at least 25 militants in a raid "
                     "on a hideout near the Afghan border, officials said Sunday.")
    raid = next(e for e in events if e["event_type"] == "ASSAULT")
    assert raid["location"]["country"] == "PAK"
    assert {a["country"] for a in raid["target"]} == {"PAK"}


def test_feature_type_and_adm1_below_country_level() -> None:
    gaz = get_gazetteer()
    moscow = gaz.lookup("Moscow").as_location()
    assert (moscow["feature_type"], moscow["adm1"]) == ("city", "RU.48")  # GeoNames admin1 of Moscow city
    assert gaz.lookup("Kharkiv").as_location()["adm1"].startswith("UA.")
    alaska = gaz.lookup("Alaska").as_location()
    assert (alaska["feature_type"], alaska["adm1"]) == ("adm1", "US.AK")
    syria = gaz.lookup("Syria").as_location()
    assert (syria["feature_type"], syria["adm1"]) == ("country", None)
    strait = gaz.lookup("Strait of Hormuz").as_location()
    assert (strait["feature_type"], strait["adm1"]) == ("region", None)  # a named area, not a division


def test_event_location_carries_feature_type(extract: Extract) -> None:
    loc = extract("Lavrov held talks with Tillerson in Washington.")[0]["location"]
    assert loc["feature_type"] == "city" and loc["adm1"] == "US.DC"


def test_us_states_win_over_foreign_towns_of_the_same_name(extract: Extract) -> None:
    """"Florida" is the US state, not the Cuban town; the actor's own place gives its country."""
    assert get_gazetteer().lookup("Florida").country == "USA"
    ev = extract("Two federal grand juries in Florida indicted the former minister.")[0]
    assert (ev["source"][0]["country"], ev["source"][0]["sector"]) == ("USA", "JUD")
