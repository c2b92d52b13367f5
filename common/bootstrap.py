"""Create the declared Kafka topics and Elasticsearch templates/aliases, idempotently.

    python -m common.bootstrap            # both
    python -m common.bootstrap --kafka    # topics only
    python -m common.bootstrap --es       # templates and aliases only

Safe to run any number of times against the local services or a real cluster.
"""

from __future__ import annotations

import argparse
import sys

from kafka.admin import NewPartitions, NewTopic
from kafka.errors import TopicAlreadyExistsError

from common.config import TopicSpec, topic_specs
from common.kafka import make_admin
from common.logs import configure_logging, get_logger
from common.preflight import elasticsearch_problem, fail, kafka_problem, prepared_settings

log = get_logger(__name__)


def ensure_topics(specs: list[TopicSpec] | None = None) -> dict[str, str]:
    """Create missing topics and grow partition counts that are below the declaration."""
    specs = specs if specs is not None else topic_specs()
    admin = make_admin()
    outcome: dict[str, str] = {}
    try:
        existing = {t["name"]: len(t["partitions"]) for t in admin.describe_topics() if not t["is_internal"]}
        missing = [s for s in specs if s.name not in existing]
        if missing:
            new = [NewTopic(s.name, s.partitions, s.replication_factor, topic_configs=s.config) for s in missing]
            try:
                admin.create_topics(new, validate_only=False)
            except TopicAlreadyExistsError:
                pass  # created concurrently by another bootstrap
            outcome.update({s.name: "created" for s in missing})
        grow = {s.name: NewPartitions(s.partitions) for s in specs if existing.get(s.name, s.partitions) < s.partitions}
        if grow:
            admin.create_partitions(grow)
            outcome.update({name: "partitions increased" for name in grow})
        for spec in specs:
            outcome.setdefault(spec.name, "exists")
    finally:
        admin.close()
    return outcome


def ensure_elasticsearch() -> dict[str, object]:
    from common.es import make_es
    from common.es_setup import apply_all

    return apply_all(make_es())


def main(argv: list[str] | None = None) -> int:
    configure_logging()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kafka", action="store_true", help="only create Kafka topics")
    parser.add_argument("--es", action="store_true", help="only apply Elasticsearch templates and aliases")
    parser.add_argument("--print-config", action="store_true", help="print the effective settings (secrets redacted) and exit")
    args = parser.parse_args(argv)
    settings = prepared_settings(args.print_config)
    if isinstance(settings, int):
        return settings
    both = not (args.kafka or args.es)
    if args.kafka or both:
        problem = kafka_problem(settings)
        if problem:
            return fail(problem)
        for name, state in ensure_topics().items():
            print(f"[bootstrap] topic {name}: {state}")
    if args.es or both:
        problem = elasticsearch_problem(settings)
        if problem:
            return fail(problem)
        for name, state in ensure_elasticsearch().items():
            print(f"[bootstrap] elasticsearch {name}: {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
