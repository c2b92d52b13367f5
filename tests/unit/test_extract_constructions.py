"""Each construction rule on its own (run alone on the candidates of one parsed sentence), and the
events it leads to through the whole pipeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from consumers.extract.coding import constructions
from consumers.extract.coding.model import Candidate, Sentence
from consumers.extract.coding.triggers import TriggerFinder
from consumers.extract.lexicon import Sense
from consumers.extract.pipeline import EVENTS_COMPONENT, analysed_text
from tests.unit.extract_helpers import countries, find

Extract = Callable[..., list[dict[str, Any]]]


@pytest.fixture(scope="module")
def candidates(nlp: Any) -> Callable[[str], tuple[list[Candidate], Sentence, Any]]:
    """The lexicon's candidates of a sentence (no typer: each rule is tested on what it sees alone)."""
    coder = nlp.get_pipe(EVENTS_COMPONENT).extractor
    lexicon_only = TriggerFinder(coder.lex, coder.resolver, typer=None)

    def run(text: str) -> tuple[list[Candidate], Sentence, Any]:
        doc = nlp(analysed_text({"text": text})[0])
        span = next(iter(doc.sents))
        sent = Sentence.of(span, 0, list(doc.ents))
        return lexicon_only.candidates(sent), sent, coder.tools

    return run


def by_word(cands: list[Candidate], word: str) -> Candidate:
    return next(c for c in cands if c.trigger.text == word)


def test_rules_are_registered_in_order() -> None:
    names = constructions.names()
    assert names[:3] == ["conditional", "owned_complement", "threat_frame"]
    for name in ("reported_claim", "self_report", "refusal", "negation", "failure", "desire", "obligation", "intent",
                 "conditional_threat", "receiving", "mediation"):
        assert name in names
    assert names[-1] == "typer_reading"  # the typer's frame reading is the fallback after every rule
    assert all(rule.description for rule in constructions.rules())


def test_reported_claim_alone(candidates: Any) -> None:
    cands, sent, tools = candidates("Ukraine's military said Russian forces shelled Kharkiv overnight.")
    constructions.run("reported_claim", cands, sent, tools)
    assert by_word(cands, "shelled").suppressed
    claim = by_word(cands, "said")
    assert (claim.event_type, claim.modality) == ("ACCUSE", "claimed")
    assert [t.text for t in claim.source_tokens or []] == ["military"]
    assert [t.text for t in claim.target_tokens or []] == ["forces"]


def test_reported_claim_events(extract: Extract) -> None:
    events = extract("Ukraine's military said Russian forces shelled Kharkiv overnight.")
    assert find(events, "ACCUSE", source={"UKR"}, target={"RUS"})
    assert not find(events, "ASSAULT")
    # a trailing attribution is sourcing, not a claim; a side reporting its own act is the act
    assert find(extract("Russian forces shelled Kharkiv overnight, Ukraine's military said."), "ASSAULT", source={"RUS"})
    own = extract("The Russian defence ministry said its forces struck Ukrainian positions.")
    assert find(own, "ASSAULT", source={"RUS"}) and not find(own, "ACCUSE")


def test_refusal_alone(candidates: Any) -> None:
    cands, sent, tools = candidates("Germany would not send tanks to Ukraine.")
    cand = by_word(cands, "send")
    constructions.run("refusal", cands, sent, tools)
    assert (cand.event_type, cand.modality, cand.suppressed) == ("REJECT", "refused", False)


def test_refusals_are_rejections_not_negated_acts(extract: Extract) -> None:
    events = extract("Germany would not send tanks to Ukraine.")
    assert [(e["event_type"], e["negated"]) for e in events] == [("REJECT", False)]
    assert find(extract("Hamas refused to release the hostages."), "REJECT", source={"PSE"})


def test_negation(candidates: Any, extract: Extract) -> None:
    cands, sent, tools = candidates("Iraq did not attack Kuwait.")
    constructions.run("negation", cands, sent, tools)
    assert all(c.suppressed for c in cands if c.event_type == "ASSAULT")
    assert not [e for e in extract("Iraq did not attack Kuwait.") if not e["negated"]]
    assert find(extract("Iraq attacked Kuwait."), "ASSAULT", source={"IRQ"}, target={"KWT"})


