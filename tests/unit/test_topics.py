"""infra/topics.yaml: one dead-letter topic per stage that outlives its sources, a contract per
data topic, and min.insync.replicas once topics are replicated."""

from __future__ import annotations

import pytest

from common.config import dead_letter_topic, topic_specs

STAGES = ("ingest", "extractor", "indexer", "alerter")


def _retention(spec) -> int:
    return int(spec.config.get("retention.ms", 7 * 86_400_000))  # the broker default when undeclared


def test_one_dead_letter_topic_per_stage() -> None:
    names = [dead_letter_topic(stage) for stage in STAGES]
    assert len(set(names)) == len(STAGES)


def test_dead_letters_are_kept_at_least_as_long_as_their_sources() -> None:
    specs = {s.logical: s for s in topic_specs()}
    dlqs = [s for s in specs.values() if s.logical.startswith("dlq_") and s.logical != "dlq_ingest"]
    assert dlqs
    for dlq in dlqs:
        assert dlq.sources, f"{dlq.logical} must declare its sources"
        for source in dlq.sources:
            assert _retention(dlq) >= _retention(specs[source]), (dlq.logical, source)


def test_data_topics_name_their_contract() -> None:
    for spec in topic_specs():
        if spec.logical.endswith("_changelog"):
            continue  # a consumer's private state, not a contract
        if not spec.logical.startswith("dlq_") or spec.logical == "dlq_ingest":
            assert spec.schema, spec.logical


@pytest.mark.parametrize(("replication", "expected"), [("1", None), ("3", "2")])
def test_min_insync_replicas_once_replicated(monkeypatch: pytest.MonkeyPatch, replication: str, expected: str | None) -> None:
    monkeypatch.setenv("NEWS_TOPIC_REPLICATION_FACTOR", replication)
    for spec in topic_specs():
        assert spec.config.get("min.insync.replicas") == expected
        assert spec.replication_factor == int(replication)
