"""Extract one article from an HTML file or stdin and print it as an articles.raw message (JSON).

    python -m dags.ingest.extract_cli page.html --url https://example.com/world/story.html
    curl -s https://example.com/story.html | python -m dags.ingest.extract_cli - --url https://example.com/story.html
    python -m dags.ingest.extract_cli page.html --url URL --source demo --summary "feed summary used if the page has no text"

The output has exactly the fields of an articles.raw message (schemas/article.v1.json) and is
validated against it; nothing is fetched, deduplicated or sent. Exit status 2 if the page
yields no article (the reason is printed on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys

from dags.ingest.decoding import decode_body
from dags.ingest.discover import DiscoveredItem
from dags.ingest.errors import IngestFailure
from dags.ingest.extract import extract_article
from dags.ingest.messages import build_article_message
from dags.ingest.normalise import canonical_url
from dags.ingest.sources import Source, SourcesConfigError, load_config


def _source(name: str | None, url: str) -> Source:
    if name:
        return load_config().get(name)
    return Source(name="cli", url=url, kind="html", link_pattern=".*")


def extract_to_message(
    html_bytes: bytes, url: str, source: Source, summary: str | None = None, charset: str | None = None
) -> dict:
    html, _ = decode_body(html_bytes, charset, url)
    hint = DiscoveredItem(url=url, summary=summary) if summary else None
    article = extract_article(html, url, hint, default_language=source.language)
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
        data = sys.stdin.buffer.read() if args.file == "-" else open(args.file, "rb").read()
    except OSError as exc:
        parser.error(f"cannot read {args.file}: {exc.strerror}")
    try:
        message = extract_to_message(data, args.url, _source(args.source, args.url), args.summary, args.charset)
    except (SourcesConfigError, KeyError) as exc:
        parser.error(str(exc))
    except IngestFailure as exc:
        print(f"no article: {exc}", file=sys.stderr)
        return 2
    json.dump(message, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
