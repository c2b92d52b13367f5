"""Magnitudes (dead, injured, size, amount) read from the real spaCy parse, and their quality floor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from consumers.extract.magnitudes import compact, magnitudes, phrase_value
from consumers.extract.magnitudes_eval import load_items, predict_given_trigger, score, trigger_token

EVAL_FILE = Path(__file__).resolve().parents[1] / "eval" / "magnitudes.jsonl"


def figures_of(nlp: Any, text: str, trigger: str, event_type: str) -> dict[str, Any]:
    doc = nlp(text)
    tok = trigger_token(doc, trigger)
    return {k: v for k, v in magnitudes(tok.sent, tok, event_type).items() if v is not None}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12), ("1,200", 1200), ("2.5 million", 2_500_000), ("a dozen", 12), ("dozens", 24),
        ("hundreds", 200), ("thousands", 2000), ("tens of thousands", 20_000), ("hundreds of thousands", 200_000),
        ("several hundred", 300), ("half a million", 500_000), ("twenty-five", 25), ("one hundred and fifty", 150),
        ("3bn", 3_000_000_000), ("500 m", 500_000_000), ("three thousand five hundred", 3500),
    ],
)
def test_number_phrases(nlp: Any, text: str, expected: float) -> None:
    assert phrase_value(list(nlp.make_doc(text))) == expected


@pytest.mark.parametrize(
    ("text", "trigger", "event_type", "expected"),
    [
        ("Russian missiles struck Kyiv on Tuesday, killing at least 12 people and wounding 30 others.", "struck", "ASSAULT",
         {"dead": 12, "injured": 30}),
        ("Rebels ambushed an army convoy, killing 11 soldiers and two civilians.", "ambushed", "ASSAULT", {"dead": 13}),
        ("The death toll from the bombing in Mogadishu rose to 45.", "bombing", "ASSAULT", {"dead": 45}),
        ("Thousands of protesters marched through Belgrade on Saturday.", "marched", "PROTEST", {"size": 2000}),
        ("Russia deployed 3,000 troops to the Belarusian border.", "deployed", "MOBILIZE", {"size": 3000}),
        ("Japan pledged a $2 billion loan to the Philippines.", "pledged", "AID", {"amount": 2e9, "currency": "USD"}),
        ("The EU fined Meta 1.2 billion euros for breaching data rules.", "fined", "SANCTION", {"amount": 1.2e9, "currency": "EUR"}),
    ],
)
def test_figures_attached_to_the_event(nlp: Any, text: str, trigger: str, event_type: str, expected: dict[str, Any]) -> None:
    assert figures_of(nlp, text, trigger, event_type) == expected


@pytest.mark.parametrize(
    ("text", "trigger", "event_type"),
    [
        ("Unidentified gunmen killed a 45-year-old journalist outside his home.", "killed", "ASSAULT"),  # an age
        ("Gunmen attacked a church in Owo on June 5, 2022.", "attacked", "ASSAULT"),  # a date
        ("Teachers went on strike in 14 provinces over a 3 percent pay offer.", "strike", "PROTEST"),  # places, a percentage
        ("Missiles struck Kharkiv in the war, which has killed more than 10,000 civilians since 2022.", "struck", "ASSAULT"),
        ("Israeli jets struck Gaza on Monday, a day after Hamas rockets killed three Israelis.", "struck", "ASSAULT"),
        ("Washington imposed sanctions on 12 Iranian officials on Friday.", "sanctions", "SANCTION"),  # people, not money
        ("Ukraine accused Russia of killing 30 civilians in Bucha.", "accused", "ACCUSE"),  # no figures for verbal events
    ],
)
def test_distractors_give_nothing(nlp: Any, text: str, trigger: str, event_type: str) -> None:
    assert figures_of(nlp, text, trigger, event_type) == {}


def test_events_carry_magnitudes_only_when_stated(extract: Callable[..., list[dict[str, Any]]]) -> None:
    ev = next(e for e in extract("Russian missiles struck Kyiv on Tuesday, killing at least 12 people.") if e["event_type"] == "ASSAULT")
    assert ev["magnitudes"] == {"dead": 12}
    calm = extract("Lavrov held talks with Tillerson in Washington.")[0]
    assert "magnitudes" not in calm
    assert compact({"dead": None, "amount": None}) is None


@pytest.mark.parametrize(
    ("name", "size", "precision", "recall"),
    [
        ("magnitudes.jsonl", 150, 0.95, 0.92),  # development set; achieved P 0.987, R 0.974 (169 sentences)
        ("magnitudes_heldout.jsonl", 40, 0.92, 0.86),  # written after the rules; achieved P 0.974, R 0.925 (45)
    ],
)
def test_quality_floor_on_the_annotated_sentences(nlp: Any, name: str, size: int, precision: float, recall: float) -> None:
    items = load_items(EVAL_FILE.with_name(name))
    assert len(items) >= size
    result = score(items, predict_given_trigger(nlp, items))
    assert result["all"]["precision"] >= precision, result["errors"]
    assert result["all"]["recall"] >= recall, result["errors"]
