"""Actor resolution: countries, demonyms, metonyms, leaders, organisations, sectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Extract = Callable[..., list[dict[str, Any]]]


def source_of(extract: Extract, text: str) -> dict[str, Any]:
    events = extract(text)
    assert events, text
    return events[0]["source"][0]


@pytest.mark.parametrize(
    ("text", "country", "sector"),
    [
        ("The Kremlin accused Kyiv of lying.", "RUS", "GOV"),
        ("Moscow condemned the decision.", "RUS", "GOV"),
        ("Washington blamed Damascus for the attack.", "USA", "GOV"),
        ("The White House praised Japan.", "USA", "GOV"),
        ("Beijing warned Taipei.", "CHN", "GOV"),
        ("The Pentagon deployed warships.", "USA", "MIL"),
        ("Syrian rebels attacked a checkpoint.", "SYR", "REB"),
        ("US troops withdrew from Iraq.", "USA", "MIL"),
        ("The Russian foreign minister met Chinese officials.", "RUS", "GOV"),
        ("Russian Federation accused Ukraine of sabotage.", "RUS", "GOV"),  # 7.4e: a bare country is its state
        ("Putin met Xi.", "RUS", "GOV"),
        ("Lavrov met Tillerson.", "RUS", "GOV"),
        ("Tillerson met Lavrov.", "USA", "GOV"),
        ("Trump met Putin.", "USA", "GOV"),
        ("Assad thanked Iran.", "SYR", "GOV"),
        ("Erdogan criticised Sweden.", "TUR", "GOV"),
        ("Rouhani praised Russia.", "IRN", "GOV"),
        ("Peskov denied the report.", "RUS", "GOV"),
        ("McMaster warned Russia.", "USA", "GOV"),
        ("Staffan de Mistura met Syrian officials.", "IGO", "IGO"),
        ("The United Nations urged Israel to halt the operation.", "IGO", "IGO"),
        ("NATO condemned Russia.", "IGO", "IGO"),
        ("The EU imposed sanctions on Iran.", "IGO", "IGO"),
        ("The African Union suspended Gabon.", "IGO", "IGO"),
        ("Kenyan opposition supporters protested in Nairobi.", "KEN", "OPP"),
        ("Hundreds of Chinese residents demonstrated in Beijing.", "CHN", "CVL"),
        ("Sudan's army chief refused to attend the talks.", "SDN", "MIL"),
        ("Hezbollah's leader threatened Israel.", "LBN", "REB"),
        ("Turkish Foreign Minister Hakan Fidan met Iranian officials.", "TUR", "GOV"),
        ("Amnesty International criticised Qatar.", None, "NGO"),
    ],
)
def test_source_actor(extract: Extract, text: str, country: str | None, sector: str | None) -> None:
    actor = source_of(extract, text)
    assert (actor["country"], actor["sector"]) == (country, sector), actor


def test_leader_canonical_names(extract: Extract) -> None:
    assert source_of(extract, "Putin met Xi.")["name"] == "Vladimir Putin"
    assert source_of(extract, "Assad thanked Iran.")["name"] == "Bashar al-Assad"


def test_metonyms_share_a_canonical_name(extract: Extract) -> None:
    kremlin = source_of(extract, "The Kremlin condemned NATO.")["name"]
    assert kremlin == source_of(extract, "Moscow condemned NATO.")["name"] == "Russia government"


def test_two_demonyms_give_two_actors(extract: Extract) -> None:
    ev = extract("Turkish and Iraqi troops coordinated an operation.")[0]
    assert [(a["country"], a["sector"]) for a in ev["source"]] == [("TUR", "MIL"), ("IRQ", "MIL")]


def test_pro_prefix_is_not_nationality(extract: Extract) -> None:
    assert source_of(extract, "Pro-Palestinian activists occupied a building.")["country"] is None


def test_possessive_pronoun_takes_the_subjects_country(extract: Extract) -> None:
    ev = extract("Putin met with his security council.")[0]
    assert (ev["target"][0]["country"], ev["target"][0]["sector"]) == ("RUS", "GOV")


def test_city_as_target_stands_for_its_country(extract: Extract) -> None:
    ev = extract("Russian forces shelled Kharkiv overnight.")[0]
    assert ev["target"][0]["country"] == "UKR"
    assert extract("Paris Hilton visited Moscow.")[0]["source"][0]["country"] is None


def test_role_noun_takes_the_one_country_the_sentence_names(extract: Extract) -> None:
    """C38: with no place for the event, "police" and "the army" are of the country the sentence is about."""
    ev = next(e for e in extract("Turkish prosecutors opened an inquiry, and police detained dozens of people.")
              if e["event_type"] == "COERCE")
    assert ev["source"][0]["country"] == "TUR"
    ev = next(e for e in extract("Kenya halted its mediation in Sudan after the army rejected President Ruto.")
              if e["event_type"] == "REJECT")
    assert ev["source"][0]["country"] is None  # two countries named: no guess


def test_unknown_attackers_keep_no_country_in_a_one_country_sentence(extract: Extract) -> None:
    ev = next(e for e in extract("Gunmen killed three Nigerian soldiers.") if e["event_type"] == "ASSAULT")
    assert all(a["country"] is None for a in ev["source"])


def test_facilities_stand_for_their_users(extract: Extract) -> None:
    """Guidelines 7.1: a police station is POL, homes and shops CVL, in the country where they are."""
    ev = next(e for e in extract("Haitian gangs torched a police station in Port-au-Prince.") if e["event_type"] == "ASSAULT")
    assert [(a["country"], a["sector"]) for a in ev["target"]] == [("HTI", "POL")]


def test_member_of_a_transnational_group_is_of_the_country_where_it_acts(extract: Extract) -> None:
    """7.4k: "an Islamic State suicide bomber" outside Kabul airport is an Afghan rebel; 7.4c: Tigrayans are ETH."""
    ev = extract("An Islamic State suicide bomber struck crowds outside Kabul airport.")[0]
    assert (ev["source"][0]["country"], ev["source"][0]["sector"]) == ("AFG", "REB")
    assert source_of(extract, "Tigrayan forces recruited thousands of fighters.")["country"] == "ETH"


def test_juries_and_commissions_of_inquiry_are_judiciary_and_government(extract: Extract) -> None:
    """A grand jury is JUD; a named commission of inquiry or an electoral commission is the state's (GOV)."""
    assert (source_of(extract, "A federal grand jury in Texas indicted the former minister.")["sector"]) == "JUD"
    actor = source_of(extract, "The Kahan Commission blamed Israeli officials for the massacre.")
    assert (actor["country"], actor["sector"]) == ("ISR", "GOV")
    actor = source_of(extract, "Kenya's electoral commission rejected the opposition's demands.")
    assert (actor["country"], actor["sector"]) == ("KEN", "GOV")


