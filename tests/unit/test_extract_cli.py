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
    assert proc.returncode == 1
    assert "line 2: invalid JSON" in proc.stderr and "line 4:" in proc.stderr
    assert "2 articles" in proc.stderr  # progress report
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(e["article_id"], e["event_type"]) for e in events] == [("a1", "COOPERATE"), ("a2", "ACCUSE")]
    assert events[1]["article_title"] == "Blame game"


def test_empty_stdin_is_an_error() -> None:
    proc = run_cli([], "")
    assert proc.returncode == 1 and "no text" in proc.stderr
