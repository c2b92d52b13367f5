"""At-least-once against the real broker: nothing is marked seen unless Kafka acknowledged it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka.admin import NewTopic
from kafka.errors import KafkaError
from sqlalchemy import select

from common.kafka import make_admin
from dags.ingest.demo_site import serve_demo_site
from dags.ingest.produce import KafkaSink
from dags.ingest.run import run_source
from dags.ingest.seen_store import SeenStore, articles
from dags.ingest.sources import load_config

pytestmark = pytest.mark.integration


@pytest.fixture
def tiny_topic(kafka_available: None) -> Iterator[str]:
    """A topic whose broker-side message limit every article exceeds."""
    name = f"ingest.tiny.{uuid.uuid4().hex[:8]}"
    admin = make_admin()
    admin.create_topics([NewTopic(name, 1, 1, topic_configs={"max.message.bytes": "1024"})])
    try:
        yield name
    finally:
        admin.delete_topics([name])
        admin.close()


def test_rejected_sends_release_their_claims_and_a_later_run_sends_them(
    tiny_topic: str, isolated_topics: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SeenStore(f"sqlite:///{tmp_path / 'seen.db'}")
    with serve_demo_site() as site:
        monkeypatch.setenv("NEWS_DEMO_SITE_URL", site.url)
        config = load_config()
        rejecting = KafkaSink(articles_topic=tiny_topic, dead_letter=tiny_topic)
        with pytest.raises(KafkaError):
            run_source(config.get("demo"), config, store, rejecting)
        rejecting.close()
        with store.engine.connect() as conn:
            assert conn.execute(select(articles.c.article_id)).all() == []  # no sent rows, no stale claims
        assert store.get_validators(config.get("demo").url) is None  # the feed will be read in full again

        working = KafkaSink()  # the private articles.raw of isolated_topics
        counts = run_source(config.get("demo"), config, store, working)
        working.close()
    assert counts.sent == 12 and store.count_sent() == 12
    store.close()
