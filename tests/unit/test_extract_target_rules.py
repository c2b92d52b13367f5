"""Each target rule on its own, run on one candidate of a parsed sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from consumers.extract.coding import target_rules
from consumers.extract.coding.model import Sentence
from consumers.extract.pipeline import EVENTS_COMPONENT, analysed_text

Targets = Callable[..., set[str | None]]


@pytest.fixture(scope="module")
def rule_targets(nlp: Any) -> Targets:
    """rule_targets(rule, sentence, trigger word) -> the countries (or names, when none) the rule alone finds."""
    coder = nlp.get_pipe(EVENTS_COMPONENT).extractor

    def run(name: str, text: str, word: str, kind: str | None = None) -> set[str | None]:
        doc = nlp(analysed_text({"text": text})[0])
        sent = Sentence.of(next(iter(doc.sents)), 0, list(doc.ents))
        cand = next(c for c in coder.triggers.candidates(sent) if c.trigger.text == word and kind in {None, c.kind})
        query = target_rules.Query(cand, cand.event_type, None, coder.roles)
        return {a.country or a.name for a in target_rules.run(name, query)}

    return run


def test_rules_are_registered_in_order() -> None:
    names = target_rules.names()
    assert names[:2] == ["reacted_event_object", "direct_object"]
    assert names.index("verb_prepositions") < names.index("protest_aims") < names.index("event_noun_preps")
    assert target_rules.object_names()[:4] == ["own_object_abroad", "recipient_under_object", "object_party", "aided_people"]
    assert all(rule.description for rule in target_rules.rules())
    assert all(rule.__doc__ for rule in target_rules._OBJECT_RULES.values())
    assert not set(target_rules.names()) & set(target_rules.object_names())
    fallbacks = [rule.fallback for rule in target_rules.rules()]
    assert fallbacks == sorted(fallbacks)  # fallbacks come last


def test_reacted_event_object(rule_targets: Targets) -> None:
    assert rule_targets("reacted_event_object", "Poland blocked the EU's new aid package for Serbia.", "blocked") == {"IGO"}


def test_object_rules(rule_targets: Targets) -> None:
    assert rule_targets("object_party", "Ghana expelled two Nigerian diplomats.", "expelled") == {"NGA"}
    assert rule_targets("reacted_owner", "Chile denounced Bolivia's crackdown on miners.", "denounced") == {"BOL"}
    assert rule_targets("place_attacked", "Rebels seized two towns in northern Chad on Monday.", "seized") == {"TCD"}
    assert rule_targets("place_attacked", "Rebels shelled three villages overnight.", "shelled") == {"village"}
    assert rule_targets("country_left", "Syrian troops abandoned Lebanon in 2005.", "abandoned") == {"LBN"}
    assert rule_targets("thing_owner", "Britain froze the assets of Syria's central bank.", "froze") == {"SYR"}
    assert rule_targets("thing_owner", "Egypt ended its blockade of Gaza.", "ended") == {"PSE"}


def test_direct_object_falls_back_to_its_prepositions(rule_targets: Targets) -> None:
    assert rule_targets("direct_object", "Qatar cut diplomatic ties with Egypt.", "cut") == {"EGY"}


def test_indirect_object(rule_targets: Targets) -> None:
    assert rule_targets("indirect_object", "Japan offered Vietnam a loan.", "offered") == {"VNM"}


def test_trigger_and_verb_prepositions(rule_targets: Targets) -> None:
    assert rule_targets("trigger_preposition", "Police fired on Malian protesters.", "fired") == {"MLI"}
    assert rule_targets("verb_prepositions", "Norway sent aid to Sudan.", "sent", "verb") == {"SDN"}


def test_light_verb_act(rule_targets: Targets) -> None:
    assert rule_targets("light_verb_act", "Indian troops engaged in a gun battle with Chinese soldiers.", "engaged") == {"CHN"}


def test_protest_aims(rule_targets: Targets) -> None:
    text = "Thousands marched in Lima to demand the Peruvian president's resignation."
    assert rule_targets("protest_aims", text, "marched") == {"PER"}


def test_mobilized_with(rule_targets: Targets) -> None:
    assert rule_targets("mobilized_with", "Kenya moved two battalions to the border with Somalia.", "moved") == {"SOM"}


def test_territory_left(rule_targets: Targets) -> None:
    assert rule_targets("territory_left", "Cuba withdrew from Angola in 1991.", "withdrew") == {"AGO"}
    assert rule_targets("withdrawal_from", "Russia's withdrawal from Georgia ended in 2008.", "withdrawal") == {"GEO"}


def test_look_through(rule_targets: Targets) -> None:
    assert rule_targets("look_through_object", "Iran conducted a series of attacks on Iraqi Kurdistan.", "conducted") == {"IRQ"}
    assert rule_targets("look_through_noun", "The EU adopted a package of sanctions against Belarus.", "adopted") == {"BLR"}


def test_event_noun_rules(rule_targets: Targets) -> None:
    assert rule_targets("event_noun_preps", "Chinese sanctions against Lithuania hurt exporters.", "sanctions") == {"LTU"}
    assert rule_targets("event_noun_of", "The arrest of two Turkish journalists angered Ankara.", "arrest") == {"TUR"}


def test_recipient_under_object(rule_targets: Targets) -> None:
    # the parser hangs the to-phrase under the object; the recipient is the target, not what is handed over
    assert rule_targets("recipient_under_object", "Turkey delivered the first of six drones to Kenya's army.", "delivered") == {"KEN"}
    assert rule_targets("recipient_under_object", "Qatar halted shipments of gas to Egypt.", "halted") == {"EGY"}
    assert rule_targets("recipient_under_object", "Korea sent rice and 50 ventilators to Laos to help it fight the virus.", "sent") == {"LAO"}
    # on the verb too: the person handed over is no target
    assert rule_targets("recipient_under_object", "Spain extradited a Chilean banker to Peru.", "extradited") == {"PER"}
    # a ban on a country's own party is no delivery
    assert rule_targets("recipient_under_object", "Norway expelled Iran's ambassador to Oslo.", "expelled") == set()


def test_concession_after(rule_targets: Targets) -> None:
    # a fallback: to whoever moved first, in either parse of the after-clause
    assert rule_targets("concession_after", "Colombian truckers called off their strike after the government cut diesel prices.",
                        "called") == {"government"}  # of no country until the implied one is filled in
    assert rule_targets("concession_after", "Chilean dockworkers called off their strike after shipping companies raised wages.",
                        "called") == {"company"}
    assert "concession_after" in target_rules.names() and target_rules._REGISTRY["concession_after"].fallback


def test_concession_after_in_the_pipeline(extract: Any) -> None:
    events = [e for e in extract("Colombian truckers called off their strike after the government cut diesel prices.")
              if e["event_type"] == "CONCEDE"]
    assert events and [(a["text"], a["country"]) for a in events[0]["target"]] == [("the government", "COL")]


def test_aided_people(rule_targets: Targets) -> None:
    assert rule_targets("aided_people", "Germany trained 500 Afghan police officers last year.", "trained") == {"AFG"}
    assert rule_targets("aided_people", "Japan funded two hospitals in northern Ghana.", "funded") == {"GHA"}
    # what is given is no recipient
    assert rule_targets("aided_people", "Moscow airlifted Czech tanks worth $300 million to Kabul.", "airlifted") == set()


def test_own_object_abroad(rule_targets: Targets) -> None:
    assert rule_targets("own_object_abroad", "Peru recalled its ambassador to Mexico on Friday.", "recalled") == {"MEX"}
    assert rule_targets("own_object_abroad", "Qatar reopened its embassy in Cairo.", "reopened") == {"EGY"}
    assert rule_targets("own_object_abroad", "Peru expelled Mexico's ambassador.", "expelled") == set()  # not its own


def test_a_deed_one_is_accused_of_names_its_doer_not_its_place(rule_targets: Targets) -> None:
    text = "Chilean prosecutors opened an inquiry into alleged fraud by Argentine officials at a Santiago bank."
    assert rule_targets("verb_prepositions", text, "opened") == {"ARG"}


def test_shifted_object(rule_targets: Targets) -> None:
    assert rule_targets("shifted_object", "Chile rejected as baseless Peru's claims about the border.", "rejected") == {"PER"}


def test_helped_party(rule_targets: Targets) -> None:
    assert rule_targets("helped_party", "The IMF pledged $2 billion to help Sri Lanka recover from the crisis.", "pledged") == {"LKA"}
    assert rule_targets("helped_party", "EU leaders agreed to create a fund to help Moldova rebuild its roads.", "agreed") == {"MDA"}


def test_participle_victims(rule_targets: Targets) -> None:
    text = "A gunman opened fire in a crowded church, killing 12 Nigerian worshippers."
    assert rule_targets("participle_victims", text, "opened") == {"NGA"}


def test_misparsed_passive_subject(rule_targets: Targets) -> None:
    # "Aid" read as a verb heading a clausal subject; the party in its to-phrase undergoes the suspension
    assert rule_targets("misparsed_passive_subject", "Aid to Sudan was suspended by Norway.", "suspended") == {"SDN"}


def test_a_state_of_emergency_is_no_party(rule_targets: Targets) -> None:
    assert rule_targets("object_party", "Ecuador declared a state of emergency in three provinces.", "declared") == set()
    assert rule_targets("object_party", "Ghana expelled two Nigerian diplomats.", "expelled") == {"NGA"}


def test_a_border_named_by_nationality_is_a_place(rule_targets: Targets) -> None:
    # the parser hangs the place under the troops: the direct object's prepositions name it
    assert rule_targets("direct_object", "Sudan massed troops near the Chadian border.", "massed") == set()
    assert rule_targets("direct_object", "Sudan massed troops on the border with Chad.", "massed") == {"TCD"}
    assert rule_targets("direct_object", "Sudan massed troops on Chad's border.", "massed") == {"TCD"}


def test_means_phrase(rule_targets: Targets) -> None:
    text = "Chile's foreign minister spoke by telephone with Bolivian President Luis Arce about the border."
    assert rule_targets("means_phrase", text, "spoke") == {"BOL"}


def test_condition_addressee(rule_targets: Targets) -> None:
    text = "Serbia threatened to quit Montenegro's talks unless Kosovo withdrew its police."
    assert rule_targets("condition_addressee", text, "threatened") == {"XKX"}


def test_left_with(rule_targets: Targets) -> None:
    assert rule_targets("left_with", "Colombia walked out of peace talks with Venezuela on Monday.", "walked") == {"VEN"}
    assert rule_targets("left_with", "Iran withdrew from the talks with the United States.", "withdrew") == {"USA"}


def test_shared_object(rule_targets: Targets) -> None:
    assert rule_targets("shared_object", "Police in Accra beat and arrested a Ghanaian journalist.", "beat") == {"GHA"}
    # the second verb's own subject makes it another clause: nothing is shared
    assert rule_targets("shared_object", "Police fired and protesters stoned a Ghanaian journalist.", "fired") == set()


def test_relative_clause_head(rule_targets: Targets) -> None:
    text = "Ankara expelled twelve Dutch diplomats it accused of spying."
    assert rule_targets("relative_clause_head", text, "accused") == {"NLD"}
    # the described noun is the subject: no target from it
    assert rule_targets("relative_clause_head", "Ankara praised the Dutch diplomats who accused it of spying.", "accused") == set()


def test_own_object_abroad_is_no_meeting(rule_targets: Targets) -> None:
    assert rule_targets("own_object_abroad", "Spain reopened its embassy in Caracas.", "reopened") == {"VEN"}
    assert rule_targets("own_object_abroad", "The two leaders broke off their summit in Geneva.", "broke") == set()


def test_thing_attacked(rule_targets: Targets) -> None:
    # the target is found, of no country until the event's place fills it in
    assert rule_targets("thing_attacked", "Rebel fighters burned the old grain silo outside Goma.", "burned") == {"silo"}
    assert rule_targets("thing_attacked", "The rebels seized power in the capital.", "seized") == set()
    assert rule_targets("thing_attacked", "A fire destroyed the old grain silo.", "destroyed") == set()


def test_aid_brought_home_is_no_recipient(nlp: Any) -> None:
    coder = nlp.get_pipe(EVENTS_COMPONENT).extractor
    doc = nlp(analysed_text({"text": "Qatar flew 40 wounded Sudanese children to Doha for treatment."})[0])
    sent = Sentence.of(next(iter(doc.sents)), 0, list(doc.ents))
    cand = next(c for c in coder.triggers.candidates(sent) if c.trigger.text == "flew")
    query = target_rules.Query(cand, "AID", "QAT", coder.roles)
    assert {a.country for a in target_rules.run("aided_people", query)} == {"SDN"}
    assert {a.country for a in target_rules.run("verb_prepositions", query)} == set()
    assert {a.country for a in target_rules.find_targets(query)} == {"SDN"}


def test_a_body_to_be_formed_is_no_party(nlp: Any) -> None:
    # a promised government does not exist yet; an existing one is a party
    coder = nlp.get_pipe(EVENTS_COMPONENT).extractor

    def promised(text: str) -> set[str | None]:
        doc = nlp(analysed_text({"text": text})[0])
        sent = Sentence.of(next(iter(doc.sents)), 0, list(doc.ents))
        cand = next(c for c in coder.triggers.candidates(sent) if c.trigger.text == "support")
        return {a.country or a.name for a in target_rules.run("object_party", target_rules.Query(cand, "AGREE", None, coder.roles))}

    assert promised("The rebels would support a new government.") == set()
    assert promised("The rebels would support the Malian government.") == {"MLI"}


def test_ban_on_a_trade_targets_its_recipient(extract: Any) -> None:
    # "an embargo on weapons shipments to Myanmar": the trade names no party, its recipient is banned
    events = [e for e in extract("Norway placed an embargo on weapons shipments to Myanmar.") if e["event_type"] == "SANCTION"]
    assert events and {a["country"] for a in events[0]["source"]} == {"NOR"}
    assert {a["country"] for a in events[0]["target"]} == {"MMR"}


def test_told_pronoun_is_the_addressee(extract: Any) -> None:
    # "told Ethiopia it must stop": "it" of what is told is the addressee, the demand's target
    events = [e for e in extract("The Egyptian foreign minister told Ethiopia it must stop filling the dam.")
              if e["event_type"] == "REQUEST"]
    assert events and {a["country"] for a in events[0]["source"]} == {"EGY"}
    assert {a["country"] for a in events[0]["target"]} == {"ETH"}


def test_force_as_the_means_is_no_target(extract: Any) -> None:
    # "would respond with force": force as a mass noun is the means of the threat, not whom it is aimed at
    events = [e for e in extract("Moscow threatened to use force against the breakaway region.")
              if e["event_type"] == "THREATEN"]
    assert events and {a["country"] for a in events[0]["source"]} == {"RUS"}
    assert "RUS" not in {a["country"] for a in events[0]["target"]}


def test_reacted_act_author(rule_targets: Targets) -> None:
    # the parser hangs "by X" on the verb: X did the act reacted to
    assert rule_targets("reacted_act_author", "The Security Council condemned the nuclear test by North Korea.", "condemned") == {"PRK"}
    assert rule_targets("reacted_act_author", "Japan denounced the missile launch by Pyongyang.", "denounced") == {"PRK"}
    # a means is no one; in the passive "by" is the agent
    assert rule_targets("reacted_act_author", "Seoul condemned the attack by telephone.", "condemned") == set()
    assert rule_targets("reacted_act_author", "The nuclear test was condemned by Japan.", "condemned") == set()


def test_reacted_act_author_in_the_pipeline(extract: Any) -> None:
    events = [e for e in extract("The Security Council condemned the nuclear test by North Korea.") if e["event_type"] == "ACCUSE"]
    assert events and [a["country"] for a in events[0]["source"]] == ["IGO"]
    assert [(a["text"], a["country"]) for a in events[0]["target"]] == [("North Korea", "PRK")]


def test_advised_destination(rule_targets: Targets) -> None:
    # a travel advisory targets the country it warns against (C32)
    text = "Britain issued a travel advisory warning its citizens against visiting Yemen."
    assert rule_targets("advised_destination", text, "issued") == {"YEM"}
    assert rule_targets("advised_destination", "Canada issued a travel warning for Mali.", "issued") == {"MLI"}
    # another clause with its own subject is not what the advisory is about
    text = "Germany imposed sanctions on Iran after its president visited Syria."
    assert rule_targets("advised_destination", text, "imposed") == set()
    # the country expelled diplomats must leave is no destination advised against
    assert rule_targets("advised_destination", "Moscow ordered two Moldovan diplomats to leave Russia.", "ordered") == set()


def test_advised_destination_in_the_pipeline(extract: Any) -> None:
    events = [e for e in extract("Britain issued a travel advisory warning its citizens against visiting Yemen.")
              if e["event_type"] == "SANCTION"]
    assert events and [(a["text"], a["country"]) for a in events[0]["target"]] == [("Yemen", "YEM")]


def test_a_reaction_to_an_authorless_act_targets_the_state_where_it_happened(rule_targets: Targets) -> None:
    """C43, C38: "condemned the crackdown on protesters in Iran" is held against Iran."""
    assert rule_targets("reacted_owner", "Canada condemned the crackdown on protesters in Iran.", "condemned") == {"IRN"}
    assert rule_targets("reacted_owner", "The UN chief deplored the killing of civilians in Darfur.", "deplored") == {"SDN"}
    assert rule_targets("reacted_owner", "Chile denounced Bolivia's crackdown on miners in Potosi.", "denounced") == {"BOL"}


def test_reacted_topic(rule_targets: Targets) -> None:
    """What a stated attitude is about: its party, its owner or its place."""
    assert rule_targets("reacted_topic", "Japan voiced concern about North Korea's missile launches.", "voiced") == {"PRK"}
    assert rule_targets("reacted_topic", "Brazil expressed concern over the military buildup in Venezuela.", "expressed") == {"VEN"}
    assert rule_targets("reacted_topic", "India expressed concern over Chinese troop movements.", "expressed") == {"CHN"}
    assert rule_targets("reacted_topic", "Germany expressed outrage at the killings of protesters in Syria.", "expressed") == {"SYR"}
    assert rule_targets("reacted_topic", "The minister expressed regret over the decision.", "expressed") == set()
