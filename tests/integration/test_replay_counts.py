"""Counts in Elasticsearch survive a replay of articles.raw after a forced rollover.

The whole stream on the real services: articles.raw -> extractor (spaCy) -> stories consumer
-> indexer -> Elasticsearch. Then every partition is rolled over by force and articles.raw
is replayed from its start by a new extractor group, as a reprocessing with the same model
would: every event, story and article reaches Elasticsearch a second time. Nothing may move.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from common import es_setup
from common.config import topic
from common.es import index_name, make_es
from common.kafka import make_producer, send_all
from consumers.extractor import Extractor
from consumers.indexer import Indexer
from consumers.stories.consumer import StoriesAggregator, StoriesRouter, run_both
from tests.kafka_io import topic_size

pytestmark = pytest.mark.integration

WIRE = (
    "Russian drones struck a grain terminal in the port of Odesa overnight, Ukrainian officials said on Sunday. "
    "Russian forces hit the terminal with more than 30 drones, and two workers were killed, the regional governor said. "
    "Kyiv urged the United Nations to condemn the strikes on the port."
)
DAILY = (
    "Russia attacked Odesa's grain terminal with drones on Sunday, killing two workers, Ukraine said. "
    "Russia's defence ministry said its forces had struck military warehouses near Odesa. "
    "Turkey offered to host talks between Kyiv and Moscow on the safety of shipping."
)


def _article(n: int, outlet: str, text: str, near_duplicate_of: str | None = None) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "id": f"{n:032x}",
        "url": f"https://{outlet}.example.org/2026/11/22/odesa-{n}",
        "canonical_url": f"https://{outlet}.example.org/2026/11/22/odesa-{n}",
        "source": outlet,
        "source_kind": "rss",
        "tags": [],
        "title": "Drones hit Odesa",
        "text": text,
        "summary": None,
        "authors": [],
        "published_at": f"2026-11-22T0{6 + n}:00:00Z",
        "fetched_at": f"2026-11-22T0{6 + n}:05:00Z",
        "language": "en",
        "content_hash": f"sha256:{n:064x}",
        "near_duplicate_of": near_duplicate_of,
        "extraction": "fixture",
    }


def _snapshot(es: Elasticsearch) -> dict[str, Any]:
    """Every count an analyst could read off the indices."""
    es.indices.refresh(index=",".join(index_name(k) for k in es_setup.KINDS))
    counts: dict[str, Any] = {kind: es.count(index=index_name(kind))["count"] for kind in es_setup.KINDS}
    events = es.search(
        index=index_name("events"),
        size=0,
        aggs={
            "types": {"terms": {"field": "event_type", "size": 20}},
            "stories": {"cardinality": {"field": "story_id"}},
            "outlets": {"terms": {"field": "article_source"}},
        },
    )["aggregations"]
    counts["events_by_type"] = {b["key"]: b["doc_count"] for b in events["types"]["buckets"]}
    counts["events_by_outlet"] = {b["key"]: b["doc_count"] for b in events["outlets"]["buckets"]}
    counts["stories_of_events"] = events["stories"]["value"]
    stories = es.search(index=index_name("stories"), size=1000)["hits"]["hits"]
    counts["stories"] = {
        h["_id"]: (h["_source"]["num_mentions"], h["_source"]["num_articles"], h["_source"]["num_sources"], h["_source"]["num_copies"])
        for h in stories
    }
    counts["story_revisions"] = {h["_id"]: h["_source"]["revision"] for h in stories}
    counts["story_ids_of_events"] = sorted(
        (h["_id"], h["_source"].get("story_id")) for h in es.search(index=index_name("events"), size=1000)["hits"]["hits"]
    )
    return counts


def _run_pipeline(extractor_group: str, stories_group: str, indexer_group: str) -> None:
    Extractor(group_id=extractor_group, batch_timeout_s=0.3).run(stop_when_idle_s=3)
    run_both(
        router=StoriesRouter(group_id=f"{stories_group}-router", batch_timeout_s=0.3),
        aggregator=StoriesAggregator(group_id=stories_group, batch_timeout_s=0.3),
        stop_when_idle_s=3,
    )
    Indexer(group_id=indexer_group, batch_timeout_s=0.3).run(stop_when_idle_s=3)


def test_replaying_articles_after_a_forced_rollover_changes_no_count(isolated_topics: dict[str, str], es_prefix: str) -> None:
    articles = [_article(1, "wire", WIRE), _article(2, "daily", DAILY), _article(3, "reprint", WIRE + " ", near_duplicate_of=f"{1:032x}")]
    producer = make_producer()
    try:
        send_all(producer, topic("articles_raw"), [(a["id"], a) for a in articles])
    finally:
        producer.close()
    tag = uuid.uuid4().hex[:8]
    _run_pipeline(f"extractor-{tag}", f"stories-{tag}", f"indexer-{tag}")
    es = make_es()
    before = _snapshot(es)
    assert before["articles"] == 3 and before["events"] >= 6
    assert any(n_sources == 2 and n_copies == 1 for _, _, n_sources, n_copies in before["stories"].values()), before["stories"]
    events_sent = topic_size(topic("events"))

    for kind in es_setup.KINDS:
        es_setup.rollover(es, kind)  # forced: the next partitions exist, whatever the conditions
    # The replay: a new extractor group reads articles.raw from the start; the stories consumer
    # and the indexer go on (the stories aggregator is a new process: it restores its state).
    _run_pipeline(f"extractor-replay-{tag}", f"stories-{tag}", f"indexer-{tag}")

    assert topic_size(topic("events")) == 2 * events_sent, "the replay must have sent every event again"
    after = _snapshot(es)
    assert after == before
