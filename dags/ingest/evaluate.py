"""`make eval-ingest`: how well ingestion gets an article's facts right, on saved real news pages.

    python -m dags.ingest.evaluate                    # the whole set, summary table
    python -m dags.ingest.evaluate --show-errors      # plus every page where we miss the day, title or language
    python -m dags.ingest.evaluate --json             # machine-readable

The set (tests/eval/ingest/) holds saved pages of other extraction projects' test suites with
the text, title, publication day and language expected for each, and their provenance
(manifest.jsonl, pages.tar.xz; see its README). Measured side by side on the same decoded pages:

  text F1    bag-of-words F1 against the hand-corrected text: ours vs plain trafilatura (defaults)
  title      exact match (whitespace and Unicode normalised): ours vs plain trafilatura's title
  day        publication day as the publisher shows it (local): ours vs htmldate fast and
             extensive (original_date=True, the page URL given to all)
  language   ours vs the page's declared language alone (what ingestion used before detection)

Nothing is fetched: pages are read from the archive.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVAL_DIR = Path(__file__).resolve().parents[2] / "tests" / "eval" / "ingest"
_WORD = re.compile(r"\w+", re.UNICODE)
# Scripts written without spaces between words: every character counts as a token.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u1000-\u109f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff66-\uff9f]")


@dataclass
class Page:
    id: str
    url: str
    html: str
    expected: dict[str, Any]
    text: str | None


def tokens(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for word in _WORD.findall(unicodedata.normalize("NFC", text).lower()):
        if _UNSPACED.search(word):
            out.update(word)
        else:
            out[word] += 1
    return out


def f1(predicted: str, expected: str) -> tuple[float, float, float]:
    got, want = tokens(predicted or ""), tokens(expected)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def same_title(a: str | None, b: str | None) -> bool:
    def norm(t: str | None) -> str:
        return " ".join(unicodedata.normalize("NFKC", t or "").split()).strip().casefold()

    return bool(a) and norm(a) == norm(b)


def load_pages(directory: Path = EVAL_DIR, ids: set[str] | None = None) -> Iterator[Page]:
    """The pages of the set (only those in `ids` if given), decoded as ingestion decodes them."""
    from dags.ingest.decoding import decode_body

    manifest = [json.loads(line) for line in (directory / "manifest.jsonl").read_text("utf-8").splitlines() if line]
    if ids is not None:
        manifest = [entry for entry in manifest if entry["id"] in ids]
    with tarfile.open(directory / "pages.tar.xz", "r:xz") as tar:
        members = {m.name: m for m in tar.getmembers()}

        def read(name: str) -> bytes | None:
            member = members.get(name)
            handle = tar.extractfile(member) if member else None
            return handle.read() if handle else None

        for entry in manifest:
            raw = read(f"{entry['id']}.html")
            if raw is None:
                raise FileNotFoundError(f"{entry['id']}.html is listed in manifest.jsonl but not in pages.tar.xz")
            html, _ = decode_body(raw, None, entry["url"])
            text = read(f"{entry['id']}.txt")
            yield Page(entry["id"], entry["url"], html, entry["expected"], text.decode("utf-8") if text else None)


@dataclass
class Tally:
    n: int = 0
    hits: int = 0
    f1_sum: float = 0.0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def add_hit(self, hit: bool, page_id: str, detail: str = "") -> None:
        self.n += 1
        self.hits += hit
        if not hit:
            self.misses.append(f"{page_id}: {detail}")

    @property
    def rate(self) -> float:
        return self.hits / self.n if self.n else float("nan")

    @property
    def mean_f1(self) -> float:
        return self.f1_sum / self.n if self.n else float("nan")


def _day(value: str | None) -> str | None:
    from dags.ingest.pubdate import local_day

    day = local_day(value) if value else None
    return day.isoformat() if day else None


def evaluate(pages: list[Page]) -> dict[str, Any]:
    import htmldate
    import trafilatura

    from dags.ingest.extract import extract_article, page_metadata

    ours_text, plain_text = Tally(), Tally()
    ours_title, plain_title = Tally(), Tally()
    ours_day, fast_day, extensive_day = Tally(), Tally(), Tally()
    ours_lang, declared_lang = Tally(), Tally()
    undated = Counter()
    for page in pages:
        exp = page.expected
        started = time.perf_counter()
        article = extract_article(page.html, page.url, min_text_chars=0)
        ours_seconds = time.perf_counter() - started
        started = time.perf_counter()
        plain = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
        plain_seconds = time.perf_counter() - started
        plain_data = plain.as_dict() if plain is not None else {}
        if page.text is not None:
            ours_text.f1_sum += f1(article.text, page.text)[2]
            ours_text.n += 1
            ours_text.seconds += ours_seconds
            plain_text.f1_sum += f1(plain_data.get("text") or "", page.text)[2]
            plain_text.n += 1
            plain_text.seconds += plain_seconds
        ours_title.add_hit(same_title(article.title, exp["title"]), page.id, f"{article.title!r} != {exp['title']!r}")
        plain_title.add_hit(same_title(plain_data.get("title"), exp["title"]), page.id, repr(plain_data.get("title")))
        if exp["date"] is None:
            undated["ours"] += article.published_at is not None
        else:
            got = _day(article.published_at)
            ours_day.add_hit(got == exp["date"], page.id, f"{got} != {exp['date']} ({article.published_at})")
            for tally, extensive in ((fast_day, False), (extensive_day, True)):
                found = htmldate.find_date(page.html, url=page.url, extensive_search=extensive, original_date=True)
                tally.add_hit(found == exp["date"], page.id, f"{found} != {exp['date']}")
        ours_lang.add_hit(article.language == exp["language"], page.id, f"{article.language} != {exp['language']}")
        declared = page_metadata(page.html, page.url).language
        declared_lang.add_hit(declared == exp["language"], page.id, f"{declared} != {exp['language']}")
    return {
        "pages": len(pages),
        "text_f1": {"pages": ours_text.n, "ours": ours_text.mean_f1, "trafilatura": plain_text.mean_f1},
        "title_exact": {"pages": ours_title.n, "ours": ours_title.rate, "trafilatura": plain_title.rate},
        "day_accuracy": {
            "pages": ours_day.n,
            "ours": ours_day.rate,
            "htmldate_fast": fast_day.rate,
            "htmldate_extensive": extensive_day.rate,
        },
        "language_accuracy": {"pages": ours_lang.n, "ours": ours_lang.rate, "declared_only": declared_lang.rate},
        "misses": {"day": ours_day.misses, "title": ours_title.misses, "language": ours_lang.misses},
        "undated_pages_given_a_date_by_us": undated["ours"],
    }


def render(result: dict[str, Any], show_errors: bool) -> str:
    lines = [f"ingest evaluation on {result['pages']} saved news pages (tests/eval/ingest)", ""]
    rows = [
        ("text F1 (bag of words)", result["text_f1"], [("ours", "ours"), ("trafilatura", "trafilatura")]),
        ("title exact", result["title_exact"], [("ours", "ours"), ("trafilatura", "trafilatura")]),
        (
            "publication day",
            result["day_accuracy"],
            [("ours", "ours"), ("htmldate fast", "htmldate_fast"), ("htmldate extensive", "htmldate_extensive")],
        ),
        ("language", result["language_accuracy"], [("ours", "ours"), ("declared only", "declared_only")]),
    ]
    for name, values, columns in rows:
        cells = "   ".join(f"{label} {values[key]:.3f}" for label, key in columns)
        lines.append(f"{name:<24} n={values['pages']:<4} {cells}")
    if show_errors:
        for kind, misses in result["misses"].items():
            lines += ["", f"-- {kind} misses ({len(misses)})", *misses]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=EVAL_DIR, help="the eval set (manifest.jsonl + pages.tar.xz)")
    parser.add_argument("--show-errors", action="store_true", help="list the pages we get wrong")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--only", help="regex on page ids")
    args = parser.parse_args(argv)
    from common.logs import configure_logging

    configure_logging("ERROR")
    pages = [p for p in load_pages(args.dir) if not args.only or re.search(args.only, p.id)]
    result = evaluate(pages)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render(result, args.show_errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
