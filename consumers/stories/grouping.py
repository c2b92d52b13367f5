"""Story grouping: which events of different articles report the same real-world event. Pure.

A story is keyed by **event type, source actors, target actors, place and event date within
a window**. All stories of one event type form a *group*; the stories consumer owns each
group on exactly one partition, so one writer decides every story (see consumers/stories).

An event joins the best story of its group that it is compatible with:

* **date**: its event date (else its publication day) is within `window_days` of the story's
  anchor date (the event date of the story's first mention);
* **actors**, per role: when both the event and the story name actors, the actors of one are
  among those of the other ("Russia and Iran" fits "Russia, Iran and Turkey", not "Russia
  and Turkey"); two actors are the same with the same country where both have one
  ("Russian forces" and "Russia"), else the same sector ("its forces" and "Russian forces"),
  else the same name. A side one of them leaves empty is no evidence either way;
* **place**: when both have a location, it is the same place (geonameid, else name);
* and at least one positive piece of evidence: a shared source, a shared target, the same
  place, or the same sentence word for word (syndicated text).

Candidates are ranked by evidence, then by closeness in time, then by age (the oldest story
wins ties), so the outcome depends only on the group's state and the event. An event that
matches nothing starts a story with itself as anchor (`story_id` = hash of event type and its
event_id). The anchor fixes the story's date and, for sides or places the anchor leaves
empty, the first independent mention that names them fills them in.

Near-duplicates (syndicated copies, `near_duplicate_of` set) never start a story: a copy
joins a compatible story as a mention of it, or waits (parked) until an independent
mention starts one; it counts in `num_mentions` and `num_articles`, never in `num_sources`.
Negated events ("X did not attack Y") belong to no story.

Idempotent: a mention is recorded by event_id, so a redelivered event changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from consumers.extract.derived import derived_fields

UNKNOWN_OUTLET = "(unknown)"
MAX_ARTICLE_IDS = 100
MAX_NAMES = 20
DEFAULT_WINDOW_DAYS = 1


def story_id(event_type: str, anchor_event_id: str) -> str:
    return hashlib.sha256(f"{event_type}\x1f{anchor_event_id}".encode()).hexdigest()[:32]


def actor_keys(actors: list[dict[str, Any]] | None) -> list[list[str | None]]:
    """[country, sector, name] of each actor that has one of them (sorted, without repeats)."""
    keys = {
        (a.get("country"), a.get("sector"), (a.get("name") or "").casefold() or None)
        for a in actors or ()
        if a.get("country") or a.get("sector") or a.get("name")
    }
    return [list(k) for k in sorted(keys, key=lambda k: tuple(v or "" for v in k))]


def same_actor(a: list[str | None], b: list[str | None]) -> bool:
    """Two outlets name the same actor: same country when both give one ("Russia", "Russian
    forces"), else same sector ("its forces", "Russian forces"), else same name."""
    if a[0] and b[0]:
        return a[0] == b[0]
    if a[1] and b[1]:
        return a[1] == b[1]
    return bool(a[2]) and a[2] == b[2]


def same_side(ours: list[list[str | None]], theirs: list[list[str | None]]) -> bool:
    """One side names the same actors as the other, or some of them: "Russia and Iran" fits
    "Russia, Iran and Turkey", but "Ethiopia and Somalia" does not fit "Ethiopia and Eritrea"."""

    def covered(small: list[list[str | None]], large: list[list[str | None]]) -> bool:
        return all(any(same_actor(a, b) for b in large) for a in small)

    return covered(ours, theirs) or covered(theirs, ours)


def place_of(location: dict[str, Any] | None) -> dict[str, Any] | None:
    return dict(location) if location else None


def same_place(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.get("geonameid") and b.get("geonameid"):
        return bool(a["geonameid"] == b["geonameid"])
    return str(a.get("name", "")).casefold() == str(b.get("name", "")).casefold() and a.get("country") == b.get("country")


def sentence_key(text: str) -> str:
    """A short fingerprint of a sentence, blind to case and spacing: syndicated copies share it."""
    return hashlib.sha1(" ".join(text.casefold().split()).encode()).hexdigest()[:16]


def seen_at(event: dict[str, Any]) -> str:
    """When the world saw this mention: its article's publication time (else extraction time)."""
    return str(event.get("published_at") or event.get("extracted_at") or "1970-01-01T00:00:00Z")


def event_day(event: dict[str, Any]) -> str:
    """The event's date, else its publication day: every mention has a day to compare."""
    return str(event.get("event_date") or seen_at(event)[:10])


def occurred_at(event: dict[str, Any]) -> str:
    """The anchor's own time (as the indexer's event @timestamp): event date, else publication time."""
    event_date = event.get("event_date")
    published = event.get("published_at")
    if event_date:
        return published if published and published[:10] == event_date else event_date
    return seen_at(event)


def _days_between(a: str, b: str) -> int:
    return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)


@dataclass
class Mention:
    article_id: str
    outlet: str
    copy: bool
    seen_at: str
    confidence: float
    day: str

    def to_state(self) -> list[Any]:
        return [self.article_id, self.outlet, self.copy, self.seen_at, self.confidence, self.day]

    @classmethod
    def from_state(cls, value: list[Any]) -> Mention:
        return cls(*value)


@dataclass
class Story:
    """A story and everything needed to update its counts idempotently."""

    story_id: str
    event_type: str
    anchor_event_id: str
    anchor_day: str
    occurred_at: str
    source_keys: list[list[str | None]]
    target_keys: list[list[str | None]]
    place: dict[str, Any] | None
    representative: dict[str, Any]
    derived: dict[str, Any]
    mentions: dict[str, Mention] = field(default_factory=dict)
    source_countries: list[str] = field(default_factory=list)
    target_countries: list[str] = field(default_factory=list)
    location_countries: list[str] = field(default_factory=list)
    source_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    sentences: set[str] = field(default_factory=set)  # sentence_key of every mention
    revision: int = 0
    touched_at: float = 0.0  # processing time of the last change, for state expiry
    created: int = 0  # creation order within the group: ties go to the oldest story

    # --- matching -------------------------------------------------------------------

    def evidence(self, event: dict[str, Any], window_days: int) -> tuple[int, int] | None:
        """(pieces of positive evidence, days apart) if the event may be a mention of this story."""
        apart = _days_between(event_day(event), self.anchor_day)
        if apart > window_days:
            return None
        positives = 0
        for ours, actors in ((self.source_keys, event.get("source")), (self.target_keys, event.get("target"))):
            theirs = actor_keys(actors)
            if ours and theirs:
                if not same_side(ours, theirs):
                    return None
                positives += 1
        location = event.get("location")
        if self.place and location:
            if not same_place(self.place, location):
                return None
            positives += 1
        if sentence_key(event.get("sentence", "")) in self.sentences:
            positives += 1
        return (positives, apart) if positives else None

    # --- updating -------------------------------------------------------------------

    def add(self, event: dict[str, Any], now: float) -> None:
        """Record a mention (the caller checked it is new) and refresh what depends on it."""
        copy = bool(event.get("near_duplicate_of"))
        confidence = float(event.get("confidence") or 0.0)
        self.mentions[event["event_id"]] = Mention(
            article_id=str(event["article_id"]),
            outlet=str(event.get("article_source") or UNKNOWN_OUTLET),
            copy=copy,
            seen_at=seen_at(event),
            confidence=confidence,
            day=event_day(event),
        )
        if event.get("sentence"):
            self.sentences.add(sentence_key(event["sentence"]))
        if not copy:
            # Sides and places the anchor left open are filled by the first independent mention naming them.
            if not self.source_keys:
                self.source_keys = actor_keys(event.get("source"))
            if not self.target_keys:
                self.target_keys = actor_keys(event.get("target"))
            if not self.place and event.get("location"):
                self.place = place_of(event["location"])
            self.source_countries = _union(self.source_countries, (a.get("country") for a in event.get("source") or ()))
            self.target_countries = _union(self.target_countries, (a.get("country") for a in event.get("target") or ()))
            self.location_countries = _union(self.location_countries, [(event.get("location") or {}).get("country")])
            self.source_names = _union(self.source_names, (a.get("name") for a in event.get("source") or ()), MAX_NAMES)
            self.target_names = _union(self.target_names, (a.get("name") for a in event.get("target") or ()), MAX_NAMES)
            best = float(self.representative.get("confidence", -1.0))
            if not self.representative or confidence > best:
                self.representative = representative_of(event)
                self.derived = derived_of(event)
        self.revision += 1
        self.touched_at = now

    # --- what the world sees -------------------------------------------------------------

    def message(self) -> dict[str, Any]:
        """The story.v1 record of the current revision."""
        mentions = list(self.mentions.values())
        independent = [m for m in mentions if not m.copy]
        by_outlet: dict[str, list[Mention]] = {}
        for m in independent:
            by_outlet.setdefault(m.outlet, []).append(m)
        sources = sorted(
            (
                {"outlet": outlet, "first_seen": min(m.seen_at for m in ms), "articles": len({m.article_id for m in ms})}
                for outlet, ms in by_outlet.items()
            ),
            key=lambda s: (s["first_seen"], s["outlet"]),
        )
        doubt = 1.0
        for ms in by_outlet.values():
            doubt *= 1.0 - max(m.confidence for m in ms)
        first_seen_order = sorted(mentions, key=lambda m: (m.seen_at, m.article_id))
        article_ids = list(dict.fromkeys(m.article_id for m in first_seen_order))
        days = sorted(m.day for m in mentions)
        countries = _union(self.source_countries, [*self.target_countries, *self.location_countries])
        return {
            "schema_version": 1,
            "story_id": self.story_id,
            "revision": self.revision,
            "event_type": self.event_type,
            **self.derived,
            "occurred_at": self.occurred_at,
            "event_date": self.anchor_day,
            "first_event_date": days[0],
            "last_event_date": days[-1],
            "first_seen": first_seen_order[0].seen_at,
            "last_seen": max(m.seen_at for m in mentions),
            "num_mentions": len(mentions),
            "num_articles": len(article_ids),
            "num_sources": len(by_outlet),
            "num_copies": len({m.article_id for m in mentions if m.copy}),
            "outlets": sorted({m.outlet for m in mentions}),
            "sources": sources,
            "article_ids": article_ids[:MAX_ARTICLE_IDS],
            "source_countries": self.source_countries,
            "target_countries": self.target_countries,
            "countries": countries,
            "source_names": self.source_names,
            "target_names": self.target_names,
            "location": self.place,
            "representative": self.representative,
            "confidence": round(1.0 - doubt, 4),
        }

    # --- state (changelog) -------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        return {
            "story_id": self.story_id,
            "event_type": self.event_type,
            "anchor_event_id": self.anchor_event_id,
            "anchor_day": self.anchor_day,
            "occurred_at": self.occurred_at,
            "source_keys": self.source_keys,
            "target_keys": self.target_keys,
            "place": self.place,
            "representative": self.representative,
            "derived": self.derived,
            "mentions": {event_id: m.to_state() for event_id, m in self.mentions.items()},
            "source_countries": self.source_countries,
            "target_countries": self.target_countries,
            "location_countries": self.location_countries,
            "source_names": self.source_names,
            "target_names": self.target_names,
            "sentences": sorted(self.sentences),
            "revision": self.revision,
            "touched_at": self.touched_at,
            "created": self.created,
        }

    @classmethod
    def from_state(cls, value: dict[str, Any]) -> Story:
        fields = dict(value)
        fields["mentions"] = {event_id: Mention.from_state(m) for event_id, m in value["mentions"].items()}
        fields["sentences"] = set(value.get("sentences", ()))
        return cls(**fields)


