"""Kafka message -> Elasticsearch document, for events, enriched articles and stories.

Pure and deterministic: the same message always gives the same document, `_id` and index
included (the monthly partition of the document's own @timestamp, see common/es_setup.py),
so redelivered and replayed messages overwrite themselves instead of duplicating. Documents
keep every contract field as is (the mappings mirror schemas/) and add derived fields for
search and Kibana.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from common.es_setup import FIRST_GENERATION, generation_alias, partition_index

EVENT_ACTOR_ROLES: tuple[str, ...] = ("source", "target")


def _unique_sorted(values: Iterable[str | None]) -> list[str]:
    return sorted({v for v in values if v})


def event_timestamp(event: dict[str, Any]) -> str | None:
    """When the event happened, as precisely as known: the Kibana time field.

    event_date is a bare date; when it is the publication day, published_at carries the
    same day with a time of day, so it is preferred. Falls back to extraction time so
    that no document is invisible in time-filtered views.
    """
    event_date = event.get("event_date")
    published_at = event.get("published_at")
    if event_date:
        if published_at and published_at[:10] == event_date:
            return published_at
        return event_date
    return published_at or event.get("extracted_at")


def event_actors(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Every actor with its role, in one flat list for 'any actor' filters."""
    actors = [
        {"role": role, "name": actor.get("name"), "country": actor.get("country"), "sector": actor.get("sector")}
        for role in EVENT_ACTOR_ROLES
        for actor in event.get(role) or []
    ]
    speaker = event.get("speaker")
    if speaker:
        actors.append({"role": "speaker", "name": speaker.get("name"), "country": speaker.get("country"), "sector": speaker.get("sector")})
    return actors


def event_document(event: dict[str, Any]) -> dict[str, Any]:
    """The `_source` of an event: the contract fields plus derived search fields."""
    doc = dict(event)
    location = event.get("location")
    if location:
        doc["location"] = {**location, "point": {"lat": location["lat"], "lon": location["lon"]}}
    source_countries = _unique_sorted(a.get("country") for a in event.get("source") or [])
    target_countries = _unique_sorted(a.get("country") for a in event.get("target") or [])
    doc["source_countries"] = source_countries
    doc["target_countries"] = target_countries
    doc["countries"] = _unique_sorted([*source_countries, *target_countries, (location or {}).get("country")])
    doc["actors"] = event_actors(event)
    doc["is_near_duplicate"] = bool(event.get("near_duplicate_of"))
    timestamp = event_timestamp(event)
    if timestamp:
        doc["@timestamp"] = timestamp
    return doc


def article_timestamp(article: dict[str, Any]) -> str | None:
    return article.get("published_at") or article.get("fetched_at") or article.get("extracted_at")


def story_document(story: dict[str, Any]) -> dict[str, Any]:
    """The `_source` of a story: the story.v1 message plus `location.point` and @timestamp (= occurred_at,
    which never changes: a story stays in one partition for life)."""
    doc = dict(story)
    location = story.get("location")
    if location:
        doc["location"] = {**location, "point": {"lat": location["lat"], "lon": location["lon"]}}
    doc["@timestamp"] = story["occurred_at"]
    return doc


def article_document(article: dict[str, Any]) -> dict[str, Any]:
    """The `_source` of an enriched article."""
    doc = dict(article)
    doc["is_near_duplicate"] = bool(article.get("near_duplicate_of"))
    timestamp = article_timestamp(article)
    if timestamp:
        doc["@timestamp"] = timestamp
    return doc


def _generation_prefix(kind: str, target: str | None) -> str:
    return target or generation_alias(kind, FIRST_GENERATION)


def event_action(event: dict[str, Any], target: str | None = None) -> dict[str, Any]:
    """A bulk `index` action for an event: `_id` = event_id, into its monthly partition.

    `target` is a generation's alias ('news-events-v2'); default: generation 1.
    """
    doc = event_document(event)
    return {"_op_type": "index", "_index": partition_index(_generation_prefix("events", target), doc["@timestamp"]), "_id": event["event_id"], "_source": doc}


def article_action(article: dict[str, Any], target: str | None = None) -> dict[str, Any]:
    """A bulk `index` action for an enriched article: `_id` = article_id, into its monthly partition."""
    doc = article_document(article)
    return {
        "_op_type": "index",
        "_index": partition_index(_generation_prefix("articles", target), doc["@timestamp"]),
        "_id": article["article_id"],
        "_source": doc,
    }


def story_action(story: dict[str, Any], target: str | None = None) -> dict[str, Any]:
    """A bulk `index` action for a story: `_id` = story_id, versioned by the story's revision.

    The stories consumer is the only writer of a story and counts its revisions; with
    `external_gte` an older revision arriving late (a retried batch, a zombie indexer) is
    refused with 409 instead of overwriting a newer one, and a repeat of the same revision
    is an idempotent overwrite.
    """
    doc = story_document(story)
    return {
        "_op_type": "index",
        "_index": partition_index(_generation_prefix("stories", target), doc["@timestamp"]),
        "_id": story["story_id"],
        "_source": doc,
        "version": int(story["revision"]),
        "version_type": "external_gte",
    }
