"""Dead letters: the original record plus error context in headers, Kafka Connect style.

A consumer stage dead-letters a record by producing it to its stage's DLQ topic
(`<stage>.dlq`, see infra/topics.yaml) with the original key, value and headers untouched,
plus these headers (values UTF-8):

    __news.errors.topic                 where the record was read
    __news.errors.partition
    __news.errors.offset
    __news.errors.stage                 consumer group that gave up on it
    __news.errors.reason                machine-readable: malformed_json, schema_violation,
                                        es_rejected, retries_exhausted, too_large, ...
    __news.errors.exception.class.name
    __news.errors.exception.message     what went wrong, for people (clipped)
    __news.errors.failed_at             RFC 3339 UTC

so any Kafka tool can copy a dead letter back to its topic. The ingest DAG's dead letters
are pages and feeds, not records: they keep the JSON envelope of schemas/dead_letter.v1.json
(which `parse` reads too).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

PREFIX = "__news.errors."
REPLAYED_FROM = "__news.replayed_from"
MAX_MESSAGE_CHARS = 2000


def _text(value: bytes | str | None) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def error_headers(message: Any, *, stage: str, reason: str, error: str, failed_at: str) -> list[tuple[str, bytes]]:
    """The record's own headers (earlier error context dropped) plus the error context of this failure."""
    own = [(k, v) for k, v in (message.headers or []) if not k.startswith(PREFIX)]
    exception_class, _, _ = error.partition(":")
    context = {
        "topic": message.topic,
        "partition": str(message.partition),
        "offset": str(message.offset),
        "stage": stage,
        "reason": reason,
        "exception.class.name": exception_class if exception_class.isidentifier() else "",
        "exception.message": error[:MAX_MESSAGE_CHARS],
        "failed_at": failed_at,
    }
    return own + [(PREFIX + k, v.encode("utf-8")) for k, v in context.items()]


@dataclass(frozen=True)
class DeadLetter:
    """One DLQ record, whichever format it was written in."""

    dlq_topic: str
    dlq_partition: int
    dlq_offset: int
    timestamp_ms: int
    stage: str
    reason: str
    error: str
    origin_topic: str | None
    origin_partition: int | None
    origin_offset: int | None
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]  # the original record's headers, error context removed
    envelope: bool  # written as a dead_letter.v1 JSON envelope (ingest, or before headers existed)

    @property
    def failed_at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp_ms / 1000, UTC)

    @property
    def replayable(self) -> bool:
        return bool(self.origin_topic) and self.value is not None

    def as_dict(self, max_value_chars: int = 2000) -> dict[str, Any]:
        value = _text(self.value) or ""
        return {
            "dlq": f"{self.dlq_topic}/{self.dlq_partition}/{self.dlq_offset}",
            "failed_at": self.failed_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "stage": self.stage,
            "reason": self.reason,
            "error": self.error,
            "origin": None if self.origin_topic is None else f"{self.origin_topic}/{self.origin_partition}/{self.origin_offset}",
            "key": _text(self.key),
            "headers": {k: _text(v) for k, v in self.headers},
            "value": value if len(value) <= max_value_chars else value[:max_value_chars] + f"… ({len(value)} chars)",
            "format": "envelope" if self.envelope else "headers",
        }


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def parse(record: Any) -> DeadLetter:
    """A DLQ ConsumerRecord as a DeadLetter (header format, or the dead_letter.v1 envelope)."""
    headers = list(record.headers or [])
    context = {k[len(PREFIX):]: _text(v) or "" for k, v in headers if k.startswith(PREFIX)}
    own = tuple((k, v) for k, v in headers if not k.startswith(PREFIX))
    common = {
        "dlq_topic": record.topic,
        "dlq_partition": record.partition,
        "dlq_offset": record.offset,
        "timestamp_ms": int(record.timestamp or 0),
    }
    if "reason" in context:
        return DeadLetter(
            **common,
            stage=context.get("stage", ""),
            reason=context["reason"],
            error=context.get("exception.message", ""),
            origin_topic=context.get("topic") or None,
            origin_partition=_int(context.get("partition")),
            origin_offset=_int(context.get("offset")),
            key=record.key,
            value=record.value,
            headers=own,
            envelope=False,
        )
    try:
        envelope = orjson.loads(record.value)
    except (TypeError, orjson.JSONDecodeError):
        envelope = None
    if not isinstance(envelope, dict) or "reason" not in envelope:
        return DeadLetter(
            **common, stage="", reason="unknown", error="not a dead letter (no error headers, no envelope)",
            origin_topic=None, origin_partition=None, origin_offset=None,
            key=record.key, value=record.value, headers=own, envelope=False,
        )
    origin = envelope.get("origin") or {}
    payload = envelope.get("payload")
    if payload is None:
        value = None
    elif envelope.get("payload_encoding") == "base64":
        value = base64.b64decode(payload)
    else:
        value = str(payload).encode("utf-8")
    key = origin.get("key")
    return DeadLetter(
        **common,
        stage=str(envelope.get("stage", "")),
        reason=str(envelope.get("reason", "")),
        error=str(envelope.get("error", "")),
        origin_topic=origin.get("topic"),
        origin_partition=origin.get("partition"),
        origin_offset=origin.get("offset"),
        key=key.encode("utf-8") if isinstance(key, str) else None,
        value=value,
        headers=own,
        envelope=True,
    )


def replay_headers(letter: DeadLetter) -> list[tuple[str, bytes]]:
    """Headers of a replayed record: the original ones and where it was replayed from."""
    where = f"{letter.dlq_topic}/{letter.dlq_partition}/{letter.dlq_offset}".encode()
    return [(k, v) for k, v in letter.headers if k != REPLAYED_FROM] + [(REPLAYED_FROM, where)]
