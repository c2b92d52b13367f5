"""Keep secrets out of logs and printed configuration.

Chat webhook URLs (Slack, Teams, Discord) are credentials in themselves, and connection
URLs may carry a password: log only where they point, never the whole thing.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit, urlunsplit

_secrets: set[str] = set()
_lock = threading.Lock()
MASK = "***"


def mask_url_password(url: str) -> str:
    """'https://user:pw@host/x' -> 'https://user:***@host/x'; other URLs unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:{MASK}@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def url_origin(url: str) -> str:
    """What may be logged of a secret-bearing URL: scheme and host, e.g. 'https://hooks.slack.com/***'."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return MASK
    return f"{parts.scheme or '?'}://{host}{port}/{MASK}"


def register_secret(value: str | None) -> None:
    """Remember a secret so that `scrub` removes it from any text (logs, error messages)."""
    if value and len(value) >= 6:  # shorter values would mask ordinary words
        with _lock:
            _secrets.add(value)


def scrub(text: str) -> str:
    """`text` with every registered secret replaced by a mask (secret URLs by their origin)."""
    if not _secrets:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):  # longest first: a URL before its parts
        if secret in text:
            text = text.replace(secret, url_origin(secret) if "://" in secret else MASK)
    return text