def test_failure(extract: Extract) -> None:
    events = [e for e in extract("Russia failed to reach a deal with Ukraine.") if not e["negated"]]
    assert not find(events, "AGREE")


def test_desire_is_no_act_but_a_request_to_the_addressee(extract: Extract) -> None:
    events = extract("Poland wants Germany to pay reparations for the war.")
    assert find(events, "REQUEST", source={"POL"}, target={"DEU"})
    assert not find(extract("The rebels want to attack the capital."), "ASSAULT")


def test_obligation_is_the_speakers_request(extract: Extract) -> None:
    events = extract("Britain must stop arming Saudi Arabia, the leader of the opposition Labour Party said.")
    request = find(events, "REQUEST", target={"GBR"})
    assert request and request[0]["source"][0]["text"].startswith("the leader")
    assert not find(extract("Britain must stop arming Saudi Arabia."), "REQUEST", source={"GBR"})


def test_intent_alone(candidates: Any) -> None:
    cands, sent, tools = candidates("Japan will give Kenya a grant of 10 million dollars.")
    constructions.run("intent", cands, sent, tools)
    assert [(c.event_type, c.modality) for c in cands if c.trigger.text == "give"] == [("AGREE", "intended")]


def test_intent_events(extract: Extract) -> None:
    assert find(extract("Japan will give Kenya a grant of 10 million dollars."), "AGREE", source={"JPN"})
    scheduled = find(extract("The Bolivian president is scheduled to visit Brazil on Thursday."), "AGREE")
    assert scheduled and countries(scheduled[0]["source"]) == {"BOL"}  # the subject acts, it is not the target
    assert find(extract("China said it will impose sanctions on Lithuania."), "THREATEN", source={"CHN"})


def test_promised_act_named_by_a_noun_is_intent(extract: Extract) -> None:
    """C3/C5: pledging or offering an act is AGREE; an apology offered is made, so it stays CONCEDE."""
    events = extract("The World Bank pledged $1.5 billion in loans to Pakistan.")
    assert find(events, "AGREE") and not find(events, "AID")
    assert find(extract("Brazil offered asylum to a Venezuelan opposition leader."), "AGREE", source={"BRA"})
    assert find(extract("Japan's prime minister offered an apology to South Korea."), "CONCEDE", source={"JPN"})


def test_typer_reading_yields_to_the_rules(nlp: Any) -> None:
    """The typer may read a frame ("would not send" as REJECT) but the construction rules decide it: the
    refusal stays REJECT and not a negated act, and a collocation ("had a meeting") keeps its sense
    inside a quote."""
    coder = nlp.get_pipe(EVENTS_COMPONENT).extractor
    doc = nlp("Germany would not send tanks to Ukraine.")
    sent = Sentence.of(next(iter(doc.sents)), 0, list(doc.ents))
    cands = coder.triggers.candidates(sent)
    send = by_word(cands, "send")
    assert send.event_type == "AID"  # the typer's reading is kept aside until the rules have run
    constructions.apply_all(cands, sent, coder.tools)
    assert (send.event_type, send.modality, send.suppressed) == ("REJECT", "refused", False)
    assert "typer" not in send.rules


def test_conditional_threat(extract: Extract) -> None:
    events = extract("Turkey will withdraw its troops unless Syria stops the shelling.")
    assert find(events, "THREATEN", source={"TUR"})
    assert not find(events, "RETREAT")


def test_receiving_swaps_giver_and_receiver(candidates: Any, extract: Extract) -> None:
    cands, sent, tools = candidates("The Central African Republic received weapons from Russia.")
    received = next(t for t in sent.tokens if t.text == "received")
    cand = Candidate(received, Sense("AID"), "verb")
    constructions.run("receiving", [*cands, cand], sent, tools)
    assert [t.text for t in cand.source_tokens or []] == ["Russia"]
    assert find(extract("The Central African Republic received weapons from Russia."), "AID", source={"RUS"}, target={"CAF"})


def test_mediation_targets_the_parties(extract: Extract) -> None:
    events = extract("Kenya mediated between Sudan and South Sudan.")
    assert find(events, "CONSULT", source={"KEN"}, target={"SDN", "SSD"})


