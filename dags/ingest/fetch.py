"""HTTP fetching with the safety and politeness rules every source gets.

Timeouts (connect, read, and a total deadline over connect, headers and body together), a
maximum body size (counted after decompression), a redirect limit with loop detection, a
descriptive User-Agent, robots.txt (Protego) checked on every hop, conditional GET (ETag /
Last-Modified), the address policy of netguard, and tenacity retries for timeouts, network
errors, 5xx and 429-with-Retry-After only. Politeness state is per host and shared (hosts.py):
one rate limit and one robots.txt per origin for every source and task; a Retry-After beyond
`max_retry_after` stops requests to that host, and a URL that ran past the total deadline is
not fetched again, for the rest of the run. Every problem surfaces as an IngestFailure with a reason.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import tenacity

from common.logs import get_logger
from dags.ingest.decoding import decode_body
from dags.ingest.errors import IngestFailure
from dags.ingest.hosts import Hosts, MemoryHosts, RobotsRecord, origin_key
from dags.ingest.netguard import DEADLINE, AddressPolicy, BlockedAddressError, GuardedTransport
from dags.ingest.normalise import canonical_url
from dags.ingest.robots import MAX_ROBOTS_BYTES, RobotsRules, parse_robots
from dags.ingest.sources import HttpSettings, Source

log = get_logger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1"
BINARY_TYPE_PREFIXES = ("image/", "audio/", "video/", "font/")
BINARY_TYPES = frozenset({"application/octet-stream", "application/pdf", "application/zip", "application/gzip"})


@dataclass(frozen=True)
class Validators:
    """Conditional-GET validators remembered for a URL."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass
class FetchResult:
    url: str
    requested_url: str
    status: int
    content: bytes
    content_type: str | None
    charset: str | None
    validators: Validators
    not_modified: bool = False
    elapsed: float = 0.0
    redirects: list[str] = field(default_factory=list)

    def text(self) -> str:
        return decode_body(self.content, self.charset, self.url)[0]


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return mime.strip().lower() or None, charset


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def looks_binary(body: bytes) -> bool:
    return b"\x00" in body[:1024]


def require_html(result: FetchResult) -> None:
    """Raise IngestFailure('non_html') unless the response is an HTML document."""
    mime = result.content_type
    if (mime is not None and mime not in HTML_TYPES) or looks_binary(result.content):
        raise IngestFailure(
            "non_html",
            f"expected an HTML page, got {mime or 'no content type'} ({len(result.content)} bytes)",
            url=result.url,
            payload=result.content[:2048],
        )


def require_textual(result: FetchResult) -> None:
    """Raise IngestFailure('non_html') for media and binary bodies where a feed or sitemap was expected."""
    mime = result.content_type or ""
    if mime.startswith(BINARY_TYPE_PREFIXES) or mime in BINARY_TYPES or looks_binary(result.content):
        raise IngestFailure(
            "non_html",
            f"expected a feed or sitemap document, got {mime or 'binary content'}",
            url=result.url,
            payload=result.content[:2048],
        )


ROBOTS_MAX_AGE_S = 24 * 3600  # RFC 9309 2.4: a cached robots.txt is used for at most 24 hours
ROBOTS_RETRY_S = 15 * 60  # an unreadable robots.txt (5xx, network) is tried again after this


