"""Turn response bytes into text: declared charset first, then BOM and <meta>, then detection."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from dags.ingest.errors import IngestFailure

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)["']""", re.IGNORECASE)
_HIGH_BYTES = re.compile(rb"[\x80-\xff]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MAX_DETECTION_CHAOS = 0.5
# A body in a declared (or sniffed) UTF-8 with a few invalid bytes is UTF-8 with a few bad bytes,
# not a legacy charset: up to this share of its non-ASCII bytes may be replaced (U+FFFD).
MAX_BAD_UTF8_SHARE = 0.02
MIN_BAD_UTF8_ALLOWED = 4
WESTERN_FALLBACKS = ("cp1252", "latin_1", "iso8859_15")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def sniff_charset(body: bytes) -> str | None:
    """Charset named in a <meta> tag or XML declaration near the start of the document."""
    head = body[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return _codec(match.group(1).decode("ascii", "ignore")) if match else None


def detect_charset(body: bytes) -> str | None:
    """Statistical guess; among equally good guesses windows-1252 wins, as in browsers (WHATWG fallback)."""
    matches = charset_normalizer.from_bytes(body[:200_000])
    best = matches.best()
    if best is None or best.chaos > MAX_DETECTION_CHAOS:
        return None
    tied = {m.encoding for m in matches if m.chaos == best.chaos and m.coherence == best.coherence}
    for preferred in WESTERN_FALLBACKS:
        if preferred in tied:
            return preferred
    return best.encoding


def _mostly_utf8(body: bytes) -> str | None:
    """The body decoded as UTF-8 with its invalid bytes replaced, if only a few bytes are invalid."""
    bad = 0

    def count(error: UnicodeDecodeError) -> tuple[str, int]:
        nonlocal bad
        bad += error.end - error.start
        return "\ufffd", error.end

    codecs.register_error("newsevents_count", count)
    text = body.decode("utf-8", errors="newsevents_count")
    high = len(_HIGH_BYTES.findall(body))
    return text if bad <= max(MIN_BAD_UTF8_ALLOWED, MAX_BAD_UTF8_SHARE * high) else None


def decode_body(body: bytes, declared: str | None, url: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). Raise IngestFailure('undecodable') only if no charset fits."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace"), encoding
    tried: list[str] = []
    for candidate in (_codec(declared), sniff_charset(body), "utf-8"):
        if candidate and candidate not in tried:
            tried.append(candidate)
            try:
                return body.decode(candidate), candidate
            except UnicodeDecodeError:
                if candidate == "utf-8":
                    repaired = _mostly_utf8(body)
                    if repaired is not None:
                        return repaired, "utf-8"
                continue
    encoding = detect_charset(body)
    if encoding:
        return body.decode(encoding, errors="replace"), encoding
    raise IngestFailure(
        "undecodable",
        f"body is not valid in any of {tried} and no charset could be detected",
        url=url,
        payload=body[:2048],
    )