def test_conditional_clause_is_a_hypothesis(candidates: Any) -> None:
    cands, sent, tools = candidates("Russia would retaliate if Finland deployed NATO troops.")
    constructions.run("conditional", cands, sent, tools)
    assert by_word(cands, "deployed").suppressed


def test_ruling_out_alone(candidates: Any) -> None:
    cands, sent, tools = candidates("Turkey did not rule out a new military operation in northern Iraq.")
    constructions.run("ruling_out", cands, sent, tools)
    rule = by_word(cands, "rule")
    assert (rule.event_type, rule.modality) == ("THREATEN", "threatened")
    cands, sent, tools = candidates("Iran ruled out direct negotiations with Washington.")
    constructions.run("ruling_out", cands, sent, tools)
    assert by_word(cands, "ruled").event_type == "REJECT"


def test_ruling_force_in_or_out(extract: Extract) -> None:
    """C16: not ruling out force threatens; ruling out one's own force is an intent to de-escalate."""
    events = extract("Turkey did not rule out a new military operation in northern Iraq.")
    assert [(e["event_type"], e["negated"]) for e in events] == [("THREATEN", False)]
    assert find(extract("Athens ruled out military action against Ankara."), "AGREE", source={"GRC"})
    assert find(extract("Iran ruled out direct negotiations with Washington."), "REJECT", source={"IRN"})


def test_negated_conditional_threat_is_not_a_negated_event(extract: Extract) -> None:
    events = extract("The rebels will not release the hostages unless the government pays a ransom.")
    assert [(e["event_type"], e["negated"]) for e in events] == [("THREATEN", False)]


def test_reported_claim_between_kinds_of_actor(extract: Extract) -> None:
    """C11 when the speaker's country is unknown: police reporting a civilian's act accuse him."""
    events = extract("Police said the man shot his wife and two children.")
    assert [e["event_type"] for e in events] == ["ACCUSE"]
    assert events[0]["source"][0]["sector"] == "POL"


def test_ultimatum_is_a_threat(extract: Extract) -> None:
    """C14: a demand with a cost attached ("or face ...") threatens; a plain demand stays a request."""
    events = extract("Serbia must withdraw its police from the border or face new sanctions, the EU envoy said.")
    assert find(events, "THREATEN", target={"SRB"}) and not find(events, "REQUEST")
    told = extract("Washington told Caracas to release the detained Americans or face new sanctions.")
    assert find(told, "THREATEN", source={"USA"}, target={"VEN"})
    assert find(extract("Washington told Caracas to release the detained Americans."), "REQUEST", source={"USA"})


def test_response_threat(extract: Extract) -> None:
    """C14: force promised in answer to a hypothetical attack is the speaker's threat; the attack is no event."""
    events = extract("Any incursion into Guyana would be met with a swift response, Brazil's defence minister said.")
    assert [e["event_type"] for e in events] == ["THREATEN"] and countries(events[0]["source"]) == {"BRA"}
    warned = extract("Seoul's defence minister cautioned Pyongyang that any missile strike would trigger a fierce response.")
    assert find(warned, "THREATEN", source={"KOR"}, target={"PRK"}) and not find(warned, "ASSAULT")


def test_no_hesitation_is_intent(extract: Extract) -> None:
    """A double negation announces the act: force is THREATEN, a favourable act AGREE, neither negated."""
    force = extract("Turkey said it would not hesitate to use force against the militants in northern Iraq.")
    assert find(force, "THREATEN", source={"TUR"}) and not find(force, "REJECT")
    aid = extract("Japan would not hesitate to send aid to the Philippines.")
    assert [(e["event_type"], e["negated"]) for e in aid] == [("AGREE", False)]


def test_refusal_until_the_other_side_acts_is_a_threat(extract: Extract) -> None:
    """C14: a refusal that lasts until the addressee acts ties a cost to its choice."""
    events = extract("Kosovo's prime minister will not meet the Serbian president until Belgrade recognises Kosovo.")
    assert find(events, "THREATEN", source={"XKX"}) and not find(events, "REJECT")
    assert find(extract("Kosovo's prime minister will not meet the Serbian president."), "REJECT", source={"XKX"})


