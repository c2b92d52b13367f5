"""Dry-run one source from the sources config and print what would be sent; needs no Kafka.

    python -m dags.ingest.dry_run --source demo                 # as if nothing had been seen yet
    python -m dags.ingest.dry_run --source demo --against-seen  # honour the real seen-state (read-only)
    python -m dags.ingest.dry_run --source demo --full          # print whole texts, not 300-character previews
    NEWS_SOURCES_FILE=my.yaml python -m dags.ingest.dry_run --source mine

Fetches for real (same politeness and safety rules as the DAG), then prints one JSON document:
{"source", "counts", "would_send": [articles.raw messages], "dead_letters": [ingest.dlq messages]}.
Nothing is written to Kafka or to the seen store.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from common.logs import configure_logging
from dags.ingest.produce import CollectingSink
from dags.ingest.run import run_source
from dags.ingest.seen_store import OverlaySeenStore, SeenStore
from dags.ingest.sources import SourcesConfigError, load_config

PREVIEW_CHARS = 300


def dry_run(source_name: str, against_seen: bool = False, config_path: str | None = None) -> dict[str, Any]:
    config = load_config(config_path)
    source = config.get(source_name)
    store: SeenStore = OverlaySeenStore(SeenStore()) if against_seen else SeenStore("sqlite://")
    sink = CollectingSink()
    try:
        counts = run_source(source, config, store, sink)
    finally:
        store.close()
    return {
        "source": source.name,
        "counts": counts.to_dict(),
        "would_send": sink.articles,
        "dead_letters": sink.dead_letters,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, help="source name in the sources config")
    parser.add_argument("--config", help="sources config file (default: NEWS_SOURCES_FILE or dags/sources.yaml)")
    parser.add_argument(
        "--against-seen", action="store_true", help="skip what the seen store (NEWS_SEEN_DB_URL) already has"
    )
    parser.add_argument("--full", action="store_true", help="print full article texts")
    args = parser.parse_args(argv)
    try:
        result = dry_run(args.source, args.against_seen, args.config)
    except (SourcesConfigError, KeyError) as exc:
        print(f"error: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return 2
    if not args.full:
        for message in result["would_send"]:
            if len(message["text"]) > PREVIEW_CHARS:
                message["text"] = message["text"][:PREVIEW_CHARS] + f"... [{len(message['text'])} characters]"
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    configure_logging()
    sys.exit(main())
