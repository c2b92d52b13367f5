"""PLOVER event coding of parsed sentences, as a small package of named parts.

    triggers.py       words that may express an event (verbs, light verb + event noun, nominal events)
    constructions.py  named construction rules: what the sentence says about each trigger
    roles.py          source, target, speaker, negation
    places.py         where it happened
    attributes.py     date, mode, contexts, action words, confidence, per-sentence merge
    extractor.py      EventExtractor: runs them over each sentence of a Doc
"""

from .extractor import EventExtractor
from .model import Candidate, Context, Sentence

__all__ = ["Candidate", "Context", "EventExtractor", "Sentence"]
