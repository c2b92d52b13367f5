"""run_source end to end against local HTTP servers, with an in-memory sink (Kafka is covered by the DAG tests)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import schemas
from dags.ingest.demo_site import DemoSiteServer, serve_demo_site
from dags.ingest.produce import CollectingSink
from dags.ingest.run import Discovery, IngestCounts, discover_source, ingest_discovery, run_source
from dags.ingest.seen_store import SeenStore
from dags.ingest.sources import SourcesConfig, load_config, parse_config
from tests.ingest_badsite import BadSite, bad_sources_yaml, serve_bad_site


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoSiteServer]:
    with serve_demo_site() as server:
        yield server


@pytest.fixture
def demo_config(demo: DemoSiteServer, monkeypatch: pytest.MonkeyPatch) -> SourcesConfig:
    monkeypatch.setenv("NEWS_DEMO_SITE_URL", demo.url)
    return load_config()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SeenStore]:
    s = SeenStore(f"sqlite:///{tmp_path / 'seen.db'}")
    yield s
    s.close()


def test_demo_feed_then_other_sources_find_only_duplicates(
    demo_config: SourcesConfig, store: SeenStore, demo: DemoSiteServer
) -> None:
    sink = CollectingSink()
    counts = run_source(demo_config.get("demo"), demo_config, store, sink)
    assert (counts.discovered, counts.fetched, counts.new, counts.near_duplicate, counts.failed) == (12, 12, 11, 1, 0)
    for message in sink.articles:
        schemas.validate("article", message)
        assert "utm_" not in message["canonical_url"]
    by_url = {m["canonical_url"].split("/", 3)[3]: m for m in sink.articles}
    original = by_url["world/2026/11/us-sanctions-iran-oil-shipping-network.html"]
    copy = by_url["wire/2026/11/washington-targets-iran-oil-tankers.html"]
    assert copy["near_duplicate_of"] == original["id"] and original["near_duplicate_of"] is None

    for name in ("demo-sitemap", "demo-world"):
        other = CollectingSink()
        again = run_source(demo_config.get(name), demo_config, store, other)
        assert other.articles == [] and again.sent == 0 and again.duplicate_by["url"] == 12
    assert again.failed_by_reason == {"robots_disallowed": 1}  # demo-world links a draft robots.txt forbids
    assert not [p for p in demo.requests if p.startswith("/world/drafts/")]

    repeat = run_source(demo_config.get("demo"), demo_config, store, CollectingSink())
    assert repeat.not_modified and repeat.discovered == 0  # conditional GET: the feed answered 304


def test_discovery_round_trips_through_json(demo_config: SourcesConfig, store: SeenStore) -> None:
    discovery = discover_source(demo_config.get("demo-sitemap"), demo_config, store)
    assert Discovery.from_dict(discovery.to_dict()) == discovery
    counts = ingest_discovery(demo_config.get("demo-sitemap"), discovery, demo_config, store, CollectingSink())
    assert isinstance(counts, IngestCounts) and counts.sent == 12


@pytest.fixture(scope="module")
def bad() -> Iterator[BadSite]:
    with serve_bad_site() as server:
        yield server


def test_every_bad_input_is_counted_and_dead_lettered(bad: BadSite, store: SeenStore) -> None:
    config = parse_config(yaml.safe_load(bad_sources_yaml(bad.url)))
    sink = CollectingSink()
    counts = run_source(config.get("bad-site"), config, store, sink)
    assert counts.failed_by_reason == {
        "http_404": 1,
        "http_500": 1,
        "timeout": 1,
        "redirect_loop": 1,
        "non_html": 1,
        "too_large": 1,
        "undecodable": 1,
        "no_text": 1,
        "robots_disallowed": 1,
        "blocked_address": 3,
    }
    assert counts.sent == 3  # good.html and both Latin-1 pages
    assert sorted(d["reason"] for d in sink.dead_letters) == sorted(
        r for r, n in counts.failed_by_reason.items() for _ in range(n)
    )
    for letter in sink.dead_letters:
        schemas.validate("dead_letter", letter)
        assert letter["stage"] == "ingest" and letter["origin"]["source"] == "bad-site"
    texts = {m["url"].rsplit("/", 1)[1]: m["text"] for m in sink.articles}
    assert "Affaires étrangères" in texts["latin1.html"] and "São Paulo" in texts["latin1-undeclared.html"]
    assert bad.requested("/private/") == [] and bad.requested("/internal/") == []

    # Permanent failures are not refetched on the next run; transient ones are tried again.
    again = run_source(config.get("bad-site"), config, store, CollectingSink())
    assert again.sent == 0 and again.duplicate == 3
    assert again.skipped_known_failure == 10  # 404, loop, non-HTML, too large, undecodable, no text, robots, 3 blocked
    assert again.failed_by_reason == {"http_500": 1, "timeout": 1}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bad-broken-feed", "malformed_feed"),
        ("bad-empty-feed", "empty_feed"),
        ("bad-gone-feed", "http_404"),
        ("not-local", "blocked_address"),
    ],
)
def test_bad_listings_are_counted(bad: BadSite, store: SeenStore, name: str, reason: str) -> None:
    config = parse_config(yaml.safe_load(bad_sources_yaml(bad.url)))
    sink = CollectingSink()
    counts = run_source(config.get(name), config, store, sink)
    assert counts.failed_by_reason == {reason: 1} and counts.discovered == 0
    assert [d["reason"] for d in sink.dead_letters] == [reason]


def _bad_config(bad: BadSite, extra: str) -> SourcesConfig:
    return parse_config(yaml.safe_load(bad_sources_yaml(bad.url) + extra))


def test_robots_sitemap_lines_are_a_discovery_source(bad: BadSite, store: SeenStore) -> None:
    extra = f"""
  - name: bad-robots
    kind: robots
    url: {bad.url}/
    rate_limit: {{min_delay_seconds: 0}}
    local: true