def test_refusal_read_by_the_typer_is_not_dropped_as_negated(extract: Extract) -> None:
    """A REJECT the typer reads on "would never join" is the refusal itself (C13), not a negated rejection."""
    events = extract("The Norwegian prime minister said Norway would never join the European Union.")
    assert [(e["event_type"], e["negated"]) for e in events] == [("REJECT", False)]


def test_headline_infinitive_is_intent(extract: Extract) -> None:
    """A headline's "X to do Y" announces the act (C3): AGREE, not the act."""
    events = extract("Germany to send earthquake aid to Turkey")
    assert find(events, "AGREE", source={"DEU"}) and not find(events, "AID")


def test_blocking_a_proposal_is_rejection(extract: Extract) -> None:
    """Blocking or shooting down a plan, request or package rejects it (C13); blocking a road coerces."""
    assert find(extract("Poland blocked the EU's migration plan at the summit."), "REJECT", source={"POL"})
    assert find(extract("Irish voters shot down the proposed treaty in a referendum."), "REJECT", source={"IRL"})
    assert not find(extract("Farmers blocked the main road into Warsaw."), "REJECT")


def test_complaint_about_raids_accuses_the_raider(extract: Extract) -> None:
    """C11: what a complaint is about is alleged; whoever the raids belong to is the target."""
    events = extract("Syria complained to the Security Council about Turkish air raids on its territory.")
    assert [e["event_type"] for e in events] == ["ACCUSE"]
    assert countries(events[0]["source"]) == {"SYR"} and countries(events[0]["target"]) == {"TUR"}
    protest = extract("Tokyo protested to Beijing over Chinese naval drills near its islands.")
    assert find(protest, "ACCUSE", source={"JPN"}) and not find(protest, "PROTEST")


def test_nominal_act_in_a_reported_claim_is_alleged(extract: Extract) -> None:
    """C11: "A said B's air strike killed ..." is ACCUSE by A; the strike is not coded as having happened."""
    events = extract("Hezbollah said an Israeli drone strike killed three of its fighters in southern Lebanon.")
    assert find(events, "ACCUSE", target={"ISR"}) and not find(events, "ASSAULT")


def test_mediation_effort_consults_both_parties(extract: Extract) -> None:
    """C27: a mediation named by a noun ("launched a mediation effort between A and B") consults the parties."""
    events = extract("Egypt launched a mediation effort between Ethiopia and Sudan.")
    ev = find(events, "CONSULT", source={"EGY"})
    assert ev and countries(ev[0]["target"]) == {"ETH", "SDN"}


def test_what_is_promised_decides_the_frame(extract: Extract) -> None:
    """C3/C15: promising a hostile act threatens, promising a favourable one agrees, even when the promised
    act is no event word of its own; agreeing to a hostile act is still an agreement."""
    assert find(extract("The Pakistani government plans to expel all Afghan refugees by March."), "THREATEN", source={"PAK"})
    assert find(extract("The Rwandan government volunteered to lead a police mission to Haiti."), "AGREE", source={"RWA"})
    assert find(extract("Italy pledged to send more troops to Niger."), "AGREE", source={"ITA"})  # troops for a partner
    agreed = extract("France agreed to impose sanctions on Iran.")
    assert find(agreed, "AGREE", source={"FRA"}) and not find(agreed, "THREATEN")


def test_demand_without_an_event_word(extract: Extract) -> None:
    """C17: "X ought to / needs to do Y, A said" is A's request to X whatever Y is; an unattributed one is opinion."""
    events = extract('"Caracas ought to open a dialogue with the opposition," Colombia\'s president said in Bogota.')
    assert find(events, "REQUEST", source={"COL"}, target={"VEN"})
    assert find(extract("Iran needs to come back to the table, the French foreign minister said."), "REQUEST",
                source={"FRA"}, target={"IRN"})
    assert not find(extract("Caracas ought to open a dialogue with the opposition."), "REQUEST")


