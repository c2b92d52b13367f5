"""Deadlines, Retry-After, robots.txt normalisation, per-host rate limits and decoding repairs,
each reproduced against the local bad-input server (loopback only)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dags.ingest.errors import IngestFailure
from dags.ingest.fetch import Fetcher, require_html
from dags.ingest.hosts import MemoryHosts
from dags.ingest.seen_store import SeenStore
from dags.ingest.sources import HttpSettings, Source
from tests.ingest_badsite import ACCENTED_TEXT, TRICKLE_SECONDS, BadSite, serve_bad_site

HTTP = HttpSettings(
    connect_timeout=1,
    read_timeout=1,
    total_timeout=2,
    max_bytes=100_000,
    retries=2,
    backoff_seconds=0.01,
    max_backoff_seconds=0.02,
    max_retry_after=5,
)


@pytest.fixture(scope="module")
def site() -> Iterator[BadSite]:
    with serve_bad_site() as server:
        yield server


def _source(site: BadSite, name: str = "t", delay: float = 0.0) -> Source:
    return Source(
        name=name, url=f"{site.url}/feed.xml", kind="rss", local=True, rate_limit={"min_delay_seconds": delay}
    )


@pytest.fixture
def fetcher(site: BadSite) -> Iterator[Fetcher]:
    with Fetcher(_source(site), HTTP, hosts=MemoryHosts()) as f:
        yield f


def _failure(fetcher: Fetcher, url: str) -> IngestFailure:
    with pytest.raises(IngestFailure) as info:
        require_html(fetcher.fetch(url))
    return info.value


def test_total_timeout_covers_trickled_headers(fetcher: Fetcher, site: BadSite) -> None:
    started = time.monotonic()
    failure = _failure(fetcher, f"{site.url}/trickle-headers.html")
    elapsed = time.monotonic() - started
    assert failure.reason == "deadline_exceeded"
    # The headers alone would take TRICKLE_SECONDS; the deadline (2 s) stops it, once, without retries.
    assert elapsed < TRICKLE_SECONDS / 2
    assert site.requests.count("/trickle-headers.html") == 1


def test_url_past_the_deadline_is_not_retried_in_the_run(fetcher: Fetcher, site: BadSite) -> None:
    assert _failure(fetcher, f"{site.url}/trickle-body.html").reason == "deadline_exceeded"
    assert site.requests.count("/trickle-body.html") == 1
    again = _failure(fetcher, f"{site.url}/trickle-body.html")
    assert again.reason == "deadline_exceeded" and "earlier in this run" in str(again)
    assert site.requests.count("/trickle-body.html") == 1


def test_long_retry_after_stops_retries_for_the_host(site: BadSite) -> None:
    hosts = MemoryHosts()
    with Fetcher(_source(site), HTTP, hosts=hosts) as first:
        failure = _failure(first, f"{site.url}/busy.html")
    assert failure.reason == "http_503" and site.hits["/busy.html"] == 1  # not retried within 3 s
    before = len(site.requests)
    # Another source's fetcher on the same host, later in the run: nothing is sent to the host.
    with Fetcher(_source(site, "other"), HTTP, hosts=hosts) as second:
        blocked = _failure(second, f"{site.url}/good.html")
    assert blocked.reason == "host_backoff" and len(site.requests) == before


@pytest.mark.parametrize(
    "path", ["/%7Ejoe/page.html", "/~joe/page.html", "/caf%C3%A9", "/café", "/~ann/x.html", "/%7Eann/x.html"]
)
def test_robots_rules_match_regardless_of_percent_encoding(fetcher: Fetcher, site: BadSite, path: str) -> None:
    assert _failure(fetcher, f"{site.url}{path}").reason == "robots_disallowed"
    assert not [p for p in site.requests if "joe" in p or "caf" in p or "ann" in p]


def test_robots_sitemap_lines_are_exposed(fetcher: Fetcher, site: BadSite) -> None:
    assert fetcher.robots_sitemaps(site.url) == [f"{site.url}/robots-sitemap.xml"]


def _request_times(site: BadSite, path: str) -> list[float]:
    return sorted(t for p, t in site.timed_requests if p == path)


@pytest.mark.parametrize("shared", ["memory", "database"])
def test_one_rate_limit_per_host_across_sources_and_threads(site: BadSite, tmp_path: Path, shared: str) -> None:
    store = SeenStore(f"sqlite:///{tmp_path / 'seen.db'}") if shared == "database" else None
    hosts = store.hosts() if store else MemoryHosts()
    delay = 0.4
    path = f"/good.html?{shared}"

    def crawl(name: str) -> None:
        # A separate Fetcher, as a separate source's mapped task would have; same host.
        with Fetcher(_source(site, name, delay), HTTP, hosts=hosts) as f:
            for _ in range(3):
                f.fetch(f"{site.url}{path}")

    threads = [threading.Thread(target=crawl, args=(f"s{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = _request_times(site, path)
    assert len(times) == 6
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # Per-source limiters would let the two sources' requests arrive in pairs (gaps near 0) and
    # finish in 2 intervals; one limit per host spaces all six (arrival jitter aside).
    assert min(gaps) >= delay / 2, gaps
    assert times[-1] - times[0] >= 5 * delay * 0.9, gaps
    if store:
        store.close()


def test_declared_utf8_with_a_few_bad_bytes_replaces_only_those(fetcher: Fetcher, site: BadSite) -> None:
    text = fetcher.fetch(f"{site.url}/utf8-few-bad.html").text()
    assert "Négociations à Genève" in text and ACCENTED_TEXT[:80] in text
    assert "Ã" not in text  # no mojibake from a guessed legacy charset
    assert text.count("\ufffd") == 3


def test_url_past_the_deadline_is_skipped_by_other_tasks_too(site: BadSite, tmp_path: Path) -> None:
    store = SeenStore(f"sqlite:///{tmp_path / 'seen.db'}")
    url = f"{site.url}/trickle-body.html?shared"
    with Fetcher(_source(site, "feed"), HTTP, hosts=store.hosts()) as first:
        assert _failure(first, url).reason == "deadline_exceeded"
    # Another source's task in the same run, with its own connection to the seen store.
    with Fetcher(_source(site, "sitemap"), HTTP, hosts=store.hosts()) as second:
        assert _failure(second, url).reason == "deadline_exceeded"
    assert site.requests.count("/trickle-body.html?shared") == 1
    store.close()
