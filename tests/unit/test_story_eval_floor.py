"""Floors for story grouping on the annotated pairs (python -m consumers.stories.evaluate prints the numbers).

story_pairs.jsonl was written with the grouping rule in view (its window-sensitive pairs chose
the one-day window); story_pairs_heldout.jsonl was written afterwards and never tuned on.
Floors sit a little under what was achieved. End to end includes the coder: a pair whose
reports it does not both code with the annotated type counts as a miss.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from consumers.stories.evaluate import evaluate, extract_pairs, load_pairs
from consumers.stories.grouping import DEFAULT_WINDOW_DAYS

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
FLOORS: dict[str, dict[str, float]] = {
    # achieved at 1 day: end to end P 0.906 R 0.829; grouping alone P 0.906 R 0.967 (62 coded pairs of 70)
    "story_pairs.jsonl": {"end_to_end.precision": 0.85, "end_to_end.recall": 0.75, "grouping.precision": 0.85, "grouping.recall": 0.9},
    # achieved at 1 day: end to end P 1.000 R 0.800; grouping alone P 1.000 R 0.889 (19 coded pairs of 20)
    "story_pairs_heldout.jsonl": {"end_to_end.precision": 0.9, "end_to_end.recall": 0.7, "grouping.precision": 0.9, "grouping.recall": 0.8},
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def report(request: pytest.FixtureRequest, nlp: Any) -> tuple[str, dict[str, Any]]:
    pairs = load_pairs(EVAL_DIR / request.param)
    return request.param, evaluate(pairs, extract_pairs(pairs, nlp), DEFAULT_WINDOW_DAYS)


def test_story_grouping_holds_its_floors(report: tuple[str, dict[str, Any]]) -> None:
    name, scores = report
    for key, floor in FLOORS[name].items():
        part, metric = key.split(".")
        assert scores[part][metric] >= floor, f"{name}: {key} {scores[part][metric]} < {floor}; errors: {scores['errors']}"


def test_the_sets_are_balanced_and_well_formed() -> None:
    for name in FLOORS:
        pairs = load_pairs(EVAL_DIR / name)
        same = sum(p["same"] for p in pairs)
        assert same == len(pairs) - same
        assert len({p["id"] for p in pairs}) == len(pairs)
        for pair in pairs:
            assert pair["a"]["outlet"] != pair["b"]["outlet"], pair["id"]
