"""Fixtures for the extractor tests: the real spaCy pipeline, loaded once per test session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SEED_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "seed_article.txt"
SEED_PUBLISHED_AT = "2017-05-12T16:00:00Z"  # a Friday


@pytest.fixture(scope="session")
def nlp() -> Any:
    from consumers.extract.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def extract(nlp: Any) -> Callable[..., list[dict[str, Any]]]:
    """extract(text, published_at=..., article_id=..., title=...) -> schema events."""
    from consumers.extract.pipeline import extract_events

    def run(
        text: str, published_at: str | None = "2024-03-15T12:00:00Z", article_id: str = "test", title: str | None = None
    ) -> list[dict[str, Any]]:
        return extract_events(nlp, text, published_at=published_at, article_id=article_id, title=title)

    return run


@pytest.fixture(scope="session")
def seed_article() -> dict[str, Any]:
    """The seed article as an articles.raw-like message: first line title, the rest body."""
    title, body = SEED_PATH.read_text(encoding="utf-8").split("\n\n", 1)
    return {
        "id": "0" * 31 + "1",
        "title": title,
        "text": body,
        "published_at": SEED_PUBLISHED_AT,
        "url": "https://news.example.org/world/rein-in-assad",
        "canonical_url": "https://news.example.org/world/rein-in-assad",
        "source": "example-wire",
        "authors": ["Staff"],
        "tags": ["world"],
        "fetched_at": "2017-05-12T16:05:00Z",
        "language": "en",
        "near_duplicate_of": None,
    }


@pytest.fixture(scope="session")
def seed_result(nlp: Any, seed_article: dict[str, Any]) -> Any:
    from consumers.extract.pipeline import process_articles

    return next(process_articles(nlp, [seed_article]))
