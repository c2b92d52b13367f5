"""Train the event typer on the annotated training corpus and write its weights.

    python -m consumers.extract.typer.train [--epochs N] [--rate R] [--l2 L] [--min-count N]
        [--none-weight W] [--average-from E] [--no-vectors] [--out PATH]

Every candidate word of a training sentence is an example: the head word of an annotated event's
trigger is labelled with the event's category, every other candidate with NONE. The dev split
(consumers/extract/corpus.py) is scored, never trained on. Deterministic: the same corpus and
settings give the same weights.

The shipped weights.npz is reproduced byte for byte by the defaults, on the train part of every
corpus in consumers/extract/training/ (no --exclude-ids):

    .venv/bin/python -m consumers.extract.typer.train
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Token

from common.text import clean_text

from ..corpus import dev_items, train_items
from ..pipeline import EVENTS_COMPONENT, analysed_text, load_pipeline
from .features import is_candidate, token_features
from .model import CLASSES, WEIGHTS_PATH, TyperModel, unit

# Settings chosen on the coder's end-to-end dev figures: all dev and each fresh hand's part (e-h).
# With corpus h, features seen once and less weight on NONE words raised all-dev and f, g, h.
EPOCHS = 12
MIN_FEATURE_COUNT = 1
RATE = 0.2
L2 = 1e-5
NONE_WEIGHT = 0.4  # less weight on the many NONE words: more recall on unseen phrasings
AVERAGE_FROM = 6  # mean of the weights after epochs 6..12


@dataclass(slots=True)
class Example:
    features: list[str]
    vector: np.ndarray
    label: int


def trigger_head(doc: Doc, trigger: str, announcers: frozenset[str] = frozenset()) -> Token | None:
    """The syntactic head of the first occurrence of an annotated trigger in the analysed text.

    An announced act ("is scheduled to [visit]", "are to hold") is labelled on the act's verb,
    where the intent construction looks for it, not on the announcing word.
    """
    needle = " ".join(clean_text(trigger).split())
    if not needle:
        return None
    text = doc.text
    pos = text.find(needle)
    if pos < 0:
        pos = text.lower().find(needle.lower())
    if pos < 0:
        return None
    tokens = [t for t in doc if pos <= t.idx < pos + len(needle) and not t.is_space]
    if not tokens:
        return None
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    verbs = [t for t in heads if t.pos_ == "VERB"]
    head = (verbs or heads or tokens)[0]
    if head.pos_ == "AUX" or head.lemma_.lower() in announcers or head.lower_ in announcers:
        acts = [c for c in head.children if c.dep_ == "xcomp" and c.pos_ == "VERB" and c.i > head.i]
        if acts:
            return acts[0]
    return head


def examples(nlp: Language, items: Iterable[dict[str, Any]]) -> list[Example]:
    """Candidate words of the items' sentences with their labels."""
    extractor = nlp.get_pipe(EVENTS_COMPONENT).extractor
    finder = extractor.triggers
    announcers = extractor.lex.word_list("intent_predicates")
    items = list(items)
    texts = [analysed_text(it)[0] for it in items]
    out: list[Example] = []
    with nlp.select_pipes(disable=[EVENTS_COMPONENT]):
        for item, doc in zip(items, nlp.pipe(texts, batch_size=64), strict=True):
            labels: dict[int, int] = {}
            for ev in item.get("events", []):
                head = trigger_head(doc, ev.get("trigger") or "", announcers)
                if head is not None:
                    labels[head.i] = CLASSES.index(ev["event_type"])
            for tok in doc:
                if tok.i in labels or is_candidate(tok):
                    feats = token_features(tok, finder.lexicon_type(tok))
                    out.append(Example(feats, doc.tensor[tok.i].copy(), labels.get(tok.i, 0)))
    return out


