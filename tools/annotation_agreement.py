"""Inter-annotator agreement between two PLOVER annotation files (guidelines §12.2).

    python -m tools.annotation_agreement --first A.jsonl --second B.jsonl [--json]

Both files are JSON Lines in the format of docs/annotation-guidelines.md §9. `--first` and
`--second` may be repeated to pool several samples; only ids present on both sides are compared.
Annotator 1 (--first) is the reference: precision and recall are those of annotator 2 against it.

Measures (definitions of §12.2, which are authoritative):
* primary event type per sentence (first event, or NONE): Cohen's kappa, raw agreement,
  per-label agreement and the confusion matrix;
* source and target country sets of the primary event, on sentences whose primary types agree:
  exact-set agreement and mean Jaccard (two empty sets agree, Jaccard 1);
* all events, matched greedily per sentence (same type and overlapping triggers, else same type
  and equal source country sets): precision/recall/F1 on type and on the full triple
  (type, source country set, target country set); mode and location agreement on matched pairs;
* per-tag agreement on construction tags (diagnostic);
* the list of disagreements.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CATEGORIES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
NONE = "NONE"
LABELS: tuple[str, ...] = (*CATEGORIES, NONE)
REQUIRED_KEYS = ("id", "events")

Record = dict[str, Any]
Event = dict[str, Any]


class AnnotationFileError(ValueError):
    """An annotation file cannot be read as §9 JSON Lines."""


# ---------------------------------------------------------------- loading


def parse_records(lines: Iterable[str], origin: str = "<input>") -> dict[str, Record]:
    """Records by id; raises AnnotationFileError naming the line on any malformed record."""
    records: dict[str, Record] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnnotationFileError(f"{where}: not valid JSON ({exc.msg}); fix the line or remove it") from exc
        if not isinstance(record, dict) or any(key not in record for key in REQUIRED_KEYS):
            raise AnnotationFileError(f"{where}: a record needs the keys {', '.join(REQUIRED_KEYS)} (guidelines §9)")
        if not isinstance(record["events"], list):
            raise AnnotationFileError(f"{where}: 'events' must be a list")
        for event in record["events"]:
            if not isinstance(event, dict) or event.get("event_type") not in CATEGORIES:
                raise AnnotationFileError(f"{where}: every event needs an event_type among the 16 categories")
        if record["id"] in records:
            raise AnnotationFileError(f"{where}: duplicate id {record['id']!r}")
        records[record["id"]] = record
    return records


def load_files(paths: Sequence[Path]) -> dict[str, Record]:
    merged: dict[str, Record] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AnnotationFileError(f"{path}: cannot read ({exc.strerror})") from exc
        for rid, record in parse_records(text.splitlines(), str(path)).items():
            if rid in merged:
                raise AnnotationFileError(f"{path}: id {rid!r} also appears in another file of the same annotator")
            merged[rid] = record
    return merged


# ---------------------------------------------------------------- per-sentence helpers


def primary_label(record: Record) -> str:
    events = record["events"]
    return events[0]["event_type"] if events else NONE


def country_set(actors: Iterable[dict[str, Any]] | None) -> frozenset[str]:
    """Non-null `country` values of an actor list."""
    return frozenset(a["country"] for a in actors or () if a.get("country"))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return 1.0 if not union else len(a & b) / len(union)


def trigger_spans(text: str, trigger: str | None) -> set[int]:
    """Character offsets covered by every occurrence of `trigger` in `text` (case-insensitive)."""
    if not trigger:
        return set()
    haystack, needle = text.lower(), trigger.lower()
    covered: set[int] = set()
    start = haystack.find(needle)
    while start != -1:
        covered.update(range(start, start + len(needle)))
        start = haystack.find(needle, start + 1)
    return covered


def triggers_overlap(text: str, a: Event, b: Event) -> bool:
    return bool(trigger_spans(text, a.get("trigger")) & trigger_spans(text, b.get("trigger")))


def match_events(text: str, first: Sequence[Event], second: Sequence[Event]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (index in first, index in second) per §12.2.3.

    Pass 1 pairs events of the same type whose triggers overlap; pass 2 pairs what is left of
    the same type with equal source country sets. Within a pass, events are taken in list order.
    """
    pairs: list[tuple[int, int]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()

    def run(same: Any) -> None:
        for i, ea in enumerate(first):
            if i in used_a:
                continue
            for j, eb in enumerate(second):
                if j not in used_b and ea["event_type"] == eb["event_type"] and same(ea, eb):
                    pairs.append((i, j))
                    used_a.add(i)
                    used_b.add(j)
                    break

    run(lambda ea, eb: triggers_overlap(text, ea, eb))
    run(lambda ea, eb: country_set(ea.get("source")) == country_set(eb.get("source")))
    return sorted(pairs)


def same_triple(a: Event, b: Event) -> bool:
    return (
        a["event_type"] == b["event_type"]
        and country_set(a.get("source")) == country_set(b.get("source"))
        and country_set(a.get("target")) == country_set(b.get("target"))
    )


# ---------------------------------------------------------------- statistics


@dataclass(frozen=True)
class Kappa:
    n: int
    observed: float
    expected: float
    kappa: float | None  # None when chance agreement is 1 (both annotators used one label only)


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> Kappa:
    """Cohen's kappa over (label by annotator 1, label by annotator 2) pairs (§12.2.1)."""
    n = len(pairs)
    if n == 0:
        raise ValueError("Cohen's kappa needs at least one shared item")
    observed = sum(a == b for a, b in pairs) / n
    count_a = Counter(a for a, _ in pairs)
    count_b = Counter(b for _, b in pairs)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    kappa = None if expected == 1.0 else (observed - expected) / (1.0 - expected)
    return Kappa(n=n, observed=observed, expected=expected, kappa=kappa)


def per_label_agreement(pairs: Sequence[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """For each label used by either annotator: share of the sentences given it by either on which both did."""
    result: dict[str, dict[str, Any]] = {}
    for label in LABELS:
        either = sum(1 for a, b in pairs if label in (a, b))
        if either:
            both = sum(1 for a, b in pairs if a == b == label)
            result[label] = {"first": sum(a == label for a, _ in pairs), "second": sum(b == label for _, b in pairs),
                             "both": both, "either": either, "agreement": both / either}  # fmt: skip
    return result


def confusion_matrix(pairs: Sequence[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Rows: annotator 1's label; columns: annotator 2's label; all 17 labels, zeros included."""
    counts = Counter(pairs)
    return {a: {b: counts[(a, b)] for b in LABELS} for a in LABELS}


def prf(true_positive: int, predicted: int, reference: int) -> dict[str, float | int]:
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / reference if reference else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": true_positive, "second_events": predicted, "first_events": reference,
            "precision": precision, "recall": recall, "f1": f1}  # fmt: skip


@dataclass
class Report:
    shared: int
    only_first: list[str]
    only_second: list[str]
    kappa: Kappa
    per_label: dict[str, dict[str, Any]]
    confusion: dict[str, dict[str, int]]
    countries: dict[str, Any]
    events_type: dict[str, float | int]
    events_triple: dict[str, float | int]
    matched_pairs: int
    mode_agreement: float | None
    location_agreement: float | None
    tags: dict[str, dict[str, Any]]
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "shared_ids": self.shared,
            "only_first_count": len(self.only_first),
            "only_second": self.only_second,
            "primary_type": {"n": self.kappa.n, "kappa": self.kappa.kappa, "observed_agreement": self.kappa.observed,
                             "chance_agreement": self.kappa.expected, "per_label": self.per_label,
                             "confusion_matrix": self.confusion},  # fmt: skip
            "countries": self.countries,
            "events": {"type": self.events_type, "full_triple": self.events_triple, "matched_pairs": self.matched_pairs,
                       "mode_agreement": self.mode_agreement, "location_agreement": self.location_agreement},  # fmt: skip
            "construction_tags": self.tags,
            "disagreements": self.disagreements,
        }


def _describe(event: Event | None) -> dict[str, Any] | None:
    if event is None:
        return None
    return {"type": event["event_type"], "trigger": event.get("trigger"),
            "source": sorted(country_set(event.get("source"))), "target": sorted(country_set(event.get("target")))}  # fmt: skip


def compare(first: dict[str, Record], second: dict[str, Record]) -> Report:
    """All §12.2 measures for the ids both files annotate."""
    ids = sorted(set(first) & set(second))
    if not ids:
        raise AnnotationFileError("the two annotations share no id; compare files of the same sample")
    pairs = [(primary_label(first[i]), primary_label(second[i])) for i in ids]

    same_type = 0
    src_exact = tgt_exact = 0
    src_jac = tgt_jac = 0.0
    tp_type = tp_triple = n_first = n_second = 0
    mode_same = loc_same = matched = 0
    tag_both: Counter[str] = Counter()
    tag_either: Counter[str] = Counter()
    disagreements: list[dict[str, Any]] = []

    for rid, (label_a, label_b) in zip(ids, pairs, strict=True):
        ra, rb = first[rid], second[rid]
        ev_a, ev_b = ra["events"], rb["events"]
        issues: list[str] = []
        if label_a != label_b:
            issues.append("primary type")
        elif ev_a:
            same_type += 1
            sa, sb = country_set(ev_a[0].get("source")), country_set(ev_b[0].get("source"))
            ta, tb = country_set(ev_a[0].get("target")), country_set(ev_b[0].get("target"))
            src_exact += sa == sb
            tgt_exact += ta == tb
            src_jac += jaccard(sa, sb)
            tgt_jac += jaccard(ta, tb)
            if sa != sb:
                issues.append("primary source countries")
            if ta != tb:
                issues.append("primary target countries")
        else:
            same_type += 1  # both NONE: empty sets agree
            src_exact += 1
            tgt_exact += 1
            src_jac += 1.0
            tgt_jac += 1.0

        text = ra.get("text") or rb.get("text") or ""
        matches = match_events(text, ev_a, ev_b)
        n_first += len(ev_a)
        n_second += len(ev_b)
        tp_type += len(matches)
        matched += len(matches)
        for i, j in matches:
            tp_triple += same_triple(ev_a[i], ev_b[j])
            if (i, j) != (0, 0) and not same_triple(ev_a[i], ev_b[j]):
                issues.append(f"countries of matched event {ev_a[i]['event_type']}")
            mode_same += ev_a[i].get("mode") == ev_b[j].get("mode")
            loc_same += ev_a[i].get("location_country") == ev_b[j].get("location_country")
        if len(matches) != len(ev_a) or len(matches) != len(ev_b):
            issues.append("unmatched events")

        tags_a, tags_b = set(ra.get("constructions") or ()), set(rb.get("constructions") or ())
        for tag in tags_a | tags_b:
            tag_either[tag] += 1
            tag_both[tag] += tag in tags_a and tag in tags_b

        if issues:
            disagreements.append({
                "id": rid, "text": text, "issues": issues,
                "first_primary": _describe(ev_a[0] if ev_a else None),
                "second_primary": _describe(ev_b[0] if ev_b else None),
                "first_events": [e["event_type"] for e in ev_a], "second_events": [e["event_type"] for e in ev_b],
            })  # fmt: skip

    countries = {
        "sentences_same_primary_type": same_type,
        "source_exact": src_exact / same_type if same_type else None,
        "source_mean_jaccard": src_jac / same_type if same_type else None,
        "target_exact": tgt_exact / same_type if same_type else None,
        "target_mean_jaccard": tgt_jac / same_type if same_type else None,
    }
    tags = {t: {"both": tag_both[t], "either": tag_either[t], "agreement": tag_both[t] / tag_either[t]}
            for t in sorted(tag_either)}  # fmt: skip
    return Report(
        shared=len(ids),
        only_first=sorted(set(first) - set(second)),
        only_second=sorted(set(second) - set(first)),
        kappa=cohen_kappa(pairs),
        per_label=per_label_agreement(pairs),
        confusion=confusion_matrix(pairs),
        countries=countries,
        events_type=prf(tp_type, n_second, n_first),
        events_triple=prf(tp_triple, n_second, n_first),
        matched_pairs=matched,
        mode_agreement=mode_same / matched if matched else None,
        location_agreement=loc_same / matched if matched else None,
        tags=tags,
        disagreements=disagreements,
    )


# ---------------------------------------------------------------- output


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _sets(event: dict[str, Any] | None) -> str:
    if event is None:
        return "NONE"
    return f"{event['type']} {','.join(event['source']) or '-'} -> {','.join(event['target']) or '-'}"


def render_text(report: Report) -> str:
    k, c = report.kappa, report.countries
    out = [
        f"shared ids: {report.shared}"
        + (f"  (only in first: {len(report.only_first)}, only in second: {len(report.only_second)})"
           if report.only_first or report.only_second else ""),  # fmt: skip
        "",
        "Primary event type (17 labels)",
        f"  Cohen's kappa      {_num(k.kappa)}",
        f"  raw agreement      {_pct(k.observed)}  ({round(k.observed * k.n)}/{k.n})",
        f"  chance agreement   {_pct(k.expected)}",
        "  per label (first / second / both / either -> agreement):",
    ]
    for label, row in report.per_label.items():
        out.append(f"    {label:<10} {row['first']:>3} {row['second']:>3} {row['both']:>3} {row['either']:>3}  {_pct(row['agreement'])}")
    out += [
        "",
        f"Primary event countries (on {c['sentences_same_primary_type']} sentences with the same primary type)",
        f"  source: exact {_pct(c['source_exact'])}, mean Jaccard {_num(c['source_mean_jaccard'])}",
        f"  target: exact {_pct(c['target_exact'])}, mean Jaccard {_num(c['target_mean_jaccard'])}",
        "",
        "All events, second annotator against first",
    ]
    for name, row in (("event type", report.events_type), ("full triple", report.events_triple)):
        out.append(
            f"  {name:<12} P {_num(row['precision'])}  R {_num(row['recall'])}  F1 {_num(row['f1'])}"
            f"  (tp {row['tp']}, second {row['second_events']}, first {row['first_events']})"
        )
    out += [
        f"  matched pairs {report.matched_pairs}: same mode {_pct(report.mode_agreement)},"
        f" same location {_pct(report.location_agreement)}",
        "",
        "Confusions of the primary type (first -> second: count)",
    ]
    confusions = sorted(
        ((a, b, n) for a, row in report.confusion.items() for b, n in row.items() if n and a != b),
        key=lambda x: (-x[2], x[0], x[1]),
    )
    out += [f"  {a} -> {b}: {n}" for a, b, n in confusions] or ["  none"]
    out += ["", "Confusion matrix (rows: first, columns: second; labels as above, '.' = 0)"]
    short = [label[:4] for label in LABELS]
    out.append("  " + " " * 10 + " ".join(f"{s:>4}" for s in short))
    for a in LABELS:
        row = report.confusion[a]
        out.append(f"  {a:<10}" + " ".join(f"{row[b] or '.':>4}" for b in LABELS))
    out += ["", "Construction tags (both / either -> agreement; diagnostic)"]
    out += [f"  {tag:<26} {row['both']:>3} {row['either']:>3}  {_pct(row['agreement'])}" for tag, row in report.tags.items()]
    out += ["", f"Disagreements ({len(report.disagreements)})"]
    for d in report.disagreements:
        out.append(f"  {d['id']}  [{'; '.join(d['issues'])}]")
        out.append(f"    first:  {_sets(d['first_primary'])}   all: {' '.join(d['first_events']) or '-'}")
        out.append(f"    second: {_sets(d['second_primary'])}   all: {' '.join(d['second_events']) or '-'}")
        out.append(f"    {d['text']}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Agreement between two PLOVER annotation files (guidelines §12.2).")
    parser.add_argument("--first", action="append", required=True, type=Path, metavar="FILE",
                        help="annotator 1 (the reference); repeat to pool samples")  # fmt: skip
    parser.add_argument("--second", action="append", required=True, type=Path, metavar="FILE",
                        help="annotator 2; repeat to pool samples")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    args = parser.parse_args(argv)
    try:
        report = compare(load_files(args.first), load_files(args.second))
    except AnnotationFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) if args.json else render_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
