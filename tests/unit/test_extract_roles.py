"""Role filling: who did it to whom, from the arguments a sentence gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.unit.extract_helpers import find

Extract = Callable[..., list[dict[str, Any]]]


def test_targets_from_prepositions_of_the_act(extract: Extract) -> None:
    # aid sent into a place, fire set to a thing, a probe opened into people
    assert find(extract("Jordan sent food aid into Gaza on Sunday."), "AID", source={"JOR"}, target={"PSE"})
    assert find(extract("Iraqi troops set fire to oil wells in Kuwait."), "ASSAULT", source={"IRQ"}, target={"KWT"})
    assert find(extract("A prosecutor in Lima opened a probe into Peruvian officials."), "ACCUSE", target={"PER"})


def test_own_forces_sent_are_no_target(extract: Extract) -> None:
    for text in ("Norway would not send troops to Lithuania.", "Norway refused to send Norwegian soldiers to Lithuania.",
                 "Norway said it would send its troops to Lithuania."):
        events = [ev for ev in extract(text) if {a["country"] for a in ev["source"]} == {"NOR"}]
        assert events, text
        for ev in events:
            assert [a["country"] for a in ev["target"]] == ["LTU"], (text, ev["target"])


def test_whom_one_fights_with_is_the_target(extract: Extract) -> None:
    assert find(extract("Armenian troops engaged in a firefight with Azerbaijani soldiers overnight."),
                "ASSAULT", source={"ARM"}, target={"AZE"})
    assert find(extract("Thai soldiers fought a fierce battle with Cambodian troops near the temple."),
                "ASSAULT", source={"THA"}, target={"KHM"})


def test_border_with_a_country_names_whom_forces_face(extract: Extract) -> None:
    assert find(extract("Sudan moved two armoured brigades to the border with Chad."), "MOBILIZE", source={"SDN"}, target={"TCD"})
    events = find(extract("Peru's navy put to sea with three frigates and a submarine."), "MOBILIZE", source={"PER"})
    assert events and all(not ev["target"] for ev in events)  # ships sailed with are no party


def test_target_phrase_of_a_passive_subject(extract: Extract) -> None:
    assert find(extract("Evidence against Montenegro was presented by Albania at the tribunal."),
                "ACCUSE", source={"ALB"}, target={"MNE"})


def test_giver_named_deep_in_the_received_object(extract: Extract) -> None:
    assert find(extract("Mali received a shipment of helicopters from Turkey last week."), "AID", source={"TUR"}, target={"MLI"})
    assert find(extract("Jordan received an aid package worth $200 million from Japan."), "AID", source={"JPN"}, target={"JOR"})


def test_owner_of_a_thing_named_by_the_sources_own_word(extract: Extract) -> None:
    assert find(extract("London froze the British assets of Libya's national airline on Tuesday."),
                "SANCTION", source={"GBR"}, target={"LBY"})


def test_owner_of_a_rejected_event_object(extract: Extract) -> None:
    assert find(extract("Slovakia blocked the EU's new aid package for Moldova on Thursday."),
                "REJECT", source={"SVK"}, target={"IGO"})


def test_party_named_in_the_object_takes_the_authoritys_country(extract: Extract) -> None:
    # the object is a thing of a domestic party: the party's sector, and the acting authority's country
    events = find(extract("Uganda's government revoked the licences of two radio stations."), "SANCTION", source={"UGA"})
    assert events and [(a["country"], a["sector"]) for a in events[0]["target"]] == [("UGA", "MED")]


def test_a_threat_on_a_condition_targets_who_must_meet_it(extract: Extract) -> None:
    assert find(extract("Kenyan teachers threatened a nationwide strike unless the government raised their pay."),
                "THREATEN", source={"KEN"}, target={"KEN"})
    assert find(extract("Serbia threatened to leave the talks if Kosovo declared independence."), "THREATEN", source={"SRB"}, target={"XKX"})


def test_the_country_is_a_state_named_before_not_the_other_party(extract: Extract) -> None:
    text = "Kuwait expelled two diplomats from Iraq, a week after Iraqi troops entered the emirate."
    assert find(extract(text), "ASSAULT", source={"IRQ"}, target={"KWT"})
    text = "Rwanda recalled its envoy from Burundi after the country's army shelled a border post."
    assert find(extract(text), "ASSAULT", source={"BDI"})
    text = "Chile and Peru opened a new border crossing, and the two countries' presidents agreed to expand trade."
    assert find(extract(text), "AGREE", source={"CHL", "PER"})


def test_a_nationality_before_coordinated_nouns_is_all_of_theirs(extract: Extract) -> None:
    events = find(extract("Peru expelled six Bolivian diplomats, journalists and trade officials."), "SANCTION", source={"PER"})
    assert events and {a["country"] for a in events[0]["target"]} == {"BOL"}


def test_an_offer_to_mediate_targets_both_sides(extract: Extract) -> None:
    assert find(extract("Qatar offered to mediate between Ethiopia and Eritrea."), "AGREE", source={"QAT"}, target={"ETH", "ERI"})


def test_the_capital_is_the_one_named(extract: Extract) -> None:
    assert find(extract("Thousands fled Khartoum in the days after the paramilitaries seized the capital."), "ASSAULT", target={"SDN"})
    assert find(extract("Rebels from the north attacked the capital, Bamako, at dawn."), "ASSAULT", target={"MLI"})


def test_a_promised_withdrawal_targets_the_country_left(extract: Extract) -> None:
    events = extract("Kenya said its troops would begin withdrawing from Somalia in March.")
    assert any("SOM" in {a["country"] for a in ev["target"]} for ev in events), events


def test_role_word_lists_come_from_roles_yaml() -> None:
    # the word lists moved to roles.yaml keep their values ("on" stays a preposition, not a boolean)
    from consumers.extract.coding import roles

    assert roles.COMPLEMENT_PREPS == {"on", "against", "to", "at", "into", "across", "between"}
    assert roles.STATE_PLURALS == {"country", "nation", "state", "government", "power"}
    assert roles.ETHNIC_WORDS == {"serb": "SRB", "serbs": "SRB", "croat": "HRV", "croats": "HRV"}
    assert {"force", "police", "delegation"} <= roles.STATE_ORGAN_HEADS and len(roles.STATE_ORGAN_HEADS) == 12
    assert roles.MEDIATING_VERBS == {"broker", "mediate", "convene"}
    assert roles.MULTILATERAL_SETTINGS == {"summit", "sideline", "sidelines", "conference", "forum", "assembly"}
    assert "tell" in roles.TELLING_LEMMAS


def test_unknown_titled_person_is_of_the_authority_acting_on_them(extract: Any) -> None:
    # a named person the dictionary lacks, with a domestic role, is of the state whose authority acts (C38)
    events = [e for e in extract("Guatemalan prosecutors issued an arrest warrant for journalist Jose Ruben Zamora.")
              if e["event_type"] == "COERCE"]
    assert events and {a["country"] for a in events[0]["source"]} == {"GTM"}
    assert {a["country"] for a in events[0]["target"]} == {"GTM"}


def test_sentence_country_falls_back_to_the_named_places(extract: Any) -> None:
    # two countries named, no place the tagger knows, but "in Kyiv" lies in one: the residents are its (C38)
    text = ("Volunteers in Kyiv dug trenches on Monday as Russian troops advanced from the north, "
            "and the government told residents to leave the city.")
    events = [e for e in extract(text) if e["event_type"] == "REQUEST"]
    assert events and {a["country"] for a in events[0]["target"]} == {"UKR"}


def test_conjunct_of_a_reporting_verb_shares_its_subject(extract: Extract) -> None:
    # the parser joins "rejected" to the passive verb of what was said; with an object of its own it is
    # the speakers' act, not the passive subject's
    text = ("Officials in Ankara said there was no proof that the journalist had been poisoned and rejected "
            "Swedish demands for an inquiry.")
    events = [e for e in extract(text) if e["event_type"] == "REJECT"]
    assert events and [a["country"] for a in events[0]["source"]] == ["TUR"]
    assert [a["country"] for a in events[0]["target"]] == ["SWE"]


def test_both_sides_are_no_party_of_the_speaker(extract: Extract) -> None:
    """7.2: "both sides" stand for the pair named earlier in the sentence, else for no country, never
    for the one country the sentence names (the speaker's)."""
    events = extract("Washington urged both sides to show restraint.")
    assert find(events, "REQUEST", source={"USA"})
    assert all(a["country"] != "USA" for ev in events for a in ev["target"])
    events = extract("Israel and Hamas agreed to a truce after Egypt urged both sides to stop the fighting.")
    assert find(events, "REQUEST", source={"EGY"}, target={"ISR", "PSE"})
    assert find(extract("The UN envoy urged both sides in Sudan's war to allow aid deliveries."), "REQUEST", target={"SDN"})


def test_a_threatened_operation_targets_the_place_it_is_aimed_at(extract: Extract) -> None:
    assert find(extract("Israel threatened to expand its military operation in Gaza."), "THREATEN", source={"ISR"}, target={"PSE"})
    assert find(extract("Turkey threatened to launch a ground offensive in northern Syria."), "THREATEN", target={"SYR"})


def test_the_country_left_is_the_target_of_a_withdrawal_of_troops(extract: Extract) -> None:
    """What is withdrawn is moved, not acted on; the country left is the target."""
    events = extract("Syria withdrew its last troops from Lebanon.")
    assert find(events, "RETREAT", source={"SYR"}, target={"LBN"})
    assert all(a["country"] != "SYR" for ev in events for a in ev["target"])
