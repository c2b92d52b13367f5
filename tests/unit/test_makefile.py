"""`make test-unit` is what a contributor without a JDK or Maven runs: it must not resolve jars."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_test_unit_needs_no_java_or_maven() -> None:
    # -n prints the recipes instead of running them, -B treats every prerequisite as out of date.
    plan = subprocess.run(["make", "-n", "-B", "test-unit"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "pytest" in plan
    assert "services.py resolve" not in plan and "mvn" not in plan, plan
