from __future__ import annotations

import copy

import pytest

from common.es_setup import merged_mappings
from consumers.indexing.documents import (
    article_action,
    article_document,
    event_action,
    event_document,
    event_timestamp,
    story_action,
    story_document,
)
from consumers.stories.grouping import Group
from schemas import validate
from tests.event_factories import actor, make_enriched_article, make_event
from tests.mapping_helpers import document_paths, mapped_fields


def test_samples_honour_the_contracts() -> None:
    validate("event", make_event())
    validate("enriched_article", make_enriched_article())


def test_event_action_is_keyed_by_event_id_into_the_partition_of_its_own_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_INDEX_PREFIX", "news")
    event = make_event()  # event_date 2024-05-02
    action = event_action(event)
    assert action["_id"] == event["event_id"]
    assert action["_index"] == "news-events-v1-2024.05.01"
    assert action["_op_type"] == "index"
    assert event_action(event, "news-events-v2")["_index"] == "news-events-v2-2024.05.01"
    # A copy extracted, published or delivered later still lands in the same partition.
    later = make_event(extracted_at="2024-07-30T00:00:00Z", published_at="2024-06-01T00:00:00+02:00")
    assert event_action(later)["_index"] == action["_index"]
    # Offsets are read in UTC: late on 31 May in New York is June.
    june = make_event(event_date=None, published_at="2024-05-31T22:30:00-04:00")
    assert event_action(june)["_index"] == "news-events-v1-2024.06.01"


def test_story_action_is_versioned_by_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_INDEX_PREFIX", "news")
    story = _story()
    action = story_action(story)
    assert (action["_id"], action["version"], action["version_type"]) == (story["story_id"], story["revision"], "external_gte")
    assert action["_index"] == "news-stories-v1-2024.05.01"
    assert action["_source"]["@timestamp"] == story["occurred_at"]
    assert action["_source"]["location"]["point"] == {"lat": 49.98, "lon": 36.25}


def test_event_document_adds_derived_fields_and_keeps_the_contract() -> None:
    event = make_event(
        source=[actor("Russian forces", "RUS", "MIL"), actor("Wagner", "RUS", "REB"), actor("NATO", "IGO", "IGO")],
        target=[actor("civilians", "UKR", "CVL"), actor("unknown", None, None)],
    )
    original = copy.deepcopy(event)
    doc = event_document(event)

    assert event == original, "the message must not be mutated"
    for key, value in original.items():
        if key != "location":
            assert doc[key] == value
    assert doc["is_near_duplicate"] is False
    assert doc["location"]["point"] == {"lat": 49.98, "lon": 36.25}
    assert doc["location"]["name"] == "Kharkiv"
    assert doc["source_countries"] == ["IGO", "RUS"]
    assert doc["target_countries"] == ["UKR"]
    assert doc["countries"] == ["IGO", "RUS", "UKR"]
    assert doc["actors"] == [
        {"role": "source", "name": "Russian forces", "country": "RUS", "sector": "MIL"},
        {"role": "source", "name": "Wagner", "country": "RUS", "sector": "REB"},
        {"role": "source", "name": "NATO", "country": "IGO", "sector": "IGO"},
        {"role": "target", "name": "civilians", "country": "UKR", "sector": "CVL"},
        {"role": "target", "name": "unknown", "country": None, "sector": None},
        {"role": "speaker", "name": "officials", "country": "UKR", "sector": "GOV"},
    ]


def test_event_document_is_deterministic() -> None:
    assert event_document(make_event()) == event_document(make_event())
    assert event_action(make_event(), "i") == event_action(make_event(), "i")


def test_location_country_counts_in_countries_and_missing_location_is_fine() -> None:
    doc = event_document(make_event(location={"name": "Istanbul", "country": "TUR", "lat": 41.0, "lon": 28.97}))
    assert doc["countries"] == ["RUS", "TUR", "UKR"]
    doc = event_document(make_event(location=None))
    assert doc["location"] is None
    assert doc["countries"] == ["RUS", "UKR"]


@pytest.mark.parametrize(
    ("event_date", "published_at", "extracted_at", "expected"),
    [
        ("2024-05-02", "2024-05-03T09:15:00Z", "2024-05-03T09:20:00Z", "2024-05-02"),
        ("2024-05-03", "2024-05-03T09:15:00Z", "2024-05-03T09:20:00Z", "2024-05-03T09:15:00Z"),
        (None, "2024-05-03T09:15:00Z", "2024-05-03T09:20:00Z", "2024-05-03T09:15:00Z"),
        (None, None, "2024-05-03T09:20:00Z", "2024-05-03T09:20:00Z"),
        (None, None, None, None),
    ],
)
def test_timestamp_prefers_event_date_then_publication(event_date, published_at, extracted_at, expected) -> None:
    event = make_event(event_date=event_date, published_at=published_at, extracted_at=extracted_at)
    assert event_timestamp(event) == expected
    doc = event_document(event)
    assert doc.get("@timestamp") == expected


def test_article_document_and_action(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_INDEX_PREFIX", "news")
    article = make_enriched_article()
    action = article_action(article)
    assert action["_id"] == article["article_id"]
    assert action["_index"] == "news-articles-v1-2024.05.01"
    doc = action["_source"]
    assert doc["@timestamp"] == "2024-05-03T09:15:00Z"
    assert doc["is_near_duplicate"] is False
    assert doc["title"] == article["title"]
    copy_doc = article_document(make_enriched_article(near_duplicate_of="f" * 32, published_at=None))
    assert copy_doc["is_near_duplicate"] is True
    assert copy_doc["@timestamp"] == "2024-05-03T09:17:00Z"


def test_documents_only_use_mapped_fields() -> None:
    # dynamic: strict would reject anything else; catch it here rather than in the DLQ.
    event_fields = mapped_fields(merged_mappings("events", "news"))
    assert document_paths(event_document(make_event())) <= set(event_fields)
    article_fields = mapped_fields(merged_mappings("articles", "news"))
    assert document_paths(article_document(make_enriched_article())) <= set(article_fields)
    story_fields = mapped_fields(merged_mappings("stories", "news"))
    assert document_paths(story_document(_story())) <= set(story_fields)


def _story() -> dict:
    group = Group("ASSAULT")
    sid = group.assign(make_event(), 1.0).story_id
    assert sid is not None
    story = group.stories[sid].message()
    validate("story", story)
    return story
