"""Serve the demo news site (infra/demo-site) on loopback, so the pipeline runs with no internet.

    python -m dags.ingest.demo_site                 # http://127.0.0.1:8765 (or the port in NEWS_DEMO_SITE_URL)
    python -m dags.ingest.demo_site --port 0        # any free port; the URL is printed
    python -m dags.ingest.demo_site --root DIR      # serve another directory laid out the same way

Pages contain {{BASE_URL}} where absolute links belong (feed, sitemap, canonical links); it is
replaced by the address the request was sent to. Responses carry ETag and Last-Modified and
honour If-None-Match / If-Modified-Since, like a real site behind a CDN.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEMO_SITE_DIR = Path(__file__).resolve().parents[2] / "infra" / "demo-site"
DEFAULT_URL = "http://127.0.0.1:8765"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
SPECIAL_TYPES = {"feed.xml": "application/rss+xml; charset=utf-8"}


def demo_site_url() -> str:
    return (os.environ.get("NEWS_DEMO_SITE_URL") or DEFAULT_URL).rstrip("/")


class DemoSiteHandler(BaseHTTPRequestHandler):
    server: DemoSiteServer
    server_version = "MeridianDemo/1.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            sys.stderr.write(f"demo-site {self.address_string()} {format % args}\n")

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._serve(send_body=True)

    def _resolve(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        target = (self.server.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.server.root):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _serve(self, send_body: bool) -> None:
        self.server.record(self.path)
        target = self._resolve()
        if target is None:
            self._send(
                HTTPStatus.NOT_FOUND,
                b"<html><body><h1>404 Not Found</h1></body></html>",
                "text/html; charset=utf-8",
                send_body,
            )
            return
        body = target.read_bytes()
        if target.suffix in CONTENT_TYPES:
            host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
            body = body.replace(b"{{BASE_URL}}", f"http://{host}".encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        mtime = int(target.stat().st_mtime)
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": last_modified, "Cache-Control": "max-age=60"}
        if self._not_modified(etag, mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            return
        content_type = SPECIAL_TYPES.get(target.name) or CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        self._send(HTTPStatus.OK, body, content_type, send_body, headers)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [t.strip() for t in if_none_match.split(",")] or if_none_match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return mtime <= email.utils.parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _send(
        self, status: HTTPStatus, body: bytes, content_type: str, send_body: bool, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class DemoSiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        self.root = root.resolve()
        self.verbose = verbose
        self.requests: list[str] = []
        self._lock = threading.Lock()
        super().__init__((host, port), DemoSiteHandler)

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):  # a client hanging up is not the server's problem
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


@contextmanager
def serve_demo_site(root: Path | None = None, port: int = 0, host: str = "127.0.0.1") -> Iterator[DemoSiteServer]:
    """Run the demo site in a background thread for the duration of the block."""
    server = DemoSiteServer(root or DEMO_SITE_DIR, host, port)
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    default_port = urlsplit(demo_site_url()).port or 8765
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--port", type=int, default=default_port, help=f"TCP port (default {default_port}; 0 = any free port)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, loopback only)")
    parser.add_argument("--root", type=Path, default=DEMO_SITE_DIR, help="directory to serve (default infra/demo-site)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    if not (args.root / "feed.xml").is_file():
        parser.error(f"{args.root} has no feed.xml; point --root at a demo site directory")
    try:
        server = DemoSiteServer(args.root, args.host, args.port, verbose=not args.quiet)
    except OSError as exc:
        print(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror}; is the demo site already running? "
            "Use --port to pick another port (and set NEWS_DEMO_SITE_URL to match).",
            file=sys.stderr,
        )
        return 1
    print(f"demo news site on {server.url} (feed {server.url}/feed.xml); Ctrl-C to stop", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
