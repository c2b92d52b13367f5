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
    first = es.indices.get_index_template(name=f"{es_prefix}-events-v1").body
    assert es_setup.apply_all(es) == es_setup.apply_all(es)
    again = es.indices.get_index_template(name=f"{es_prefix}-events-v1").body
    assert first == again
    template = again["index_templates"][0]["index_template"]
    assert template["index_patterns"] == [f"{es_prefix}-events-v1-*"]
    assert template["composed_of"] == [f"{es_prefix}-settings", f"{es_prefix}-mappings-common"]
    # The composed mapping (and the aliases) are what a new partition gets.
    simulated = es.indices.simulate_index_template(name=f"{es_prefix}-events-v1-2030.01.01").body
    properties = simulated["template"]["mappings"]["properties"]
    assert properties["location"]["properties"]["point"]["type"] == "geo_point"
    assert properties["@timestamp"]["type"] == "date"
    assert properties["sentence"]["analyzer"] == "english"
    assert simulated["template"]["mappings"]["dynamic"] == "strict"
    assert simulated["template"]["settings"]["index"]["number_of_replicas"] == "0"
    assert set(simulated["template"]["aliases"]) == {f"{es_prefix}-events", f"{es_prefix}-events-v1"}


def test_bootstrap_opens_this_month_and_rollover_the_next(es: Elasticsearch, es_prefix: str) -> None:
    month = es_setup.current_month()
    for kind in es_setup.KINDS:
        assert es_setup.alias_indices(es, f"{es_prefix}-{kind}") == [f"{es_prefix}-{kind}-v1-{month}.01"]
    expected = [f"{es_prefix}-events-v1-{m}.01" for m in (month, es_setup.next_month(month))]
    assert es_setup.rollover(es, "events")["opened"] == expected
    assert es_setup.rollover(es, "events")["opened"] == expected  # idempotent
    assert es_setup.alias_indices(es, f"{es_prefix}-events") == expected
    assert es_setup.live_generation(es, "stories") == 1


def test_documents_land_in_the_partition_of_their_own_time_whatever_happens(es: Elasticsearch, es_prefix: str) -> None:
    may = _events(3, "may")
    june = [make_event(event_id="e" * 32, event_date="2024-06-30", published_at="2024-07-01T08:00:00Z")]
    bulk(es, [event_action(e) for e in may + june], refresh=True)
    assert es.count(index=f"{es_prefix}-events-v1-2024.05.01")["count"] == 3
    assert es.count(index=f"{es_prefix}-events-v1-2024.06.01")["count"] == 1
    es_setup.rollover(es, "events")  # a forced "rollover" opens partitions; documents do not move
    bulk(es, [event_action(e) for e in may + june], refresh=True)  # redelivered
    assert es.count(index=f"{es_prefix}-events")["count"] == 4
    # The search alias covers every partition, created on first write with their aliases.
    assert f"{es_prefix}-events-v1-2024.05.01" in es_setup.alias_indices(es, f"{es_prefix}-events")


def test_alias_swap_is_atomic_for_readers(es: Elasticsearch, es_prefix: str) -> None:
    alias = f"{es_prefix}-events"
    bulk(es, [event_action(e) for e in _events(20, "old")], refresh=True)
    gen_alias = es_setup.start_generation(es, "events", 2)
    assert gen_alias == f"{es_prefix}-events-v2"
    assert es_setup.start_generation(es, "events", 2) == gen_alias  # idempotent
    bulk(es, [event_action(e, gen_alias) for e in _events(20, "new")], refresh=True)
    late = [make_event(event_id=hashlib.sha256(f"late-{i}".encode()).hexdigest()[:32], event_date="2024-04-30") for i in range(5)]
    bulk(es, [event_action(e, gen_alias) for e in late], refresh=True)  # the backfill opens another month
    assert es.count(index=alias)["count"] == 20  # readers still see generation 1 only

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

    month = es_setup.current_month()
    assert f"{es_prefix}-events-v1-2024.05.01" in result["previous"]
    assert result["indices"] == [f"{es_prefix}-events-v2-2024.04.01", f"{es_prefix}-events-v2-2024.05.01", f"{es_prefix}-events-v2-{month}.01"]
    assert set(counts) <= {20, 25}, f"readers saw a mixed or empty alias: {sorted(set(counts))}"
    assert len(counts) > 10 and counts[0] == 20 and counts[-1] == 25
    assert es_setup.alias_indices(es, alias) == result["indices"]
    assert es_setup.live_generation(es, "events") == 2
    assert es_setup.generation_templates(es, "events") == {1: False, 2: True}

    # A partition opened after the swap joins the public alias by its template.
    bulk(es, [event_action(make_event(event_id="f" * 32, event_date="2023-01-05"), gen_alias)], refresh=True)
    assert es.count(index=alias)["count"] == 26
    assert f"{es_prefix}-events-v2-2023.01.01" in es_setup.alias_indices(es, alias)

    # Rolling back is swapping to the old generation, which still exists.
    es_setup.swap_alias(es, "events", 1)
    assert es_setup.live_generation(es, "events") == 1
    assert es.count(index=alias)["count"] == 20
    with pytest.raises(ValueError, match="is live"):
        es_setup.drop_generation(es, "events", 1)
    dropped = es_setup.drop_generation(es, "events", 2)
    assert len(dropped) == 4 and es_setup.generation_templates(es, "events") == {1: True}


