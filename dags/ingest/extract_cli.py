"""Extract one article from an HTML file or stdin and print it as an articles.raw message (JSON).

    python -m dags.ingest.extract_cli page.html --url https://example.com/world/story.html
    curl -s https://example.com/story.html | python -m dags.ingest.extract_cli - --url https://example.com/story.html
    python -m dags.ingest.extract_cli page.html --url URL --source demo --summary "feed summary used if the page has no text"

The output has exactly the fields of an articles.raw message (schemas/article.v1.json) and is
validated against it; nothing is fetched, deduplicated or sent. Exit status 2 if the page
yields no article (the reason is printed on stderr).

The same limits as the DAG apply, from the sources config (NEWS_SOURCES_FILE or dags/sources.yaml):
a page over `http.max_bytes` is refused (too_large) without being read whole, and extraction
stops after `ingest.max_extract_seconds` (extract_timeout).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import BinaryIO

from dags.ingest.decoding import decode_body
from dags.ingest.discover import DiscoveredItem
from dags.ingest.errors import IngestFailure
from dags.ingest.extract import extract_article
from dags.ingest.messages import build_article_message
from dags.ingest.normalise import canonical_url
from dags.ingest.sources import Source, SourcesConfig, SourcesConfigError, load_config


def _source(config: SourcesConfig, name: str | None, url: str) -> Source:
    if name:
        return config.get(name)
    return Source(name="cli", url=url, kind="html", link_pattern=".*")


def read_limited(stream: BinaryIO, max_bytes: int, what: str) -> bytes:
    """At most `max_bytes` bytes of `stream`; IngestFailure('too_large') if there are more."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise IngestFailure("too_large", f"{what} is over the {max_bytes}-byte limit (http.max_bytes)")
    return data


def extract_to_message(
    html_bytes: bytes,
    url: str,
    source: Source,
    summary: str | None = None,
    charset: str | None = None,
    config: SourcesConfig | None = None,
) -> dict:
    config = config or load_config()
    if len(html_bytes) > config.http.max_bytes:
        raise IngestFailure("too_large", f"the page is over the {config.http.max_bytes}-byte limit (http.max_bytes)")
    html, _ = decode_body(html_bytes, charset, url)
    hint = DiscoveredItem(url=url, summary=summary) if summary else None
    article = extract_article(
        html,
        url,
        hint,
        min_text_chars=config.ingest.min_text_chars,
        min_summary_chars=config.ingest.min_summary_chars,
        default_language=source.language,
        max_seconds=config.ingest.max_extract_seconds,
    )
    canonical = canonical_url(article.canonical_link or url)
    return build_article_message(source, url, canonical, article)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="HTML file, or - for stdin")
    parser.add_argument("--url", required=True, help="the page's URL (resolves links, becomes url/canonical_url/id)")
    parser.add_argument("--source", help="take name, kind, language and tags from this source in the sources config")
    parser.add_argument("--summary", help="fallback text, as a feed summary would provide")
    parser.add_argument("--charset", help="charset the bytes are in, if not declared in the page")
    args = parser.parse_args(argv)
    try:
        config = load_config()
        source = _source(config, args.source, args.url)
    except (SourcesConfigError, KeyError) as exc:
        parser.error(str(exc))
    try:
        if args.file == "-":
            data = read_limited(sys.stdin.buffer, config.http.max_bytes, "standard input")
        else:
            with open(args.file, "rb") as handle:
                data = read_limited(handle, config.http.max_bytes, args.file)
        message = extract_to_message(data, args.url, source, args.summary, args.charset, config)
    except OSError as exc:
        parser.error(f"cannot read {args.file}: {exc.strerror}")
    except IngestFailure as exc:
        print(f"no article: {exc}", file=sys.stderr)
        return 2
    json.dump(message, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
