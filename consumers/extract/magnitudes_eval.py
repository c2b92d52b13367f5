"""Precision and recall of the magnitudes on the hand-annotated sentences (tests/eval/magnitudes.jsonl).

    python -m consumers.extract.magnitudes_eval [--file PATH] [--json] [--errors]

Each item names a sentence, an event type, the word that triggers the event and the gold figures
(dead, injured, size, amount, currency; absent = not stated). Two scores:

  given trigger   magnitudes() on the annotated trigger: the module alone;
  end to end      the full extractor; the event of the annotated type whose action contains
                  the trigger (else the first of that type) is scored, so missed events count
                  as missed figures.

A predicted value is a true positive when it equals the gold value (amounts within 0.5 %),
a false positive when it is given and differs or is not in the gold, a false negative when the
gold value is not predicted. Items with no gold figure are the distractors: every figure
predicted there is a false positive.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .magnitudes import FIELDS, magnitudes

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "tests" / "eval" / "magnitudes.jsonl"


def load_items(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _same(field: str, predicted: Any, gold: Any) -> bool:
    if field == "amount":
        return abs(float(predicted) - float(gold)) <= 0.005 * abs(float(gold))
    return bool(predicted == gold)


def score(items: list[dict[str, Any]], predictions: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {f: [0, 0, 0] for f in FIELDS}  # tp, fp, fn
    errors = []
    for item, pred in zip(items, predictions, strict=True):
        gold = item.get("magnitudes") or {}
        wrong = False
        for field in FIELDS:
            g, p = gold.get(field), pred.get(field)
            if p is not None and g is not None and _same(field, p, g):
                counts[field][0] += 1
                continue
            if p is not None:
                counts[field][1] += 1
                wrong = True
            if g is not None:
                counts[field][2] += 1
                wrong = True
        if wrong:
            errors.append({"id": item["id"], "text": item["text"], "gold": gold,
                           "predicted": {k: v for k, v in pred.items() if v is not None}})
    result: dict[str, Any] = {}
    total = [0, 0, 0]
    for field, (tp, fp, fn) in counts.items():
        result[field] = _prf(tp, fp, fn)
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
    result["all"] = _prf(*total)
    result["items"] = len(items)
    result["distractors"] = sum(1 for it in items if not it.get("magnitudes"))
    result["errors"] = errors
    return result


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def trigger_token(doc: Any, word: str) -> Any:
    for tok in doc:
        if tok.text == word:
            return tok
    raise ValueError(f"trigger {word!r} is not a token of {doc.text!r}")


def predict_given_trigger(nlp: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item, doc in zip(items, nlp.pipe(it["text"] for it in items), strict=True):
        tok = trigger_token(doc, item["trigger"])
        out.append(magnitudes(tok.sent, tok, item["event_type"]))
    return out


def predict_end_to_end(nlp: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from .pipeline import process_articles

    articles = ({"id": it["id"], "text": it["text"], "published_at": "2024-06-01T12:00:00Z"} for it in items)
    out = []
    for item, result in zip(items, process_articles(nlp, articles), strict=True):
        same_type = [e for e in result.events if e["event_type"] == item["event_type"] and not e.get("negated")]
        chosen = next((e for e in same_type if item["trigger"].lower() in e["action"]["text"].lower()), None)
        chosen = chosen or (same_type[0] if same_type else None)
        out.append(dict((chosen or {}).get("magnitudes") or {}))
    return out


def format_report(title: str, result: dict[str, Any]) -> str:
    lines = [f"{title}: {result['items']} sentences ({result['distractors']} with no figure of the event)",
             f"  {'field':<10}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}"]
    for field in (*FIELDS, "all"):
        m = result[field]
        lines.append(f"  {field:<10}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['tp']:>5}{m['fp']:>5}{m['fn']:>5}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consumers.extract.magnitudes_eval", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--errors", action="store_true", help="also list the sentences scored wrong (given trigger)")
    args = parser.parse_args(argv)
    from .pipeline import load_pipeline

    nlp = load_pipeline()
    items = load_items(args.file)
    given = score(items, predict_given_trigger(nlp, items))
    e2e = score(items, predict_end_to_end(nlp, items))
    if args.json:
        for r in (given, e2e):
            if not args.errors:
                r.pop("errors")
        print(json.dumps({"given_trigger": given, "end_to_end": e2e}, indent=2))
        return 0
    print(format_report("given the trigger (the magnitudes module alone)", given))
    print(format_report("end to end (the extractor finds the event, then its figures)", e2e))
    if args.errors:
        for err in given["errors"]:
            print(json.dumps(err, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
