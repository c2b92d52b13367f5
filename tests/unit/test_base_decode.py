"""The base loop's decoding sorts bad input into the dead-letter reasons consumers rely on."""

from __future__ import annotations

import orjson
import pytest
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import TopicPartition

from consumers.base import BatchConsumer
from tests.event_factories import make_event


class _Stage(BatchConsumer):
    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        raise AssertionError("not used")


def _record(value: bytes | None) -> ConsumerRecord:
    return ConsumerRecord("events.extracted", 0, None, 7, 0, 0, b"key", value, [], None, 0, 0, 0)


@pytest.fixture
def stage() -> _Stage:
    return _Stage(group_id="unit", topics=[], dead_letter_topic=None)


def test_a_valid_message_decodes_to_what_was_sent(stage: _Stage) -> None:
    event = make_event()
    assert stage.decode_json(_record(orjson.dumps(event)), "event") == event
    assert not stage.stats


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b'{"event_id": "trunc', "malformed_json"),
        (b"\x89PNG\r\n\x1a\n", "malformed_json"),
        (None, "malformed_json"),
        (orjson.dumps(make_event(event_type="INVADE")), "schema_violation"),
        (b"[1, 2, 3]", "schema_violation"),
    ],
)
def test_bad_input_is_dead_lettered_with_its_reason(stage: _Stage, payload: bytes | None, reason: str) -> None:
    assert stage.decode_json(_record(payload), "event") is None
    assert stage.stats == {f"dead_letter:{reason}": 1}


def test_without_a_contract_only_json_objects_pass(stage: _Stage) -> None:
    assert stage.decode_json(_record(b'{"a": 1}')) == {"a": 1}
    assert stage.decode_json(_record(b'"just a string"')) is None
    assert stage.stats == {"dead_letter:schema_violation": 1}
