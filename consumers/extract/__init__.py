"""News event extraction: spaCy pipeline components that code PLOVER events from article text.

Public API (see pipeline.py): load_pipeline, process_articles, extract_events, ArticleResult.
Imports are lazy so that `python -m consumers.extract.evaluate --help` stays fast.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ArticleResult", "extract_events", "load_pipeline", "process_articles"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
