"""Main text and metadata of an article page, with trafilatura; the listing's summary as fallback.

Text: trafilatura in precision mode, tables included; when that returns too little, recall mode
is tried before giving up (precision sometimes drops whole articles). Titles lose the site name.
Dates come from pubdate.py (local offset kept). The language is detected from the text and
checked against the declared one (language.py). Everything passes Unicode hygiene (NFC, no
format or control characters) before anything downstream sees it. The whole extraction runs
under the per-page time limit shared with the CLI (limits.py).

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

from dags.ingest.discover import DiscoveredItem
from dags.ingest.errors import IngestFailure
from dags.ingest.language import choose_language
from dags.ingest.limits import time_limit
from dags.ingest.normalise import clean_unicode, normalise_text
from dags.ingest.pubdate import publication_date

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
# Precision mode returning less than this many characters triggers a recall-mode attempt,
# which wins if it finds at least RECALL_GAIN times as much text.
RECALL_BELOW_CHARS = 1000
RECALL_GAIN = 2.0
TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|--|–|—|::|·|•|»|«|/|~)\s+|\s*[:：]\s*(?=\S+$)")  # noqa: RUF001 - dashes are the point
# Chinese CMS titles: "headline_section_site" or "headline-site网".
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_CJK_SITE_SUFFIX = re.compile(r"\s*[-_－|｜]\s*[^\s_\-－|｜]{1,12}(?:网|網|报|報|新闻|新聞|ニュース|日报|日報)$")
_PUBLISHED_SUFFIX = re.compile(r"\s*\((?:Published|Publié|Veröffentlicht) \d{4}\)$")
_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


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
    declared_language: str | None = None


@dataclass
class PageMetadata:
    language: str | None = None
    canonical_link: str | None = None
    description: str | None = None
    og_title: str | None = None
    site_names: list[str] = field(default_factory=list)
    h1: str | None = None
    h1s: list[str] = field(default_factory=list)
    title_element: str | None = None


def _lang_code(value: str | None) -> str | None:
    match = _LANG.match((value or "").strip())
    return match.group(1).lower() if match else None


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Parsed once, read for metadata and dates, then handed to trafilatura (which copies it): the
# settings of trafilatura's own parser, so extraction sees the tree it would have built itself.
_PARSER = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True)


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    try:
        # lxml refuses a str that still carries an XML declaration with an encoding (XHTML pages).
        return lxml.html.fromstring(_XML_DECLARATION.sub("", html, count=1), parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None


def page_metadata(html: str | lxml.html.HtmlElement | None, url: str) -> PageMetadata:
    """What trafilatura does not return: the declared language, the rel=canonical link, site names, the h1."""
    doc = parse_html(html) if isinstance(html, str) else html
    if doc is None:
        return PageMetadata()
    meta = PageMetadata(language=_lang_code(doc.get("lang") or doc.get("xml:lang")))
    meta.h1s = [text for h in doc.iterfind(".//h1") if (text := " ".join(h.text_content().split()))][:3]
    meta.h1 = meta.h1s[0] if meta.h1s else None
    title_element = doc.find(".//title")
    if title_element is not None:
        meta.title_element = " ".join(title_element.text_content().split()) or None
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
        elif key in ("og:site_name", "application-name", "twitter:site", "publisher", "cre") and content:
            meta.site_names.append(content.lstrip("@"))
    return meta


def _comparable(text: str) -> str:
    return _ALNUM.sub("", text).lower()


def _is_site_name(segment: str, site_names: list[str], host: str) -> bool:
    """A title segment that names the site: matches or contains a declared site name, or the host's name."""
    seg = _comparable(segment)
    if not seg:
        return False
    for name in site_names:
        name_key = _comparable(name)
        if name_key and (seg == name_key or (seg.startswith(name_key) and len(segment.split()) <= 4)):
            return True
    labels = [l for l in host.lower().split(".") if l not in ("www", "m", "amp", "edition", "news")]
    for label in labels[:-1] or labels:
        key = _comparable(label)
        if len(key) >= 3 and (seg == key or (key in seg and len(segment.split()) <= 4)):
            return True
    return False


def clean_title(title: str, *, site_names: list[str], host: str, h1: str | None) -> str:
    """The headline without the site name ('Senate passes budget | CNN Politics' -> 'Senate passes budget')."""
    title = _PUBLISHED_SUFFIX.sub("", " ".join(clean_unicode(title).split()))
    if _CJK.search(title):
        if "_" in title and len(title.split("_", 1)[0]) >= 6:
            title = title.split("_", 1)[0].strip()
        title = _CJK_SITE_SUFFIX.sub("", title)
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if h1 and _comparable(h1) and any(_comparable(h1) == _comparable(p) for p in parts):
        return " ".join(clean_unicode(h1).split())
    while len(parts) > 1 and _is_site_name(parts[-1], site_names, host):
        title = title[: title.rfind(parts[-1])].rstrip(" |-–—:·•»«/~")  # noqa: RUF001
        parts = parts[:-1]
    while len(parts) > 1 and _is_site_name(parts[0], site_names, host):
        title = title[title.find(parts[0]) + len(parts[0]) :].lstrip(" |-–—:·•»«/~")  # noqa: RUF001
        parts = parts[1:]
    # Breadcrumbs after the headline: "Headline » Local » News".
    crumbs = title.split(" » ")
    if len(crumbs) > 1 and all(len(c.split()) <= 2 for c in crumbs[1:]) and len(crumbs[0].split()) >= 4:
        title = crumbs[0]
    return title.strip()