def train(data: list[Example], epochs: int, use_vectors: bool, seed: int = 13, l2: float = 1e-5, rate: float = 0.2,
          min_count: int = MIN_FEATURE_COUNT, none_weight: float = 1.0, average_from: int | None = None) -> TyperModel:
    """AdaGrad softmax regression. With `average_from` the weights are the mean of those after each epoch
    from that one on (epoch averaging: smoother weights that generalise better than the last epoch's)."""
    counts = Counter(f for ex in data for f in set(ex.features))
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    n_classes = len(CLASSES)
    dims = data[0].vector.shape[0] if data else 0
    sparse = np.zeros((len(vocab), n_classes), dtype=np.float64)
    dense = np.zeros((dims, n_classes), dtype=np.float64)
    bias = np.zeros(n_classes, dtype=np.float64)
    g_sparse, g_dense, g_bias = np.full_like(sparse, 1e-8), np.full_like(dense, 1e-8), np.full_like(bias, 1e-8)
    sums = [np.zeros_like(sparse), np.zeros_like(dense), np.zeros_like(bias)]
    n_avg = 0
    rows = [np.array([vocab[f] for f in ex.features if f in vocab], dtype=np.int64) for ex in data]
    vectors = [unit(ex.vector.astype(np.float64)) if use_vectors else None for ex in data]
    order = list(range(len(data)))
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        for i in order:
            idx, vec = rows[i], vectors[i]
            logits = bias + sparse[idx].sum(axis=0)
            if vec is not None:
                logits = logits + vec @ dense
            p = np.exp(logits - logits.max())
            p /= p.sum()
            grad = p
            grad[data[i].label] -= 1.0
            if data[i].label == 0 and none_weight != 1.0:
                grad *= none_weight
            g_bias += grad * grad
            bias -= rate * grad / np.sqrt(g_bias)
            if len(idx):
                gs = grad[None, :] + l2 * sparse[idx]
                g_sparse[idx] += gs * gs
                sparse[idx] -= rate * gs / np.sqrt(g_sparse[idx])
            if vec is not None:
                gd = np.outer(vec, grad) + l2 * dense
                g_dense += gd * gd
                dense -= rate * gd / np.sqrt(g_dense)
        if average_from is not None and epoch + 1 >= average_from:
            for acc, w in zip(sums, (sparse, dense, bias), strict=True):
                acc += w
            n_avg += 1
    if n_avg:
        sparse, dense, bias = (acc / n_avg for acc in sums)
    lemmas = frozenset(f[4:] for ex in data if ex.label for f in ex.features if f.startswith("lem="))
    return TyperModel(vocab, sparse.astype(np.float32), dense.astype(np.float32), bias.astype(np.float32),
                      event_lemmas=lemmas)


def report(model: TyperModel, data: list[Example]) -> dict[str, float]:
    """Word-level accuracy and micro P/R/F1 over event words (NONE excluded)."""
    tp = pred = gold = correct = 0
    for ex in data:
        guess = int(np.argmax(model.probabilities(ex.features, ex.vector)))
        correct += guess == ex.label
        pred += guess != 0
        gold += ex.label != 0
        tp += guess == ex.label != 0
    p, r = (tp / pred if pred else 0.0), (tp / gold if gold else 0.0)
    return {"words": len(data), "accuracy": correct / len(data) if data else 0.0, "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consumers.extract.typer.train", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--no-vectors", action="store_true", help="sparse features only, no tok2vec vectors")
    parser.add_argument("--rate", type=float, default=RATE, help="AdaGrad learning rate")
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--min-count", type=int, default=MIN_FEATURE_COUNT, help="keep features seen in this many words")
    parser.add_argument("--none-weight", type=float, default=NONE_WEIGHT, help="weight of the NONE words' loss")
    parser.add_argument("--average-from", type=int, default=AVERAGE_FROM,
                        help="average the weights after each epoch from this one on (0: the last epoch's weights)")
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--exclude-ids", action="append", default=[], metavar="PREFIX",
                        help="leave out training sentences whose id starts with PREFIX (repeatable), e.g. a corpus not yet adopted")
    args = parser.parse_args(argv)
    started = time.monotonic()
    nlp = load_pipeline()
    train_data = examples(nlp, [it for it in train_items() if not it["id"].startswith(tuple(args.exclude_ids))])
    dev_data = examples(nlp, dev_items())
    print(f"typer: {len(train_data)} training words ({sum(ex.label != 0 for ex in train_data)} event words), "
          f"{len(dev_data)} dev words; features in {time.monotonic() - started:.0f}s", file=sys.stderr)
    model = train(train_data, args.epochs, use_vectors=not args.no_vectors, l2=args.l2, rate=args.rate,
                  min_count=args.min_count, none_weight=args.none_weight, average_from=args.average_from or None)
    for name, data in (("train", train_data), ("dev", dev_data)):
        m = report(model, data)
        print(f"typer {name}: accuracy {m['accuracy']:.3f}, event words P {m['precision']:.3f} R {m['recall']:.3f} "
              f"F1 {m['f1']:.3f} ({m['words']} words)", file=sys.stderr)
    model.save(args.out)
    print(f"typer: {len(model.vocab)} features written to {args.out} in {time.monotonic() - started:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
