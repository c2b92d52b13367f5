"""What a consumer group left behind, for a benchmark whose Elasticsearch count came out wrong.

Per partition: end offset, the group's committed offset, and the records whose `_id` is
not in Elasticsearch (as offset ranges); per concrete index: its document count.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from elasticsearch import Elasticsearch, helpers
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from common.kafka import make_admin, make_consumer


def _ranges(offsets: Iterable[int]) -> list[str]:
    """[3, 4, 5, 9] -> ['3-5', '9']."""
    spans: list[list[int]] = []
    for offset in sorted(offsets):
        if spans and offset == spans[-1][1] + 1:
            spans[-1][1] = offset
        else:
            spans.append([offset, offset])
    return [f"{a}-{b}" if a != b else str(a) for a, b in spans]


def _read_ids(consumer: KafkaConsumer, topic: str, id_field: str) -> tuple[dict[TopicPartition, dict[int, str]], dict[TopicPartition, int]]:
    """The id of every record of `topic` by partition and offset, and the end offsets."""
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    ends = consumer.end_offsets(partitions)
    ids: dict[TopicPartition, dict[int, str]] = {tp: {} for tp in partitions}
    while any(consumer.position(tp) < ends[tp] for tp in partitions):
        for tp, records in consumer.poll(timeout_ms=1000, max_records=5000).items():
            for record in records:
                ids[tp][record.offset] = orjson.loads(record.value)[id_field]
    return ids, ends


def drain_report(es: Elasticsearch, index: str, topic: str, group: str, id_field: str = "event_id") -> dict[str, Any]:
    """Where the records of `topic` missing from `index` sit, next to `group`'s committed offsets."""
    admin = make_admin()
    try:
        committed = {tp: meta.offset for tp, meta in admin.list_group_offsets({group: None})[group].items() if tp.topic == topic}
    finally:
        admin.close()
    consumer = make_consumer(f"{group}-report", enable_auto_commit=False)
    try:
        ids, ends = _read_ids(consumer, topic, id_field)
    finally:
        consumer.close(autocommit=False)
    es.indices.refresh(index=index)
    indexed = {hit["_id"] for hit in helpers.scan(es, index=index, query={"query": {"match_all": {}}}, _source=False)}
    counts = es.cat.indices(index=index, format="json", h="index,docs.count")
    partitions = {}
    for tp, by_offset in sorted(ids.items()):
        missing = [offset for offset, doc_id in by_offset.items() if doc_id not in indexed]
        partitions[tp.partition] = {
            "end": ends[tp],
            "committed": committed.get(tp),
            "missing": len(missing),
            "missing_offsets": _ranges(missing)[:20],
        }
    return {
        "topic": topic,
        "group": group,
        "unique_ids_in_topic": len({i for by_offset in ids.values() for i in by_offset.values()}),
        "ids_in_index": len(indexed),
        "index_counts": {row["index"]: int(row["docs.count"]) for row in counts},
        "partitions": partitions,
    }
