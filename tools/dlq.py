"""news-dlq: look at dead letters and replay them into the topic they came from.

    news-dlq list                                   # per DLQ: how many, why, from where, since when
    news-dlq show --stage indexer --reason es_rejected --limit 5
    news-dlq show --since 2h --json                 # one JSON object per dead letter
    news-dlq replay --reason retries_exhausted --since 1d --dry-run
    news-dlq replay --stage extractor --reason extraction_error

Every stage has its own DLQ (`<stage>.dlq`, infra/topics.yaml). A replayed record is the
original key, value and headers, plus `__news.replayed_from: <dlq>/<partition>/<offset>`;
the consumers' idempotent writes make a replay of something already processed harmless.
The ingest DLQ holds pages and feeds, not records: re-run the DAG for those.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from kafka.structs import TopicPartition

from common.config import ConfigError, load_settings, topic_specs
from common.dlq import DeadLetter, parse, replay_headers
from common.kafka import make_consumer, make_producer
from common.logs import configure_logging
from common.preflight import fail, kafka_problem

_RELATIVE = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(value: str, now: float | None = None) -> int:
    """'2h', '7d', '2026-05-01' or '2026-05-01T10:00:00Z' -> epoch milliseconds."""
    now = time.time() if now is None else now
    match = _RELATIVE.match(value.strip())
    if match:
        return int((now - int(match.group(1)) * _UNITS[match.group(2)]) * 1000)
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"cannot read {value!r}: use e.g. 30m, 12h, 7d, 2026-05-01 or 2026-05-01T10:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def dlq_topics(stages: list[str] | None) -> dict[str, str]:
    """{stage: DLQ topic name} for the declared dead-letter topics (all, or these stages)."""
    found = {spec.logical[len("dlq_"):]: spec.name for spec in topic_specs() if spec.logical.startswith("dlq_")}
    if stages:
        unknown = sorted(set(stages) - set(found))
        if unknown:
            raise SystemExit(f"error: no dead-letter topic for {unknown}; stages: {', '.join(sorted(found))}")
        return {s: found[s] for s in stages}
    return found


def read_letters(topic_name: str, since_ms: int | None = None, timeout_s: float = 60.0) -> Iterator[DeadLetter]:
    """Every dead letter of a topic (from `since_ms` on), up to its end when the read started."""
    consumer = make_consumer(f"news-dlq-{time.time_ns()}", enable_auto_commit=False)
    try:
        numbers = consumer.partitions_for_topic(topic_name)
        if not numbers:
            return
        partitions = [TopicPartition(topic_name, p) for p in sorted(numbers)]
        consumer.assign(partitions)
        ends = consumer.end_offsets(partitions)
        if since_ms is None:
            consumer.seek_to_beginning(*partitions)
        else:
            found = consumer.offsets_for_times({tp: since_ms for tp in partitions})
            for tp in partitions:
                start = found.get(tp)
                consumer.seek(tp, start.offset if start is not None else ends[tp])
        deadline = time.monotonic() + timeout_s
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading {topic_name} took longer than {timeout_s:.0f}s")
            for tp, batch in consumer.poll(timeout_ms=500).items():
                for record in batch:
                    # offsets_for_times finds the first record at or after `since`; a later
                    # offset can still carry an older timestamp (producer-set), so filter too.
                    if record.offset < ends[tp] and (since_ms is None or record.timestamp >= since_ms):
                        yield parse(record)
    finally:
        consumer.close(autocommit=False)


def _matching(args: argparse.Namespace) -> Iterator[DeadLetter]:
    for name in dlq_topics(args.stage).values():
        for letter in read_letters(name, args.since):
            if args.reason and letter.reason not in args.reason:
                continue
            yield letter


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_list(args: argparse.Namespace) -> int:
    for stage, name in dlq_topics(args.stage).items():
        letters = [d for d in read_letters(name, args.since) if not args.reason or d.reason in args.reason]
        if not letters:
            print(f"{name}: no dead letters")
            continue
        first, last = min(d.failed_at for d in letters), max(d.failed_at for d in letters)
        print(f"{name}: {len(letters)} dead letters from {first:%Y-%m-%d %H:%M}Z to {last:%Y-%m-%d %H:%M}Z")
        for (reason, origin), count in sorted(Counter((d.reason, d.origin_topic or "-") for d in letters).items()):
            print(f"  {count:>7}  {reason:<22} from {origin}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    shown = 0
    for letter in _matching(args):
        if shown >= args.limit:
            break
        shown += 1
        if args.json:
            print(json.dumps(letter.as_dict(args.max_chars), ensure_ascii=False, sort_keys=True))
            continue
        item = letter.as_dict(args.max_chars)
        print(f"{item['dlq']}  {item['failed_at']}  {item['reason']}  stage={item['stage'] or '?'}  from={item['origin'] or '-'}  key={item['key']}")
        print(f"    error: {_clip(letter.error, args.max_chars)}")
        print(f"    value: {_clip(item['value'], args.max_chars)}")
    if not args.json:
        print(f"{shown} shown" + (f" (--limit {args.limit})" if shown >= args.limit else ""))
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    counts: Counter[str] = Counter()
    producer = None if args.dry_run else make_producer(client_id="news-dlq-replay")
    futures: list[Any] = []
    try:
        for letter in _matching(args):
            if not letter.replayable:
                counts["skipped (not a record: re-run the ingest DAG)" if letter.stage == "ingest" else "skipped (no origin)"] += 1
                continue
            counts[f"{letter.reason} -> {letter.origin_topic}"] += 1
            if producer is not None:
                futures.append(producer.send(letter.origin_topic, key=letter.key, value=letter.value, headers=replay_headers(letter)))
        if producer is not None:
            producer.flush()
            for future in futures:
                future.get(timeout=60)
    finally:
        if producer is not None:
            producer.close()
    verb = "would replay" if args.dry_run else "replayed"
    replayed = sum(v for k, v in counts.items() if not k.startswith("skipped"))
    print(f"{verb} {replayed} dead letters")
    for what, count in sorted(counts.items()):
        print(f"  {count:>7}  {what}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="news-dlq", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("list", "count dead letters by reason and origin"), ("show", "print dead letters"), ("replay", "send dead letters back to their topic")):
        cmd = sub.add_parser(name, help=helptext)
        cmd.add_argument("--stage", action="append", help="extractor, indexer, alerter, ingest (repeatable; default all)")
        cmd.add_argument("--reason", action="append", help="only this reason, e.g. retries_exhausted (repeatable)")
        cmd.add_argument("--since", type=parse_since, help="only dead letters written since: 30m, 12h, 7d, 2026-05-01, ...")
        if name == "show":
            cmd.add_argument("--limit", type=int, default=20)
            cmd.add_argument("--json", action="store_true", help="one JSON object per dead letter")
            cmd.add_argument("--max-chars", type=int, default=300, help="clip errors and values to this many characters")
        if name == "replay":
            cmd.add_argument("--dry-run", action="store_true", help="count what would be replayed, send nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging("WARNING")
    try:
        settings = load_settings()
    except ConfigError as exc:
        return fail(str(exc))
    problem = kafka_problem(settings)
    if problem:
        return fail(problem)
    return {"list": cmd_list, "show": cmd_show, "replay": cmd_replay}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
