"""The annotated training corpus (consumers/extract/training/*.jsonl) and its fixed dev split.

The corpus was written and annotated by other hands than the frozen test set's, to the same
guidelines. It is split once and for all by a hash of each sentence id: the dev part is where the
coder is tuned and diagnosed, the train part is what the event typer learns from. Sentences that
share several word 6-grams with a frozen test sentence (the same real event told twice) are left
out of both, so no test sentence is learned or tuned on, even in paraphrase.

    python -m consumers.extract.corpus   # sizes of the splits and what was left out
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from .evaluate import default_files, load_items

TRAINING_DIR = Path(__file__).with_name("training")
DEV_SHARE = 0.2
OVERLAP_NGRAM = 6
MAX_SHARED_NGRAMS = 2  # more than this many shared 6-grams with a test sentence: left out


def _ngrams(text: str, n: int = OVERLAP_NGRAM) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def is_dev(item_id: str) -> bool:
    digest = hashlib.sha256(item_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < DEV_SHARE


def near_test_duplicates(items: Iterable[dict[str, Any]], test_items: Iterable[dict[str, Any]]) -> set[str]:
    """Ids of items that share more than MAX_SHARED_NGRAMS word 6-grams with one test sentence."""
    index: dict[str, set[str]] = {}
    for it in test_items:
        for gram in _ngrams(it["text"]):
            index.setdefault(gram, set()).add(it["id"])
    out: set[str] = set()
    for it in items:
        shared: dict[str, int] = {}
        for gram in _ngrams(it["text"]):
            for test_id in index.get(gram, ()):
                shared[test_id] = shared.get(test_id, 0) + 1
        if any(n > MAX_SHARED_NGRAMS for n in shared.values()):
            out.add(it["id"])
    return out


@cache
def _splits() -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...], frozenset[str]]:
    items = load_items(*sorted(TRAINING_DIR.glob("*.jsonl")))
    excluded = frozenset(near_test_duplicates(items, load_items(*default_files())))
    kept = [it for it in items if it["id"] not in excluded]
    train = tuple(it for it in kept if not is_dev(it["id"]))
    dev = tuple(it for it in kept if is_dev(it["id"]))
    return train, dev, excluded


def train_items() -> list[dict[str, Any]]:
    return list(_splits()[0])


def dev_items() -> list[dict[str, Any]]:
    return list(_splits()[1])


def dev_file(path: Path) -> Path:
    """Write the dev split as JSON lines (for `evaluate --file`)."""
    with path.open("w", encoding="utf-8") as fh:
        for it in dev_items():
            fh.write(json.dumps(it, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    train, dev, excluded = _splits()
    print(f"train {len(train)}, dev {len(dev)}, left out as near-duplicates of test sentences {len(excluded)}")