def choose_title(meta: PageMetadata, extracted: str | None, fallback: str | None, host: str, site_names: list[str]) -> str:
    """The headline: an <h1> that the page's <title> or og:title also carries, else the cleaned title.

    og:title is often a social-media variant and <title> carries the site name; the <h1> both
    repeat is the headline as the page shows it.
    """
    raw = extracted or meta.og_title or meta.title_element or fallback or ""
    cleaned = clean_title(raw, site_names=site_names, host=host, h1=meta.h1)
    for h1 in meta.h1s:
        # Not a logo or section name: as long as half the title at least, and not the site's name.
        if len(h1) < max(8, len(cleaned) // 2) or _is_site_name(h1, site_names, host):
            continue
        key = h1.casefold()
        if any(key in (c or "").casefold() for c in (meta.title_element, meta.og_title)):
            return " ".join(clean_unicode(h1).split())
    return cleaned


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


def _trafilatura(html: str | lxml.html.HtmlElement, url: str, *, recall: bool, metadata: bool) -> dict:
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        fast=recall,  # the recall pass is a rescue: its own algorithm only, no fallback comparisons
        with_metadata=metadata,
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_precision=not recall,
        favor_recall=recall,
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    return doc.as_dict() if doc is not None else {}


def _page_chars(tree: lxml.html.HtmlElement) -> int:
    """An upper bound of the text any extraction can find: the body's characters, spaces collapsed."""
    body = tree.find(".//body")
    return len(" ".join((body if body is not None else tree).text_content().split()))


def main_text(html: str, url: str, tree: lxml.html.HtmlElement | None = None) -> tuple[str, dict, str]:
    """(text, trafilatura metadata, mode): precision first, recall when precision finds too little."""
    source = tree if tree is not None else html
    data = _trafilatura(source, url, recall=False, metadata=True)
    text = strip_boilerplate(data.get("text") or "")
    mode = "precision"
    # Recall can only win with RECALL_GAIN times the text, and it cannot find more text than the
    # page holds: skip the second pass when the whole body is shorter than that.
    if len(text) < RECALL_BELOW_CHARS and (tree is None or _page_chars(tree) >= RECALL_GAIN * len(text)):
        recalled = _trafilatura(source, url, recall=True, metadata=not data)
        recall_text = strip_boilerplate(recalled.get("text") or "")
        if len(recall_text) >= max(RECALL_GAIN * len(text), 1):
            text, mode = recall_text, "recall"
        if not data:
            data = recalled
    return text, data, mode


def extract_article(
    html: str,
    url: str,
    hint: DiscoveredItem | None = None,
    *,
    min_text_chars: int = 200,
    min_summary_chars: int = 80,
    default_language: str | None = None,
    max_seconds: float | None = None,
) -> ExtractedArticle:
    """Extract an article from `html` fetched at `url`; raise IngestFailure('no_text') if there is none.

    `hint` is what the feed or sitemap said about the item: its summary is the fallback text,
    its date and authors fill gaps. `max_seconds` bounds the whole extraction (extract_timeout).
    """
    with time_limit(max_seconds, url):
        return _extract(html, url, hint, min_text_chars, min_summary_chars, default_language)


def _extract(
    html: str,
    url: str,
    hint: DiscoveredItem | None,
    min_text_chars: int,
    min_summary_chars: int,
    default_language: str | None,
) -> ExtractedArticle:
    tree = parse_html(html)
    meta = page_metadata(tree, url)
    text, data, _mode = main_text(html, url, tree)
    text = clean_unicode(text)
    summary = (hint.summary if hint else None) or meta.description or data.get("description")
    extraction = "trafilatura"
    if len(text) < min_text_chars:
        fallback = clean_unicode(strip_boilerplate(hint.summary)) if hint and hint.summary else ""
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
    site_names = [n for n in [*meta.site_names, data.get("sitename")] if n]
    title = choose_title(meta, data.get("title"), hint.title if hint else None, urlsplit(url).hostname or "", site_names)
    authors = split_authors(data.get("author")) or (list(hint.authors) if hint else [])
    published = publication_date(
        tree,
        url,
        feed_date=hint.published_at if hint else None,
        lastmod=hint.lastmod if hint else None,
        htmldate_value=data.get("date") if data else None,
    )
    declared = meta.language or (hint.language if hint else None)
    language, _detected = choose_language(declared or default_language, text)
    # A canonical link to another site is ignored: a page must not be able to claim another site's identity.
    canonical = meta.canonical_link if meta.canonical_link and same_site(meta.canonical_link, url) else None
    tags = list(dict.fromkeys([*(data.get("tags") or []), *((hint.tags if hint else []) or [])]))
    return ExtractedArticle(
        title=title.strip(),
        text=text,
        summary=clean_unicode(summary).strip() if summary else None,
        authors=[clean_unicode(a) for a in authors],
        published_at=published,
        language=language,
        canonical_link=canonical,
        tags=[clean_unicode(t) for t in tags if t],
        extraction=extraction,
        declared_language=declared,
    )
