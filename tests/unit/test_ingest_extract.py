import pytest

from dags.ingest.demo_site import DEMO_SITE_DIR
from dags.ingest.discover import DiscoveredItem
from dags.ingest.errors import IngestFailure
from dags.ingest.extract import extract_article, page_metadata, split_authors, strip_boilerplate
from tests.ingest_badsite import article_html

BASE = "http://127.0.0.1:8765"
SEED = "world/2017/05/rein-in-assad-trump-tells-moscow.html"
SEED_FIXTURE = DEMO_SITE_DIR.parents[1] / "tests" / "fixtures" / "seed_article.txt"


def page(path: str) -> str:
    return (DEMO_SITE_DIR / path).read_text(encoding="utf-8").replace("{{BASE_URL}}", BASE)


def test_seed_page_main_text_without_boilerplate() -> None:
    article = extract_article(page(SEED), f"{BASE}/{SEED}")
    assert article.title == "Rein in Assad, Trump tells Moscow"
    assert "Adjust Comment Print" not in article.text and "Adjust" not in article.text
    assert "More news" not in article.text and "Nintendo" not in article.text and "Madrid Open" not in article.text
    for chrome in ("Subscribe", "cookies", "Newsletter", "Most read", "Facebook", "All rights reserved"):
        assert chrome not in article.text
    # Every story paragraph of the fixture survives, in order.
    story = [
        line.strip()
        for line in SEED_FIXTURE.read_text(encoding="utf-8").splitlines()[1:]
        if line.strip() and line.strip() != "Adjust Comment Print" and not line.startswith("More news:")
    ]
    assert article.text.split("\n") == story
    assert article.published_at == "2017-05-11T09:30:00Z"
    assert article.language == "en" and article.extraction == "trafilatura"
    assert article.canonical_link == f"{BASE}/{SEED}"


def test_demo_article_metadata() -> None:
    path = "world/2026/11/antwerp-dockworkers-strike.html"
    article = extract_article(page(path), f"{BASE}/{path}")
    assert article.authors == ["Pieter Claes", "Emma Laurent"]
    assert article.published_at == "2026-11-21T07:50:00Z"
    assert article.text.startswith("Dockworkers in Antwerp went on strike")
    assert "Get the Morning Briefing" not in article.text and "Related stories" not in article.text
    assert "strike" in article.tags and article.summary


@pytest.mark.parametrize(
    "path", sorted(p.relative_to(DEMO_SITE_DIR).as_posix() for p in DEMO_SITE_DIR.glob("w*/20*/*/*.html"))
)
def test_every_demo_article_extracts(path: str) -> None:
    article = extract_article(page(path), f"{BASE}/{path}")
    assert article.title and len(article.text) > 500 and article.published_at and article.language == "en"
    assert not any(line.startswith(("Share", "More news")) for line in article.text.splitlines())


def test_empty_page_has_no_text_unless_the_feed_has_a_summary() -> None:
    html = article_html("", [])
    with pytest.raises(IngestFailure) as info:
        extract_article(html, "https://n.example/empty.html")
    assert info.value.reason == "no_text"
    summary = "Ministers from Chile and Peru signed a fishing agreement in Lima on Monday, officials said."
    hint = DiscoveredItem(
        url="https://n.example/empty.html", title="Fishing accord", summary=summary, authors=["A. Writer"]
    )
    article = extract_article(html, "https://n.example/empty.html", hint)
    assert article.extraction == "feed_summary" and article.text == summary
    assert article.title == "Fishing accord" and article.authors == ["A. Writer"]


def test_cross_site_canonical_is_ignored() -> None:
    html = page("world/2026/11/eu-mercosur-resume-trade-talks.html").replace(
        f'<link rel="canonical" href="{BASE}/', '<link rel="canonical" href="https://other.example/'
    )
    article = extract_article(html, f"{BASE}/world/2026/11/eu-mercosur-resume-trade-talks.html")
    assert article.canonical_link is None
    assert page_metadata(html, BASE).canonical_link.startswith("https://other.example/")


def test_strip_boilerplate_lines() -> None:
    text = (
        "Real sentence one.\nMore news: Something else\nRead more: x\nShare\nAdjust Comment Print\nReal sentence two."
    )
    assert strip_boilerplate(text) == "Real sentence one.\nReal sentence two."


def test_split_authors() -> None:
    assert split_authors("Pieter Claes; Emma Laurent") == ["Pieter Claes", "Emma Laurent"]
    assert split_authors("Ana Diaz and Li Wei") == ["Ana Diaz", "Li Wei"]
    assert split_authors(None) == []
