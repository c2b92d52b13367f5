"""Classify per-item bulk results: indexed, superseded, rejected for good (dead-letter), or retry.

A 409 on a versioned write (stories) means Elasticsearch already holds a newer revision of
the document: nothing to do. Only problems of the document itself are dead-lettered. Anything about the cluster or the
setup (overload, missing alias, write block, auth) is retried: dead-lettering it would
empty the topic into the DLQ during an outage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

# 4xx statuses that say "the cluster cannot take it now", not "this document is bad".
_RETRIABLE_CLIENT_STATUSES = frozenset({401, 403, 404, 408, 429})


class Outcome(Enum):
    INDEXED = "indexed"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"
    RETRY = "retry"


def classify_status(status: int) -> Outcome:
    if 200 <= status < 300:
        return Outcome.INDEXED
    if status == 409:
        return Outcome.SUPERSEDED
    if 400 <= status < 500 and status not in _RETRIABLE_CLIENT_STATUSES:
        return Outcome.REJECTED
    return Outcome.RETRY


def describe_error(item: dict[str, Any]) -> str:
    """'400 document_parsing_exception: [1:27] failed to parse field [confidence]...'."""
    status = item.get("status", 500)
    error = item.get("error")
    if isinstance(error, dict):
        text = f"{error.get('type', 'error')}: {error.get('reason', '')}"
        cause = error.get("caused_by")
        if isinstance(cause, dict) and cause.get("reason"):
            text += f" (caused by {cause.get('type', 'error')}: {cause['reason']})"
    else:
        text = str(error)
    return f"{status} {text}"


@dataclass
class BulkSummary:
    """Per-_id outcome of one bulk run."""

    indexed: set[str] = field(default_factory=set)  # distinct ids: a repeated _id counts once
    superseded: set[str] = field(default_factory=set)  # a newer revision was already there
    rejected: dict[str, str] = field(default_factory=dict)
    retry: dict[str, str] = field(default_factory=dict)

    def add(self, ok: bool, result: dict[str, Any]) -> None:
        # the bulk helpers yield {op_type: item}
        (item,) = result.values()
        doc_id = str(item.get("_id"))
        outcome = Outcome.INDEXED if ok else classify_status(int(item.get("status", 500)))
        if outcome is Outcome.INDEXED:
            self.indexed.add(doc_id)
        elif outcome is Outcome.SUPERSEDED:
            self.superseded.add(doc_id)
        elif outcome is Outcome.REJECTED:
            self.rejected[doc_id] = describe_error(item)
        else:
            self.retry[doc_id] = describe_error(item)


def summarize(results: Any) -> BulkSummary:
    """Consume `streaming_bulk`/`parallel_bulk(..., raise_on_error=False)` output into a BulkSummary."""
    summary = BulkSummary()
    for ok, result in results:
        summary.add(ok, result)
    return summary
