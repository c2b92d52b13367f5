from __future__ import annotations

import pytest

from consumers.indexing.bulk import Outcome, classify_status, describe_error, summarize


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.INDEXED),
        (201, Outcome.INDEXED),
        (400, Outcome.REJECTED),  # mapping / parsing errors
        (409, Outcome.SUPERSEDED),  # a newer story revision is already there
        (413, Outcome.REJECTED),
        (404, Outcome.RETRY),  # alias missing: a setup problem, not the document's
        (403, Outcome.RETRY),  # write block
        (401, Outcome.RETRY),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
    ],
)
def test_classify_status(status: int, outcome: Outcome) -> None:
    assert classify_status(status) is outcome


def test_summarize_sorts_items_by_outcome() -> None:
    mapping_error = {
        "type": "document_parsing_exception",
        "reason": "[1:20] failed to parse field [confidence] of type [float]",
        "caused_by": {"type": "number_format_exception", "reason": 'For input string: "high"'},
    }
    results = [
        (True, {"index": {"_id": "a", "status": 201}}),
        (False, {"index": {"_id": "b", "status": 400, "error": mapping_error}}),
        (False, {"index": {"_id": "c", "status": 429, "error": {"type": "es_rejected_execution_exception", "reason": "queue full"}}}),
        (True, {"index": {"_id": "d", "status": 200}}),
    ]
    summary = summarize(results)
    assert summary.indexed == {"a", "d"}
    assert list(summary.rejected) == ["b"]
    assert summary.rejected["b"].startswith("400 document_parsing_exception: [1:20] failed to parse field [confidence]")
    assert "caused by number_format_exception" in summary.rejected["b"]
    assert list(summary.retry) == ["c"]


def test_describe_error_of_a_whole_request_failure() -> None:
    assert describe_error({"status": 503, "error": "ConnectionError(boom)"}) == "503 ConnectionError(boom)"
