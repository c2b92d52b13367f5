"""Main text and metadata of an article page, with trafilatura; the listing's summary as fallback.

Usable without Airflow or Kafka: `extract_article(html, url)` returns an ExtractedArticle,
`build_article_message(...)` (in messages.py) turns it into an articles.raw message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura

from dags.ingest.discover import DiscoveredItem, parse_date
from dags.ingest.errors import IngestFailure
from dags.ingest.normalise import normalise_text

# Lines that survive main-text extraction on many sites but are not the story: inline
# "More news:" teasers, article tool bars, share prompts, newsletter plugs.
BOILERPLATE_LINE = re.compile(
    r"""^\s*(?:
        (?:more\s+news|read\s+more|read\s+also|also\s+read|see\s+also|related(?:\s+(?:stories|articles|news))?
           |recommended|most\s+read|watch|listen)\s*[:|>\-]
      | adjust\s+comment\s+print\s*$
      | (?:share|tweet|email|print)(?:\s+(?:this(?:\s+article)?|on\s+\w+))?\s*$
      | advertisement\s*$
      | sign\s+up\s+for\s+our\b.*newsletter
      | (?:click|tap)\s+here\s+to\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_LANG = re.compile(r"^([A-Za-z]{2})(?:[-_].*)?$")


@dataclass
class ExtractedArticle:
    title: str
    text: str
    summary: str | None
    authors: list[str]
    published_at: str | None
    language: str | None
    canonical_link: str | None
    tags: list[str] = field(default_factory=list)
    extraction: str = "trafilatura"


@dataclass
class PageMetadata:
    language: str | None = None
    canonical_link: str | None = None
    description: str | None = None
    og_title: str | None = None


def _lang_code(value: str | None) -> str | None:
    match = _LANG.match((value or "").strip())
    return match.group(1).lower() if match else None


def page_metadata(html: str, url: str) -> PageMetadata:
    """What trafilatura does not return: the declared language and the rel=canonical link."""
    try:
        doc = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return PageMetadata()
    meta = PageMetadata(language=_lang_code(doc.get("lang") or doc.get("xml:lang")))
    for link in doc.iterfind(".//link[@rel][@href]"):
        if "canonical" in link.get("rel", "").lower().split():
            meta.canonical_link = urljoin(url, link.get("href", "").strip())
            break
    for tag in doc.iterfind(".//meta[@content]"):
        key = (tag.get("property") or tag.get("name") or tag.get("http-equiv") or "").lower()
        content = tag.get("content", "").strip()
        if key == "og:locale" and not meta.language:
            meta.language = _lang_code(content)
        elif key == "content-language" and not meta.language:
            meta.language = _lang_code(content.split(",")[0])
        elif key in ("description", "og:description") and not meta.description:
            meta.description = content or None
        elif key == "og:title" and not meta.og_title:
            meta.og_title = content or None
    return meta


def strip_boilerplate(text: str) -> str:
    """Drop teaser, tool-bar and share lines, collapse whitespace."""
    kept = [line for line in normalise_text(text).splitlines() if not BOILERPLATE_LINE.match(line)]
    return "\n".join(kept)


def split_authors(value: str | None) -> list[str]:
    if not value:
        return []
    parts = re.split(r"\s*;\s*|\s*,\s*|\s+and\s+", value)
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def same_site(a: str, b: str) -> bool:
    return (urlsplit(a).hostname or "").lower() == (urlsplit(b).hostname or "").lower()


def extract_article(
    html: str,
    url: str,
    hint: DiscoveredItem | None = None,
    *,
    min_text_chars: int = 200,
    min_summary_chars: int = 80,
    default_language: str | None = None,
) -> ExtractedArticle:
    """Extract an article from `html` fetched at `url`; raise IngestFailure('no_text') if there is none.

    `hint` is what the feed or sitemap said about the item: its summary is the fallback text,
    its date and authors fill gaps.
    """
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    data = doc.as_dict() if doc is not None else {}
    meta = page_metadata(html, url)
    text = strip_boilerplate(data.get("text") or "")
    summary = (hint.summary if hint else None) or meta.description or data.get("description")
    extraction = "trafilatura"
    if len(text) < min_text_chars:
        fallback = strip_boilerplate(hint.summary) if hint and hint.summary else ""
        if len(fallback) >= min_summary_chars:
            text, extraction = fallback, "feed_summary"
        else:
            raise IngestFailure(
                "no_text",
                f"no article text on {url}: {len(text)} characters extracted (minimum {min_text_chars}) "
                "and no usable feed summary",
                url=url,
                payload=html[:2048].encode("utf-8", "replace"),
            )
    title = data.get("title") or meta.og_title or (hint.title if hint else None) or ""
    authors = split_authors(data.get("author")) or (list(hint.authors) if hint else [])
    published = (hint.published_at if hint else None) or parse_date(data.get("date"))
    language = meta.language or (hint.language if hint else None) or default_language
    # A canonical link to another site is ignored: a page must not be able to claim another site's identity.
    canonical = meta.canonical_link if meta.canonical_link and same_site(meta.canonical_link, url) else None
    tags = list(dict.fromkeys([*(data.get("tags") or []), *((hint.tags if hint else []) or [])]))
    return ExtractedArticle(
        title=title.strip(),
        text=text,
        summary=summary.strip() if summary else None,
        authors=authors,
        published_at=published,
        language=language,
        canonical_link=canonical,
        tags=[t for t in tags if t],
        extraction=extraction,
    )