@pytest.mark.parametrize(("text", "event_type", "source"), [
    ("Indonesia's human rights commission held the army responsible for the killings in East Timor.", "ACCUSE", "IDN"),
    ("Moscow branded the Ukrainian volunteers terrorists.", "ACCUSE", "RUS"),
    ("French and Belgian police jointly investigated the Brussels bombings.", "ACCUSE", "FRA"),
    ("The Dutch parliament voted against the trade deal with Canada.", "REJECT", "NLD"),
    ("Finland resisted pressure from Moscow to stay out of NATO.", "REJECT", "FIN"),
    ("Serbia and Kosovo settled on the outlines of a deal in Brussels.", "AGREE", "SRB"),
    ('"We will hunt them down," the Colombian defence minister said of the rebel commanders.', "THREATEN", "COL"),
    ("Bolivian riot police roughed up reporters outside the presidential palace.", "ASSAULT", "BOL"),
    ("Togolese gendarmes dispersed opposition supporters with tear gas in Lome.", "ASSAULT", "TGO"),
    ("Britain doubled its aid to Lebanon.", "AID", "GBR"),
    ("Sweden paused its funding to the UN agency on Monday.", "SANCTION", "SWE"),
])
def test_missing_senses(extract: Extract, text: str, event_type: str, source: str | None) -> None:
    events = find(extract(text), event_type)
    assert events and (source is None or source in countries(events[0]["source"]))


def test_receiving_from_the_object_phrase(extract: Extract) -> None:
    """C24: the giver named on the object ("assurances from Washington") is the source; accepting a plan
    from someone is the accepter's agreement."""
    events = extract("Moldova received security guarantees from Romania.")
    assert find(events, "AGREE", source={"ROU"}, target={"MDA"})
    accepted = extract("Sudan's army accepted a peace plan from the African Union.")
    assert find(accepted, "AGREE", source={"SDN"})


def test_ready_to_contribute_troops_is_intent(extract: Extract) -> None:
    """C3: "is ready to contribute troops" announces aid: AGREE."""
    events = extract("Senegal is ready to contribute troops to the peacekeeping force in Gambia.")
    assert find(events, "AGREE", source={"SEN"}) and not find(events, "AID")


def test_failed_talks_are_a_sanction(extract: Extract) -> None:
    """C18: talks that broke down or ended without a deal are SANCTION; talks that just ended are talks."""
    assert find(extract("Talks between Armenia and Azerbaijan collapsed on Monday."), "SANCTION", source={"ARM", "AZE"})
    broke = extract("Negotiations between Serbia and Kosovo broke down in Brussels.")
    assert find(broke, "SANCTION") and not find(broke, "CONSULT")
    assert find(extract("Talks between Hamas and Israel in Cairo ended without a deal."), "SANCTION")
    assert not find(extract("Talks between Hamas and Israel in Cairo ended on Friday."), "SANCTION")


def test_handing_over_equipment_is_aid(extract: Extract) -> None:
    """Handing over vehicles or weapons to a state is AID; handing over suspects stays cooperation (C24)."""
    assert find(extract("Germany handed over 20 armoured vehicles to Ukraine."), "AID", source={"DEU"}, target={"UKR"})
    assert not find(extract("Spain handed over two suspects to French authorities."), "AID")


def test_claims_between_the_state_and_an_armed_group(extract: Extract) -> None:
    """C11: within one country the army and a rebel force are two sides: the army's claim is ACCUSE; a
    ministry reporting its own forces' strike is the strike."""
    events = extract("Colombia's defence ministry said FARC rebels attacked a police station.")
    assert find(events, "ACCUSE", source={"COL"}) and not find(events, "ASSAULT")
    own = extract("The Russian defence ministry said its forces struck a Ukrainian airfield.")
    assert find(own, "ASSAULT", source={"RUS"}, target={"UKR"}) and not find(own, "ACCUSE")


def test_reported_deaths_in_a_strike_accuse_the_striker(extract: Extract) -> None:
    """C11: "a monitor reported deaths in a Russian air strike" is ACCUSE against Russia, not the strike."""
    events = extract("A Ukrainian official reported three deaths in Russian shelling of Kherson.")
    assert find(events, "ACCUSE", source={"UKR"}, target={"RUS"}) and not find(events, "ASSAULT")


