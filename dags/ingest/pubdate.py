"""Publication dates: every source of evidence a page and its listing offer, in a measured order.

Dates keep the offset they were written with (RFC 3339, `2020-07-13T01:10:00+09:00`), because
the local day is the day the story happened on and the day relative event dates count from;
converting to UTC would move it. A value with no time zone keeps its wall-clock time and is
written with `Z`, so its day is still the day as written.

Candidates, strongest first (the order `make eval-ingest` measured best, see README):
    1. the page's structured metadata: JSON-LD `datePublished`, `<meta>` publication tags
       (article:published_time, itemprop=datePublished, DC.date.issued, parsely, sailthru...),
       `<time pubdate>`, then JSON-LD `dateCreated`. Among these, a value written in local time
       (an offset other than UTC, or none) beats one converted to UTC, whose day may have moved.
    2. the feed's or news sitemap's publication date for the item
    3. htmldate on the page (original date, fast mode)
    4. a full date in the URL (/2019/04/03/)
    5. htmldate's extensive search (page text), only when nothing above gave a date
    6. the sitemap's `lastmod`
A metadata date whose day contradicts a full URL date by more than a day gives way to the URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import htmldate
import lxml.html
from dateutil import parser as dateparser

# <meta> names and properties that carry the publication (not modification) time.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "published_time",
    "datepublished",
    "article.published",
    "article_date_original",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "date.issued",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "parsely-pub-date",
    "sailthru.date",
    "cxenseparse:recs:publishtime",
    "original-publish-date",
    "displaydate",
    "date",
    "rnews:datepublished",
)
_META_RANK = {name: i for i, name in enumerate(PUBLISHED_META)}
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:/|[_-]|\.html?|$)"
)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EARLIEST = datetime(1995, 1, 1)


def format_date(value: datetime) -> str:
    """RFC 3339 with the original offset (Z for UTC and for values without a time zone)."""
    value = value.replace(microsecond=0)
    if value.tzinfo is None or value.utcoffset() == timedelta(0):
        return value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def parse_any(text: str | None, *, now: datetime | None = None) -> datetime | None:
    """A date or timestamp as written (offset kept); None for empty, unparseable or implausible values."""
    if not text or not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00")) if text[:4].isdigit() else None
    except ValueError:
        value = None
    if value is None:
        try:
            value = dateparser.parse(text)
        except (ValueError, OverflowError, TypeError):
            return None
    if value is None:
        return None
    naive = value.replace(tzinfo=None)
    limit = (now or datetime.now(UTC)).replace(tzinfo=None) + timedelta(days=2)
    if naive < _EARLIEST or naive > limit:
        return None
    return value


def normalise_date(text: str | None) -> str | None:
    """A date as RFC 3339 with its own offset, or None."""
    value = parse_any(text)
    return format_date(value) if value else None


def local_day(value: str | None) -> date | None:
    """The calendar day of an RFC 3339 value as written (its own offset)."""
    parsed = parse_any(value) if value else None
    return parsed.date() if parsed else None


def instant(value: str | None) -> datetime | None:
    """The UTC instant of a value (for ordering); naive values are taken as UTC."""
    parsed = parse_any(value) if value else None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def url_date(url: str | None) -> datetime | None:
    """A full, plausible year/month/day in the URL path, if any."""
    match = _URL_DATE.search((url or "").split("?", 1)[0])
    if not match:
        return None
    try:
        found = datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return found if _EARLIEST <= found <= datetime.now(UTC).replace(tzinfo=None) + timedelta(days=2) else None


_JSON_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")


def _json_ld_objects(doc: lxml.html.HtmlElement) -> Iterator[dict]:
    for script in doc.iterfind(".//script[@type]"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            data = json.loads(_JSON_WRAPPERS.sub("", script.text or ""))  # CDATA and comment wrappers are common
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity", "mainEntityOfPage"))


_ARTICLE_TYPES = ("article", "posting", "report", "blog", "webpage", "liveblog")


def json_ld_dates(doc: lxml.html.HtmlElement, key: str = "datePublished") -> list[str]:
    """`key` of the page's JSON-LD objects, article types first."""
    found: list[tuple[int, int, str]] = []
    for i, obj in enumerate(_json_ld_objects(doc)):
        value = obj.get(key)
        if not isinstance(value, str):
            continue
        kinds = obj.get("@type")
        kinds = " ".join(kinds) if isinstance(kinds, list) else str(kinds or "")
        rank = 0 if any(t in kinds.lower() for t in _ARTICLE_TYPES) else 1
        found.append((rank, i, value))
    return [value for _, _, value in sorted(found)]