def test_a_swap_based_on_stale_state_changes_nothing(es: Elasticsearch, es_prefix: str) -> None:
    alias = f"{es_prefix}-events"
    es_setup.start_generation(es, "events", 2)
    before = es_setup.alias_indices(es, alias)
    stale_current = [*before, f"{es_prefix}-articles-v1-{es_setup.current_month()}.01"]  # claims an index the alias lacks
    actions = es_setup.swap_actions("events", 2, stale_current, es_setup.generation_indices(es, "events", 2))
    with pytest.raises(ApiError):
        es.indices.update_aliases(actions=actions)
    assert es_setup.alias_indices(es, alias) == before  # all or nothing


def test_retention_deletes_old_partitions_of_every_generation(es: Elasticsearch, es_prefix: str) -> None:
    old = [make_event(event_id=hashlib.sha256(f"old-{i}".encode()).hexdigest()[:32], event_date="2020-02-10") for i in range(3)]
    bulk(es, [event_action(e) for e in old + _events(2, "recent")], refresh=True)
    es_setup.start_generation(es, "events", 2)
    bulk(es, [event_action(e, f"{es_prefix}-events-v2") for e in old], refresh=True)
    dry = es_setup.apply_retention(es, "events", retention_days=1500, dry_run=True)
    assert dry["deleted"] == [f"{es_prefix}-events-v1-2020.02.01", f"{es_prefix}-events-v2-2020.02.01"]
    assert es.indices.exists(index=f"{es_prefix}-events-v1-2020.02.01")
    done = es_setup.apply_retention(es, "events", retention_days=1500)
    assert done["deleted"] == dry["deleted"]
    assert not es.indices.exists(index=f"{es_prefix}-events-v1-2020.02.01")
    es.indices.refresh(index=f"{es_prefix}-events")
    assert es.count(index=f"{es_prefix}-events")["count"] == 2
    assert es_setup.apply_retention(es, "events", retention_days=1500)["deleted"] == []


def test_the_local_node_has_no_ilm_so_the_templates_carry_no_lifecycle(es: Elasticsearch, es_prefix: str) -> None:
    assert es_setup.ilm_available(es) is False
    settings = es.cluster.get_component_template(name=f"{es_prefix}-settings").body["component_templates"][0]
    assert "lifecycle" not in settings["component_template"]["template"]["settings"]["index"]


def test_mapping_violations_are_rejected_per_item(es: Elasticsearch, es_prefix: str) -> None:
    good = make_event(event_id="1" * 32)
    bad_date = make_event(event_id="2" * 32, published_at="yesterday evening", event_date="2024-05-02")
    bad_number = make_event(event_id="3" * 32, sentence_offsets={"start": 2**40, "end": 2**40 + 80})  # overflows integer
    unknown_field = event_action(make_event(event_id="4" * 32))
    unknown_field["_source"]["mood"] = "tense"
    actions = [event_action(good), event_action(bad_date), event_action(bad_number), unknown_field]
    summary = summarize(streaming_bulk(es, actions, raise_on_error=False, refresh=True))
    assert summary.indexed == {"1" * 32}
    assert set(summary.rejected) == {"2" * 32, "3" * 32, "4" * 32}
    assert summary.rejected["2" * 32].startswith("400 document_parsing_exception")
    assert "published_at" in summary.rejected["2" * 32]
    assert "strict_dynamic_mapping_exception" in summary.rejected["4" * 32]
    assert not summary.retry
    assert es.count(index=f"{es_prefix}-events")["count"] == 1


def test_an_older_story_revision_never_overwrites_a_newer_one(es: Elasticsearch, es_prefix: str) -> None:
    from consumers.indexing.documents import story_action
    from consumers.stories.grouping import Group

    group = Group("ASSAULT")
    first = make_event()
    sid = group.assign(first, 1.0).story_id
    one = group.stories[sid].message()
    group.assign(make_event(event_id="9" * 32, article_id="8" * 32, article_source="other"), 2.0)
    two = group.stories[sid].message()
    summary = summarize(streaming_bulk(es, [story_action(two), story_action(one), story_action(two)], raise_on_error=False, refresh=True))
    assert summary.indexed == {sid} and summary.superseded == {sid} and not summary.rejected
    doc = es.get(index=es_setup.partition_index(f"{es_prefix}-stories-v1", one["occurred_at"]), id=sid)
    assert doc["_version"] == 2 and doc["_source"]["num_mentions"] == 2
