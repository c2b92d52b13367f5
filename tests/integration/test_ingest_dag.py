"""The real news_ingest DAG, run with dag.test() against local HTTP servers and the real Kafka.

Each run is `python -m dags.ingest.run_local` in a child process (Airflow reconfigures logging
process-wide) with a private AIRFLOW_HOME. Each test has private topics (isolated_topics), its
own seen-state database, and reads what the run produced from the offsets recorded before it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import TopicPartition

import schemas
from common.kafka import make_consumer
from dags.ingest.demo_site import serve_demo_site
from dags.ingest.run_local import PROJECT_ROOT
from tests.ingest_badsite import bad_sources_yaml, serve_bad_site

pytestmark = [pytest.mark.integration, pytest.mark.airflow]

SEED_PATH = "/world/2017/05/rein-in-assad-trump-tells-moscow.html"
ORIGINAL_PATH = "/world/2026/11/us-sanctions-iran-oil-shipping-network.html"
COPY_PATH = "/wire/2026/11/washington-targets-iran-oil-tankers.html"


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("airflow")


def run_dag_once(airflow_home: Path) -> dict[str, Any]:
    """One DAG run in a child process with the current environment; its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", "dags.ingest.run_local", "--no-demo-site", "--airflow-home", str(airflow_home)],
        env=os.environ.copy(),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"run_local exited {done.returncode} without a result:\n{done.stderr[-4000:]}")


