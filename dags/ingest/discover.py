"""Find article URLs: RSS/Atom feeds, news sitemaps (and sitemap indexes), HTML section pages."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
from dags.ingest.errors import IngestFailure
from dags.ingest.pubdate import normalise_date

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_CHILD_SITEMAPS = 5
_XML_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)


@dataclass
class DiscoveredItem:
    """A candidate article and what the listing said about it (used as a fallback and as hints)."""

    url: str
    title: str | None = None
    summary: str | None = None
    published_at: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    lastmod: str | None = None  # sitemap <lastmod>: when the page last changed, the weakest date hint

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DiscoveredItem:
        return cls(**data)


def iso_utc(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with a Z, as articles.raw wants; naive datetimes are taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(text: str | None) -> str | None:
    """A listing's date as RFC 3339 with the offset it was written with (the local day stays)."""
    return normalise_date(text)


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    if "<" in text:
        try:
            text = lxml.html.fromstring(f"<div>{text}</div>").text_content()
        except (lxml.etree.ParserError, ValueError):
            pass
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def _is_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _unique(items: Iterator[DiscoveredItem], limit: int) -> list[DiscoveredItem]:
    out: dict[str, DiscoveredItem] = {}
    for item in items:
        if item.url not in out:
            out[item.url] = item
        if len(out) >= limit:
            break
    return list(out.values())


# Complaints about HTTP headers or declared encodings, not about the feed's structure.
BENIGN_FEED_ERRORS = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


def parse_feed(body: bytes, base_url: str, limit: int = 100, content_type: str | None = None) -> list[DiscoveredItem]:
    """Items of an RSS or Atom feed. Raises IngestFailure malformed_feed / empty_feed."""
    headers = {"content-location": base_url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(body, response_headers=headers)
    language = (parsed.feed.get("language") or "")[:2].lower() or None

    def items() -> Iterator[DiscoveredItem]:
        for entry in parsed.entries:
            link = entry.get("link") or next(
                (l.get("href") for l in entry.get("links", []) if l.get("rel") == "alternate"), None
            )
            if not link:
                continue
            url = urljoin(base_url, link.strip())
            if not _is_http(url):
                continue
            # The raw string keeps the offset; feedparser's parsed tuple is already in UTC.
            published = parse_date(entry.get("published") or entry.get("updated"))
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            if published is None and stamp:
                published = iso_utc(datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC))
            authors = [a.get("name") for a in entry.get("authors", []) if a.get("name")]
            if not authors and entry.get("author"):
                authors = [entry["author"]]
            yield DiscoveredItem(
                url=url,
                title=_clean(entry.get("title")),
                summary=_clean(entry.get("summary")),
                published_at=published,
                authors=authors,
                language=language,
                tags=[t.get("term") for t in entry.get("tags", []) if t.get("term")],
            )

    found = _unique(items(), limit)
    if not found:
        error = parsed.get("bozo_exception")
        if (parsed.bozo and not isinstance(error, BENIGN_FEED_ERRORS)) or not parsed.get("version"):
            raise IngestFailure(
                "malformed_feed",
                f"{base_url} is not a readable RSS/Atom feed: {error or 'unknown format'}",
                url=base_url,
                payload=body[:2048],
            )
        raise IngestFailure("empty_feed", f"{base_url} is a feed with no usable items", url=base_url)
    return found


def _text(el: lxml.etree._Element | None) -> str | None:
    return el.text.strip() if el is not None and el.text and el.text.strip() else None


def parse_sitemap(
    body: bytes, base_url: str, fetch_child: Callable[[str], bytes] | None = None, limit: int = 100
) -> list[DiscoveredItem]:
    """URLs of a (news) sitemap; a sitemap index is followed one level deep via `fetch_child`."""
    try:
        root = lxml.etree.fromstring(body, _XML_PARSER)
    except lxml.etree.XMLSyntaxError as exc:
        raise IngestFailure(
            "malformed_sitemap", f"{base_url} is not well-formed XML: {exc}", url=base_url, payload=body[:2048]
        ) from exc
    tag = lxml.etree.QName(root).localname
    if tag == "sitemapindex":
        if fetch_child is None:
            raise IngestFailure("malformed_sitemap", f"{base_url} is a sitemap index", url=base_url)
        children = [_text(sm.find(f"{{{SITEMAP_NS}}}loc")) for sm in root.findall(f"{{{SITEMAP_NS}}}sitemap")]
        found: list[DiscoveredItem] = []
        for child in [c for c in children if c][:MAX_CHILD_SITEMAPS]:
            found.extend(parse_sitemap(fetch_child(urljoin(base_url, child)), child, None, limit))
        return _unique(iter(found), limit)
    if tag != "urlset":
        raise IngestFailure(
            "malformed_sitemap", f"{base_url} has root <{tag}>, expected <urlset> or <sitemapindex>", url=base_url
        )

    def items() -> Iterator[DiscoveredItem]:
        for node in root.findall(f"{{{SITEMAP_NS}}}url"):
            loc = _text(node.find(f"{{{SITEMAP_NS}}}loc"))
            if not loc or not _is_http(urljoin(base_url, loc)):
                continue
            news = node.find(f"{{{NEWS_NS}}}news")
            lastmod = _text(node.find(f"{{{SITEMAP_NS}}}lastmod"))
            published = title = language = None
            tags: list[str] = []
            if news is not None:
                published = _text(news.find(f"{{{NEWS_NS}}}publication_date"))
                title = _text(news.find(f"{{{NEWS_NS}}}title"))
                language = _text(news.find(f"{{{NEWS_NS}}}publication/{{{NEWS_NS}}}language"))
                keywords = _text(news.find(f"{{{NEWS_NS}}}keywords"))
                tags = [k.strip() for k in keywords.split(",")] if keywords else []
            yield DiscoveredItem(
                url=urljoin(base_url, loc),
                title=title,
                published_at=parse_date(published),
                language=(language or "")[:2].lower() or None,
                tags=[t for t in tags if t],
                lastmod=parse_date(lastmod),
            )

    found = _unique(items(), limit)
    if not found:
        raise IngestFailure("empty_sitemap", f"{base_url} lists no URLs", url=base_url)
    return found


def parse_section(html: str, base_url: str, link_pattern: str, limit: int = 100) -> list[DiscoveredItem]:
    """Links on an HTML section page whose absolute URL matches `link_pattern`."""
    try:
        doc = lxml.html.fromstring(html, base_url=base_url)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise IngestFailure("malformed_html", f"{base_url} cannot be parsed as HTML: {exc}", url=base_url) from exc
    pattern = re.compile(link_pattern)

    def items() -> Iterator[DiscoveredItem]:
        for anchor in doc.iterfind(".//a[@href]"):
            url = urljoin(base_url, anchor.get("href", "").strip()).split("#", 1)[0]
            if _is_http(url) and pattern.search(url):
                yield DiscoveredItem(url=url, title=_clean(anchor.text_content()))

    found = _unique(items(), limit)
    if not found:
        raise IngestFailure("no_links", f"no link on {base_url} matches {link_pattern!r}", url=base_url)
    return found