def test_group_takes_its_modifiers_sector_and_the_country_it_is_in(extract: Extract) -> None:
    """"a jihadist group in Mali" is a Malian rebel group; "doctors' groups" are of the health sector."""
    actor = source_of(extract, "A jihadist group in Mali kidnapped two aid workers.")
    assert (actor["country"], actor["sector"]) == ("MLI", "REB")
    actor = source_of(extract, "Doctors' groups in Sudan condemned the army.")
    assert (actor["country"], actor["sector"]) == ("SDN", "HLH")


def test_title_alias_does_not_split_off_the_surname(extract: Extract) -> None:
    """"President Saddam" is an alias, but "President Saddam Hussein" is not Saddam plus King Hussein (JOR)."""
    actor = source_of(extract, "President Saddam Hussein threatened Kuwait.")
    assert (actor["name"], actor["country"]) == ("Saddam Hussein", "IRQ")


def test_names_running_past_a_preposition_are_matched_whole(extract: Extract) -> None:
    actor = source_of(extract, "The Inter-American Commission on Human Rights criticised Nicaragua.")
    assert (actor["country"], actor["sector"]) == ("IGO", "IGO")
    actor = source_of(extract, "The US Agency for International Development suspended aid to Haiti.")
    assert (actor["name"], actor["country"]) == ("USAID", "USA")
    assert source_of(extract, "The U.S. Justice Department charged two Chinese hackers.")["country"] == "USA"
    actor = source_of(extract, "Reporters Without Borders condemned Turkey.")  # a name the tagger takes for a common noun
    assert (actor["name"], actor["country"], actor["sector"]) == ("Reporters Without Borders", None, "NGO")


def test_a_city_modifying_a_role_noun_gives_its_country(extract: Extract) -> None:
    """"an Istanbul court", "a Kharkiv hypermarket": the place inside the actor's own phrase gives the country,
    not the other side of the event."""
    actor = source_of(extract, "An Istanbul court jailed a journalist.")
    assert (actor["country"], actor["sector"]) == ("TUR", "JUD")
    ev = next(e for e in extract("Russian missiles hit a Kharkiv hypermarket.") if e["event_type"] == "ASSAULT")
    assert [(a["country"], a["sector"]) for a in ev["target"]] == [("UKR", "BUS")]


def test_staff_of_an_international_ngo_keep_no_country(extract: Extract) -> None:
    """7.4i: "Red Cross delegates" are the NGO's, not of the country they visit."""
    actor = source_of(extract, "Red Cross delegates visited prisoners in Guantanamo.")
    assert (actor["country"], actor["sector"]) == (None, "NGO")


def test_followers_and_world_powers_are_actors(extract: Extract) -> None:
    assert source_of(extract, "Hundreds of its followers protested in Beijing.")["sector"] == "CVL"
    actor = source_of(extract, "Six world powers agreed a deal with Iran.")
    assert (actor["country"], actor["sector"]) == (None, "GOV")


def test_a_country_named_after_a_coast_is_no_body_of_water(extract: Extract) -> None:
    actor = source_of(extract, "Ivory Coast recalled its ambassador from Ghana.")
    assert (actor["country"], actor["sector"]) == ("CIV", "GOV")


def test_a_panel_of_experts_is_of_the_organisation_that_named_it(extract: Extract) -> None:
    actor = source_of(extract, "A panel of UN experts accused Rwanda of backing the rebels.")
    assert (actor["country"], actor["sector"]) == ("IGO", "IGO")


def test_strongholds_opposition_figures_and_rights_lawyers_have_sectors(extract: Extract) -> None:
    def target(text: str) -> dict[str, Any]:
        return next(e for e in extract(text) if e["event_type"] in {"ASSAULT", "COERCE"})["target"][0]

    assert target("Troops captured the last Tamil Tiger stronghold.")["sector"] == "REB"
    assert target("Police detained 40 opposition figures.")["sector"] == "OPP"
    assert target("Police arrested a prominent human rights lawyer.")["sector"] == "NGO"