def _union(current: list[str], more: Any, cap: int | None = None) -> list[str]:
    merged = sorted({*current, *(v for v in more if v)})
    return merged[:cap] if cap else merged


def representative_of(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": event["event_id"],
        "article_id": str(event["article_id"]),
        "article_url": event.get("article_url"),
        "article_title": event.get("article_title"),
        "outlet": event.get("article_source"),
        "sentence": event.get("sentence", ""),
        "confidence": float(event.get("confidence") or 0.0),
        "published_at": event.get("published_at"),
    }


def derived_of(event: dict[str, Any]) -> dict[str, Any]:
    fields = {k: event[k] for k in ("quad_class", "intensity", "cameo_root") if event.get(k) is not None}
    return fields if len(fields) == 3 else derived_fields(event)


def new_story(event: dict[str, Any], now: float, created: int = 0) -> Story:
    story = Story(
        story_id=story_id(event["event_type"], event["event_id"]),
        event_type=event["event_type"],
        anchor_event_id=event["event_id"],
        anchor_day=event_day(event),
        occurred_at=occurred_at(event),
        source_keys=actor_keys(event.get("source")),
        target_keys=actor_keys(event.get("target")),
        place=place_of(event.get("location")),
        representative={},
        derived=derived_of(event),
        created=created,
    )
    story.add(event, now)
    return story


