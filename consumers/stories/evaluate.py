"""Precision and recall of story grouping on annotated pairs of reports.

    python -m consumers.stories.evaluate --file tests/eval/story_pairs.jsonl

Each line is a pair of short reports from two outlets, `same: true` when they tell the same
real-world event, `false` for different events with the same actors (another day, another
place, another partner). Both reports go through the real extractor (spaCy) and then the
grouping, in a fresh state per pair. The pair is predicted "same" when an event of the
annotated type from one report and one from the other end up in one story.

Two figures: end to end (a pair whose reports do not both yield an event of the type counts
as "not grouped"), and the grouping alone (only pairs where both did).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from consumers.stories.grouping import DEFAULT_WINDOW_DAYS, Group


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3)}  # fmt: skip


def load_pairs(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _article(pair_id: str, side: str, report: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{pair_id}-{side}",
        "text": report["text"],
        "title": report.get("title"),
        "published_at": report["published_at"],
        "source": report["outlet"],
        "near_duplicate_of": None,
    }


def extract_pairs(pairs: list[dict[str, Any]], nlp: Any) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """pair id -> (events of a, events of b), with the real extractor."""
    from consumers.extract.pipeline import process_articles

    articles = [_article(p["id"], side, p[side]) for p in pairs for side in ("a", "b")]
    results = {r.article["id"]: r.events for r in process_articles(nlp, articles)}
    return {p["id"]: (results[f"{p['id']}-a"], results[f"{p['id']}-b"]) for p in pairs}


def grouped_together(a: list[dict[str, Any]], b: list[dict[str, Any]], event_type: str, window_days: int) -> bool:
    group = Group(event_type, window_days)
    stories_a = {group.assign(e, 0.0).story_id for e in a if e["event_type"] == event_type}
    stories_b = {group.assign(e, 0.0).story_id for e in b if e["event_type"] == event_type}
    return bool((stories_a & stories_b) - {None})


def evaluate(
    pairs: list[dict[str, Any]], events: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]], window_days: int
) -> dict[str, Any]:
    end_to_end, grouping = Scores(), Scores()
    errors: list[str] = []
    for pair in pairs:
        a, b = events[pair["id"]]
        kind = pair["event_type"]
        coded = any(e["event_type"] == kind for e in a) and any(e["event_type"] == kind for e in b)
        predicted = grouped_together(a, b, kind, window_days)
        end_to_end.add(pair["same"], predicted)
        if coded:
            grouping.add(pair["same"], predicted)
        if predicted != pair["same"]:
            errors.append(f"{pair['id']} ({'same' if pair['same'] else 'different'}, {pair.get('note', '')})" + ("" if coded else ": not coded"))
    return {"window_days": window_days, "pairs": len(pairs), "end_to_end": end_to_end.as_dict(), "grouping": grouping.as_dict(), "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consumers.stories.evaluate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=Path("tests/eval/story_pairs.jsonl"))
    parser.add_argument("--window-days", type=int, nargs="+", default=[DEFAULT_WINDOW_DAYS], help="one or more windows to compare")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from consumers.extract.pipeline import load_pipeline

    pairs = load_pairs(args.file)
    events = extract_pairs(pairs, load_pipeline())
    reports = [evaluate(pairs, events, days) for days in args.window_days]
    if args.json:
        print(json.dumps(reports, indent=2))
        return 0
    positives = sum(1 for p in pairs if p["same"])
    print(f"{len(pairs)} pairs: {positives} same event (different outlets), {len(pairs) - positives} different events (same actors)")
    print(f"{'window':>8}  {'end-to-end P / R / F1':>24}  {'grouping only P / R / F1 (pairs)':>34}")
    for r in reports:
        e, g = r["end_to_end"], r["grouping"]
        print(
            f"{r['window_days']:>6} d  {e['precision']:>7.3f} {e['recall']:>7.3f} {e['f1']:>7.3f}   "
            f"{g['precision']:>7.3f} {g['recall']:>7.3f} {g['f1']:>7.3f} ({g['tp'] + g['fp'] + g['fn'] + g['tn']})"
        )
    for r in reports:
        if r["window_days"] == DEFAULT_WINDOW_DAYS:
            print(f"errors at {DEFAULT_WINDOW_DAYS} d: " + ("; ".join(r["errors"]) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
