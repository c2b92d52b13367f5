"""`python -m consumers.extract` in its two input modes, as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from schemas import validate

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "seed_article.txt"


def run_cli(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "consumers.extract", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )


def test_stdin_plain_text() -> None:
    proc = run_cli(["--published-at", "2017-05-12T16:00:00Z", "--id", "seed"], SEED.read_text(encoding="utf-8"))
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert events
    for event in events:
        validate("event", event)
        assert event["article_id"] == "seed"
    types = {e["event_type"] for e in events}
    assert {"AGREE", "CONSULT", "ASSAULT", "REQUEST"} <= types


def test_jsonl_with_a_bad_line() -> None:
    lines = [
        json.dumps({"id": "a1", "text": "Russia and China staged joint naval drills.", "published_at": "2023-07-21T06:00:00Z"}),
        "{not json",
        json.dumps({"id": "a2", "text": "Moscow accused Kyiv of shelling the plant.", "published_at": None, "title": "Blame game"}),
        json.dumps({"id": "a3", "text": ""}),
    ]
    proc = run_cli(["--jsonl", "--batch-size", "2", "--progress-every", "1"], "\n".join(lines) + "\n")
    assert proc.returncode == 0, "bad lines are reported and skipped; the good ones were coded"
    assert "line 2: invalid JSON" in proc.stderr and "line 4:" in proc.stderr
    assert "2 bad input line(s) skipped" in proc.stderr
    assert "2 articles" in proc.stderr  # progress report
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(e["article_id"], e["event_type"]) for e in events] == [("a1", "COOPERATE"), ("a2", "ACCUSE")]
    assert events[1]["article_title"] == "Blame game"


def test_empty_stdin_is_an_error() -> None:
    proc = run_cli([], "")
    assert proc.returncode == 1 and "no text" in proc.stderr


def test_jsonl_strict_fails_on_a_bad_line_and_nothing_coded_fails() -> None:
    good = json.dumps({"id": "a1", "text": "Russia and China staged joint naval drills.", "published_at": "2023-07-21T06:00:00Z"})
    assert run_cli(["--jsonl", "--strict"], good + "\n{not json\n").returncode == 1
    assert run_cli(["--jsonl"], "{not json\n").returncode == 1


def test_texts_over_the_size_limit_are_skipped_with_a_reason() -> None:
    big = json.dumps({"id": "big", "text": "Talks. " * 200})
    small = json.dumps({"id": "ok", "text": "Moscow accused Kyiv of shelling the plant."})
    proc = run_cli(["--jsonl", "--max-chars", "500"], big + "\n" + small + "\n")
    assert proc.returncode == 0
    assert "line 1: text has 1400 characters, over --max-chars 500" in proc.stderr
    assert {json.loads(line)["article_id"] for line in proc.stdout.splitlines()} == {"ok"}
    proc = run_cli(["--max-chars", "100"], "Talks. " * 50)
    assert proc.returncode == 1 and "over --max-chars 100" in proc.stderr


def test_readme_example_emits_schema_valid_events() -> None:
    proc = run_cli(["--published-at", "2017-05-05"],
                   "Russia, Turkey and Iran agreed on Thursday to set up de-escalation zones in Syria.")
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert events
    for event in events:
        validate("event", event)
