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

    def probabilities(self, features: list[str], vector: np.ndarray | None) -> np.ndarray:
        rows = [self.vocab[f] for f in features if f in self.vocab]
        logits = self.bias + (self.sparse[rows].sum(axis=0) if rows else 0.0)
        if vector is not None and self.dense.any():
            logits = logits + unit(vector) @ self.dense
        logits = logits - logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    def save(self, path: Path = WEIGHTS_PATH) -> None:
        names = sorted(self.vocab, key=self.vocab.__getitem__)
        np.savez_compressed(
            path, vocab=np.array(names), sparse=self.sparse.astype(np.float16), dense=self.dense.astype(np.float16),
            bias=self.bias.astype(np.float32), classes=np.array(self.classes),
        )

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> TyperModel:
        with np.load(path, allow_pickle=False) as data:
            classes = tuple(str(c) for c in data["classes"])
            if classes != CLASSES:
                raise ValueError(f"{path} was trained for classes {classes}, this code expects {CLASSES}; retrain it")
            vocab = {str(name): i for i, name in enumerate(data["vocab"])}
            return cls(vocab, data["sparse"].astype(np.float32), data["dense"].astype(np.float32),
                       data["bias"].astype(np.float32), classes)


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


@cache
def get_model(path: str | None = None) -> TyperModel | None:
    """The shipped model, loaded once per process (None when no weights are installed)."""
    target = Path(path) if path else WEIGHTS_PATH
    return TyperModel.load(target) if target.exists() else None
