"""Fetcher behaviour against the local bad-input server (loopback only)."""

from collections.abc import Iterator

import pytest

from dags.ingest.errors import IngestFailure
from dags.ingest.fetch import Fetcher, Validators, parse_retry_after, require_html
from dags.ingest.sources import HttpSettings, Source
from tests.ingest_badsite import LATIN1_TEXT, BadSite, serve_bad_site

HTTP = HttpSettings(
    connect_timeout=1,
    read_timeout=1,
    total_timeout=3,
    max_bytes=100_000,
    max_redirects=3,
    retries=1,
    backoff_seconds=0.01,
    max_backoff_seconds=0.02,
)


@pytest.fixture(scope="module")
def site() -> Iterator[BadSite]:
    with serve_bad_site() as server:
        yield server


@pytest.fixture
def fetcher(site: BadSite) -> Iterator[Fetcher]:
    source = Source(name="t", url=f"{site.url}/feed.xml", kind="rss", local=True, rate_limit={"min_delay_seconds": 0})
    with Fetcher(source, HTTP) as f:
        yield f


def _reason(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(IngestFailure) as info:
        result = fetcher.fetch(url)
        require_html(result)
    return info.value.reason


def test_good_page_and_user_agent(fetcher: Fetcher, site: BadSite) -> None:
    result = fetcher.fetch(f"{site.url}/good.html")
    assert result.status == 200 and result.content_type == "text/html"
    assert "Chile and Peru" in result.text()


def test_robots_is_fetched_once_per_origin_and_honoured(fetcher: Fetcher, site: BadSite) -> None:
    before = len(site.requested("/robots.txt"))
    assert _reason(fetcher, f"{site.url}/private/secret.html") == "robots_disallowed"
    fetcher.fetch(f"{site.url}/good.html")
    assert len(site.requested("/robots.txt")) == before + 1
    assert site.requested("/private/") == []


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing.html", "http_404"),
        ("/error.html", "http_500"),
        ("/loop/a.html", "redirect_loop"),
        ("/hop/0", "too_many_redirects"),
        ("/huge.html", "too_large"),
        ("/huge-declared.html", "too_large"),
        ("/files/report.pdf", "non_html"),
        ("/slow.html", "timeout"),
    ],
)
def test_bad_inputs_raise_with_reason(fetcher: Fetcher, site: BadSite, path: str, reason: str) -> None:
    assert _reason(fetcher, f"{site.url}{path}") == reason


def test_4xx_is_not_retried_but_5xx_is(fetcher: Fetcher, site: BadSite) -> None:
    missing, error = site.requests.count("/missing.html"), site.requests.count("/error.html")
    _reason(fetcher, f"{site.url}/missing.html")
    _reason(fetcher, f"{site.url}/error.html")
    assert site.requests.count("/missing.html") == missing + 1
    assert site.requests.count("/error.html") == error + 2  # retries=1


def test_503_with_retry_after_recovers(fetcher: Fetcher, site: BadSite) -> None:
    result = fetcher.fetch(f"{site.url}/unavailable.html")
    assert result.status == 200 and site.hits["/unavailable.html"] == 2


def test_429_is_retried_only_with_retry_after(fetcher: Fetcher, site: BadSite) -> None:
    assert _reason(fetcher, f"{site.url}/throttled.html") == "http_429"
    assert site.hits["/throttled.html"] == 2  # first had Retry-After: retried; second had none: given up


def test_conditional_get(fetcher: Fetcher, site: BadSite) -> None:
    first = fetcher.fetch(f"{site.url}/etag.xml")
    assert first.validators == Validators('"v1"', None)
    second = fetcher.fetch(f"{site.url}/etag.xml", validators=first.validators)
    assert second.not_modified and second.content == b""


def test_declared_and_detected_charsets(fetcher: Fetcher, site: BadSite) -> None:
    assert LATIN1_TEXT[:60] in fetcher.fetch(f"{site.url}/latin1.html").text()
    assert "São Paulo" in fetcher.fetch(f"{site.url}/latin1-undeclared.html").text()
    with pytest.raises(IngestFailure) as info:
        fetcher.fetch(f"{site.url}/undecodable.html").text()
    assert info.value.reason == "undecodable"


def test_non_local_source_is_refused_before_connecting(site: BadSite) -> None:
    source = Source(name="remote", url=f"{site.url}/feed-nonlocal.xml", kind="rss")
    with Fetcher(source, HTTP) as remote:
        with pytest.raises(IngestFailure) as info:
            remote.fetch(source.url)
    assert info.value.reason == "blocked_address" and "local: true" in str(info.value)
    assert site.requested("/feed-nonlocal.xml") == []


def test_local_source_cannot_reach_other_private_hosts(fetcher: Fetcher) -> None:
    for url in ("http://10.0.0.1/x.html", "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:9/x.html"):
        assert _reason(fetcher, url) == "blocked_address"


def test_non_http_urls_are_refused(fetcher: Fetcher) -> None:
    assert _reason(fetcher, "file:///etc/passwd") == "bad_url"


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
