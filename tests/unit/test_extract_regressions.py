"""Regression tests for extractor bugs found by independent testing (issue 8, "Bugs")."""

from __future__ import annotations

from typing import Any

from schemas import validate
from tests.unit.extract_helpers import countries, find


def test_dprk_long_name_is_north_korea(extract: Any) -> None:
    events = extract("The Democratic People's Republic of Korea fired a ballistic missile toward Japan on Tuesday.")
    # a launch "toward" a country reads as a weapons test (MOBILIZE) or an attack (ASSAULT), guidelines 4.14/4.16
    assert find(events, "ASSAULT", source={"PRK"}) or find(events, "MOBILIZE", source={"PRK"})
    assert "KOR" not in {a["country"] for e in events for a in e["source"] + e["target"]}


def test_city_region_colon_dateline_is_a_place_not_an_actor(extract: Any) -> None:
    events = extract("KHARTOUM, Sudan: Sudanese troops attacked rebel positions in Darfur on Monday.")
    assault = find(events, "ASSAULT", source={"SDN"})
    assert assault
    names = {a["text"] for e in events for a in e["source"] + e["target"]}
    assert not {"KHARTOUM", "Sudan"} & names
    assert assault[0]["location"]["country"] == "SDN"


def test_agency_dateline_locates_but_does_not_act(extract: Any) -> None:
    events = extract("NAIROBI, Kenya (AP) - Opposition supporters marched on parliament on Monday.")
    assert events and all("NAIROBI" not in a["text"] for e in events for a in e["source"] + e["target"])
    assert {e["location"]["country"] for e in events if e["location"]} == {"KEN"}


def test_hard_wrapped_wire_text_keeps_sentences_whole(extract: Any) -> None:
    text = ("Russian forces shelled the city of Kharkiv on Monday, the Ukrainian\n"
            "defence ministry said, and Ukraine accused Moscow of deliberately\n"
            "targeting civilians in the eastern region of the country.")
    events = extract(text)
    assert find(events, "ACCUSE", source={"UKR"}, target={"RUS"})


def test_a_single_line_break_mid_sentence_is_not_a_sentence_end(extract: Any) -> None:
    text = "Russian forces shelled Kharkiv on Monday, and Ukraine\naccused Moscow of war crimes."
    events = extract(text)
    assert find(events, "ACCUSE", source={"UKR"}, target={"RUS"})
    assert all(e["sentence"] == text.replace("\n", " ") for e in events)  # one sentence, same offsets


def test_invisible_characters_neither_drop_actors_nor_stick_to_names(extract: Any) -> None:
    plain = extract("Russia accused Ukraine of shelling Donetsk.")
    dirty = extract("\ufeffRussia\u200e accused\u200b Ukraine of\x00 shel\u00adling Donetsk.")
    key = [(e["event_type"], sorted(countries(e["source"])), sorted(countries(e["target"]))) for e in plain]
    assert key and key == [(e["event_type"], sorted(countries(e["source"])), sorted(countries(e["target"]))) for e in dirty]
    for ev in dirty:
        for actor in ev["source"] + ev["target"]:
            assert actor["text"].isprintable() and "\u00ad" not in actor["text"]
        assert ev["sentence"].isprintable()


def test_year_one_publication_date_codes_with_a_null_event_date(extract: Any) -> None:
    events = extract("Israel struck targets in Gaza yesterday.", published_at="0001-01-01T00:00:00Z")
    assert find(events, "ASSAULT", source={"ISR"})
    assert all(e["event_date"] is None for e in events)


def test_far_future_dates_are_not_event_dates(extract: Any) -> None:
    events = extract("The two presidents met in Geneva on May 3, 9999.", published_at="2024-03-15T12:00:00Z")
    assert events and all(e["event_date"] is None or e["event_date"] < "3000" for e in events)


def test_bare_date_publication_time_gives_schema_valid_events(extract: Any) -> None:
    events = extract("Russia, Turkey and Iran agreed on Thursday to set up de-escalation zones in Syria.", published_at="2017-05-05")
    assert events
    for ev in events:
        validate("event", ev)
        assert ev["published_at"] == "2017-05-05T00:00:00Z"
        assert ev["event_date"] == "2017-05-04"


def test_publication_offset_is_kept(extract: Any) -> None:
    events = extract("Japan and China held talks on Monday.", published_at="2020-07-13T01:10:00+09:00")
    assert events and events[0]["published_at"] == "2020-07-13T01:10:00+09:00"
    assert events[0]["event_date"] == "2020-07-13"  # Monday in Tokyo, though still Sunday in UTC


