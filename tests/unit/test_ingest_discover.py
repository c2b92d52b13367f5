from pathlib import Path

import pytest

from dags.ingest.demo_site import DEMO_SITE_DIR
from dags.ingest.discover import DiscoveredItem, parse_date, parse_feed, parse_section, parse_sitemap
from dags.ingest.errors import IngestFailure

BASE = "http://127.0.0.1:8765"


def demo_file(name: str) -> bytes:
    return (DEMO_SITE_DIR / name).read_bytes().replace(b"{{BASE_URL}}", BASE.encode())


def test_demo_feed_items() -> None:
    items = parse_feed(demo_file("feed.xml"), f"{BASE}/feed.xml")
    assert len(items) == 12
    gaza = items[0]
    assert gaza.url.startswith(f"{BASE}/world/2026/11/un-security-council") and "utm_source=rss" in gaza.url
    assert gaza.authors == ["Sarah Cohen", "Omar Haddad"]
    assert gaza.published_at == "2026-11-24T15:00:00Z"
    assert gaza.language == "en" and gaza.summary and "ceasefire" in gaza.tags
    assert DiscoveredItem.from_dict(gaza.to_dict()) == gaza


def test_atom_feed() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:x</id><updated>2026-11-20T10:00:00Z</updated>
<entry><title>Talks resume</title><link rel="alternate" href="/a/1.html"/><id>urn:1</id>
<updated>2026-11-20T10:00:00+02:00</updated><author><name>Ana Diaz</name></author><summary>Short &lt;b&gt;summary&lt;/b&gt;</summary></entry>
</feed>"""
    (item,) = parse_feed(atom, "https://news.example/atom.xml")
    assert item.url == "https://news.example/a/1.html"
    # The offset is kept: the local day and time are the ones the feed wrote.
    assert item.published_at == "2026-11-20T10:00:00+02:00" and item.authors == ["Ana Diaz"]
    assert item.summary == "Short summary"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</ti', "malformed_feed"),
        (b"this is not a feed", "malformed_feed"),
        (b"", "malformed_feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>', "empty_feed"),
    ],
)
def test_bad_feeds(body: bytes, reason: str) -> None:
    with pytest.raises(IngestFailure) as info:
        parse_feed(body, "https://news.example/feed.xml")
    assert info.value.reason == reason


def test_news_sitemap() -> None:
    items = parse_sitemap(demo_file("sitemap-news.xml"), f"{BASE}/sitemap-news.xml")
    assert len(items) == 12
    seed = next(i for i in items if "rein-in-assad" in i.url)
    assert seed.title == "Rein in Assad, Trump tells Moscow"
    assert seed.published_at == "2017-05-11T09:30:00Z" and seed.language == "en"


def test_sitemap_index_is_followed() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://n.example/s1.xml</loc></sitemap></sitemapindex>"""
    child = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://n.example/a.html</loc><lastmod>2026-11-01</lastmod></url></urlset>"""
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return child

    (item,) = parse_sitemap(index, "https://n.example/index.xml", fetch)
    assert fetched == ["https://n.example/s1.xml"]
    # <lastmod> is when the page last changed, kept apart from a news sitemap's publication date.
    assert item.url == "https://n.example/a.html" and item.lastmod == "2026-11-01T00:00:00Z"
    assert item.published_at is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<urlset><url><loc>x</loc>", "malformed_sitemap"),
        (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>', "empty_sitemap"),
        (b"<html><body>nope</body></html>", "malformed_sitemap"),
    ],
)
def test_bad_sitemaps(body: bytes, reason: str) -> None:
    with pytest.raises(IngestFailure) as info:
        parse_sitemap(body, "https://n.example/s.xml")
    assert info.value.reason == reason


def test_sitemap_external_entities_are_not_resolved() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://n.example/&e;</loc></url></urlset>'
    )
    try:
        items = parse_sitemap(body, "https://n.example/s.xml")
    except IngestFailure:
        return
    assert all(item.url == "https://n.example/" for item in items)


def test_section_page_links_match_pattern() -> None:
    html = demo_file("world/index.html").decode()
    items = parse_section(html, f"{BASE}/world/", r"/(world|wire)/[a-z0-9/-]+\.html$")
    urls = [i.url for i in items]
    assert len(urls) == 13 and len(set(urls)) == 13  # 12 stories + the draft, comment links deduplicated
    assert f"{BASE}/world/drafts/summit-communique.html" in urls
    assert all("#" not in u and "/sport/" not in u for u in urls)
    with pytest.raises(IngestFailure, match="no link"):
        parse_section(html, f"{BASE}/world/", r"/nothing-matches/")


def test_parse_date() -> None:
    assert parse_date("Tue, 24 Nov 2026 15:00:00 +0000") == "2026-11-24T15:00:00Z"
    assert parse_date("2026-11-24T17:00:00+02:00") == "2026-11-24T17:00:00+02:00"
    assert parse_date("2026-11-24T01:10:00+09:00") == "2026-11-24T01:10:00+09:00"  # not the 23rd in UTC
    assert parse_date("not a date") is None and parse_date(None) is None


def test_demo_site_has_the_expected_pages() -> None:
    pages = sorted(p.relative_to(DEMO_SITE_DIR).as_posix() for p in Path(DEMO_SITE_DIR).rglob("*.html"))
    assert "world/2017/05/rein-in-assad-trump-tells-moscow.html" in pages
    assert "wire/2026/11/washington-targets-iran-oil-tankers.html" in pages
    assert (DEMO_SITE_DIR / "robots.txt").is_file()
