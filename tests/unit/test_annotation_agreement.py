"""tools.annotation_agreement: the §12.2 agreement measures on small hand-checked cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tools.annotation_agreement import (
    NONE,
    AnnotationFileError,
    cohen_kappa,
    compare,
    country_set,
    jaccard,
    main,
    match_events,
    parse_records,
    per_label_agreement,
    primary_label,
)


def actor(country: str | None, text: str = "x", sector: str | None = "GOV") -> dict[str, Any]:
    return {"text": text, "country": country, "sector": sector}


def event(kind: str, trigger: str, source: list[str | None] = (), target: list[str | None] = (), **extra: Any) -> dict[str, Any]:
    return {"event_type": kind, "mode": extra.get("mode"), "trigger": trigger,
            "source": [actor(c) for c in source], "target": [actor(c) for c in target],
            "location_country": extra.get("location")}  # fmt: skip


def record(rid: str, text: str, *events: dict[str, Any], tags: list[str] | None = None) -> dict[str, Any]:
    return {"id": rid, "published_at": "2024-01-01T00:00:00Z", "text": text, "events": list(events),
            "constructions": tags if tags is not None else ([] if events else ["no_event"]), "notes": ""}  # fmt: skip


def by_id(*records: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records}


# ------------------------------------------------------------------ Cohen's kappa


def test_kappa_two_labels_hand_checked() -> None:
    # 10 items; first: 5 Y then 5 N; second disagrees on items 5 and 10.
    first = ["Y"] * 5 + ["N"] * 5
    second = ["Y"] * 4 + ["N"] + ["N"] * 4 + ["Y"]
    k = cohen_kappa(list(zip(first, second)))
    # p_o = 8/10; p_e = .5*.5 + .5*.5 = .5; kappa = (.8 - .5) / .5 = .6
    assert k.n == 10
    assert k.observed == pytest.approx(0.8)
    assert k.expected == pytest.approx(0.5)
    assert k.kappa == pytest.approx(0.6)


def test_kappa_unbalanced_marginals_hand_checked() -> None:
    # 2x2 table: yes/yes 20, yes/no 5, no/yes 10, no/no 15 (N = 50).
    pairs = [("Y", "Y")] * 20 + [("Y", "N")] * 5 + [("N", "Y")] * 10 + [("N", "N")] * 15
    k = cohen_kappa(pairs)
    # p_o = 35/50 = .7; first says Y 25 times, second 30 times: p_e = .5*.6 + .5*.4 = .5
    assert k.observed == pytest.approx(0.7)
    assert k.expected == pytest.approx(0.5)
    assert k.kappa == pytest.approx(0.4)


def test_kappa_three_labels_hand_checked() -> None:
    pairs = [("ASSAULT", "ASSAULT"), ("ASSAULT", "ASSAULT"), ("ACCUSE", "ASSAULT"), ("ACCUSE", "ACCUSE"),
             (NONE, NONE), (NONE, "ACCUSE")]  # fmt: skip
    k = cohen_kappa(pairs)
    # p_o = 4/6; first: ASSAULT 2, ACCUSE 2, NONE 2; second: ASSAULT 3, ACCUSE 2, NONE 1
    # p_e = (2*3 + 2*2 + 2*1) / 36 = 12/36 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5
    assert k.expected == pytest.approx(1 / 3)
    assert k.kappa == pytest.approx(0.5)


def test_kappa_perfect_and_inverted() -> None:
    assert cohen_kappa([("A", "A"), ("B", "B"), ("C", "C")]).kappa == pytest.approx(1.0)
    # Always swapped on two balanced labels: p_o = 0, p_e = .5 -> kappa = -1.
    assert cohen_kappa([("A", "B"), ("B", "A")]).kappa == pytest.approx(-1.0)


def test_kappa_undefined_when_both_use_one_label() -> None:
    k = cohen_kappa([(NONE, NONE)] * 3)
    assert k.observed == 1.0 and k.expected == 1.0 and k.kappa is None


def test_kappa_needs_items() -> None:
    with pytest.raises(ValueError):
        cohen_kappa([])


def test_per_label_agreement_counts_either_and_both() -> None:
    rows = per_label_agreement([("ASSAULT", "ASSAULT"), ("ASSAULT", "ACCUSE"), ("ACCUSE", "ACCUSE")])
    assert rows["ASSAULT"] == {"first": 2, "second": 1, "both": 1, "either": 2, "agreement": 0.5}
    assert rows["ACCUSE"]["both"] == 1 and rows["ACCUSE"]["either"] == 2
    assert "AGREE" not in rows  # labels nobody used are left out


# ------------------------------------------------------------------ sentence helpers


def test_primary_label_is_first_event_or_none() -> None:
    assert primary_label(record("t-1", "x", event("ACCUSE", "said"), event("ASSAULT", "shot"))) == "ACCUSE"
    assert primary_label(record("t-2", "x")) == NONE


def test_country_set_ignores_nulls_and_duplicates() -> None:
    assert country_set([actor("ARM"), actor("AZE"), actor(None), actor("ARM")]) == {"ARM", "AZE"}
    assert jaccard(frozenset({"ARM", "AZE"}), frozenset({"ARM"})) == pytest.approx(0.5)
    assert jaccard(frozenset(), frozenset()) == 1.0
    assert jaccard(frozenset({"RUS"}), frozenset()) == 0.0


def test_matching_prefers_overlapping_triggers_then_source_countries() -> None:
    text = "Police arrested 14 protesters and charged them, then arrested a journalist."
    first = [event("COERCE", "arrested a journalist", ["KEN"]), event("COERCE", "arrested 14", ["KEN"])]
    second = [event("COERCE", "arrested 14 protesters", ["KEN"])]
    # Overlap is by position in the text: "arrested a journalist" is the second "arrested" and does
    # not overlap "arrested 14 protesters", so the second event of the first annotator is paired,
    # although it is listed later and has the same type and source countries.
    assert match_events(text, first, second) == [(1, 0)]
    # Different trigger wording, same type and same source countries: paired in the second pass.
    a = [event("ASSAULT", "clashed", ["SDN"])]
    b = [event("ASSAULT", "fighting", ["SDN"])]
    assert match_events("Troops clashed; the fighting went on.", a, b) == [(0, 0)]
    # Same trigger but different types never match.
    assert match_events("Kiev said troops shelled it.", [event("ACCUSE", "said")], [event("ASSAULT", "said")]) == []


def test_matching_is_one_to_one() -> None:
    text = "A attacked B and C attacked D."
    first = [event("ASSAULT", "attacked", ["AAA"]), event("ASSAULT", "attacked", ["CCC"])]
    second = [event("ASSAULT", "attacked", ["AAA"])]
    assert len(match_events(text, first, second)) == 1


# ------------------------------------------------------------------ compare


def sample() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    first = by_id(
        record("t-1", "Syria said Israeli jets struck Homs.", event("ACCUSE", "said", ["SYR"], ["ISR"])),
        record("t-2", "Russia and Ukraine swapped prisoners and the UAE mediated.",
               event("RETREAT", "swapped", ["RUS", "UKR"]), event("CONSULT", "mediated", ["ARE"], ["RUS", "UKR"])),
        record("t-3", "Oxfam delivered water to displaced people in Beira.", event("AID", "delivered", [None], ["MOZ"])),
        record("t-4", "Floods killed 30."),
        record("t-5", "Only in the first file."),
    )  # fmt: skip
    second = by_id(
        record("t-1", "Syria said Israeli jets struck Homs.", event("ASSAULT", "struck", ["ISR"], ["SYR"])),
        record("t-2", "Russia and Ukraine swapped prisoners and the UAE mediated.",
               event("RETREAT", "swapped prisoners", ["RUS"])),
        record("t-3", "Oxfam delivered water to displaced people in Beira.", event("AID", "delivered", [None], ["MOZ"])),
        record("t-4", "Floods killed 30."),
    )  # fmt: skip
    return first, second


def test_compare_primary_type_and_countries() -> None:
    report = compare(*sample())
    assert report.shared == 4 and report.only_first == ["t-5"] and report.only_second == []
    # labels: (ACCUSE, ASSAULT), (RETREAT, RETREAT), (AID, AID), (NONE, NONE): p_o = 3/4
    # first: ACCUSE, RETREAT, AID, NONE; second: ASSAULT, RETREAT, AID, NONE
    # p_e = (1*1 + 1*1 + 1*1) / 16 = 3/16; kappa = (12/16 - 3/16) / (13/16) = 9/13
    assert report.kappa.observed == pytest.approx(0.75)
    assert report.kappa.kappa == pytest.approx(9 / 13)
    assert report.confusion["ACCUSE"]["ASSAULT"] == 1 and report.confusion["AID"]["AID"] == 1
    # same primary type on t-2, t-3, t-4; source sets {RUS,UKR} vs {RUS} differ on t-2.
    c = report.countries
    assert c["sentences_same_primary_type"] == 3
    assert c["source_exact"] == pytest.approx(2 / 3)
    assert c["source_mean_jaccard"] == pytest.approx((0.5 + 1 + 1) / 3)
    assert c["target_exact"] == pytest.approx(1.0)


def test_compare_event_level_scores() -> None:
    report = compare(*sample())
    # first has 1 + 2 + 1 = 4 events on shared ids, second 1 + 1 + 1 = 3.
    # matched: t-2 RETREAT (overlapping triggers), t-3 AID -> tp 2 on type.
    t = report.events_type
    assert (t["tp"], t["first_events"], t["second_events"]) == (2, 4, 3)
    assert t["precision"] == pytest.approx(2 / 3)
    assert t["recall"] == pytest.approx(0.5)
    assert t["f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    # full triple: the t-2 pair differs in source countries, only t-3 counts.
    assert report.events_triple["tp"] == 1
    assert report.events_triple["precision"] == pytest.approx(1 / 3)


def test_compare_lists_each_disagreement_with_its_reason() -> None:
    report = compare(*sample())
    issues = {d["id"]: d["issues"] for d in report.disagreements}
    assert issues == {
        "t-1": ["primary type", "unmatched events"],
        "t-2": ["primary source countries", "unmatched events"],
    }
    t1 = next(d for d in report.disagreements if d["id"] == "t-1")
    assert t1["first_primary"]["type"] == "ACCUSE" and t1["second_primary"]["source"] == ["ISR"]


def test_compare_flags_country_differences_of_secondary_events() -> None:
    text = "Police detained dozens as thousands rallied outside parliament."
    first = by_id(record("t-1", text, event("COERCE", "detained", ["GEO"]), event("PROTEST", "rallied", ["GEO"], ["GEO"])))
    second = by_id(record("t-1", text, event("COERCE", "detained", ["GEO"]), event("PROTEST", "rallied", ["GEO"])))
    report = compare(first, second)
    assert report.events_type["tp"] == 2 and report.events_triple["tp"] == 1
    assert [d["issues"] for d in report.disagreements] == [["countries of matched event PROTEST"]]


def test_compare_mode_location_and_tags() -> None:
    first = by_id(record("t-1", "Police detained five in Harare.",
                         event("COERCE", "detained", ["ZWE"], ["ZWE"], mode="arrest", location="ZWE"),
                         tags=["location_implied_country"]))  # fmt: skip
    second = by_id(record("t-1", "Police detained five in Harare.",
                          event("COERCE", "detained", ["ZWE"], ["ZWE"], mode="restrict", location="ZWE"),
                          tags=["location_implied_country", "passive"]))  # fmt: skip
    report = compare(first, second)
    assert report.mode_agreement == 0.0 and report.location_agreement == 1.0
    assert report.tags["location_implied_country"]["agreement"] == 1.0
    assert report.tags["passive"] == {"both": 0, "either": 1, "agreement": 0.0}
    assert report.disagreements == []  # modes and tags alone are not disagreements to adjudicate


def test_compare_without_shared_ids_is_an_error() -> None:
    with pytest.raises(AnnotationFileError, match="share no id"):
        compare(by_id(record("a-1", "x")), by_id(record("b-1", "x")))


# ------------------------------------------------------------------ files and CLI


def test_parse_records_reports_the_bad_line() -> None:
    good = json.dumps(record("t-1", "x"))
    with pytest.raises(AnnotationFileError, match=r"f\.jsonl:2: not valid JSON"):
        parse_records([good, "{oops"], "f.jsonl")
    with pytest.raises(AnnotationFileError, match="duplicate id"):
        parse_records([good, good], "f.jsonl")
    with pytest.raises(AnnotationFileError, match="16 categories"):
        parse_records([json.dumps(record("t-2", "x", event("FIGHT", "fought")))], "f.jsonl")


def write_jsonl(path: Path, records: dict[str, dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records.values()), encoding="utf-8")
    return path


def test_cli_json_output_and_pooling(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = sample()
    f1 = write_jsonl(tmp_path / "first.jsonl", {k: v for k, v in first.items() if k in ("t-1", "t-2")})
    f2 = write_jsonl(tmp_path / "first2.jsonl", {k: v for k, v in first.items() if k not in ("t-1", "t-2")})
    s1 = write_jsonl(tmp_path / "second.jsonl", second)
    assert main(["--first", str(f1), "--first", str(f2), "--second", str(s1), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["shared_ids"] == 4 and out["only_first_count"] == 1
    assert out["primary_type"]["kappa"] == pytest.approx(9 / 13)
    assert len(out["primary_type"]["confusion_matrix"]) == 17
    assert [d["id"] for d in out["disagreements"]] == ["t-1", "t-2"]


def test_cli_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = sample()
    assert main(["--first", str(write_jsonl(tmp_path / "a.jsonl", first)),
                 "--second", str(write_jsonl(tmp_path / "b.jsonl", second))]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "Cohen's kappa      0.692" in out
    assert "ACCUSE -> ASSAULT: 1" in out
    assert "t-1  [primary type; unmatched events]" in out
    matrix_row = next(line for line in out.splitlines() if line.startswith("  ACCUSE    "))
    assert matrix_row.split()[1:] == ["."] * 15 + ["1", "."]  # first ACCUSE, second ASSAULT


def test_cli_reports_unreadable_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "t-1"}\n', encoding="utf-8")
    assert main(["--first", str(bad), "--second", str(bad)]) == 2
    assert "needs the keys id, events" in capsys.readouterr().err
