"""Recall rules: words, collocations and constructions that let asserted events through (issue 8).
Each sentence here is written for the test, not taken from a corpus."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.tokens import Doc

from consumers.extract.pipeline import EVENTS_COMPONENT
from tests.unit.extract_helpers import find


def test_a_past_time_clause_inside_a_threat_is_told_as_fact(extract: Any) -> None:
    events = extract("Greece warned that any Turkish ship entering its waters would be stopped, a week after Turkey "
                     "seized a Greek fishing boat.")
    assert find(events, "THREATEN", source={"GRC"})
    assert find(events, "COERCE", source={"TUR"}) or find(events, "ASSAULT", source={"TUR"})


def test_a_future_time_clause_inside_a_threat_stays_hypothetical(extract: Any) -> None:
    events = extract("Greece warned that it would retaliate if Turkey seized a Greek fishing boat.")
    assert find(events, "THREATEN", source={"GRC"})
    assert not find(events, "COERCE", source={"TUR"}) and not find(events, "ASSAULT", source={"TUR"})


def test_a_preposed_clause_is_owned_only_by_a_reporting_verb(nlp: Any) -> None:
    """The parser sometimes hangs "X did Y, a move Z condemned" as a clause of "condemned"."""
    finder = nlp.get_pipe(EVENTS_COMPONENT).extractor.triggers
    words = ["Japan", "sent", "ships", ",", "a", "move", "China", "condemned"]
    heads = [1, 7, 1, 7, 5, 6, 7, 7]
    deps = ["nsubj", "ccomp", "dobj", "punct", "det", "nmod", "nsubj", "ROOT"]
    lemmas = ["Japan", "send", "ship", ",", "a", "move", "China", "condemn"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, lemmas=lemmas)
    assert finder._preposed_fact(doc[7], doc[1])
    said = Doc(nlp.vocab, words=["Japan", "sent", "ships", ",", "China", "said"], heads=[1, 5, 1, 5, 5, 5],
               deps=["nsubj", "ccomp", "dobj", "punct", "nsubj", "ROOT"], lemmas=["Japan", "send", "ship", ",", "China", "say"])
    assert not finder._preposed_fact(said[5], said[1])


def test_suspending_a_strike_or_a_law_concedes_suspending_a_constitution_coerces(extract: Any) -> None:
    assert find(extract("Nigerian doctors suspended their strike after talks with the health ministry."), "CONCEDE")
    assert find(extract("Chile's government suspended the new water tax after weeks of protests."), "CONCEDE", source={"CHL"})
    assert find(extract("Tunisia's president suspended the constitution and dismissed the cabinet."), "COERCE", source={"TUN"})


def test_shelving_a_bill_concedes(extract: Any) -> None:
    assert find(extract("Kenya's parliament shelved the finance bill after days of street protests."), "CONCEDE", source={"KEN"})


def test_expulsion_from_a_body_and_quitting_one_are_sanctions(extract: Any) -> None:
    assert find(extract("Belarus was expelled from the International Ice Hockey Federation on Monday."), "SANCTION")
    assert find(extract("Burkina Faso quit the organisation in protest at its sanctions."), "SANCTION", source={"BFA"})
    assert find(extract("ECOWAS kicked Mali out of the regional bloc."), "SANCTION")
    assert find(extract("Three Pakistani ministers quit the government on Friday."), "RETREAT", source={"PAK"})


def test_a_weapon_slamming_into_a_place_is_an_attack_a_storm_is_not(extract: Any) -> None:
    assert find(extract("A Russian missile slammed into an apartment block in Dnipro, killing 40 people."), "ASSAULT", source={"RUS"})
    events = extract("Typhoon Haiyan slammed into the Philippine island of Leyte on Friday.")
    assert not find(events, "ASSAULT") and not find(events, "ACCUSE")


def test_setting_something_on_fire(extract: Any) -> None:
    assert find(extract("Militants set two schools on fire in Khyber district."), "ASSAULT")
    assert find(extract("Rioters set fire to a police station in Dhaka."), "PROTEST", source={"BGD"})


def test_converging_on_a_capital(extract: Any) -> None:
    assert find(extract("Thousands of Kenyan farmers converged on Nairobi to demand lower fertiliser prices."), "PROTEST", source={"KEN"})


def test_gathering_fighters_mobilises(extract: Any) -> None:
    assert find(extract("The Houthis gathered thousands of fighters near Marib, Yemeni officials said."), "MOBILIZE")


def test_mocking_accuses(extract: Any) -> None:
    assert find(extract("Iran's supreme leader mocked Washington for its failures in Afghanistan."), "ACCUSE", source={"IRN"})


def test_ousting_in_a_coup_is_an_assault(extract: Any) -> None:
    assert find(extract("Guinea's special forces ousted President Alpha Conde in a coup on Sunday."), "ASSAULT", source={"GIN"})


def test_warning_off_is_a_request(extract: Any) -> None:
    assert find(extract("China warned off a US destroyer near the Paracel Islands."), "REQUEST", source={"CHN"})


def test_bringing_parties_together_is_mediation(extract: Any) -> None:
    assert find(extract("Qatari mediators brought together Afghan and American officials in Doha."), "CONSULT")


def test_ending_cooperation_sanctions(extract: Any) -> None:
    assert find(extract("Niger ended military cooperation with France on Wednesday."), "SANCTION", source={"NER"})


def test_lifting_and_clearing_roadblocks_concede(extract: Any) -> None:
    assert find(extract("Bolivian miners lifted their roadblocks after the government raised wages."), "CONCEDE")
    assert find(extract("Farmers in Peru cleared the roadblocks on the Pan-American highway."), "CONCEDE")


def test_receiving_an_official_is_a_meeting(extract: Any) -> None:
    assert find(extract("Egypt's president received the Qatari intelligence chief in Cairo."), "CONSULT")


def test_evacuating_people_is_aid_and_peacekeepers_deployed_are_aid(extract: Any) -> None:
    assert find(extract("Turkish ships evacuated hundreds of foreign nationals from Tripoli."), "AID", source={"TUR"})
    assert find(extract("Kenya deployed 400 peacekeepers to Haiti."), "AID", source={"KEN"})


def test_aid_dropped_accepted_transferred(extract: Any) -> None:
    assert find(extract("Jordan's air force dropped food and medicine over northern Gaza."), "AID", source={"JOR"})
    assert find(extract("Nepal accepted aid from India after the earthquake."), "AID", source={"IND"}, target={"NPL"})
    assert find(extract("The World Bank transferred 200 million dollars to Ukraine's budget."), "AID", target={"UKR"})
    assert find(extract("Turkey sends drones to Somalia's army."), "AID", source={"TUR"})


def test_the_noun_a_relative_clause_modifies_is_its_object(extract: Any) -> None:
    events = extract("Houthi rebels withdrew from the towns they had seized in Yemen.")
    assert find(events, "RETREAT")
    assert find(events, "ASSAULT")


def test_a_missile_fired_over_a_country_or_into_the_sea_is_a_test(extract: Any) -> None:
    assert find(extract("North Korea fired two ballistic missiles into the sea off its east coast."), "MOBILIZE", source={"PRK"})
    assert find(extract("Iran test-fired a new cruise missile on Friday."), "MOBILIZE", source={"IRN"})
    assert find(extract("Hezbollah fired rockets at Haifa on Sunday."), "ASSAULT")


def test_a_strike_owned_by_a_trade_is_a_walkout(extract: Any) -> None:
    assert find(extract("A strike by hospital nurses in Wales entered its second day on Tuesday."), "PROTEST")
    assert find(extract("The Chilean copper miners' strike halted output at Escondida."), "PROTEST")
    assert not find(extract("A strike by Israeli jets hit a weapons depot in Homs."), "PROTEST")


def test_a_raid_with_force_is_an_assault_a_police_search_raid_coerces(extract: Any) -> None:
    assert find(extract("Soldiers raided a village in Darfur, burning homes."), "ASSAULT", source={"SDN"})
    assert find(extract("Gunmen raided a police post in northern Burkina Faso."), "ASSAULT")
    events = extract("Police raided the offices of an opposition newspaper in Caracas.")
    assert find(events, "COERCE", source={"VEN"}) and not find(events, "ASSAULT")


def test_an_exercise_held_with_another_state_is_cooperation(extract: Any) -> None:
    assert find(extract("Egypt's navy held exercises with French warships in the Red Sea."), "COOPERATE", source={"EGY"})
    assert find(extract("India and Sri Lanka began a joint naval drill off Colombo."), "COOPERATE")
    assert find(extract("Iran's Revolutionary Guards held naval drills in the Strait of Hormuz."), "MOBILIZE")


def test_release_of_servicemen_and_of_people_named_by_a_pronoun(extract: Any) -> None:
    assert find(extract("Armenia released five Azerbaijani servicemen on Friday."), "RETREAT", source={"ARM"})
    assert find(extract("Venezuela detained two American tourists and released them a week later."), "RETREAT", source={"VEN"})


def test_recognising_a_result_supports_and_refusing_to_rejects(extract: Any) -> None:
    assert find(extract("The European Union said it would not recognise the result of the election in Venezuela."), "REJECT")


def test_calling_a_counterpart_and_briefing_officials_are_consultations(extract: Any) -> None:
    assert find(extract("Japan's prime minister called his Australian counterpart on Tuesday."), "CONSULT", source={"JPN"})
    assert find(extract("Israeli officials briefed Egyptian intelligence officers on the talks."), "CONSULT", source={"ISR"})


def test_calling_or_declaring_a_truce_concedes(extract: Any) -> None:
    assert find(extract("Colombia's ELN rebels declared a truce for the Christmas holidays."), "CONCEDE")
    assert find(extract("Striking Peruvian miners called a truce with the government."), "CONCEDE")


def test_crushing_an_uprising_and_repelling_an_attack(extract: Any) -> None:
    assert find(extract("Syrian troops crushed an uprising in the city of Hama."), "ASSAULT", source={"SYR"})
    assert find(extract("Militants attacked a police post in Tank but were repelled by Pakistani troops."), "ASSAULT", source={"PAK"})


def test_shutting_newspapers_coerces(extract: Any) -> None:
    assert find(extract("Ethiopia's government shut three newspapers in Addis Ababa."), "COERCE", source={"ETH"})


def test_ferrying_supplies_is_aid(extract: Any) -> None:
    assert find(extract("Indian navy ships ferried relief supplies to Sri Lanka's flooded east."), "AID", source={"IND"})


def test_scaling_back_and_observing_a_truce_retreat(extract: Any) -> None:
    assert find(extract("Russia scaled back its operations around Kyiv on Tuesday."), "RETREAT", source={"RUS"})


def test_ordering_an_internment_coerces(extract: Any) -> None:
    assert find(extract("Myanmar's junta ordered the internment of hundreds of opposition activists."), "COERCE", source={"MMR"})


def test_what_a_strike_shuts_is_its_effect(extract: Any) -> None:
    events = extract("A nationwide strike called by Bangladesh's opposition shut down Dhaka on Sunday.")
    assert find(events, "PROTEST") and not find(events, "COERCE")
    events = extract("Argentine transport unions staged a general strike on Thursday, closing ports and airports.")
    assert find(events, "PROTEST") and not find(events, "COERCE")
    assert find(extract("Police shut down the opposition newspaper in Dhaka."), "COERCE")


def test_allowing_someone_to_act_is_read_from_an_infinitive_clause(extract: Any) -> None:
    """"would allow inspectors to return": spaCy makes "inspectors to return" a clause of its own."""
    events = extract("Hungary said it would allow Ukrainian grain to transit its territory.")
    assert find(events, "AGREE", source={"HUN"}) and not find(events, "REJECT")
    assert find(extract("Syria allowed UN aid convoys to enter Idlib on Monday."), "RETREAT", source={"SYR"})


def test_clash_and_firefight_nouns_through_engage_in(extract: Any) -> None:
    assert find(extract("Indian and Chinese troops engaged in a brief firefight near the Line of Actual Control."), "ASSAULT",
                source={"IND"})
    assert find(extract("Kenyan police engaged in a gun battle with al-Shabaab militants near Lamu."), "ASSAULT", source={"KEN"})


def test_a_killing_in_clashes_is_one_attack(extract: Any) -> None:
    events = extract("At least 12 people were killed in clashes between Sudanese troops and RSF fighters in El Fasher.")
    assert len(find(events, "ASSAULT")) == 1


def test_the_noun_release_is_a_retreat_like_the_verb(extract: Any) -> None:
    assert find(extract("A Tehran court ordered the release of two French teachers on Tuesday."), "RETREAT")


def test_a_bandh_is_a_general_strike(extract: Any) -> None:
    assert find(extract("A bandh called by India's opposition Congress party shut shops across Kerala."), "PROTEST", source={"IND"})


def test_an_object_named_with_of(extract: Any) -> None:
    assert find(extract("Ecuador's president lifted the state of emergency in Guayaquil."), "RETREAT", source={"ECU"})


def test_postponing_a_strike_concedes(extract: Any) -> None:
    assert find(extract("Nigerian labour unions postponed their planned strike after talks with the government."), "CONCEDE")


def test_touring_countries_is_a_visit_touring_a_site_is_not(extract: Any, nlp: Any) -> None:
    """"toured Japan and South Korea" is CONSULT with both; for the lexicon a tour of a site or of
    villages meets no one (the typer may still read one from its context)."""
    assert find(extract("The Indian prime minister toured Japan and South Korea last week."), "CONSULT",
                source={"IND"}, target={"JPN", "KOR"})
    finder = nlp.get_pipe(EVENTS_COMPONENT).extractor.triggers
    for text, expected in (("The Indian prime minister toured Japan and South Korea last week.", "CONSULT"),
                           ("The president toured flood-hit villages in Sindh.", None),
                           ("The opposition leader toured the Temple Mount compound on Thursday.", None)):
        toured = next(t for t in nlp(text) if t.text == "toured")
        assert finder.lexicon_type(toured) == expected, text


def test_staples_and_medical_gear_sent_abroad_are_aid(extract: Any) -> None:
    assert find(extract("Vietnam sent 5,000 tonnes of rice to Cuba."), "AID", source={"VNM"}, target={"CUB"})
    assert find(extract("Germany sent 200 ventilators to India."), "AID", source={"DEU"}, target={"IND"})



@pytest.mark.parametrize("text, source", [
    ("Kenya's teachers' union suspended its go-slow after the ministry raised salaries.", None),
    ("The opposition alliance in Senegal suspended its weekly marches ahead of the holiday.", "SEN"),
    ("Peru's government suspended a planned fuel price increase after truckers blocked highways.", "PER"),
])
def test_suspending_ones_own_protest_or_hike_is_concede(extract: Any, text: str, source: str | None) -> None:
    """Guidelines 4.4 and C6: calling off or suspending a protest (march, go-slow, blockade) is CONCEDE,
    and so is suspending a measure the other side objects to; suspending aid or talks stays SANCTION."""
    events = extract(text)
    assert find(events, "CONCEDE", **({"source": {source}} if source else {}))
    assert not find(events, "SANCTION")


def test_suspending_aid_is_still_sanction(extract: Any) -> None:
    assert find(extract("Norway suspended its aid to Mali after the coup."), "SANCTION", source={"NOR"})


@pytest.mark.parametrize("text, kind, mode", [
    ("Ecuador's president declared a state of emergency in three provinces on Friday.", "COERCE", "martial-law"),
    ("Armenia declared a general mobilisation after the border clashes.", "MOBILIZE", None),
])
def test_declaring_emergency_rule_or_mobilisation(extract: Any, text: str, kind: str, mode: str | None) -> None:
    """Crosswalk 1723 / guidelines COERCE `martial-law`; declaring a mobilisation is MOBILIZE."""
    events = find(extract(text), kind)
    assert events
    if mode:
        assert events[0]["mode"] == mode


@pytest.mark.parametrize("text, source", [
    ("Ghana's interior minister said Accra was ready to sit down with the striking chiefs.", "GHA"),
    ("Lebanon is willing to share the gas field with Cyprus, its energy minister said.", "LBN"),
])
def test_readiness_for_an_act_with_no_event_word_is_agree(extract: Any, text: str, source: str) -> None:
    """C3: "is ready / willing / prepared to" + a cooperative act is AGREE, even when the act has no sense."""
    assert find(extract(text), "AGREE", source={source})


def test_readiness_to_fight_is_no_agreement(extract: Any) -> None:
    assert not find(extract("The militia in Mali said it was ready to fight to the last man."), "AGREE")


@pytest.mark.parametrize("text, source", [
    ("Austria's chancellor said Vienna had no intention of sending troops to the mission.", "AUT"),
    ("Peru's president told reporters he had no intention of resigning over the scandal.", "PER"),
])
def test_no_intention_of_a_cooperative_act_is_reject(extract: Any, text: str, source: str) -> None:
    """C13: "has no intention of" + a cooperative act is REJECT, not the act."""
    events = extract(text)
    assert find(events, "REJECT", source={source})
    assert not find(events, "AID") and not find(events, "RETREAT")


def test_seizing_aid_workers_is_an_abduction(extract: Any) -> None:
    """Seizing people (hostages, aid workers, tourists) is ASSAULT `abduct`; seizing goods stays COERCE."""
    events = find(extract("Gunmen seized two French aid workers near the border with Chad."), "ASSAULT")
    assert events and events[0]["mode"] == "abduct"
    assert find(extract("Customs officers in Kenya seized a shipment of ivory."), "COERCE")


def test_abduction_noun_is_assault(extract: Any) -> None:
    """"carried out the kidnapping of": the noun is the event (ASSAULT `abduct`), its victims the target."""
    events = find(extract("Gunmen in Mali carried out the kidnapping of two nurses."), "ASSAULT")
    assert events and events[0]["mode"] == "abduct"
    assert all("kidnapping" not in a["text"] for a in events[0]["target"])


def test_pulling_out_of_a_treaty_is_sanction_but_out_of_a_town_is_retreat(extract: Any) -> None:
    """Leaving an organisation or agreement is SANCTION `withdraw` (crosswalk 16x); leaving ground is RETREAT."""
    assert find(extract("Belarus pulled out of the regional arms treaty on Monday."), "SANCTION", source={"BLR"})
    assert find(extract("Ethiopian troops pulled out of the town on Monday."), "RETREAT")


@pytest.mark.parametrize("text", [
    "Japan's prime minister expressed deep remorse to South Korea over the wartime abuses.",
    "Kenya's police chief asked the victims' families for forgiveness.",
])
def test_apology_phrases_are_concede(extract: Any, text: str) -> None:
    """Guidelines 4.4: apologise, express regret or remorse (and ask forgiveness) is CONCEDE."""
    assert find(extract(text), "CONCEDE")


@pytest.mark.parametrize("text", [
    "Chile's president sent congratulations to the new Argentine leader.",
    "Morocco and Sudan announced the normalisation of their diplomatic relations on Friday.",
])
def test_congratulations_and_normalisation_are_support(extract: Any, text: str) -> None:
    assert find(extract(text), "SUPPORT")


@pytest.mark.parametrize("sentence", [
    "Gunmen kidnapped two Italian aid workers in northern Mali on Tuesday.",
    "Rebels took five Chinese engineers hostage near the Sudanese border.",
    "Pirates abducted the crew of a Greek tanker off the coast of Nigeria.",
])
def test_abductions_have_the_guidelines_mode(extract: Any, sentence: str) -> None:
    events = [e for e in extract(sentence) if e["event_type"] == "ASSAULT"]
    assert events and {e["mode"] for e in events} == {"abduct"}