def json_ld_published(doc: lxml.html.HtmlElement) -> str | None:
    dates = json_ld_dates(doc)
    return dates[0] if dates else None


def meta_dates(doc: lxml.html.HtmlElement) -> list[str]:
    """Publication <meta> tags (best-ranked first), then <time pubdate> / itemprop=datePublished values."""
    found: list[tuple[int, str]] = []
    for tag in doc.iterfind(".//meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        rank = _META_RANK.get(key)
        content = (tag.get("content") or "").strip()
        if rank is not None and content:
            found.append((rank, content))
    values = [content for _, content in sorted(found, key=lambda f: f[0])]
    for node in doc.xpath('.//time[@pubdate or @itemprop="datePublished"]|.//*[@itemprop="datePublished"]'):
        value = node.get("datetime") or node.get("content") or (node.text_content() or "").strip()
        if value:
            values.append(value)
    return values


def meta_published(doc: lxml.html.HtmlElement) -> str | None:
    dates = meta_dates(doc)
    return dates[0] if dates else None


def htmldate_published(doc: lxml.html.HtmlElement | str, url: str | None, *, extensive: bool = False) -> str | None:
    try:
        found = htmldate.find_date(
            doc, extensive_search=extensive, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z", url=url
        )
    except Exception:  # noqa: BLE001 - a date heuristic must never fail the page
        return None
    return found


def _written_in_utc(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() == timedelta(0)


def _chosen(value: str | None, url_day: datetime | None) -> str | None:
    parsed = parse_any(value)
    if parsed is None:
        return None
    if url_day is not None and abs((parsed.date() - url_day.date()).days) > 1:
        return None  # the URL says another day: metadata of a related or updated story
    if _ISO_DAY.match(value.strip()) if value else False:
        return format_date(datetime(parsed.year, parsed.month, parsed.day))
    return format_date(parsed)


def publication_date(
    doc: lxml.html.HtmlElement | None,
    url: str,
    *,
    feed_date: str | None = None,
    lastmod: str | None = None,
    htmldate_value: str | None = None,
) -> str | None:
    """The page's publication date as RFC 3339 with its own offset, from the candidates above.

    `htmldate_value` is htmldate's answer if the caller already has it (trafilatura computes it
    while extracting metadata); otherwise htmldate runs here.
    """
    from_url = url_date(url)
    if doc is not None:
        structured = [*json_ld_dates(doc), *meta_dates(doc), *json_ld_dates(doc, "dateCreated")]
        usable = [(value, parsed) for value in structured if (parsed := parse_any(value)) is not None]
        # Local time first (stable sort keeps the ranking within each group): a UTC value's day may have moved.
        usable.sort(key=lambda vp: _written_in_utc(vp[1]))
        for value, _ in usable:
            chosen = _chosen(value, from_url)
            if chosen:
                return chosen
    chosen = _chosen(feed_date, from_url)
    if chosen:
        return chosen
    if htmldate_value is None and doc is not None:
        htmldate_value = htmldate_published(doc, url)
    chosen = _chosen(htmldate_value, from_url)
    if chosen:
        return chosen
    if from_url is not None:
        return format_date(from_url)
    if doc is not None:
        chosen = _chosen(htmldate_published(doc, url, extensive=True), None)
        if chosen:
            return chosen
    return _chosen(lastmod, None)