def test_event_asked_about_is_no_event(extract: Extract) -> None:
    """An event in a "whether" clause is a question, not a report."""
    assert not extract("It is unclear whether Hamas will accept the Egyptian proposal.")
    assert find(extract("Hamas accepted the Egyptian proposal."), "AGREE", source={"PSE"})


def test_what_a_protest_demands_is_its_content(extract: Extract) -> None:
    """C9: "marched ... demanding X" is one PROTEST; "demanding that Y act" is also a REQUEST to Y."""
    events = extract("Thousands of Serbian students marched through Belgrade demanding the interior minister's resignation.")
    assert find(events, "PROTEST") and not find(events, "REQUEST")
    addressed = extract("Tens of thousands of Armenians rallied in Yerevan for a third day, demanding that Moscow protect the enclave.")
    assert find(addressed, "PROTEST") and find(addressed, "REQUEST", target={"RUS"})


def test_vowing_to_target_is_a_threat(extract: Extract) -> None:
    assert find(extract("The Pakistani Taliban vowed to target judges who convicted their fighters."), "THREATEN", source={"PAK"})


def test_participle_of_force_is_a_passive_clause(extract: Extract) -> None:
    """C8: "there were homes demolished by Israeli forces" is ASSAULT by Israel; a background participle
    of another kind ("a deal brokered by Qatar") is no event."""
    events = extract("There were dozens of houses demolished by Israeli forces near Hebron this month.")
    assert find(events, "ASSAULT", source={"ISR"})
    assert not find(extract("The rebels ended their boycott after a deal brokered by Qatar."), "AGREE", source={"QAT"})


@pytest.mark.parametrize("text", [
    "Police said a roadside bomb killed three soldiers in Helmand province.",
    "Iraqi police said a car bomb exploded near a market in Baghdad, killing 22 people.",
    "Police said three soldiers were killed in an ambush in Helmand.",
])
def test_a_report_of_an_unattributed_attack_accuses_no_one(extract: Extract, text: str) -> None:
    """C37: a weapon or an agentless passive names no one to accuse; the attack itself is the event."""
    events = extract(text)
    assert find(events, "ASSAULT") and not find(events, "ACCUSE")


def test_a_report_of_a_named_sides_attack_stays_an_accusation(extract: Extract) -> None:
    """C11: a weapon of a named side is that side's act, alleged by the speaker."""
    events = extract("Hamas said Israeli missiles hit a house in Gaza overnight.")
    assert find(events, "ACCUSE", source={"PSE"}, target={"ISR"}) and not find(events, "ASSAULT")


def test_enacted_content_is_the_enactors_act(extract: Extract) -> None:
    """What a signed law or adopted resolution does is the signer's act; a bill still to be voted is no act."""
    assert find(extract("President Bush signed a law imposing new sanctions on Syria."), "SANCTION", source={"USA"}, target={"SYR"})
    assert find(extract("The Security Council adopted a resolution condemning the Israeli raids on Lebanon."), "ACCUSE",
                source={"IGO"}, target={"ISR"})
    assert not find(extract("The Senate will vote on a bill imposing sanctions on Russia."), "SANCTION")


@pytest.mark.parametrize(("text", "source", "target"), [
    ("The US ambassador was summoned to the Foreign Ministry in Beijing.", "CHN", "USA"),
    ("Britain's envoy was summoned to the Iranian foreign ministry on Monday.", "IRN", "GBR"),
    ("The Russian ambassador was called in to the Foreign Office.", "GBR", "RUS"),
])
def test_a_passive_summons_is_by_whom_one_is_summoned_to(extract: Extract, text: str, source: str, target: str) -> None:
    assert find(extract(text), "ACCUSE", source={source}, target={target})


def test_an_act_ordered_of_ones_own_forces_is_the_act(extract: Extract) -> None:
    """C15: an ordered act is decided; its author is who ordered it, the forces are the means."""
    events = extract("Saddam Hussein ordered his army to invade Kuwait.")
    assert find(events, "ASSAULT", source={"IRQ"}, target={"KWT"}) and not find(events, "MOBILIZE")
    assert find(extract("Putin ordered the military to withdraw from Syria."), "RETREAT", source={"RUS"}, target={"SYR"})
    # ordering another party is a demand or coercion, not its act
    assert not find(extract("The court ordered the government to release the journalists."), "RETREAT")


