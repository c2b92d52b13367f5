"""Story grouping (pure): same event across outlets, different events with the same actors,
syndicated copies, redeliveries, and the state round trip through the changelog format."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from consumers.stories.grouping import Group, Story, actor_keys, same_actor, story_id
from consumers.stories.state import StoryState, parked_record, story_record
from schemas import validate
from tests.event_factories import actor, make_event

KHARKIV = {"name": "Kharkiv", "country": "UKR", "lat": 49.98, "lon": 36.25, "geonameid": 706483}
ODESA = {"name": "Odesa", "country": "UKR", "lat": 46.48, "lon": 30.73, "geonameid": 698740}


def mention(n: int, *, outlet: str, article: str | None = None, **fields: Any) -> dict[str, Any]:
    article_id = article or hashlib.sha256(f"{outlet}-{n}".encode()).hexdigest()[:32]
    event_id = hashlib.sha256(f"{article_id}-{n}".encode()).hexdigest()[:32]
    return make_event(event_id=event_id, article_id=article_id, article_source=outlet, **fields)


def test_the_same_strike_told_by_two_outlets_is_one_story_with_two_sources() -> None:
    group = Group("ASSAULT")
    wire = mention(1, outlet="wire", confidence=0.6, sentence="Russian forces shelled Kharkiv on Thursday.")
    daily = mention(
        2,
        outlet="daily",
        confidence=0.7,
        source=[actor("Russia", "RUS", None)],  # another name and sector, the same country
        target=[],  # this outlet does not say who was hit: no evidence either way
        sentence="Russia pounded Kharkiv with artillery overnight, the mayor said.",
    )
    first, second = group.assign(wire, now=1.0), group.assign(daily, now=2.0)
    assert first.story_id == second.story_id == story_id("ASSAULT", wire["event_id"])
    story = group.stories[first.story_id].message()
    validate("story", story)
    assert (story["num_mentions"], story["num_articles"], story["num_sources"]) == (2, 2, 2)
    assert story["outlets"] == ["daily", "wire"]
    assert story["representative"]["event_id"] == daily["event_id"]  # the more confident one
    assert story["confidence"] == round(1 - 0.4 * 0.3, 4)  # grows with every independent source
    assert story["revision"] == 2
    assert story["location"]["name"] == "Kharkiv" and story["countries"] == ["RUS", "UKR"]


def test_different_events_with_the_same_actors_stay_apart() -> None:
    group = Group("ASSAULT", window_days=1)
    monday = mention(1, outlet="wire", event_date="2024-05-06", published_at="2024-05-06T10:00:00Z")
    friday = mention(2, outlet="daily", event_date="2024-05-10", published_at="2024-05-10T10:00:00Z")
    odesa = mention(3, outlet="daily", location=ODESA, event_date="2024-05-06", published_at="2024-05-06T11:00:00Z")
    other_target = mention(4, outlet="post", target=[actor("Poland", "POL")], event_date="2024-05-06")
    ids = {group.assign(e, now=1.0).story_id for e in (monday, friday, odesa, other_target)}
    assert len(ids) == 4


def test_joint_actors_must_be_among_each_other() -> None:
    group = Group("AGREE")

    def agree(n: int, *countries: str) -> dict[str, Any]:
        return mention(n, outlet=f"o{n}", event_type="AGREE", source=[actor(c, c) for c in countries], target=[], location=None, sentence=f"deal {n}")

    trio = group.assign(agree(1, "RUS", "IRN", "TUR"), 1.0).story_id
    assert group.assign(agree(2, "IRN", "RUS"), 1.0).story_id == trio  # a subset: the same agreement
    assert group.assign(agree(3, "RUS", "SYR"), 1.0).story_id != trio  # another partner: another agreement


def test_an_event_with_no_shared_evidence_starts_its_own_story() -> None:
    group = Group("ASSAULT")
    named = mention(1, outlet="wire")
    anonymous = mention(2, outlet="daily", source=[], target=[], location=None, sentence="Fighting continued.")
    assert group.assign(named, 1.0).story_id != group.assign(anonymous, 1.0).story_id


def test_a_redelivered_mention_changes_nothing() -> None:
    group = Group("ASSAULT")
    event = mention(1, outlet="wire")
    first = group.assign(event, 1.0)
    before = group.stories[first.story_id].message()
    again = group.assign(dict(event), 5.0)
    assert again.known and again.story_id == first.story_id and not again.changed
    assert group.stories[first.story_id].message() == before


def test_a_syndicated_copy_is_a_mention_never_a_story_or_a_source() -> None:
    group = Group("ASSAULT")
    original = mention(1, outlet="wire", location=None)
    copy = mention(2, outlet="wire-reprint", near_duplicate_of=original["article_id"], location=KHARKIV)
    sid = group.assign(original, 1.0).story_id
    assert group.assign(copy, 2.0).story_id == sid
    story = group.stories[sid].message()
    assert (story["num_mentions"], story["num_articles"], story["num_sources"]) == (2, 2, 1)
    assert story["outlets"] == ["wire", "wire-reprint"] and [s["outlet"] for s in story["sources"]] == ["wire"]
    assert story["location"] is None  # a copy is not evidence: it fills nothing in


def test_a_copy_that_arrives_first_waits_for_its_original() -> None:
    group = Group("SANCTION")
    original = mention(1, outlet="wire", event_type="SANCTION", sentence="The US imposed sanctions on Iranian shipping firms.")
    copy = mention(2, outlet="reprint", event_type="SANCTION", near_duplicate_of=original["article_id"], sentence=original["sentence"],
                   source=[], target=[], location=None)  # fmt: skip
    parked = group.assign(copy, 1.0)
    assert parked.parked and parked.story_id is None and not group.stories
    created = group.assign(original, 2.0)
    assert created.unparked == [copy["event_id"]] and created.attached[0][1] == created.story_id
    assert group.stories[created.story_id].message()["num_articles"] == 2  # the same sentence is the evidence
    assert group.assign(copy, 3.0).known  # and a redelivered copy changes nothing


def test_a_copy_matching_nothing_never_makes_a_story() -> None:
    group = Group("ASSAULT")
    copy = mention(1, outlet="reprint", near_duplicate_of="f" * 32)
    assert group.assign(copy, 1.0).parked
    assert group.stories == {} and list(group.parked) == [copy["event_id"]]


def test_negated_events_belong_to_no_story() -> None:
    group = Group("ASSAULT")
    assert group.assign(mention(1, outlet="wire", negated=True), 1.0).story_id is None
    assert group.stories == {}


def test_ties_go_to_the_older_story() -> None:
    group = Group("ASSAULT")
    a = mention(1, outlet="a", target=[], location=None, sentence="Russian forces opened fire.")
    b = mention(2, outlet="b", source=[], location=None, sentence="Civilians came under fire.")  # nothing shared with a
    sa, sb = group.assign(a, 1.0).story_id, group.assign(b, 1.0).story_id
    assert sa != sb
    both = mention(3, outlet="c", location=None, sentence="Russian forces fired on civilians.")  # a's source and b's target
    assert group.assign(both, 1.0).story_id == sa


def test_actors_match_by_country_then_sector_then_name() -> None:
    russian_forces, russia, its_forces = actor("Russian forces", "RUS", "MIL"), actor("Russia", "RUS", None), actor("forces", None, "MIL")
    wagner, ukraine_army = {"text": "W", "name": "Wagner", "country": None, "sector": None}, actor("Ukrainian army", "UKR", "MIL")
    (rf,), (ru,), (fo,), (wa,), (ua,) = (actor_keys([a]) for a in (russian_forces, russia, its_forces, wagner, ukraine_army))
    assert same_actor(rf, ru) and same_actor(rf, fo) and same_actor(wa, wa)
    assert not same_actor(rf, ua)  # both countries known: they decide, even with the same sector
    assert not same_actor(ru, fo) and not same_actor(wa, fo)
    assert actor_keys([russia, russia, its_forces]) == [[None, "MIL", "forces"], ["RUS", None, "russia"]]


def test_state_survives_the_changelog_round_trip() -> None:
    original = Group("ASSAULT")
    events = [mention(i, outlet=f"o{i % 2}") for i in range(4)]
    copy = mention(9, outlet="reprint", near_duplicate_of="e" * 32, source=[actor("Nobody", "NZL")])
    for event in events:
        original.assign(event, 1.0)
    original.assign(copy, 1.0)
    restored = StoryState()
    for story in original.stories.values():
        key, value = story_record(story)
        restored.apply(key, orjson.dumps(value))
    for event_id, parked in original.parked.items():
        key, value = parked_record("ASSAULT", event_id, parked)
        restored.apply(key, orjson.dumps(value))
    group = restored.group("ASSAULT")
    assert {sid: s.message() for sid, s in group.stories.items()} == {sid: s.message() for sid, s in original.stories.items()}
    assert set(group.parked) == {copy["event_id"]}
    assert all(group.assign(e, 2.0).known for e in events)  # what was counted stays counted
    # A tombstone forgets a story.
    sid = next(iter(group.stories))
    restored.apply(f"ASSAULT\x1f{sid}", None)
    assert sid not in group.stories and group.story_of(events[0]["event_id"]) is None


def test_expiry_forgets_untouched_stories_and_copies() -> None:
    group = Group("ASSAULT")
    old = group.assign(mention(1, outlet="a"), now=100.0).story_id
    fresh = group.assign(mention(2, outlet="b", event_date="2024-06-01", published_at="2024-06-01T00:00:00Z"), now=900.0).story_id
    group.assign(mention(3, outlet="c", near_duplicate_of="d" * 32, event_date="2023-01-01"), now=100.0)
    stories, copies = group.expire(older_than=500.0)
    assert stories == [old] and len(copies) == 1 and list(group.stories) == [fresh]


def test_story_state_is_plain_json() -> None:
    group = Group("ASSAULT")
    sid = group.assign(mention(1, outlet="a"), 1.0).story_id
    value = group.stories[sid].to_state()
    assert Story.from_state(orjson.loads(orjson.dumps(value))).to_state() == value
