"""Ingest counts become Prometheus metrics: the report task writes the run's counts per source."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from dags.ingest.tasks import report


def _result(source: str, sent: int, failed: dict[str, int]) -> dict:
    return {
        "source": source, "discovered": 10, "fetched": 8, "new": sent, "duplicate": 2, "near_duplicate": 0,
        "skipped_known_failure": 0, "failed": sum(failed.values()), "failed_by_reason": failed, "sent": sent,
        "dead_lettered": sum(failed.values()), "seconds": {"fetch": 1.5, "total": 2.0},
    }


def _samples(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(path.read_text()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_the_report_task_writes_the_runs_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_METRICS_TEXTFILE_DIR", str(tmp_path))
    report(["demo", "wire", "broken"], [_result("demo", 6, {"http_404": 2}), _result("wire", 3, {})])
    samples = _samples(tmp_path / "news_ingest.prom")
    assert samples[("news_ingest_items", (("outcome", "sent"), ("source", "demo")))] == 6
    assert samples[("news_ingest_items", (("outcome", "sent"), ("source", "wire")))] == 3
    assert samples[("news_ingest_failures", (("reason", "http_404"), ("source", "demo")))] == 2
    assert samples[("news_ingest_seconds", (("phase", "fetch"), ("source", "demo")))] == 1.5
    assert samples[("news_ingest_failed_sources", ())] == 1
    assert samples[("news_ingest_last_run_timestamp_seconds", ())] > 1.7e9


def test_nothing_is_written_unless_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWS_METRICS_TEXTFILE_DIR", raising=False)
    monkeypatch.delenv("NEWS_PUSHGATEWAY_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    report(["demo"], [_result("demo", 1, {})])
    assert not list(tmp_path.iterdir())
