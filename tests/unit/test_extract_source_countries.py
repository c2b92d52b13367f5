"""Source countries of lists, coordinated modifiers and ethnic groups (guidelines 7.2, 7.4c)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Extract = Callable[..., list[dict[str, Any]]]


def source_countries(extract: Extract, text: str, event_type: str | None = None) -> list[str | None]:
    events = [e for e in extract(text) if event_type is None or e["event_type"] == event_type]
    assert events, text
    return [a["country"] for a in events[0]["source"]]


def test_country_list_misparsed_as_apposition(extract: Extract) -> None:
    assert source_countries(extract, "Qatar, the UAE and Oman funded a new hospital in Gaza.") == ["QAT", "ARE", "OMN"]


def test_coordinated_demonym_and_group_give_both_sides(extract: Extract) -> None:
    ev = extract("Egyptian and Hamas officials met in Cairo to discuss the truce.")[0]
    assert {(a["country"], a["sector"]) for a in ev["source"] + ev["target"]} >= {("EGY", "GOV"), ("PSE", "REB")}


def test_leaders_of_a_list_of_countries(extract: Extract) -> None:
    assert source_countries(extract, "The presidents of Chile, Peru and Bolivia met in Lima.") == ["CHL", "PER", "BOL"]


def test_people_in_a_list_of_countries(extract: Extract) -> None:
    assert source_countries(extract, "Students in Ghana, Togo and Benin protested against fee rises.") == ["GHA", "TGO", "BEN"]


def test_ethnic_covers_every_conjunct(extract: Extract) -> None:
    countries = source_countries(extract, "Ethnic Serbs and Albanians clashed in the Kosovo town of Mitrovica.")
    assert "ALB" not in countries and "SRB" not in countries


def test_copula_subject_is_the_source(extract: Extract) -> None:
    assert source_countries(extract, "Brazil was the first country to recognise the new government of Angola.") == ["BRA"]


def test_possessive_pronoun_takes_the_subject_of_the_clause_above(extract: Extract) -> None:
    assert source_countries(extract, "Turkey closed its airspace on Sunday as its troops massed along the Syrian border.",
                            "MOBILIZE") == ["TUR"]


def test_he_is_the_person_not_the_country_above(extract: Extract) -> None:
    countries = source_countries(extract, "Spain granted asylum to Venezuela's opposition leader Edmundo Gonzalez after he resigned from his post.",
                                 "RETREAT")
    assert countries == ["VEN"]


def test_agent_shared_by_a_list_of_passive_participles(extract: Extract) -> None:
    assert source_countries(extract, "Detained protesters were kicked, whipped and tortured by Syrian intelligence officers.",
                            "ASSAULT") == ["SYR"]


def test_named_group_of_states_is_no_quantity(extract: Extract) -> None:
    assert source_countries(extract, "The finance ministers of the Group of Seven criticised Beijing's export curbs.") == ["IGO"]


def test_the_bloc_is_an_igo(extract: Extract) -> None:
    assert source_countries(extract, "The bloc's foreign ministers condemned the coup in Niger.") == ["IGO"]


def test_opposition_bloc_is_not_an_igo(extract: Extract) -> None:
    ev = extract("The opposition bloc boycotted the parliamentary vote in Tbilisi.")[0]
    assert (ev["source"][0]["country"], ev["source"][0]["sector"]) != ("IGO", "IGO")


def test_judges_in_the_hague_serve_an_international_court(extract: Extract) -> None:
    assert source_countries(extract, "Judges in The Hague convicted a former Congolese militia leader of war crimes.") == ["IGO"]


def test_a_court_in_the_hague_may_be_a_dutch_court(extract: Extract) -> None:
    assert source_countries(extract, "A court in The Hague ordered the Dutch state to halt exports of fighter jet parts to Israel.") == ["NLD"]


def test_followers_of_a_faith_are_of_the_country_they_live_in(extract: Extract) -> None:
    ev = extract("Hundreds of Catholics marched in Managua to protest against the arrest of a bishop.")[0]
    assert (ev["source"][0]["country"], ev["source"][0]["sector"]) == ("NIC", "CVL")


def test_definite_role_noun_takes_the_country_of_the_earlier_force(extract: Extract) -> None:
    events = extract("Rwandan troops massed on the border on Sunday, and on Monday the troops withdrew from Goma in Congo.")
    retreats = [e for e in events if e["event_type"] == "RETREAT"]
    assert retreats and retreats[0]["source"][0]["country"] == "RWA"


def test_both_governments_are_the_pair_named_before(extract: Extract) -> None:
    events = extract("Serbia and Kosovo resumed talks in Brussels on Monday, and the two governments agreed to a new deal on licence plates.")
    agree = [e for e in events if e["event_type"] == "AGREE"]
    assert agree and {a["country"] for a in agree[0]["source"]} == {"SRB", "XKX"}


def test_soldiers_loyal_to_a_ruler_after_a_main_clause(extract: Extract) -> None:
    events = extract("Belgium froze its aid to Zaire on Monday, after soldiers loyal to President Mobutu Sese Seko killed dozens of students in Lubumbashi.")
    attacks = [e for e in events if e["event_type"] == "ASSAULT"]
    assert attacks and [a["country"] for a in attacks[0]["source"]] == ["COD"]


def test_troops_loyal_to_take_the_patrons_country(extract: Extract) -> None:
    assert source_countries(extract, "Fighters loyal to Abdel Fattah al-Burhan shelled a market.") == ["SDN"]


def test_government_troops_refer_back_to_the_named_forces(extract: Extract) -> None:
    events = extract("Iran sent military advisers to help Assad's forces on Monday, as government troops massed for an offensive.")
    massing = [e for e in events if e["event_type"] == "MOBILIZE" and any(a["text"] == "government troops" for a in e["source"])]
    assert massing and massing[0]["source"][0]["country"] == "SYR"


def test_unknown_titled_person_takes_the_sentence_country(extract: Extract) -> None:
    events = extract("Canadian Prime Minister Mark Carney unveiled a housing plan, and opposition leader Jane Porter denounced it as a gimmick.")
    accuse = [e for e in events if e["event_type"] == "ACCUSE"]
    assert accuse and accuse[0]["source"][0]["country"] == "CAN"


def test_two_titled_leaders_parsed_as_one_name(extract: Extract) -> None:
    # both leaders are found; held in China, the talks are a visit: Macron the source, Xi the host (C26)
    ev = next(e for e in extract("French President Emmanuel Macron and Chinese leader Xi Jinping held talks in Guangzhou on Friday.")
              if e["event_type"] == "CONSULT")
    assert {a["country"] for a in ev["source"]} == {"FRA"}
    assert {a["country"] for a in ev["target"]} == {"CHN"}


def test_second_subject_after_and_is_a_source(extract: Extract) -> None:
    countries = source_countries(extract, "US President Joe Biden and North Korean leader Kim Jong Un held talks at a hotel on Tuesday.")
    assert set(countries) == {"USA", "PRK"}


def test_conjunct_of_the_subjects_apposition_is_a_source(extract: Extract) -> None:
    countries = source_countries(extract, "US President Barack Obama and Cuban leader Raul Castro held talks in Panama.")
    assert set(countries) == {"USA", "CUB"}


def test_subject_and_apposition_and_counterpart(extract: Extract) -> None:
    # both are found; held in Chile, the talks are a visit: the Bolivian the source, the Chilean host the target (C26)
    ev = next(e for e in extract("Chile's Foreign Minister, Alberto van Klaveren, and his Bolivian counterpart held talks in Santiago.")
              if e["event_type"] == "CONSULT")
    assert {a["country"] for a in ev["source"]} == {"BOL"}
    assert {a["country"] for a in ev["target"]} == {"CHL"}


def test_attack_noun_subject_gives_its_author(extract: Extract) -> None:
    events = extract("A raid by Ethiopian troops killed 20 villagers near the border.")
    attacks = [e for e in events if e["event_type"] == "ASSAULT"]
    assert attacks and all([a["country"] for a in e["source"]] == ["ETH"] for e in attacks)


def test_subject_left_as_object_of_after(extract: Extract) -> None:
    events = extract("Pakistan recalled its envoy after an air strike by Afghan jets killed six villagers.")
    attacks = [e for e in events if e["event_type"] == "ASSAULT"]
    assert attacks and [a["country"] for a in attacks[0]["source"]] == ["AFG"]


def test_workers_strike_is_no_attack_source(extract: Extract) -> None:
    events = extract("The miners' strike in Asturias entered its third month.")
    assert not [e for e in events if e["event_type"] == "ASSAULT"]


def test_agent_on_the_noun_of_a_passive_phrase(extract: Extract) -> None:
    events = extract("Former Brazilian President Fernando Collor was placed under formal investigation by a Brasilia judge on Thursday.")
    assert events and [a["country"] for a in events[0]["source"]] == ["BRA"]


def test_two_country_names_sharing_their_last_word(extract: Extract) -> None:
    countries = source_countries(extract, "North and South Korea agreed to reopen a military hotline.")
    assert set(countries) == {"PRK", "KOR"}


def test_agent_shared_by_participles_parsed_as_an_adverbial_clause(extract: Extract) -> None:
    # "whipped" is parsed as an adverbial clause of "kicked"; "by Ethiopian troops" still belongs to all three
    for ev in extract("Detained villagers were kicked, whipped and beaten by Ethiopian troops."):
        assert [a["country"] for a in ev["source"]] == ["ETH"]


def test_congo_alone_is_the_democratic_republic(extract: Extract) -> None:
    assert source_countries(extract, "Congo's foreign minister accused Uganda of arming the rebels.", "ACCUSE") == ["COD"]
    assert source_countries(extract, "The Republic of Congo accused Gabon of closing the border.", "ACCUSE") == ["COG"]


def test_the_visiting_side_is_the_source_wherever_it_stands(extract: Extract) -> None:
    ev = next(e for e in extract("The Senegalese president met the visiting prime minister of Ghana on Tuesday.")
              if e["event_type"] == "CONSULT")
    assert [a["country"] for a in ev["source"]] == ["GHA"]
    assert [a["country"] for a in ev["target"]] == ["SEN"]


def test_forces_entering_a_capital_are_of_its_country(extract: Extract) -> None:
    assert source_countries(extract, "Rebel forces entered Bangui on Sunday after a French envoy urged them to keep order.", "ASSAULT") == ["CAF"]


def test_many_states_are_of_no_one_country(extract: Extract) -> None:
    assert source_countries(extract, "More than 50 countries have sent Turkey rescue teams after the earthquake.") == [None]
    assert source_countries(extract, "The foreign ministers of six Gulf nations met in Muscat on Sunday.", "CONSULT") == [None]


def test_world_leaders_in_a_city_are_not_its_nationals(extract: Extract) -> None:
    ev = next(e for e in extract("Ruto hosted dozens of world leaders in Nairobi on Tuesday.")
              if e["event_type"] == "CONSULT")
    assert [a["country"] for a in ev["source"]] == [None]


def test_negotiators_for_a_party_are_its_own(extract: Extract) -> None:
    assert "SDN" in source_countries(extract, "Negotiators for Khartoum signed a truce in Jeddah on Saturday.")


def test_an_ethnic_group_is_of_the_country_it_lives_in(extract: Extract) -> None:
    assert source_countries(extract, "Serb gunmen fired on a Muslim village near Tuzla on Friday.", "ASSAULT") == ["BIH"]
    ev = next(e for e in extract("Croat militiamen burned Muslim homes and mosques in Mostar on Sunday.") if e["event_type"] == "ASSAULT")
    assert {a["country"] for a in ev["source"]} == {"BIH"}


def test_the_kin_states_forces_stay_its_own(extract: Extract) -> None:
    assert source_countries(extract, "Serb police shelled villages in Kosovo on Monday.", "ASSAULT") == ["SRB"]



def test_a_relative_pronoun_subject_is_not_the_noun_it_describes(nlp: Any) -> None:
    from consumers.extract.coding.roles import RoleFiller

    for text, subject in (
        ("Iraqi forces pulled out of the town of Tal Afar on Monday, the last stronghold they had defended since the "
         "offensive began, and Kurdish fighters entered the town.", "forces"),
        ("French troops left the city of Gao on Tuesday, the only regional capital they had secured since the "
         "intervention began, and Malian soldiers took over the city.", "troops"),
    ):
        doc = nlp(text)
        antecedent = RoleFiller.subject_antecedent(next(t for t in doc if t.lower_ == "they"))
        assert antecedent is not None and antecedent.text == subject, text


def test_the_mediator_is_the_source_even_at_home(extract: Extract) -> None:
    ev = next(e for e in extract("Kenyan mediators brought together Ethiopian and Eritrean officials in Nairobi on Monday.")
              if e["event_type"] == "CONSULT")
    assert [a["country"] for a in ev["source"]] == ["KEN"]
    assert {a["country"] for a in ev["target"]} == {"ETH", "ERI"}
    ev = next(e for e in extract("Former Ghanaian president John Kufuor brokered talks between Togo's rival parties in Accra on Friday.")
              if e["event_type"] == "CONSULT")
    assert [a["country"] for a in ev["source"]] == ["GHA"]


def test_joint_participants_at_home_host_the_others(extract: Extract) -> None:
    ev = next(e for e in extract("The Kenyan and Ugandan presidents held talks in Nairobi on Tuesday.") if e["event_type"] == "CONSULT")
    assert [a["country"] for a in ev["source"]] == ["UGA"]
    assert [a["country"] for a in ev["target"]] == ["KEN"]
    ev = next(e for e in extract("The Kenyan and Ugandan presidents met on the sidelines of an African Union summit in Nairobi.")
              if e["event_type"] == "CONSULT")
    assert {a["country"] for a in ev["source"]} == {"KEN", "UGA"}


def test_a_weapon_of_no_named_side_takes_no_country_from_the_place(extract: Extract) -> None:
    ev = next(e for e in extract("A drone laden with explosives slammed into a market in Sudan's Kassala on Friday.")
              if e["event_type"] == "ASSAULT")
    assert all(a["country"] is None for a in ev["source"])


def test_regional_government_is_of_its_state(extract: Extract) -> None:
    # "regional" before a sub-national organ is no grouping of states (7.4a); "regional powers" still are
    text = "Basque nationalists marched in Bilbao on Sunday, and the regional government said it would not obey the new law."
    events = [e for e in extract(text) if e["event_type"] == "REJECT"]
    assert events and [a["country"] for a in events[0]["source"]] == ["ESP"]


def test_unqualified_organ_takes_the_country_of_the_named_places(extract: Extract) -> None:
    # the sentence names two countries, but its one place ("in Kyiv") lies in one of them (C38)
    text = ("Volunteers in Kyiv dug trenches on Monday as Russian troops advanced from the north, "
            "and the government told residents to leave the city.")
    events = [e for e in extract(text) if e["event_type"] == "REQUEST"]
    assert events and [a["country"] for a in events[0]["source"]] == ["UKR"]


def test_group_named_with_a_nationality_is_of_that_state(extract: Extract) -> None:
    # a NORP name that begins with a nationality ("Turkish Kurds") is of that state (7.4b)
    text = "Turkish Kurds marched outside the Swedish consulate in Istanbul against the extradition ruling."
    events = [e for e in extract(text) if e["event_type"] == "PROTEST"]
    assert events and [a["country"] for a in events[0]["source"]] == ["TUR"]


def test_language_group_is_not_the_kin_states(extract: Extract) -> None:
    # "Russian-speaking" names a language group, not Russia's nationals (7.4c)
    text = "Russian-speaking separatists fired on a police post near the river in Moldova."
    events = [e for e in extract(text) if e["event_type"] == "ASSAULT"]
    assert events and "RUS" not in {a["country"] for a in events[0]["source"]}


def test_armed_groups_do_not_take_their_foreign_captives_nationality(extract: Extract) -> None:
    """C38: unqualified rebels take the country of a place, not of the foreign civilians they hold;
    rebels attacking a country's soldiers are still of that country."""
    assert source_countries(extract, "Rebels released the Italian aid worker they had held for three months.", "RETREAT") == [None]
    assert source_countries(extract, "Rebels kidnapped two Chinese engineers.", "ASSAULT") == [None]
    assert source_countries(extract, "Rebels killed three Pakistani soldiers.", "ASSAULT") == ["PAK"]
