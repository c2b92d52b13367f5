"""The event typer: a softmax (multinomial logistic) regression over a word's features and its
contextual vector from the spaCy pipeline's own tok2vec, predicting NONE or a PLOVER category.

Weights ship in the package (`weights.npz`, a few MB); `python -m consumers.extract.typer.train`
rebuilds them from the training corpus. Prediction is a sum of weight rows and a softmax.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ..lexicon import PLOVER_TYPES

NONE = "NONE"
CLASSES: tuple[str, ...] = (NONE, *PLOVER_TYPES)
WEIGHTS_PATH = Path(__file__).with_name("weights.npz")


@dataclass(slots=True)
class TyperModel:
    vocab: dict[str, int]
    sparse: np.ndarray  # (features, classes)
    dense: np.ndarray  # (vector dims, classes); zero rows when trained without vectors
    bias: np.ndarray  # (classes,)
    classes: tuple[str, ...] = CLASSES
    # lemmas of the words that expressed an event in training: other nouns are not worth scoring
    event_lemmas: frozenset[str] = frozenset()

    def probabilities(self, features: list[str], vector: np.ndarray | None) -> np.ndarray:
        return self.batch_probabilities([features], None if vector is None else vector[None, :])[0]

    def batch_probabilities(self, features: list[list[str]], vectors: np.ndarray | None) -> np.ndarray:
        """Class probabilities of several words at once (one row each): one gather, one softmax."""
        rows = [[self.vocab[f] for f in fs if f in self.vocab] for fs in features]
        lengths = np.array([len(r) for r in rows])
        logits = np.tile(self.bias, (len(rows), 1))
        if lengths.sum():
            flat = np.fromiter((i for r in rows for i in r), dtype=np.int64, count=int(lengths.sum()))
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            sums = np.add.reduceat(self.sparse[flat], np.minimum(starts, len(flat) - 1), axis=0)
            logits += np.where(lengths[:, None] > 0, sums, 0.0)
        if vectors is not None and self.dense.any():
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            logits += (vectors / np.where(norms > 0, norms, 1.0)) @ self.dense
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, path: Path = WEIGHTS_PATH) -> None:
        names = sorted(self.vocab, key=self.vocab.__getitem__)
        np.savez_compressed(
            path, vocab=np.array(names), sparse=self.sparse.astype(np.float16), dense=self.dense.astype(np.float16),
            bias=self.bias.astype(np.float32), classes=np.array(self.classes),
            event_lemmas=np.array(sorted(self.event_lemmas)),
        )

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> TyperModel:
        with np.load(path, allow_pickle=False) as data:
            classes = tuple(str(c) for c in data["classes"])
            if classes != CLASSES:
                raise ValueError(f"{path} was trained for classes {classes}, this code expects {CLASSES}; retrain it")
            vocab = {str(name): i for i, name in enumerate(data["vocab"])}
            lemmas = frozenset(str(x) for x in data["event_lemmas"]) if "event_lemmas" in data else frozenset()
            return cls(vocab, data["sparse"].astype(np.float32), data["dense"].astype(np.float32),
                       data["bias"].astype(np.float32), classes, lemmas)


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


@cache
def get_model(path: str | None = None) -> TyperModel | None:
    """The shipped model, loaded once per process (None when no weights are installed)."""
    target = Path(path) if path else WEIGHTS_PATH
    return TyperModel.load(target) if target.exists() else None
