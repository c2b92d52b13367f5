"""examples/events_consumer.py reads the real topic, drops duplicates and filters."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from common.config import topic
from common.kafka import make_producer, send_all
from tests.event_factories import actor, make_event

pytestmark = pytest.mark.integration
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "events_consumer.py"


def test_example_prints_each_wanted_event_once(isolated_topics: dict[str, str]) -> None:
    assault = make_event(event_id="1" * 32)
    agree = make_event(
        event_id="2" * 32, event_type="AGREE", source=[actor("Syria", "SYR")], target=[actor("Turkey", "TUR")], location=None
    )
    producer = make_producer()
    try:
        send_all(producer, topic("events"), [(e["article_id"], e) for e in (assault, assault, agree)])
    finally:
        producer.close()

    group = f"example-{uuid.uuid4().hex[:8]}"
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), "--topic", topic("events"), "--group", group, "--country", "UKR", "--idle-exit", "5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines == ["2024-05-02 ASSAULT: Russian forces (RUS) -> civilians (UKR) @ Kharkiv | " + assault["sentence"]]

    # Committed: a second run of the same group prints nothing new.
    again = subprocess.run(
        [sys.executable, str(EXAMPLE), "--topic", topic("events"), "--group", group, "--idle-exit", "5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.stdout == ""


def test_seen_ids_forget_the_oldest() -> None:
    spec = importlib.util.spec_from_file_location("events_consumer", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seen = module.SeenIds(size=2)
    assert seen.add("a") and seen.add("b") and not seen.add("a")
    assert seen.add("c")  # evicts b, the least recently seen
    assert seen.add("b")