class Fetcher:
    """One source's HTTP client. Use as a context manager; not shared between sources.

    `hosts` is the per-host politeness state; pass the seen store's (SeenStore.hosts()) so that
    every source and task on the same host shares one rate limit, robots.txt and back-off.
    """

    def __init__(self, source: Source, http: HttpSettings, hosts: Hosts | None = None) -> None:
        self.source = source
        self.http = http
        self.hosts: Hosts = hosts if hosts is not None else MemoryHosts()
        self.policy = AddressPolicy.for_source(source.url, source.local)
        self.client = httpx.Client(
            transport=GuardedTransport(self.policy),
            timeout=httpx.Timeout(http.read_timeout, connect=http.connect_timeout),
            headers={"User-Agent": http.user_agent, "Accept-Language": "en;q=1.0, *;q=0.5"},
            follow_redirects=False,
        )
        self._robots: dict[str, tuple[RobotsRules, RobotsRecord]] = {}
        self._crawl_delay: dict[str, float] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # -- public ---------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        validators: Validators | None = None,
        accept: str = HTML_ACCEPT,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET `url` following redirects safely; retry only transient failures. Raises IngestFailure."""
        why = self.hosts.url_blocked(url)
        if why:
            raise IngestFailure("deadline_exceeded", f"{url} {why} earlier in this run; not fetched again", url=url)
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.http.retries + 1),
            wait=self._wait,
            retry=tenacity.retry_if_exception(lambda exc: isinstance(exc, IngestFailure) and exc.retryable),
            before_sleep=self._log_retry,
            reraise=True,
        )
        return retrying(
            self._attempt, url, validators=validators, accept=accept, max_bytes=max_bytes or self.http.max_bytes
        )

    # -- retries --------------------------------------------------------------------------

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, IngestFailure) and exc.retry_after is not None:
            return exc.retry_after
        base = self.http.backoff_seconds
        return tenacity.wait_exponential_jitter(multiplier=base, jitter=base, max=self.http.max_backoff_seconds)(state)

    def _log_retry(self, state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.info(
            "fetch.retry",
            source=self.source.name,
            url=getattr(exc, "url", None),
            reason=getattr(exc, "reason", None),
            attempt=state.attempt_number,
            wait_s=round(state.next_action.sleep, 2) if state.next_action else None,
        )

    # -- one attempt: redirects, robots -----------------------------------------------------

    def _attempt(
        self,
        url: str,
        *,
        validators: Validators | None,
        accept: str,
        max_bytes: int,
        check_robots: bool = True,
        truncate: bool = False,
    ) -> FetchResult:
        started = time.monotonic()
        token = DEADLINE.set(started + self.http.total_timeout)
        try:
            return self._hops(url, validators, accept, max_bytes, check_robots, truncate, started)
        except IngestFailure as failure:
            if failure.reason == "deadline_exceeded":
                skip_until = time.time() + 60 * self.http.slow_url_skip_minutes
                self.hosts.block_url(url, skip_until, f"ran past the {self.http.total_timeout}s total deadline")
            raise
        finally:
            DEADLINE.reset(token)

    def _hops(
        self,
        url: str,
        validators: Validators | None,
        accept: str,
        max_bytes: int,
        check_robots: bool,
        truncate: bool,
        started: float,
    ) -> FetchResult:
        current = url
        seen = {self._loop_key(url)}
        redirects: list[str] = []
        for hop in range(self.http.max_redirects + 1):
            self._check_scheme(current)
            if check_robots:
                self._check_robots(current)
            headers = {"Accept": accept}
            if hop == 0 and validators:
                headers.update(validators.headers())
            response_headers, status, body = self._request(current, headers, max_bytes, truncate, started)
            location = response_headers.get("location")
            if status in REDIRECT_STATUSES and location:
                target = urljoin(current, location.strip())
                key = self._loop_key(target)
                if key in seen:
                    raise IngestFailure(
                        "redirect_loop", f"redirect loop: {' -> '.join([*redirects, current, target])}", url=url
                    )
                seen.add(key)
                redirects.append(current)
                current = target
                continue
            mime, charset = _parse_content_type(response_headers.get("content-type"))
            result = FetchResult(
                url=current,
                requested_url=url,
                status=status,
                content=body,
                content_type=mime,
                charset=charset,
                validators=Validators(response_headers.get("etag"), response_headers.get("last-modified")),
                not_modified=status == 304,
                elapsed=time.monotonic() - started,
                redirects=redirects,
            )
            if status == 304 or 200 <= status < 300:
                return result
            retry_after = parse_retry_after(response_headers.get("retry-after"))
            if retry_after is not None and retry_after > self.http.max_retry_after:
                # Too far away to wait for within this run: leave the host alone until then.
                self.hosts.back_off(
                    origin_key(current), time.time() + retry_after, f"HTTP {status} with Retry-After {retry_after:.0f}s"
                )
                raise IngestFailure(
                    f"http_{status}",
                    f"{current} answered HTTP {status} with Retry-After {retry_after:.0f}s (over max_retry_after="
                    f"{self.http.max_retry_after}s); no more requests to this host in this run",
                    url=url,
                    retry=False,
                )
            raise IngestFailure(f"http_{status}", f"{current} answered HTTP {status}", url=url, retry_after=retry_after)
        raise IngestFailure(
            "too_many_redirects", f"more than {self.http.max_redirects} redirects starting at {url}", url=url
        )

    @staticmethod
    def _loop_key(url: str) -> str:
        try:
            return canonical_url(url)
        except ValueError:
            return url

    @staticmethod
    def _check_scheme(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise IngestFailure("bad_url", f"only absolute http(s) URLs can be fetched, not {url!r}", url=url)

    def _deadline_failure(self, url: str, started: float, what: str) -> IngestFailure:
        return IngestFailure(
            "deadline_exceeded",
            f"{url} took longer than total_timeout={self.http.total_timeout}s ({what}, "
            f"{time.monotonic() - started:.1f}s); not retried in this run",
            url=url,
            retry=False,
        )

    def _past_deadline(self, started: float) -> bool:
        return time.monotonic() - started >= self.http.total_timeout - 0.01

    def _wait_for_host(self, url: str) -> None:
        origin = origin_key(url)
        backoff = self.hosts.backoff_until(origin)
        if backoff:
            until, why = backoff
            raise IngestFailure(
                "host_backoff",
                f"{origin} asked us to stay away ({why}) for {until - time.time():.0f}s more; {url} not requested",
                url=url,
                retry=False,
            )
        interval = max(self.source.min_delay_seconds, self._crawl_delay.get(origin, 0.0))
        wait = self.hosts.reserve(origin, interval)
        if wait > 0:
            time.sleep(wait)

    def _request(
        self, url: str, headers: dict[str, str], max_bytes: int, truncate: bool, started: float
    ) -> tuple[httpx.Headers, int, bytes]:
        self._wait_for_host(url)
        try:
            request = self.client.build_request("GET", url, headers=headers)
            response = self.client.send(request, stream=True)
        except BlockedAddressError as exc:
            raise IngestFailure("blocked_address", str(exc), url=url) from exc
        except httpx.TimeoutException as exc:
            if self._past_deadline(started):
                raise self._deadline_failure(url, started, "connecting or waiting for headers") from exc
            raise IngestFailure("timeout", f"{type(exc).__name__} fetching {url}", url=url) from exc
        except (httpx.ConnectError, httpx.ProxyError) as exc:
            raise IngestFailure("connect_error", f"cannot connect for {url}: {exc}", url=url) from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise IngestFailure("bad_url", f"{url}: {exc}", url=url) from exc
        except httpx.TransportError as exc:
            raise IngestFailure("network_error", f"{type(exc).__name__} fetching {url}: {exc}", url=url) from exc
        try:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes and not truncate:
                raise IngestFailure(
                    "too_large", f"{url} declares {declared} bytes, over the {max_bytes}-byte limit", url=url
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    if truncate:
                        chunks.append(chunk[: max_bytes - (size - len(chunk))])
                        break
                    raise IngestFailure("too_large", f"{url} body exceeds the {max_bytes}-byte limit", url=url)
                if self._past_deadline(started):
                    raise self._deadline_failure(url, started, "reading the body")
                chunks.append(chunk)
            return response.headers, response.status_code, b"".join(chunks)
        except httpx.TimeoutException as exc:
            if self._past_deadline(started):
                raise self._deadline_failure(url, started, "reading the body") from exc
            raise IngestFailure("timeout", f"{type(exc).__name__} reading {url}", url=url) from exc
        except httpx.DecodingError as exc:
            raise IngestFailure("network_error", f"{url}: corrupt content encoding: {exc}", url=url) from exc
        except httpx.TransportError as exc:
            raise IngestFailure("network_error", f"{type(exc).__name__} reading {url}: {exc}", url=url) from exc
        finally:
            response.close()

    # -- robots.txt ---------------------------------------------------------------------------

    def _check_robots(self, url: str) -> None:
        rules, record = self._robots_rules(url)
        if rules.allowed(url, self.http.user_agent):
            return
        if record.status == "unavailable":
            raise IngestFailure(
                "robots_unavailable",
                f"robots.txt for {url} could not be read ({record.error}); not crawling the host for now",
                url=url,
            )
        raise IngestFailure("robots_disallowed", f"robots.txt disallows {url} for our user agent", url=url)

    def robots_sitemaps(self, url: str) -> list[str]:
        """The `Sitemap:` URLs of the robots.txt of `url`'s host (for discovery)."""
        rules, _ = self._robots_rules(url)
        return rules.sitemaps()

    def _robots_rules(self, url: str) -> tuple[RobotsRules, RobotsRecord]:
        origin = origin_key(url)
        cached = self._robots.get(origin)
        if cached is None:
            record = self.hosts.robots(origin)
            if record is None or not self._fresh(record):
                record = self._fetch_robots(url)
                self.hosts.save_robots(origin, record)
            robots_url = urljoin(url, "/robots.txt")
            if record.status == "ok":
                rules = parse_robots(record.text, robots_url)
            elif record.status == "allow_all":
                rules = RobotsRules.allowing_all()
            else:
                rules = RobotsRules.disallowing_all()
            delay = rules.crawl_delay(self.http.user_agent)
            if delay:
                # Honour Crawl-delay, capped so one odd robots.txt cannot stall the run.
                self._crawl_delay[origin] = min(delay, self.http.max_crawl_delay)
            cached = self._robots[origin] = (rules, record)
        return cached

    @staticmethod
    def _fresh(record: RobotsRecord) -> bool:
        max_age = ROBOTS_RETRY_S if record.status == "unavailable" else ROBOTS_MAX_AGE_S
        return time.time() - record.fetched_at < max_age

    def _fetch_robots(self, url: str) -> RobotsRecord:
        robots_url = urljoin(url, "/robots.txt")
        try:
            result = self._attempt(
                robots_url,
                validators=None,
                accept="text/plain",
                max_bytes=MAX_ROBOTS_BYTES,
                check_robots=False,
                truncate=True,
            )
            return RobotsRecord("ok", result.content.decode("utf-8", errors="replace"), time.time())
        except IngestFailure as exc:
            if exc.reason in ("blocked_address", "bad_url", "host_backoff"):
                raise
            if exc.reason.startswith("http_4") and exc.reason != "http_429":
                return RobotsRecord("allow_all", "", time.time())  # RFC 9309: 4xx means no restrictions
            log.warning("robots.unavailable", source=self.source.name, url=robots_url, error=str(exc))
            return RobotsRecord("unavailable", "", time.time(), str(exc))
