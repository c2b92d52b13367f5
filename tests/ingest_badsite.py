"""A local HTTP server full of bad inputs for the ingest tests: errors, loops, slow, huge, binary, bad charsets.

Serves on 127.0.0.1 only. `BadSite.requests` records every path requested, so tests can prove a
URL was never fetched (robots.txt, refused addresses).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_PARAGRAPHS = [
    "The foreign ministers of Chile and Peru signed an agreement on Monday to share data on fishing fleets in the Pacific.",
    "Chile's government said the accord would help both countries fight illegal fishing, and Peru's navy pledged to patrol the maritime border with Chilean vessels.",
    "Fishermen's unions in Arica protested against the deal, accusing the government of ignoring local crews, and threatened to block the port on Friday.",
    "Ecuador welcomed the agreement and asked to join the talks at the next meeting in Lima.",
]
LATIN1_TEXT = (
    "Le ministre des Affaires étrangères a déclaré à Bogotá que la Colombie et le Vénézuela "
    "reprendraient le dialogue. À São Paulo, les syndicats ont protesté contre la réforme des retraites, "
    "et le gouvernement brésilien a rejeté leurs demandes. Les négociateurs se réuniront à Genève en décembre."
)
SLOW_SECONDS = 2.5
HUGE_BYTES = 300_000
TRICKLE_SECONDS = 20  # how long the trickling pages would take if nobody gave up
ACCENTED_TEXT = (
    "Le président a annoncé à Genève que les négociations reprendraient. Les délégués étaient "
    "d'accord : « Nous avons fait des progrès », a déclaré la ministre à Zürich et à Bogotá."
)
RUSSIAN_PARAGRAPHS = [
    "Министр иностранных дел России провёл в понедельник переговоры со своим турецким коллегой в Анкаре.",
    "Стороны обсудили ситуацию в Сирии и договорились продолжить консультации на следующей неделе в Москве.",
    "По словам дипломатов, встреча прошла в конструктивной атмосфере, однако по ряду вопросов разногласия сохраняются.",
]
ROBOTS_TXT = (
    "User-agent: *\nDisallow: /private/\nDisallow: /~joe/\nDisallow: /caf%C3%A9\nDisallow: /%7Eann/\n"
    "Sitemap: /robots-sitemap.xml\n"
)


def article_html(title: str, paragraphs: list[str], charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head>{meta}<title>{title}</title></head><body>'
        '<nav><a href="/">Home</a> <a href="/world/">World</a></nav>'
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>&copy; 2026 Bad Site Herald. All rights reserved.</footer></body></html>"
    )


def feed_xml(base: str, links: list[tuple[str, str | None]]) -> str:
    items = []
    for i, (link, summary) in enumerate(links):
        url = link if link.startswith("http") else f"{base}{link}"
        desc = f"<description>{summary}</description>" if summary else ""
        items.append(
            f"<item><title>Item {i}</title><link>{url}</link>"
            f"<pubDate>{formatdate(1_790_000_000 + i * 60, usegmt=True)}</pubDate>{desc}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bad Site Herald</title>'
        f"<link>{base}/</link><description>test feed</description>{''.join(items)}</channel></rss>"
    )


# (path, summary) in the main feed; private-address links are added with the server's port.
BAD_FEED_ITEMS: list[tuple[str, str | None]] = [
    ("/good.html", None),
    ("/latin1.html", None),
    ("/latin1-undeclared.html", None),
    ("/missing.html", None),
    ("/error.html", None),
    ("/slow.html", None),
    ("/loop/a.html", None),
    ("/files/report.pdf", None),
    ("/huge.html", None),
    ("/undecodable.html", None),
    ("/empty.html", None),
    ("/private/secret.html", None),
]


def private_links(loopback_port: int) -> list[tuple[str, str | None]]:
    # Never contacted: the address policy refuses them before any connection is made.
    return [
        ("http://10.0.0.1/world/leak.html", None),
        ("http://169.254.169.254/latest/meta-data/", None),
        (f"http://127.0.0.1:{loopback_port}/internal/admin.html", None),
    ]


class BadSiteHandler(BaseHTTPRequestHandler):
    server: BadSite
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self, data: bytes) -> None:
        """Send `data` a byte at a time, slowly enough that it would take TRICKLE_SECONDS in all."""
        pause = TRICKLE_SECONDS / max(len(data), 1)
        try:
            for i in range(len(data)):
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass  # the client gave up, which is the point

    def do_GET(self) -> None:  # noqa: N802, C901 - one branch per bad input
        path = self.path.split("?", 1)[0]
        self.server.record(self.path)
        hook = self.server.hooks.pop(path, None)
        if hook:
            hook()
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if path == "/robots.txt":
            self._send(200, ROBOTS_TXT.encode(), "text/plain")
        elif path == "/trickle-headers.html":
            self._trickle(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n" + b"X-Pad: " + b"a" * 400 + b"\r\n\r\n")
        elif path == "/trickle-body.html":
            body = article_html("Trickled", ARTICLE_PARAGRAPHS * 10).encode()
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n")
            self._trickle(body)
        elif path == "/utf8-few-bad.html":
            body = article_html("Négociations à Genève", [ACCENTED_TEXT] * 3).encode("utf-8")
            body = body.replace("Zürich".encode(), b"Z\xfcrich", 1).replace(b"<p>", b"<p>\xff", 1)
            body = body.replace(b"</article>", b"\xc3</article>", 1)  # a truncated sequence
            self._send(200, body, "text/html; charset=utf-8")
        elif path == "/busy.html":
            self.server.bump(path)
            self._send(503, b"busy", headers={"Retry-After": "3600"})
        elif path in ("/~joe/page.html", "/%7Ejoe/page.html", "/caf%C3%A9", "/%7Eann/x.html", "/~ann/x.html"):
            self._send(200, article_html("Should never be fetched", ARTICLE_PARAGRAPHS).encode())
        elif path == "/robots-sitemap.xml":
            self._send(200, sitemap_xml(base, ["/good.html", "/utf8-few-bad.html"]).encode(), "application/xml")
        elif path == "/russian-undeclared.html":
            page = article_html("Переговоры в Анкаре", RUSSIAN_PARAGRAPHS).replace(' lang="en"', "")
            self._send(200, page.encode())
        elif path == "/big-page.html":
            paragraph = "<p>" + " ".join(ARTICLE_PARAGRAPHS) + "</p>\n"
            body = article_html("Big", [paragraph * 2000]).encode()
            self._send(200, body)
        elif path == "/feed.xml":
            items = BAD_FEED_ITEMS + private_links(self.server.other_loopback_port)
            self._send(200, feed_xml(base, items).encode(), "application/rss+xml")
        elif path == "/feed-nonlocal.xml":
            self._send(200, feed_xml(base, [("/good.html", None)]).encode(), "application/rss+xml")
        elif path == "/feed-broken.xml":
            self._send(
                200, b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</ti', "application/rss+xml"
            )
        elif path == "/feed-empty.xml":
            self._send(200, feed_xml(base, []).encode(), "application/rss+xml")
        elif path == "/good.html":
            self._send(200, article_html("Chile and Peru sign fishing accord", ARTICLE_PARAGRAPHS).encode())
        elif path == "/latin1.html":
            html = article_html("Colombie et Vénézuela", [LATIN1_TEXT] * 2, charset=None)
            self._send(200, html.encode("latin-1"), "text/html; charset=iso-8859-1")
        elif path == "/latin1-undeclared.html":
            html = article_html("Syndicats à São Paulo", [LATIN1_TEXT.replace("Genève", "Brasília")] * 2, charset=None)
            self._send(200, html.encode("latin-1"), "text/html")
        elif path == "/missing.html":
            self._send(404, b"<html><body>Not found</body></html>")
        elif path == "/error.html":
            self._send(500, b"<html><body>Internal error</body></html>")
        elif path == "/unavailable.html":
            self.server.bump(path)
            if self.server.hits[path] == 1:
                self._send(503, b"busy", headers={"Retry-After": "0"})
            else:
                self._send(200, article_html("Recovered", ARTICLE_PARAGRAPHS).encode())
        elif path == "/throttled.html":
            self.server.bump(path)
            self._send(429, b"slow down", headers={"Retry-After": "0"} if self.server.hits[path] == 1 else {})
        elif path == "/slow.html":
            time.sleep(SLOW_SECONDS)
            self._send(200, article_html("Too slow", ARTICLE_PARAGRAPHS).encode())
        elif path == "/loop/a.html":
            self._send(302, b"", headers={"Location": "/loop/b.html"})
        elif path == "/loop/b.html":
            self._send(301, b"", headers={"Location": f"{base}/loop/a.html"})
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(302, b"", headers={"Location": f"/hop/{n + 1}"})
        elif path == "/files/report.pdf":
            self._send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00", "application/pdf")
        elif path == "/huge.html":
            chunk = article_html("Huge", ARTICLE_PARAGRAPHS * 40).encode()
            body = (chunk * (HUGE_BYTES // len(chunk) + 1))[:HUGE_BYTES]
            self._send(200, body, length=False)  # no Content-Length: the limit must hold while streaming
        elif path == "/huge-declared.html":
            self._send(200, b"x" * HUGE_BYTES)
        elif path == "/undecodable.html":
            rng = random.Random(7)
            self._send(200, bytes(rng.randrange(0x80, 0x100) for _ in range(4000)), "text/html")
        elif path == "/empty.html":
            self._send(200, article_html("", []).encode())
        elif path == "/etag.xml":
            etag = '"v1"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", headers={"ETag": etag})
            else:
                self._send(
                    200, feed_xml(base, [("/good.html", None)]).encode(), "application/rss+xml", headers={"ETag": etag}
                )
        else:
            self._send(404, b"<html><body>Not found</body></html>")


def sitemap_xml(base: str, paths: list[str]) -> str:
    urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>2026-11-20T08:00:00+01:00</lastmod></url>" for p in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


class BadSite(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, other_loopback_port: int = 9) -> None:
        self.requests: list[str] = []
        self.timed_requests: list[tuple[str, float]] = []  # (path, time.monotonic() when it arrived)
        self.hits: dict[str, int] = {}
        self.hooks: dict[str, Callable[[], None]] = {}  # run once when the path is first requested
        self.other_loopback_port = other_loopback_port
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), BadSiteHandler)

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)
            self.timed_requests.append((path, time.monotonic()))

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up on the slow and huge pages is the point of those pages

    def bump(self, path: str) -> None:
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def requested(self, prefix: str) -> list[str]:
        return [p for p in self.requests if p.startswith(prefix)]


@contextmanager
def serve_bad_site() -> Iterator[BadSite]:
    server = BadSite()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def bad_sources_yaml(base: str) -> str:
    """A sources config for the bad site: tight limits so the bad inputs fail fast."""
    return f"""
http:
  connect_timeout: 1
  read_timeout: 1
  total_timeout: 3
  max_bytes: 100000
  max_redirects: 3
  retries: 1
  backoff_seconds: 0.05
  max_backoff_seconds: 0.1
ingest:
  min_text_chars: 200
sources:
  - name: bad-site
    kind: rss
    url: {base}/feed.xml
    language: en
    rate_limit: {{min_delay_seconds: 0}}
    local: true
  - name: bad-broken-feed
    kind: rss
    url: {base}/feed-broken.xml
    rate_limit: {{min_delay_seconds: 0}}
    local: true
  - name: bad-empty-feed
    kind: rss
    url: {base}/feed-empty.xml
    rate_limit: {{min_delay_seconds: 0}}
    local: true
  - name: bad-gone-feed
    kind: rss
    url: {base}/gone.xml
    rate_limit: {{min_delay_seconds: 0}}
    local: true
  - name: not-local
    kind: rss
    url: {base}/feed-nonlocal.xml
    rate_limit: {{min_delay_seconds: 0}}
"""
