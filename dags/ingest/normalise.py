"""Canonical URLs, article ids and content hashes: the identities deduplication relies on."""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Query parameters that identify a campaign or click, never the document.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga", "_gl"}
)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u3000]+")


def _normalise_percent(part: str) -> str:
    """Uppercase percent-escapes and decode the ones that encode unreserved characters (RFC 3986 6.2.2)."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    return _PERCENT.sub(fix, part)


def _normalise_path(path: str) -> str:
    if not path:
        return "/"
    trailing = path.endswith("/")
    cleaned = posixpath.normpath(path)
    # normpath keeps a leading '//' and drops the trailing slash; both matter for URL identity.
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    if trailing and cleaned != "/":
        cleaned += "/"
    return _normalise_percent(quote(cleaned, safe="/%:@!$&'()*+,;=-._~"))


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL an article is known by: lowercase scheme and host, no default port, no fragment,
    no credentials, no tracking parameters (utm_*, fbclid, ...), remaining parameters sorted.

    Raises ValueError for anything that is not an absolute http(s) URL.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname.rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError as exc:
        raise ValueError(f"invalid host name in {url!r}: {exc}") from exc
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query_pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    query = urlencode(sorted(query_pairs), quote_via=quote)
    return urlunsplit((scheme, netloc, _normalise_path(parts.path), query, ""))


def url_hash(url: str) -> str:
    """sha256 of the canonical URL, first 32 hex chars: an article's id when the URL is its canonical one."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]


def article_id(canonical: str) -> str:
    """sha256(canonical_url), first 32 hex chars (the articles.raw key)."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def normalise_text(text: str) -> str:
    """NFC, one space between words, no blank lines: formatting differences must not change the hash."""
    text = unicodedata.normalize("NFC", text)
    lines = (_WS.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def content_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
