"""Integration tests talk to whatever KAFKA_BOOTSTRAP_SERVERS / ELASTICSEARCH_URL name, and
the services they start themselves take free ports: a literal port would test whatever else
listens there (or collide with a neighbour's services on a shared machine)."""

from __future__ import annotations

import re
from pathlib import Path

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"
# A host:port literal, or a *_PORT variable set to a literal number.
PINNED = re.compile(r"(?:127\.0\.0\.1|localhost):\d{2,5}|_PORT\"?\s*[:=,]\s*\"?\d{2,5}")


def test_no_integration_test_pins_a_port() -> None:
    offenders = []
    for path in sorted(INTEGRATION.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PINNED.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert not offenders, "use ELASTICSEARCH_URL / KAFKA_BOOTSTRAP_SERVERS or tests.conftest.free_port():\n" + "\n".join(offenders)
