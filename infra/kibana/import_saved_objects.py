"""Import the saved objects into Kibana: `make kibana-import`.

    KIBANA_URL=http://127.0.0.1:5601 python infra/kibana/import_saved_objects.py [--space SPACE] [--dry-run]

POSTs saved_objects.ndjson, with {prefix} replaced by NEWS_INDEX_PREFIX, to
$KIBANA_URL[/s/<space>]/api/saved_objects/_import?overwrite=true as multipart form data,
with the `kbn-xsrf` header Kibana requires. Authentication, if any: KIBANA_API_KEY
(an encoded API key) or KIBANA_USERNAME / KIBANA_PASSWORD. KIBANA_CA_CERTS for TLS.
Retries while Kibana starts up (connection refused, 503), fails on anything else.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx
from tenacity import retry, retry_if_exception, stop_after_delay, wait_exponential

NDJSON = Path(__file__).resolve().parent / "saved_objects.ndjson"
DEFAULT_URL = "http://127.0.0.1:5601"


class ImportFailed(RuntimeError):
    pass


def render(ndjson_text: str, prefix: str) -> str:
    """Fill the {prefix} placeholder and check every line is a saved object."""
    rendered = ndjson_text.replace("{prefix}", prefix)
    for number, line in enumerate(rendered.splitlines(), start=1):
        if line.strip():
            obj = json.loads(line)
            if not {"id", "type", "attributes"} <= set(obj):
                raise ValueError(f"line {number} is not a saved object")
    return rendered


def import_url(base_url: str, space: str | None) -> str:
    base = base_url.rstrip("/")
    if space and space != "default":
        base = f"{base}/s/{space}"
    return f"{base}/api/saved_objects/_import"


def auth_headers(api_key: str | None) -> dict[str, str]:
    headers = {"kbn-xsrf": "newsevents-import"}
    if api_key:
        headers["Authorization"] = f"ApiKey {api_key}"
    return headers


def _retriable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.TransportError):
        return True
    return isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code in (502, 503, 504)


def post_import(client: httpx.Client, url: str, ndjson: str, headers: dict[str, str], *, wait_s: float = 120.0) -> dict[str, Any]:
    """POST the NDJSON (overwrite=true) and return Kibana's answer; raise ImportFailed on errors."""

    @retry(retry=retry_if_exception(_retriable), stop=stop_after_delay(wait_s), wait=wait_exponential(multiplier=1, max=10), reraise=True)
    def _post() -> httpx.Response:
        response = client.post(
            url,
            params={"overwrite": "true"},
            headers=headers,
            files={"file": ("saved_objects.ndjson", ndjson.encode("utf-8"), "application/ndjson")},
        )
        if response.status_code in (502, 503, 504):
            response.raise_for_status()
        return response

    response = _post()
    if response.status_code != 200:
        raise ImportFailed(f"Kibana answered {response.status_code}: {response.text[:1000]}")
    result = response.json()
    if not result.get("success"):
        problems = "; ".join(
            f"{e.get('type')}/{e.get('id')}: {json.dumps(e.get('error'), sort_keys=True)}" for e in result.get("errors", [])
        )
        raise ImportFailed(f"import incomplete ({result.get('successCount', 0)} imported): {problems}")
    return result


def main(argv: list[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    parser = argparse.ArgumentParser(description="Import the news events saved objects into Kibana.")
    parser.add_argument("--url", default=os.environ.get("KIBANA_URL") or DEFAULT_URL)
    parser.add_argument("--space", default=os.environ.get("KIBANA_SPACE"))
    parser.add_argument("--prefix", default=os.environ.get("NEWS_INDEX_PREFIX") or "news")
    parser.add_argument("--file", type=Path, default=NDJSON)
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait for Kibana to come up")
    parser.add_argument("--dry-run", action="store_true", help="print the rendered NDJSON instead of importing")
    args = parser.parse_args(argv)

    ndjson = render(args.file.read_text(encoding="utf-8"), args.prefix)
    if args.dry_run:
        sys.stdout.write(ndjson)
        return 0
    auth = None
    username = os.environ.get("KIBANA_USERNAME")
    if not os.environ.get("KIBANA_API_KEY") and username:
        auth = httpx.BasicAuth(username, os.environ.get("KIBANA_PASSWORD", ""))
    verify: Any = os.environ.get("KIBANA_CA_CERTS") or True
    with httpx.Client(timeout=60.0, auth=auth, verify=verify, transport=transport) as client:
        try:
            result = post_import(
                client, import_url(args.url, args.space), ndjson, auth_headers(os.environ.get("KIBANA_API_KEY")), wait_s=args.wait
            )
        except (ImportFailed, httpx.HTTPError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    print(f"imported {result.get('successCount')} saved objects into {args.url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
