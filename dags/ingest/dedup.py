"""Near-duplicate detection (syndicated copies) with MinHash LSH over word shingles."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from dags.ingest.normalise import normalise_text

_WORD = re.compile(r"\w+", re.UNICODE)
# Stored signatures are only comparable with ones made by the same scheme and seed: both are fixed.
MINHASH_SCHEME = "affine32"
MINHASH_SEED = 1


def shingles(text: str, size: int) -> set[str]:
    words = _WORD.findall(normalise_text(text).lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def minhash(text: str, num_perm: int = 128, shingle_words: int = 5) -> MinHash:
    sig = MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    sig.update_batch([s.encode("utf-8") for s in shingles(text, shingle_words)])
    return sig


def signature_bytes(sig: MinHash) -> bytes:
    return np.asarray(sig.hashvalues, dtype=np.uint64).tobytes()


def signature_from_bytes(data: bytes, num_perm: int) -> MinHash | None:
    values = np.frombuffer(data, dtype=np.uint64)
    if len(values) != num_perm:
        return None  # stored with another num_perm: not comparable
    return MinHash(num_perm=num_perm, seed=MINHASH_SEED, hashvalues=values, scheme=MINHASH_SCHEME)


@dataclass(frozen=True)
class Match:
    article_id: str
    similarity: float


class NearDuplicateIndex:
    """Articles already sent, as MinHash signatures, queried by LSH then confirmed by estimated Jaccard.

    A copy of a copy points at the first article (the root), so clusters stay flat.
    """

    def __init__(self, threshold: float = 0.6, num_perm: int = 128, shingle_words: int = 5) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sigs: dict[str, MinHash] = {}
        self._root: dict[str, str] = {}

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._sigs

    def __len__(self) -> int:
        return len(self._sigs)

    def signature(self, text: str) -> MinHash:
        return minhash(text, self.num_perm, self.shingle_words)

    def add(self, article_id: str, sig: MinHash, near_duplicate_of: str | None = None) -> None:
        if article_id in self._sigs:
            return
        self._lsh.insert(article_id, sig)
        self._sigs[article_id] = sig
        if near_duplicate_of:
            self._root[article_id] = self._root.get(near_duplicate_of, near_duplicate_of)

    def add_stored(self, rows: Iterable[tuple[str, bytes, str | None]]) -> int:
        added = 0
        for article_id, data, near_of in rows:
            if article_id in self._sigs or not data:
                continue
            sig = signature_from_bytes(data, self.num_perm)
            if sig is not None:
                self.add(article_id, sig, near_of)
                added += 1
        return added

    def remove(self, article_id: str) -> None:
        if article_id in self._sigs:
            self._lsh.remove(article_id)
            del self._sigs[article_id]
            self._root.pop(article_id, None)

    def find(self, sig: MinHash, exclude: str | None = None) -> Match | None:
        """The most similar indexed article at or above the threshold, resolved to its root."""
        best: Match | None = None
        for candidate in self._lsh.query(sig):
            if candidate == exclude:
                continue
            similarity = sig.jaccard(self._sigs[candidate])
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Match(candidate, similarity)
        if best is None:
            return None
        return Match(self._root.get(best.article_id, best.article_id), best.similarity)
