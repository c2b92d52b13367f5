"""The scoring of `make eval-ingest` (pure functions) and the integrity of the eval set."""

import json

from dags.ingest.evaluate import EVAL_DIR, f1, same_title, tokens


def test_tokens_split_words_and_unspaced_scripts() -> None:
    assert tokens("The cat, the hat.") == {"the": 2, "cat": 1, "hat": 1}
    assert tokens("東京で会議") == {"東": 1, "京": 1, "で": 1, "会": 1, "議": 1}


def test_f1() -> None:
    assert f1("a b c d", "a b c d")[2] == 1.0
    precision, recall, score = f1("a b c d extra words", "a b c d")
    assert recall == 1.0 and round(precision, 3) == 0.667 and round(score, 3) == 0.8
    assert f1("", "a b") == (0.0, 0.0, 0.0)


def test_same_title_ignores_spacing_and_width_only() -> None:
    assert same_title("Xbox One X review:  A console", "Xbox One X review: A console")
    assert same_title("ＣＬ準々決勝", "CL準々決勝")
    assert not same_title("Senate passes budget | CNN", "Senate passes budget")
    assert not same_title(None, "x")


def test_manifest_is_complete_and_licensed() -> None:
    entries = [json.loads(line) for line in (EVAL_DIR / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert len(entries) >= 150 and len({e["id"] for e in entries}) == len(entries)
    assert len({e["url"].split("/")[2] for e in entries}) >= 100  # many publishers
    assert len({e["expected"]["language"] for e in entries}) >= 8  # several countries and languages
    for entry in entries:
        assert entry["source"]["license"] in {"MIT", "Apache-2.0", "MIT OR Apache-2.0"}
        assert entry["source"]["repo"] and entry["source"]["path"] and len(entry["source"]["commit"]) == 40
        assert entry["expected"]["title"] and entry["expected"]["language"]
