"""Kafka message -> Elasticsearch document, for events and enriched articles.

Pure and deterministic: the same message always gives the same document, `_id` included,
so redelivered messages overwrite themselves instead of duplicating. Documents keep every
contract field as is (the mappings mirror schemas/) and add derived fields for search
and Kibana.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from common.es import index_name

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
    timestamp = event_timestamp(event)
    if timestamp:
        doc["@timestamp"] = timestamp
    return doc


def article_timestamp(article: dict[str, Any]) -> str | None:
    return article.get("published_at") or article.get("fetched_at") or article.get("extracted_at")


def article_document(article: dict[str, Any]) -> dict[str, Any]:
    """The `_source` of an enriched article."""
    doc = dict(article)
    doc["is_near_duplicate"] = bool(article.get("near_duplicate_of"))
    timestamp = article_timestamp(article)
    if timestamp:
        doc["@timestamp"] = timestamp
    return doc


def event_action(event: dict[str, Any], index: str | None = None) -> dict[str, Any]:
    """A bulk `index` action for an event: `_id` = event_id, into the events write alias."""
    return {"_op_type": "index", "_index": index or index_name("events"), "_id": event["event_id"], "_source": event_document(event)}


def article_action(article: dict[str, Any], index: str | None = None) -> dict[str, Any]:
    """A bulk `index` action for an enriched article: `_id` = article_id."""
    return {
        "_op_type": "index",
        "_index": index or index_name("articles"),
        "_id": article["article_id"],
        "_source": article_document(article),
    }
