"""The event typer: a trained component that reads a candidate word in context and says which
PLOVER category (or none) it expresses. It generalises the lexicon to senses and phrasings the
lexicon lacks; the construction rules and role filling stay rule-based.

    features.py  what the typer sees of a word
    model.py     the weights and the prediction (numpy only)
    train.py     python -m consumers.extract.typer.train
"""

from .features import is_candidate, token_features
from .model import CLASSES, NONE, TyperModel, get_model

__all__ = ["CLASSES", "NONE", "TyperModel", "get_model", "is_candidate", "token_features"]
