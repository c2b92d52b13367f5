"""The stories consumer's state: groups of stories per event type, kept in memory and in a
compacted changelog topic, one record per story (or parked copy).

Changelog record keys are ``<event type>\\x1f<story_id>`` and ``<event type>\\x1fparked\\x1f<event_id>``;
`GroupPartitioner` hashes only the part before the first ``\\x1f``, so a group's records land
on the same partition number as the group's mentions in ``stories.mentions`` (keyed by the
event type). The member that owns mentions partition p therefore restores exactly
changelog partition p. A tombstone (null value) forgets a story or an attached copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from kafka.partitioner.default import DefaultPartitioner

from consumers.stories.grouping import DEFAULT_WINDOW_DAYS, Group, Parked, Story

SEP = "\x1f"


def story_key(event_type: str, sid: str) -> str:
    return f"{event_type}{SEP}{sid}"


def parked_key(event_type: str, event_id: str) -> str:
    return f"{event_type}{SEP}parked{SEP}{event_id}"


class GroupPartitioner(DefaultPartitioner):
    """Kafka's default partitioner applied to the key up to its first \\x1f (the group)."""

    def partition(self, topic, key, serialized_key, value, serialized_value, cluster):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
        if serialized_key is not None:
            serialized_key = serialized_key.split(SEP.encode(), 1)[0]
        return super().partition(topic, key, serialized_key, value, serialized_value, cluster)


class StoryState:
    """Every group of one consumer, with the changelog offset applied per partition."""

    def __init__(self, window_days: int = DEFAULT_WINDOW_DAYS) -> None:
        self.window_days = window_days
        self.groups: dict[str, Group] = {}
        self.applied: dict[int, int] = {}  # changelog partition -> next offset to apply

    def group(self, event_type: str) -> Group:
        found = self.groups.get(event_type)
        if found is None:
            found = self.groups[event_type] = Group(event_type, self.window_days)
        return found

    def apply(self, key: str, value: bytes | None) -> None:
        """Apply one changelog record (restore)."""
        parts = key.split(SEP)
        group = self.group(parts[0])
        if len(parts) == 3 and parts[1] == "parked":
            if value is None:
                group.parked.pop(parts[2], None)
            else:
                group.parked[parts[2]] = Parked.from_state(orjson.loads(value))
        elif len(parts) == 2:
            if value is None:
                group.drop_story(parts[1])
            else:
                group.put_story(Story.from_state(orjson.loads(value)))

    def forget_partition(self, groups: Iterable[str], partition: int) -> None:
        """Drop what this member knows of a partition; the next batch restores it from the changelog."""
        for event_type in groups:
            self.groups.pop(event_type, None)
        self.applied.pop(partition, None)


def story_record(story: Story) -> tuple[str, dict[str, Any]]:
    return story_key(story.event_type, story.story_id), story.to_state()


def parked_record(event_type: str, event_id: str, parked: Parked | None) -> tuple[str, dict[str, Any] | None]:
    return parked_key(event_type, event_id), parked.to_state() if parked else None