def test_weapon_as_subject_keeps_the_attack_with_no_source(extract: Any) -> None:
    """C37: "a car bomb killed" names no agent; the attack is coded with an empty source."""
    events = extract("A car bomb killed nine Iraqi policemen outside a police station on Monday.")
    assault = find(events, "ASSAULT", target={"IRQ"})
    assert assault and assault[0]["source"] == []


def test_unknown_attackers_alone_are_an_assault(extract: Any) -> None:
    events = extract("Suicide bombers blew themselves up outside a stadium.")
    assert [e["event_type"] for e in events] == ["ASSAULT"]
    assert [a["country"] for a in events[0]["source"]] == [None]


def test_rioters_and_truckers_are_civilian_actors(extract: Any) -> None:
    events = extract("Rioters looted shops and torched cars in Port-au-Prince.")
    assert events and events[0]["source"][0]["sector"] == "CVL"
    assert events[0]["source"][0]["country"] == "HTI"


def test_lifting_sanctions_or_a_curfew_is_retreat_lifting_a_ban_concede(extract: Any) -> None:
    """Guidelines 4.4/4.7: easing economic sanctions, blockades, curfews, emergencies is RETREAT."""
    assert find(extract("Washington lifted economic sanctions on Sudan."), "RETREAT", source={"USA"})
    assert find(extract("Mali's junta lifted its ban on political parties."), "CONCEDE", source={"MLI"})


def test_senses_beyond_the_first_lexicon(extract: Any) -> None:
    assert find(extract("Russia annexed Crimea in 2014."), "ASSAULT", source={"RUS"}, target={"UKR"})
    assert find(extract("Armenia ceded the Kalbajar district to Azerbaijan."), "RETREAT", source={"ARM"})
    assert find(extract("Washington revoked India's preferential trade status."), "SANCTION", source={"USA"})


def test_the_visitor_is_the_source_of_a_consult(extract: Any) -> None:
    """C26: "A hosted B" and "A met B in A's capital" are B -> A; "A visited B" stays A -> B."""
    assert find(extract("The Chinese premier hosted the Pakistani army chief in Beijing."), "CONSULT",
                source={"PAK"}, target={"CHN"})
    assert find(extract("The Turkish president met his Azerbaijani counterpart in Ankara."), "CONSULT",
                source={"AZE"}, target={"TUR"})
    assert find(extract("The Turkish president met his Azerbaijani counterpart in Baku."), "CONSULT",
                source={"TUR"}, target={"AZE"})


def test_the_owner_of_a_rejected_thing_is_the_target(extract: Any) -> None:
    """7.1: the target of a reaction is who made or is party to what is rejected or accepted."""
    assert find(extract("Colombian voters rejected the peace deal with the FARC."), "REJECT", target={"COL"})
    assert find(extract("Samoa's prime minister refused to sign a security pact proposed by Beijing."), "REJECT",
                source={"WSM"}, target={"CHN"})
    assert find(extract("Kigali balked at a UN proposal to deploy observers."), "REJECT", source={"RWA"}, target={"IGO"})


def test_threat_targets_from_the_threatened_act(extract: Any) -> None:
    assert find(extract("North Korea threatened to sever all communication lines with Seoul."), "THREATEN",
                source={"PRK"}, target={"KOR"})
    assert find(extract("Turkey will launch a new incursion into northern Syria, its defence minister said."), "THREATEN",
                source={"TUR"}, target={"SYR"})


def test_subject_pronoun_of_a_relative_clause_is_the_main_subject(extract: Any) -> None:
    events = extract("Israel deported 415 Palestinians it accused of belonging to Hamas.")
    assert find(events, "COERCE", source={"ISR"})
    assert find(events, "ACCUSE", source={"ISR"})


def test_seizing_territory_is_an_assault(extract: Any) -> None:
    assert find(extract("Mexico's Zapatista rebels seized four towns in Chiapas."), "ASSAULT", source={"MEX"})
    assert find(extract("Police seized weapons in Lagos."), "COERCE")


def test_a_word_of_a_longer_place_name_is_no_small_town_elsewhere(extract: Any) -> None:
    """"North Waziristan" is not North Salt Lake, "Baghdad's Green Zone" not Green, Ohio."""
    events = extract("Armed militiamen took up positions in Baghdad's Green Zone.")
    assert events and all((e["location"] or {}).get("country") in {None, "IRQ"} for e in events)
    events = extract("Militants beheaded a policeman in Cabo Delgado province.")
    assert events and events[0]["location"]["country"] == "MOZ"
    events = extract("Soldiers killed 12 militants in an operation in North Waziristan.")
    assert events and all((e["location"] or {}).get("country") != "USA" for e in events)


def test_nominal_event_source_from_a_participle_agent(extract: Any) -> None:
    events = extract("A general strike called by Nepal's Maoist rebels shut down Kathmandu for a third day.")
    assert find(events, "PROTEST", source={"NPL"})