"""
    config = _bad_config(bad, extra)
    sink = CollectingSink()
    counts = run_source(config.get("bad-robots"), config, store, sink)
    assert counts.discovered == 2 and counts.sent == 2 and bad.requested("/robots-sitemap.xml")
    assert {m["source_kind"] for m in sink.articles} == {"sitemap"}


def test_extraction_time_limit_in_the_dag_path(bad: BadSite, tmp_path: Path) -> None:
    extra = f"""
  - name: bad-big
    kind: robots
    url: {bad.url}/
    rate_limit: {{min_delay_seconds: 0}}
    local: true
"""
    raw = yaml.safe_load(bad_sources_yaml(bad.url) + extra)
    raw["ingest"]["max_extract_seconds"] = 0.01
    raw["http"]["max_bytes"] = 5_000_000
    config = parse_config(raw)
    store = SeenStore(f"sqlite:///{tmp_path / 'big.db'}")
    from dags.ingest.discover import DiscoveredItem

    discovery = Discovery(source="bad-big", url=bad.url, items=[DiscoveredItem(url=f"{bad.url}/big-page.html")])
    counts = ingest_discovery(config.get("bad-big"), discovery, config, store, CollectingSink())
    store.close()
    assert counts.failed_by_reason == {"extract_timeout": 1}


def test_unsupported_language_is_detected_flagged_and_counted(bad: BadSite, store: SeenStore) -> None:
    from dags.ingest.discover import DiscoveredItem

    # The source says English, the page declares nothing and is Russian: detected, flagged, counted.
    config = parse_config(yaml.safe_load(bad_sources_yaml(bad.url)))
    items = [DiscoveredItem(url=f"{bad.url}/russian-undeclared.html"), DiscoveredItem(url=f"{bad.url}/good.html")]
    sink = CollectingSink()
    counts = ingest_discovery(config.get("bad-site"), Discovery("bad-site", bad.url, items), config, store, sink)
    by_lang = {m["language"]: m for m in sink.articles}
    assert by_lang["ru"]["unsupported_language"] is True and by_lang["en"]["unsupported_language"] is False
    assert counts.unsupported_language == 1 and counts.by_language == {"ru": 1, "en": 1}
    assert all(m["id_scheme"] == 2 for m in sink.articles)


def test_report_sums_sources_and_names_the_missing_ones() -> None:
    from dags.ingest.tasks import report

    a = IngestCounts(source="a", discovered=3, fetched=2, new=1, near_duplicate=1, sent=2)
    a.fail("http_404")
    b = IngestCounts(source="b", discovered=1, duplicate=1)
    b.duplicate_by["url"] = 1
    summary = report(["a", "b", "c"], [a.to_dict(), b.to_dict()])
    assert summary["failed_sources"] == ["c"]
    totals = summary["totals"]
    assert (totals["discovered"], totals["sent"], totals["failed"]) == (4, 2, 1)
    assert totals["failed_by_reason"] == {"http_404": 1} and totals["duplicate_by"] == {"url": 1, "content": 0}
