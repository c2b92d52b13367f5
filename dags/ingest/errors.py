"""Failures the ingest stage records instead of crashing: each has a machine-readable reason."""

from __future__ import annotations

# Reasons worth retrying on a later attempt or run: the same request may well succeed then.
TRANSIENT_REASONS = frozenset(
    {
        "timeout",
        "deadline_exceeded",
        "host_backoff",
        "connect_error",
        "network_error",
        "http_429",
        "robots_unavailable",
        "internal_error",
        "extract_timeout",
    }
)


def is_transient(reason: str) -> bool:
    """True for failures that a later run may not hit again (timeouts, 5xx, 429, network errors)."""
    if reason in TRANSIENT_REASONS:
        return True
    if reason.startswith("http_5"):
        return True
    return reason == "http_408"


class IngestFailure(Exception):
    """A page, feed or sitemap that could not be turned into articles.

    `reason` is short and machine-readable (it becomes a counter key and the dead-letter
    `reason`); the message says what went wrong for people. `payload` optionally carries the
    first bytes of the offending body for the dead-letter message.
    """

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        url: str | None = None,
        retry_after: float | None = None,
        payload: bytes | None = None,
        retry: bool = True,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.url = url
        self.retry_after = retry_after
        self.payload = payload
        self.retry = retry  # False: transient, but not to be tried again within this run

    @property
    def transient(self) -> bool:
        return is_transient(self.reason)

    @property
    def retryable(self) -> bool:
        """Retry within this run: timeouts, network errors, 5xx, and 429 only when the server said when;
        never a URL past the total deadline or a host that asked us to stay away longer than we wait."""
        if not self.retry:
            return False
        if self.reason == "http_429":
            return self.retry_after is not None
        return self.transient and self.reason not in {"robots_unavailable", "internal_error", "extract_timeout"}

    def __str__(self) -> str:
        return f"{self.reason}: {self.args[0]}"