def test_an_act_awaited_by_a_future_act_has_not_happened(extract: Extract) -> None:
    """An "until" clause of a future act is a condition still to be met: no event of its own, even when
    a speaker reports its own stance; an "until" clause of a past act tells what happened."""
    events = extract("The rebels said they would not lay down their arms until the government resigned.")
    assert not find(events, "RETREAT")
    assert find(extract("The rebels fought on until the government resigned in March."), "RETREAT")


def test_a_spokesman_reporting_what_the_group_did_reports_its_own_act(extract: Extract) -> None:
    """C11: "the group" in what an organisation's spokesman says is the organisation: its own act, no accusation."""
    events = extract("A Hamas spokesman said the group had captured an Israeli soldier.")
    assert find(events, "ASSAULT", source={"PSE"}, target={"ISR"}) and not find(events, "ACCUSE")
    # a politician's "the group" is someone else
    events = extract("Trump said he had cancelled a secret meeting with Taliban leaders after the group claimed an attack.")
    assert not find(events, "ACCUSE", source={"USA"})


def test_existential_passive_alone(candidates: Any) -> None:
    """The noun that "there were" introduces is what the participle's act happened to."""
    cands, sent, tools = candidates("There were dozens of opposition supporters arrested in Harare on Monday.")
    constructions.run("existential_passive", cands, sent, tools)
    arrested = by_word(cands, "arrested")
    assert "existential_passive" in arrested.rules
    assert [t.text for t in arrested.target_tokens or []] == ["supporters"]
    assert arrested.source_tokens is None  # the agent is unknown


def test_existential_passive_events(extract: Extract) -> None:
    """"There were N soldiers killed in C" is ASSAULT on C's soldiers by an unknown agent (C37); a
    weapon as the agent names no one; "there were no soldiers killed" and a hypothetical are no event."""
    events = extract("There were 14 soldiers killed in clashes with rebels in Chad.")
    assert find(events, "ASSAULT", target={"TCD"})
    assert find(extract("There were dozens of opposition supporters arrested in Harare on Monday."), "COERCE", target={"ZWE"})
    assert find(extract("There were three policemen wounded by a roadside bomb in Kashmir."), "ASSAULT")
    assert not find(extract("There were no soldiers killed in the attack, the Indian army said."), "ASSAULT")
    assert not find(extract("There would be thousands of people killed if war broke out."), "ASSAULT")


def test_any_attack_is_hypothetical(extract: Extract) -> None:
    """A nominal act with "any" happened nowhere: "would respond to any Indian attack" is only the threat."""
    events = extract("Pakistan said it would respond to any Indian incursion with full force.")
    assert find(events, "THREATEN", source={"PAK"}) and not find(events, "ASSAULT") and not find(events, "ACCUSE")


def test_personnel_changes_and_no_comment_are_no_rejection(extract: Extract) -> None:
    """Dismissing one's own minister and declining to comment reject nothing; dismissing claims does."""
    assert not find(extract("Tunisia's president dismissed his interior minister on Monday."), "REJECT")
    assert not find(extract("A Kremlin spokesman declined further comment."), "REJECT")
    assert find(extract("Russia dismissed the allegations as lies."), "REJECT", source={"RUS"})


def test_missile_test_alone_ignores_time_phrases(candidates: Any) -> None:
    """"on Monday", "at dawn" say when a missile was fired, not at whom: a test stays a test; a
    launch at a place is still an attack, whatever day it was."""
    for text in ("Pakistan test-fired a nuclear-capable missile at dawn on Monday.",
                 "North Korea fired a ballistic missile into the sea on Tuesday morning."):
        cands, sent, tools = candidates(text)
        constructions.run("missile_test", cands, sent, tools)
        assert by_word(cands, "fired").event_type == "MOBILIZE", text
    cands, sent, tools = candidates("Militants fired rockets at Sderot on Saturday night.")
    constructions.run("missile_test", cands, sent, tools)
    assert by_word(cands, "fired").event_type == "ASSAULT"