@pytest.fixture
def ingest_env(
    airflow_home: Path, isolated_topics: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    monkeypatch.setenv("NEWS_SEEN_DB_URL", f"sqlite:///{tmp_path / 'seen.db'}")
    monkeypatch.setenv("NEWS_INGEST_RETRIES", "0")
    monkeypatch.delenv("NEWS_SOURCES_FILE", raising=False)
    yield {**isolated_topics, "airflow_home": str(airflow_home)}


class TopicReader:
    """Reads one topic from the end offsets taken at construction (assign + seek, no group commits)."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.consumer = make_consumer(f"ingest-test-{uuid.uuid4().hex[:8]}", enable_auto_commit=False)
        partitions = self.consumer.partitions_for_topic(topic) or set()
        self.partitions = [TopicPartition(topic, p) for p in sorted(partitions)]
        assert self.partitions, f"topic {topic} does not exist"
        self.consumer.assign(self.partitions)
        self.start = self.consumer.end_offsets(self.partitions)

    def new_records(self) -> list[Any]:
        end = self.consumer.end_offsets(self.partitions)
        for tp in self.partitions:
            self.consumer.seek(tp, self.start[tp])
        records: list[Any] = []
        wanted = sum(end[tp] - self.start[tp] for tp in self.partitions)
        for _ in range(50):
            if len(records) >= wanted:
                break
            for batch in self.consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        self.start = end
        return records

    def close(self) -> None:
        self.consumer.close()


def _messages(records: list[Any]) -> list[dict[str, Any]]:
    import json

    return [json.loads(r.value) for r in records]


def test_demo_run_sends_each_article_once_and_flags_the_syndicated_copy(
    ingest_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = TopicReader(ingest_env["articles_raw"])
    dead_letters = TopicReader(ingest_env["dlq_ingest"])
    with serve_demo_site() as site:
        monkeypatch.setenv("NEWS_DEMO_SITE_URL", site.url)
        first = run_dag_once(Path(ingest_env["airflow_home"]))
        assert first["state"] == "success"
        summary = first["summary"]
        assert set(summary["sources"]) == {"demo", "demo-sitemap", "demo-world", "demo-courier"} and summary["failed_sources"] == []
        totals = summary["totals"]
        assert (totals["sent"], totals["new"], totals["near_duplicate"]) == (13, 12, 1)
        assert totals["failed_by_reason"] == {"robots_disallowed": 1}

        records = articles.new_records()
        messages = _messages(records)
        assert len(messages) == 13
        for record, message in zip(records, messages, strict=True):
            schemas.validate("article", message)
            assert record.key.decode() == message["id"]
        by_path = {m["canonical_url"].removeprefix(site.url): m for m in messages}
        assert by_path[COPY_PATH]["near_duplicate_of"] == by_path[ORIGINAL_PATH]["id"]
        assert by_path[ORIGINAL_PATH]["near_duplicate_of"] is None
        seed = by_path[SEED_PATH]
        assert "Adjust Comment Print" not in seed["text"] and "More news" not in seed["text"]
        assert seed["text"].startswith("Syrian rebels have ruled out respecting the safe zones")

        letters = _messages(dead_letters.new_records())
        assert [(d["reason"], d["origin"]["source"]) for d in letters] == [("robots_disallowed", "demo-world")]
        assert not [p for p in site.requests if p.startswith("/world/drafts/")]

        second = run_dag_once(Path(ingest_env["airflow_home"]))
        assert second["state"] == "success"
        assert second["summary"]["totals"]["sent"] == 0
        assert articles.new_records() == []
    articles.close()
    dead_letters.close()


EXPECTED_BAD = {
    # the feed of the bad site: one item per bad input
    "bad-site": {
        "http_404": 1, "http_500": 1, "timeout": 1, "redirect_loop": 1, "non_html": 1, "too_large": 1,
        "undecodable": 1, "no_text": 1, "robots_disallowed": 1, "blocked_address": 3,
    },
    "bad-broken-feed": {"malformed_feed": 1},
    "bad-empty-feed": {"empty_feed": 1},
    "bad-gone-feed": {"http_404": 1},
    "not-local": {"blocked_address": 1},
}  # fmt: skip


def test_bad_inputs_are_counted_dead_lettered_and_never_stop_the_run(
    ingest_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = TopicReader(ingest_env["articles_raw"])
    dead_letters = TopicReader(ingest_env["dlq_ingest"])
    with serve_bad_site() as site:
        config = tmp_path / "sources.yaml"
        config.write_text(bad_sources_yaml(site.url))
        monkeypatch.setenv("NEWS_SOURCES_FILE", str(config))
        result = run_dag_once(Path(ingest_env["airflow_home"]))

        assert result["state"] == "success"
        summary = result["summary"]
        assert summary["failed_sources"] == []
        assert {name: counts["failed_by_reason"] for name, counts in summary["sources"].items()} == EXPECTED_BAD
        # robots.txt disallow respected; private and other-origin addresses refused before any request
        assert site.requested("/private/") == [] and site.requested("/internal/") == []
        assert site.requested("/feed-nonlocal.xml") == []

    sent = _messages(articles.new_records())
    assert sorted(m["url"].removeprefix(site.url) for m in sent) == [
        "/good.html",
        "/latin1-undeclared.html",
        "/latin1.html",
    ]
    assert any("Affaires étrangères" in m["text"] for m in sent)
    letters = _messages(dead_letters.new_records())
    for letter in letters:
        schemas.validate("dead_letter", letter)
    got = sorted((d["origin"]["source"], d["reason"]) for d in letters)
    expected = sorted(
        (src, reason) for src, reasons in EXPECTED_BAD.items() for reason, n in reasons.items() for _ in range(n)
    )
    assert got == expected
    articles.close()
    dead_letters.close()


def test_a_failing_source_task_does_not_stop_the_others(
    ingest_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The config is edited mid-run so one source's task fails outright (KeyError); the other still
    delivers, the report lists the failed source, and `check` marks the run failed."""
    articles = TopicReader(ingest_env["articles_raw"])
    with serve_bad_site() as site:
        config = tmp_path / "sources.yaml"
        both = f"""
sources:
  - {{name: steady, kind: rss, url: "{site.url}/feed-nonlocal.xml", local: true, rate_limit: {{min_delay_seconds: 0}}}}
  - {{name: vanishing, kind: rss, url: "{site.url}/etag.xml", local: true, rate_limit: {{min_delay_seconds: 0}}}}
"""
        config.write_text(both)
        site.hooks["/feed-nonlocal.xml"] = lambda: config.write_text(both.split("  - {name: vanishing")[0])
        monkeypatch.setenv("NEWS_SOURCES_FILE", str(config))
        result = run_dag_once(Path(ingest_env["airflow_home"]))

    assert result["state"] == "failed"
    summary = result["summary"]
    assert summary["failed_sources"] == ["vanishing"]
    assert summary["sources"]["steady"]["sent"] == 1
    assert [m["url"].removeprefix(site.url) for m in _messages(articles.new_records())] == ["/good.html"]
    articles.close()
