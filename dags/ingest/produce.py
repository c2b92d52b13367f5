"""Where ingested articles and dead letters go: Kafka (articles.raw, ingest.dlq) or a list for dry runs."""

from __future__ import annotations

from typing import Any, Protocol

from kafka.errors import KafkaError

from common.config import dead_letter_topic, topic
from common.kafka import make_producer, send_all
from common.logs import get_logger

log = get_logger(__name__)


class Sink(Protocol):
    def send_articles(self, messages: list[dict[str, Any]]) -> None:
        """Deliver and wait for acknowledgement; raise if any message was not acknowledged."""

    def send_dead_letters(self, messages: list[dict[str, Any]]) -> None: ...

    def close(self) -> None: ...


class KafkaSink:
    """Idempotent producer (acks=all, compressed) from common.kafka; key = article id."""

    def __init__(self, articles_topic: str | None = None, dead_letter: str | None = None, **producer_overrides: Any):
        self.articles_topic = articles_topic or topic("articles_raw")
        self.dead_letter_topic = dead_letter or dead_letter_topic("ingest")
        self.producer = make_producer(client_id="news-ingest", **producer_overrides)

    def send_articles(self, messages: list[dict[str, Any]]) -> None:
        if messages:
            send_all(self.producer, self.articles_topic, [(m["id"], m) for m in messages])

    def send_dead_letters(self, messages: list[dict[str, Any]]) -> None:
        if messages:
            send_all(self.producer, self.dead_letter_topic, [((m.get("origin") or {}).get("url"), m) for m in messages])

    def close(self) -> None:
        try:
            self.producer.close(timeout=10)
        except KafkaError as exc:
            # After a failed send the producer may complain on close; the send error is the one that matters.
            log.warning("ingest.producer_close_failed", error=str(exc))


class CollectingSink:
    """Keeps messages in memory: the dry run prints them, nothing is sent."""

    def __init__(self) -> None:
        self.articles: list[dict[str, Any]] = []
        self.dead_letters: list[dict[str, Any]] = []

    def send_articles(self, messages: list[dict[str, Any]]) -> None:
        self.articles.extend(messages)

    def send_dead_letters(self, messages: list[dict[str, Any]]) -> None:
        self.dead_letters.extend(messages)

    def close(self) -> None:
        pass
