"""A minimal downstream consumer of events.extracted, written the way docs/events-contract.md asks.

    python examples/events_consumer.py --group my-team --type ASSAULT --type COERCE --country UKR

* its own consumer group, manual commits after the events of a poll are handled;
* read_committed, from the earliest retained offset on first start (30 days of history);
* duplicates dropped on event_id (delivery is at-least-once);
* unknown schema versions skipped loudly instead of guessed at.

Only kafka-python is needed; nothing from this repository is imported.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from kafka import KafkaConsumer

SUPPORTED_SCHEMA_VERSIONS = {1}


class SeenIds:
    """The last `size` event ids: enough to drop redeliveries, which arrive close together."""

    def __init__(self, size: int = 100_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def add(self, event_id: str) -> bool:
        """True the first time an id is seen."""
        if event_id in self._ids:
            self._ids.move_to_end(event_id)
            return False
        self._ids[event_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


def wanted(event: dict[str, Any], types: set[str], countries: set[str]) -> bool:
    if types and event.get("event_type") not in types:
        return False
    if not countries:
        return True
    involved = {a.get("country") for a in (event.get("source") or []) + (event.get("target") or [])}
    involved.add((event.get("location") or {}).get("country"))
    return bool(involved & countries)


def describe(event: dict[str, Any]) -> str:
    def names(actors: Iterable[dict[str, Any]]) -> str:
        return ", ".join(f"{a['name']} ({a.get('country') or '?'})" for a in actors) or "?"

    where = (event.get("location") or {}).get("name") or "?"
    when = event.get("event_date") or (event.get("published_at") or "")[:10] or "?"
    negated = " [negated]" if event.get("negated") else ""
    return f"{when} {event['event_type']}{negated}: {names(event['source'])} -> {names(event['target'])} @ {where} | {event['sentence']}"


def consume(
    consumer: KafkaConsumer,
    handle: Callable[[dict[str, Any]], None],
    *,
    types: set[str] = frozenset(),
    countries: set[str] = frozenset(),
    idle_exit_s: float | None = None,
) -> int:
    """Poll, handle, commit; returns how many events were handled."""
    seen, handled, last_record = SeenIds(), 0, time.monotonic()
    while idle_exit_s is None or time.monotonic() - last_record < idle_exit_s:
        batches = consumer.poll(timeout_ms=1000)
        for records in batches.values():
            last_record = time.monotonic()
            for record in records:
                event = json.loads(record.value)
                if event.get("schema_version") not in SUPPORTED_SCHEMA_VERSIONS:
                    print(f"skipping schema_version {event.get('schema_version')!r} at offset {record.offset}", file=sys.stderr)
                    continue
                if seen.add(event["event_id"]) and wanted(event, types, countries):
                    handle(event)
                    handled += 1
        if batches:
            consumer.commit()  # after handling: a crash re-delivers, never skips
    return handled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print coded events from events.extracted.")
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--topic", default=os.environ.get("NEWS_TOPIC_EVENTS", "events.extracted"))
    parser.add_argument("--group", default="example-events-printer", help="your team's own consumer group")
    parser.add_argument("--type", dest="types", action="append", default=[], help="PLOVER type to keep (repeatable)")
    parser.add_argument("--country", dest="countries", action="append", default=[], help="alpha-3 country of an actor or the location")
    parser.add_argument("--idle-exit", type=float, help="exit after this many seconds without new events")
    args = parser.parse_args(argv)

    consumer = KafkaConsumer(
        args.topic,
        bootstrap_servers=args.bootstrap.split(","),
        group_id=args.group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )
    try:
        consume(
            consumer,
            lambda event: print(describe(event), flush=True),
            types={t.upper() for t in args.types},
            countries={c.upper() for c in args.countries},
            idle_exit_s=args.idle_exit,
        )
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
