"""articles.raw and ingest dead-letter messages, built to match schemas/ (and validated there)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import schemas
from dags.ingest.discover import iso_utc
from dags.ingest.extract import ExtractedArticle
from dags.ingest.normalise import ID_SCHEME, article_id, content_hash
from dags.ingest.sources import Source

STAGE = "ingest"


def now_iso() -> str:
    return iso_utc(datetime.now(UTC)) or ""


def build_article_message(
    source: Source,
    url: str,
    canonical: str,
    article: ExtractedArticle,
    *,
    near_duplicate_of: str | None = None,
    fetched_at: str | None = None,
    coder_languages: list[str] | None = None,
) -> dict[str, Any]:
    """An articles.raw message (schemas/article.v1.json); raises schemas.SchemaError if it would break the contract."""
    message: dict[str, Any] = {
        "schema_version": 1,
        "id": article_id(canonical),
        "url": url,
        "canonical_url": canonical,
        "source": source.name,
        "source_kind": source.message_kind,
        "tags": list(dict.fromkeys([*source.tags, *article.tags])),
        "title": article.title,
        "text": article.text,
        "summary": article.summary,
        "authors": article.authors,
        "published_at": article.published_at,
        "fetched_at": fetched_at or now_iso(),
        "language": article.language or source.language,
        "content_hash": content_hash(article.text),
        "near_duplicate_of": near_duplicate_of,
        "extraction": article.extraction,
        "id_scheme": ID_SCHEME,
    }
    if coder_languages is not None:
        message["unsupported_language"] = message["language"] not in coder_languages
    schemas.validate("article", message)
    return message


def dead_letter_message(
    reason: str,
    error: str,
    *,
    url: str | None,
    source: str,
    payload: bytes | None = None,
) -> dict[str, Any]:
    """An ingest.dlq message (schemas/dead_letter.v1.json) for a page or feed that failed."""
    encoding, text = "none", None
    if payload:
        try:
            text, encoding = payload.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(payload).decode("ascii"), "base64"
    origin: dict[str, Any] = {"source": source}
    if url:
        origin["url"] = url
    message = {
        "schema_version": 1,
        "stage": STAGE,
        "reason": reason,
        "error": error,
        "failed_at": now_iso(),
        "origin": origin,
        "payload": text,
        "payload_encoding": encoding,
    }
    schemas.validate("dead_letter", message)
    return message
