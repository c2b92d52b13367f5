"""Frames around an act that decide its category: readiness denied, blame reported (guidelines C11, C13)."""

from __future__ import annotations

from typing import Any

from tests.unit.extract_helpers import find


def test_readiness_denied_is_a_refusal(extract: Any) -> None:
    events = extract("Russia said it was not ready to negotiate with Ukraine.")
    assert find(events, "REJECT", source={"RUS"}, target={"UKR"})
    assert not find(events, "AGREE")
    events = extract("Iran is not willing to talk to the United States.")
    assert find(events, "REJECT", source={"IRN"}, target={"USA"})
    assert not find(events, "AGREE")


def test_unwillingness_is_a_refusal_even_without_an_event_word(extract: Any) -> None:
    assert find(extract("Serbia is unwilling to withdraw its police from northern Kosovo."), "REJECT", source={"SRB"})
    events = extract("The Afghan Taliban said they were not ready to sit down with the Kabul government.")
    assert find(events, "REJECT", source={"AFG"})
    assert not find(events, "AGREE")


def test_readiness_still_agrees(extract: Any) -> None:
    assert find(extract("Iran said it was ready to sit down with Saudi Arabia."), "AGREE", source={"IRN"}, target={"SAU"})


def test_blame_reported_is_an_accusation(extract: Any) -> None:
    events = extract("Israel said Iran was behind the attack on its embassy.")
    assert find(events, "ACCUSE", source={"ISR"}, target={"IRN"})
    assert not find(events, "ASSAULT")
    assert find(extract("Kenya said al Shabaab was responsible for the bombing of the hotel."), "ACCUSE", source={"KEN"})
    assert not find(extract("Israel said Iran was not behind the attack on its embassy."), "ACCUSE")


def test_talks_stated_with_a_copula_are_a_meeting(extract: Any) -> None:
    assert find(extract("Armenia is in talks with Turkey over reopening their shared border."), "CONSULT",
                source={"ARM"}, target={"TUR"})
    assert find(extract("A Qatari envoy was in Khartoum on Tuesday for talks with Sudan's army chief."), "CONSULT",
                source={"QAT"}, target={"SDN"})


def test_light_verbs_and_prepositional_readings_are_not_vetoed(nlp: Any) -> None:
    from consumers.extract.coding.model import Sentence
    from consumers.extract.coding.triggers import _light_or_prepositional
    from consumers.extract.components import EVENTS_COMPONENT

    finder = nlp.get_pipe(EVENTS_COMPONENT).extractor.triggers

    def cands(text: str) -> dict[str, Any]:
        doc = nlp(text)
        sent = Sentence.of(next(iter(doc.sents)), 0, list(doc.ents), 0)
        return {c.trigger.lower_: c for c in finder.candidates(sent)}

    assert _light_or_prepositional(cands("Retreating soldiers set the oil wells on fire.")["set"])
    assert not _light_or_prepositional(cands("Egyptian police arrested the journalist in Cairo.")["arrested"])


def test_seizing_military_sites_is_an_assault(extract: Any) -> None:
    assert find(extract("Houthi fighters seized two army camps near Marib."), "ASSAULT", source={"YEM"})
    assert find(extract("Rebel militiamen seized military facilities outside Goma."), "ASSAULT")
    assert find(extract("Police seized the company's facilities in Lagos."), "COERCE", source={"NGA"})


def test_firing_across_a_border_is_an_attack_and_reported_it_is_an_accusation(extract: Any) -> None:
    assert find(extract("Indian troops fired across the border into Pakistani villages."), "ASSAULT", source={"IND"})
    events = extract("Kabul said Pakistani soldiers had fired across the Durand Line, killing three farmers.")
    assert find(events, "ACCUSE", source={"AFG"}, target={"PAK"})


def test_a_main_verb_read_as_a_participle_keeps_its_subject(extract: Any) -> None:
    assert find(extract("Thousands of Kenyan troops deployed in Somalia."), "MOBILIZE", source={"KEN"})
    # victims are no agents: a participle of violence does not take the noun as its source
    assert not find(extract("Hundreds of Yemenis killed in the fighting near Marib."), "ASSAULT", source={"YEM"})


def test_a_claim_of_responsibility_is_the_claimed_act(extract: Any) -> None:
    events = extract("Al Shabaab claimed responsibility for the bombing of a hotel in Mogadishu.")
    assert find(events, "ASSAULT", source={"SOM"})
    events = extract("The Pakistani Taliban claimed responsibility for the attack on a police station in Peshawar.")
    assert find(events, "ASSAULT", source={"PAK"})
    assert not find(events, "ACCUSE")



def test_forces_sent_to_a_peacekeeping_mission_or_to_help_are_aid(extract: Any) -> None:
    events = extract("Rwanda deployed a battalion to the UN peacekeeping mission in South Sudan.")
    assert find(events, "AID", source={"RWA"})
    assert not find(events, "MOBILIZE")
    assert find(extract("Kenya sent 400 police officers to help restore order in Haiti."), "AID", source={"KEN"})
    assert find(extract("Russia deployed troops to the Ukrainian border."), "MOBILIZE", source={"RUS"})


def test_a_protest_lodged_with_a_government_is_an_official_complaint(extract: Any) -> None:
    """4.9: "lodged a formal protest with Tokyo" is ACCUSE against Japan, not a street protest."""
    events = extract("Beijing lodged a formal protest with Tokyo over the school textbooks.")
    assert find(events, "ACCUSE", source={"CHN"}, target={"JPN"})
    assert not find(events, "PROTEST")
    assert find(extract("Thousands of farmers staged a protest outside parliament in New Delhi."), "PROTEST", source={"IND"})


def test_calling_a_strike_and_calling_it_off(extract: Any) -> None:
    """4.12 / 4.4: a phrasal verb's own object sense ("off strike") comes before the verb's ("strike")."""
    assert find(extract("Nepal's Maoist rebels called a nationwide strike to protest the king's rule."), "PROTEST", source={"NPL"})
    events = extract("Bangladesh's main opposition party called off a nationwide general strike planned for Sunday.")
    assert find(events, "CONCEDE", source={"BGD"}) and not find(events, "PROTEST")


def test_closing_a_foreign_base_or_consulate_reduces_relations(extract: Any) -> None:
    assert find(extract("Uzbekistan closed a U.S. air base after Washington criticised the crackdown."), "SANCTION",
                source={"UZB"}, target={"USA"})
    assert find(extract("Russia closed the American consulate in Yekaterinburg."), "SANCTION", source={"RUS"}, target={"USA"})
