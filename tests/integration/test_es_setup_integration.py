"""Index templates, write aliases, rollover and generation swaps on the real Elasticsearch."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.helpers import bulk, streaming_bulk

from common import es_setup
from common.es import make_es
from consumers.indexing.bulk import summarize
from consumers.indexing.documents import event_action
from tests.event_factories import make_event

pytestmark = pytest.mark.integration


@pytest.fixture
def es(es_prefix: str) -> Elasticsearch:
    return make_es()


def _events(n: int, tag: str) -> list[dict]:
    return [
        make_event(event_id=hashlib.sha256(f"{tag}-{i}".encode()).hexdigest()[:32], sentence=f"{tag} event number {i}") for i in range(n)
    ]


def test_templates_apply_idempotently(es: Elasticsearch, es_prefix: str) -> None:
    first = es.indices.get_index_template(name=f"{es_prefix}-events").body
    assert es_setup.apply_all(es) == es_setup.apply_all(es)
    again = es.indices.get_index_template(name=f"{es_prefix}-events").body
    assert first == again
    template = again["index_templates"][0]["index_template"]
    assert template["index_patterns"] == [f"{es_prefix}-events-*"]
    assert template["composed_of"] == [f"{es_prefix}-settings", f"{es_prefix}-mappings-common"]
    # The composed mapping is what a new index gets.
    simulated = es.indices.simulate_index_template(name=f"{es_prefix}-events-v9-000001").body
    properties = simulated["template"]["mappings"]["properties"]
    assert properties["location"]["properties"]["point"]["type"] == "geo_point"
    assert properties["@timestamp"]["type"] == "date"
    assert simulated["template"]["mappings"]["dynamic"] == "strict"
    assert simulated["template"]["settings"]["index"]["number_of_replicas"] == "0"


def test_write_alias_is_created_once_and_rolls_over(es: Elasticsearch, es_prefix: str) -> None:
    alias = f"{es_prefix}-events"
    first = f"{es_prefix}-events-v1-000001"
    assert es_setup.ensure_write_aliases(es) == {"events": first, "articles": f"{es_prefix}-articles-v1-000001"}
    assert es_setup.ensure_write_aliases(es)["events"] == first  # idempotent

    bulk(es, [event_action(e) for e in _events(3, "a")], require_alias=True, refresh=True)
    not_yet = es_setup.rollover(es, "events", max_docs=10)
    assert not_yet["rolled_over"] is False
    assert es_setup.alias_indices(es, alias) == {first: True}

    rolled = es_setup.rollover(es, "events", max_docs=3, max_age="30d")
    assert rolled["rolled_over"] is True
    assert (rolled["old_index"], rolled["new_index"]) == (first, f"{es_prefix}-events-v1-000002")
    assert es_setup.alias_indices(es, alias) == {first: False, rolled["new_index"]: True}

    bulk(es, [event_action(e) for e in _events(2, "b")], require_alias=True, refresh=True)
    assert es.count(index=alias)["count"] == 5  # reads span both indices
    assert es.count(index=rolled["new_index"])["count"] == 2  # writes go to the new one
    assert es_setup.ensure_write_aliases(es)["events"] == rolled["new_index"]


def test_alias_swap_is_atomic_for_readers(es: Elasticsearch, es_prefix: str) -> None:
    alias = f"{es_prefix}-events"
    bulk(es, [event_action(e) for e in _events(20, "old")], require_alias=True, refresh=True)
    gen_alias = es_setup.start_generation(es, "events", 2)
    assert gen_alias == f"{es_prefix}-events-v2"
    assert es_setup.start_generation(es, "events", 2) == gen_alias  # idempotent
    bulk(es, [event_action(e, gen_alias) for e in _events(20, "new")], require_alias=True, refresh=True)
    es_setup.rollover(es, "events", generation=2)  # the backfill may roll over too
    bulk(es, [event_action(e, gen_alias) for e in _events(5, "later")], require_alias=True, refresh=True)

    counts: list[int] = []
    stop = threading.Event()

    def read() -> None:
        reader = make_es()
        while not stop.is_set():
            counts.append(reader.count(index=alias, query={"match_all": {}})["count"])

    thread = threading.Thread(target=read)
    thread.start()
    try:
        time.sleep(0.3)
        result = es_setup.swap_alias(es, "events", 2)
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()

    assert result["previous"] == [f"{es_prefix}-events-v1-000001"]
    assert result["indices"] == [f"{es_prefix}-events-v2-000001", f"{es_prefix}-events-v2-000002"]
    assert set(counts) <= {20, 25}, f"readers saw a mixed or empty alias: {sorted(set(counts))}"
    assert len(counts) > 10 and counts[0] == 20 and counts[-1] == 25
    assert es_setup.alias_indices(es, alias) == {f"{es_prefix}-events-v2-000001": False, f"{es_prefix}-events-v2-000002": True}
    assert es_setup.alias_indices(es, gen_alias) == {}
    assert es_setup.live_generation(es, "events") == 2

    # The live indexer keeps writing through the public alias, now into generation 2.
    bulk(es, [event_action(e) for e in _events(1, "live")], require_alias=True, refresh=True)
    assert es.count(index=f"{es_prefix}-events-v2-000002")["count"] == 6

    # Rolling back is swapping to the old generation, which still exists.
    es_setup.swap_alias(es, "events", 1)
    assert es_setup.live_generation(es, "events") == 1
    with pytest.raises(ValueError, match="is live"):
        es_setup.drop_generation(es, "events", 1)
    assert es_setup.drop_generation(es, "events", 2) == [f"{es_prefix}-events-v2-000001", f"{es_prefix}-events-v2-000002"]


def test_a_swap_based_on_stale_state_changes_nothing(es: Elasticsearch, es_prefix: str) -> None:
    alias = f"{es_prefix}-events"
    es_setup.start_generation(es, "events", 2)
    before = es_setup.alias_indices(es, alias)
    stale_current = {**before, f"{es_prefix}-articles-v1-000001": False}  # claims an index the alias lacks
    actions = es_setup.swap_actions(
        "events", 2, stale_current, es_setup.generation_indices(es, "events", 2), es_setup.alias_indices(es, f"{es_prefix}-events-v2")
    )
    with pytest.raises(ApiError):
        es.indices.update_aliases(actions=actions)
    assert es_setup.alias_indices(es, alias) == before  # all or nothing


def test_mapping_violations_are_rejected_per_item(es: Elasticsearch, es_prefix: str) -> None:
    good = make_event(event_id="1" * 32)
    bad_date = make_event(event_id="2" * 32, published_at="yesterday evening", event_date=None)
    bad_number = make_event(event_id="3" * 32, sentence_offsets={"start": 2**40, "end": 2**40 + 80})  # overflows integer
    unknown_field = event_action(make_event(event_id="4" * 32))
    unknown_field["_source"]["mood"] = "tense"
    actions = [event_action(good), event_action(bad_date), event_action(bad_number), unknown_field]
    summary = summarize(streaming_bulk(es, actions, raise_on_error=False, require_alias=True, refresh=True))
    assert summary.indexed == {"1" * 32}
    assert set(summary.rejected) == {"2" * 32, "3" * 32, "4" * 32}
    assert summary.rejected["2" * 32].startswith("400 document_parsing_exception")
    assert "published_at" in summary.rejected["2" * 32]
    assert "strict_dynamic_mapping_exception" in summary.rejected["4" * 32]
    assert not summary.retry
    assert es.count(index=f"{es_prefix}-events")["count"] == 1


def test_writes_never_create_an_index_where_the_alias_should_be(es: Elasticsearch, es_prefix: str) -> None:
    missing = f"{es_prefix}-nothing"
    summary = summarize(streaming_bulk(es, [event_action(make_event(), missing)], raise_on_error=False, require_alias=True))
    assert next(iter(summary.retry.values())).startswith("404")
    assert not es.indices.exists(index=missing)
