"""Canonical URLs, article ids and content hashes: the identities deduplication relies on."""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# The id scheme: an article id is sha256(canonical_url(url, scheme)). Any change to what
# canonical_url keeps or drops changes ids, so it gets a new scheme number; ids made under an
# older scheme stay recognised by the seen store (legacy_url_hashes), so nothing is sent twice.
ID_SCHEME = 2

# Query parameters that identify a campaign or click, never the document, by id scheme.
_TRACKING_V1 = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga", "_gl"}
)
# Scheme 2 adds the campaign, referrer and click markers news sites and their syndication
# partners append (the kind of list courlan keeps), frozen here so an upgrade cannot move ids.
_TRACKING_V2 = _TRACKING_V1 | frozenset(
    {
        "cmpid", "ocid", "smid", "smtyp", "ito", "xtor", "at_medium", "at_campaign", "ref_src", "ref_url",
        "referrer", "ref", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "ncid",
        "sr_share", "soc_src", "soc_trk", "icid", "intcmp", "int_cmp", "mbid", "mkt_tok", "oly_anon_id",
        "oly_enc_id", "s_cid", "s_kwcid", "spm", "trk", "trkcampaign", "vero_conv", "vero_id", "wt_mc",
        "wt_zmc", "__twitter_impression", "_hsenc", "_hsmi", "hsctatracking", "pk_campaign", "pk_kwd",
        "pk_source", "pk_medium", "piwik_campaign", "piwik_kwd", "mtm_campaign", "mtm_source",
        "mtm_medium", "fb_action_ids", "fb_action_types", "fb_source", "fb_ref", "action_object_map",
        "action_type_map", "action_ref_map", "guccounter", "guce_referrer", "guce_referrer_sig",
        "ss_source", "ss_campaign_id", "ss_email_id", "ttclid", "twclid", "li_fat_id", "epik",
        "rb_clickid", "s_campaign", "ir_campaignid", "ir_adid", "irclickid", "srsltid", "rdt_cid",
        "ml_subscriber", "ml_subscriber_hash", "cmpredirect", "clickid", "partnerid",
    }
)
TRACKING_PARAMS = {1: _TRACKING_V1, 2: frozenset(p.lower() for p in _TRACKING_V2)}
TRACKING_PREFIXES = {1: ("utm_",), 2: ("utm_", "at_", "mtm_", "pk_", "hsa_", "stm_", "itm_")}
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


def is_tracking_param(name: str, scheme: int = ID_SCHEME) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS[scheme] or lowered.startswith(TRACKING_PREFIXES[scheme])


def canonical_url(url: str, scheme: int = ID_SCHEME) -> str:
    """The URL an article is known by: lowercase scheme and host, no default port, no fragment,
    no credentials, no tracking parameters (utm_*, fbclid, ocid, xtor, ...), remaining parameters
    sorted. `scheme` selects the id scheme whose tracking list applies (default: the current one).

    Raises ValueError for anything that is not an absolute http(s) URL.
    """
    parts = urlsplit(url.strip())
    protocol = parts.scheme.lower()
    if protocol not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname.rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError as exc:
        raise ValueError(f"invalid host name in {url!r}: {exc}") from exc
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS[protocol]) else f"{host}:{port}"
    query_pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k, scheme)
    ]
    query = urlencode(sorted(query_pairs), quote_via=quote)
    return urlunsplit((protocol, netloc, _normalise_path(parts.path), query, ""))


def url_hash(url: str) -> str:
    """sha256 of the canonical URL, first 32 hex chars: an article's id when the URL is its canonical one."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]


def legacy_url_hashes(url: str) -> list[str]:
    """The url_hash older id schemes gave this URL, where it differs from the current one."""
    current = url_hash(url)
    older = {hashlib.sha256(canonical_url(url, s).encode("utf-8")).hexdigest()[:32] for s in range(1, ID_SCHEME)}
    return sorted(older - {current})


def article_id(canonical: str) -> str:
    """sha256(canonical_url), first 32 hex chars (the articles.raw key)."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


# Zero-width joiner and non-joiner are format characters too, but inside a word they are
# spelling (Persian, Indic scripts, emoji sequences); everything else in Cf goes.
_JOINERS = "\u200c\u200d"
_KEEP_CONTROLS = "\n\t\r"
_STRAY_JOINER = re.compile(r"(?<!\w)[\u200c\u200d]+|[\u200c\u200d]+(?!\w)")


def clean_unicode(text: str) -> str:
    """NFC, and no format characters (Cf: soft hyphens, zero-width spaces, BOMs, bidi marks),
    NUL or other control characters; joiners survive only between two word characters."""
    if text.isascii() and text.isprintable():
        return text
    drop = {
        ord(c): None
        for c in set(text)
        if (unicodedata.category(c) == "Cf" and c not in _JOINERS)
        or (unicodedata.category(c) == "Cc" and c not in _KEEP_CONTROLS)
    }
    text = unicodedata.normalize("NFC", text.translate(drop) if drop else text)
    return _STRAY_JOINER.sub("", text) if "\u200c" in text or "\u200d" in text else text


def normalise_text(text: str) -> str:
    """NFC, one space between words, no blank lines: formatting differences must not change the hash."""
    text = clean_unicode(text)
    lines = (_WS.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def content_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