@dataclass
class Parked:
    """A syndicated copy's event waiting for an independent mention to start its story."""

    event: dict[str, Any]
    parked_at: float

    def to_state(self) -> dict[str, Any]:
        return {"event": self.event, "parked_at": self.parked_at}

    @classmethod
    def from_state(cls, value: dict[str, Any]) -> Parked:
        return cls(value["event"], float(value["parked_at"]))


@dataclass
class Outcome:
    """What one event did to a group: the story it is in (None: negated or parked), what changed."""

    story_id: str | None
    known: bool = False  # a redelivery: nothing changed
    parked: bool = False
    changed: list[Story] = field(default_factory=list)
    attached: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # parked copies that found their story
    unparked: list[str] = field(default_factory=list)


class Group:
    """All stories of one event type, plus syndicated copies waiting for their story."""

    def __init__(self, event_type: str, window_days: int = DEFAULT_WINDOW_DAYS) -> None:
        self.event_type = event_type
        self.window_days = window_days
        self.stories: dict[str, Story] = {}
        self.parked: dict[str, Parked] = {}
        self._story_of: dict[str, str] = {}  # event_id -> story_id
        self._by_day: dict[str, list[str]] = {}  # anchor day -> story ids, oldest first

    # --- state ------------------------------------------------------------------------

    def put_story(self, story: Story) -> None:
        """Add a story, or replace it with a newer state (restoring from the changelog)."""
        self.drop_story(story.story_id)
        self.stories[story.story_id] = story
        self._by_day.setdefault(story.anchor_day, []).append(story.story_id)
        for event_id in story.mentions:
            self._story_of[event_id] = story.story_id

    def drop_story(self, sid: str) -> None:
        story = self.stories.pop(sid, None)
        if story is None:
            return
        for event_id in story.mentions:
            self._story_of.pop(event_id, None)
        same_day = self._by_day.get(story.anchor_day, [])
        if sid in same_day:
            same_day.remove(sid)
        if not same_day:
            self._by_day.pop(story.anchor_day, None)

    def story_of(self, event_id: str) -> str | None:
        return self._story_of.get(event_id)

    # --- the decision ---------------------------------------------------------------------

    def candidates(self, event: dict[str, Any]) -> list[Story]:
        """Stories anchored within the window of the event's day, oldest story first."""
        day = date.fromisoformat(event_day(event)[:10])
        found: list[Story] = []
        for offset in range(-self.window_days, self.window_days + 1):
            found.extend(self.stories[sid] for sid in self._by_day.get((day + timedelta(days=offset)).isoformat(), ()))
        return sorted(found, key=lambda s: s.created)

    def best_match(self, event: dict[str, Any]) -> Story | None:
        best: tuple[int, int] | None = None
        chosen: Story | None = None
        for story in self.candidates(event):
            evidence = story.evidence(event, self.window_days)
            if evidence is None:
                continue
            rank = (evidence[0], -evidence[1])
            if best is None or rank > best:  # strictly better: ties stay with the older story
                best, chosen = rank, story
        return chosen

    def assign(self, event: dict[str, Any], now: float) -> Outcome:
        if event.get("negated"):
            return Outcome(story_id=None)
        event_id = event["event_id"]
        known = self.story_of(event_id)
        if known is not None:
            return Outcome(story_id=known, known=True)
        if event_id in self.parked:
            return Outcome(story_id=None, known=True, parked=True)
        story = self.best_match(event)
        if story is not None:
            story.add(event, now)
            self._story_of[event_id] = story.story_id
            return Outcome(story_id=story.story_id, changed=[story])
        if event.get("near_duplicate_of"):
            self.parked[event_id] = Parked(event, now)
            return Outcome(story_id=None, parked=True)
        story = new_story(event, now, created=self._next_created())
        self.put_story(story)
        outcome = Outcome(story_id=story.story_id, changed=[story])
        # Copies that arrived before their original now find their story.
        for copy_id, parked in list(self.parked.items()):
            if story.evidence(parked.event, self.window_days) is not None:
                story.add(parked.event, now)
                self._story_of[copy_id] = story.story_id
                del self.parked[copy_id]
                outcome.attached.append((parked.event, story.story_id))
                outcome.unparked.append(copy_id)
        return outcome

    def _next_created(self) -> int:
        return max((s.created for s in self.stories.values()), default=0) + 1

    def expire(self, older_than: float) -> tuple[list[str], list[str]]:
        """Forget stories untouched since `older_than` (processing time) and copies parked as long."""
        stale = [sid for sid, s in self.stories.items() if s.touched_at < older_than]
        for sid in stale:
            self.drop_story(sid)
        stale_copies = [eid for eid, p in self.parked.items() if p.parked_at < older_than]
        for eid in stale_copies:
            del self.parked[eid]
        return stale, stale_copies
