"""Alerter: events.storied and stories -> alerts topic (+ optional webhooks), on the shared consumer loop.

Per partition batch: decode + validate each event or story, evaluate the rules of its kind
(`event`, `rate`, `spike` on events; `new_story`, `escalation` on stories), suppress
repeats, queue the alerts (key = alert_id) and commit the state (suppression windows, the
items rate and spike rules count, the story revisions that fired). The base loop then waits
for the alert acks before committing the offsets, so an alert is never lost; it can be
repeated after a crash, with the same alert_id, which consumers dedupe on.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kafka import KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import TopicPartition

from common.config import ConfigError, KafkaSettings, dead_letter_topic, load_settings, topic
from common.logs import configure_logging, get_logger
from common.preflight import fail
from common.redact import register_secret
from consumers.alerter.alerts import build_alert, build_story_alert, build_window_alert, dedup_key, story_dedup_key
from consumers.alerter.matcher import (
    densest_window,
    escalated,
    event_time,
    matching_rules,
    spike_baseline,
    spiking,
    story_matches,
    window_keys,
)
from consumers.alerter.rules import Rule, RuleError, load_rules, rules_path
from consumers.alerter.suppression import SuppressionStore
from consumers.alerter.webhook import WebhookDispatcher
from consumers.base import BatchConsumer, RetryPolicy
from consumers.runner import add_run_arguments, run_members
from schemas import validate

log = get_logger(__name__)

PRUNE_AFTER_S = 7 * 24 * 3600


def default_state_path() -> Path:
    return load_settings().var_dir / "alerter" / "suppression.sqlite"


class Alerter(BatchConsumer):
    """Constructible with explicit parameters (rules, topics, state file, clock) for tests."""

    def __init__(
        self,
        *,
        rules: Sequence[Rule] | None = None,
        input_topic: str | None = None,
        stories_topic: str | None = None,
        alerts_topic: str | None = None,
        dead_letter: str | None = None,
        group_id: str = "alerter",
        state_path: str | Path | None = None,
        dispatcher: WebhookDispatcher | None = None,
        clock: Callable[[], datetime] | None = None,
        batch_size: int = 500,
        batch_timeout_s: float = 1.0,
        kafka_settings: KafkaSettings | None = None,
        consumer_overrides: dict[str, Any] | None = None,
        producer: KafkaProducer | None = None,
        max_backoff_s: float | None = None,
        retry: RetryPolicy | None = None,
        metrics_port: int | None = None,
    ) -> None:
        self.events_topic = input_topic or topic("events_storied")
        self.stories_topic = stories_topic or topic("stories")
        super().__init__(
            group_id=group_id,
            topics=[self.events_topic, self.stories_topic],
            dead_letter_topic=dead_letter or dead_letter_topic("alerter"),
            batch_size=batch_size,
            batch_timeout_s=batch_timeout_s,
            kafka_settings=kafka_settings,
            consumer_overrides=consumer_overrides,
            producer=producer,
            max_backoff_s=max_backoff_s,
            retry=retry,
            metrics_port=metrics_port,
        )
        self.rules = list(rules) if rules is not None else load_rules()
        for rule in self.rules:
            register_secret(rule.webhook)  # chat webhook URLs are credentials: never logged
        self.alerts_topic = alerts_topic or topic("alerts")
        self.state_path = Path(state_path) if state_path else default_state_path()
        self._store: SuppressionStore | None = None
        self._dispatcher = dispatcher
        self._clock = clock or (lambda: datetime.now(UTC))
        # Webhooks of each batch, sent once its offsets are committed (a commit can wait out an outage).
        self._webhooks: dict[tuple[TopicPartition, int], list[tuple[str, dict[str, Any]]]] = {}

    @property
    def store(self) -> SuppressionStore:
        if self._store is None:
            self._store = SuppressionStore(self.state_path)
        return self._store

    @property
    def dispatcher(self) -> WebhookDispatcher:
        if self._dispatcher is None:
            self._dispatcher = WebhookDispatcher()
        return self._dispatcher

    def on_start(self) -> None:
        oldest_window = max(
            [(r.window_minutes or 0) * 60 + (r.baseline_days or 0) * 86400 for r in self.rules if r.kind in ("rate", "spike")], default=0.0
        )
        # Counted items are kept as long as any window reaches back, plus a margin.
        pruned = self.store.prune(time.time() - PRUNE_AFTER_S, items_reach_s=oldest_window + PRUNE_AFTER_S)
        log.info("alerter ready", rules=[r.name for r in self.rules], state=str(self.state_path), pruned_windows=pruned)

    def on_stop(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.close()
        if self._store is not None:
            self._store.close()
            self._store = None

    def handle_batch(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        fired: set[str] = set()  # a message repeated within the batch alerts once
        webhooks = self._webhooks[(tp, messages[0].offset)] = []
        stories = tp.topic == self.stories_topic
        for message in messages:
            value = self.decode_json(message, "story" if stories else "event")
            if value is None:
                continue
            if stories:
                webhooks.extend(self._evaluate_story(value, fired))
            else:
                webhooks.extend(self._evaluate(value, fired))
                webhooks.extend(self._evaluate_windows(value, fired))

    def before_commit(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        # Suppression windows become durable only once their alerts are acknowledged,
        # so a failed produce can never leave an alert suppressed but unsent.
        self.store.commit()

    def on_batch_failed(self, tp: TopicPartition, messages: list[ConsumerRecord], error: BaseException) -> None:
        self.store.rollback()
        self._webhooks.pop((tp, messages[0].offset), None)

    def after_commit(self, tp: TopicPartition, messages: list[ConsumerRecord]) -> None:
        for url, alert in self._webhooks.pop((tp, messages[0].offset), []):
            self.dispatcher.submit(url, alert)

    def _evaluate(self, event: dict[str, Any], fired: set[str]) -> list[tuple[str, dict[str, Any]]]:
        webhooks = []
        now = self._clock()
        for rule in matching_rules(self.rules, event):
            alert = build_alert(rule, event, now)
            if alert["alert_id"] in fired:
                continue
            decision = self.store.decide(rule.name, dedup_key(event), alert["alert_id"], now.timestamp(), rule.suppress_minutes * 60)
            if not decision.fire:
                self.stats["suppressed"] += 1
                log.info("alert suppressed as a repeat", rule=rule.name, event_id=event["event_id"], dedup_key=dedup_key(event))
                continue
            if decision.suppressed_before:
                alert = build_alert(rule, event, now, decision.suppressed_before)
            webhooks.extend(self._send(rule, alert, fired))
        return webhooks

    def _send(self, rule: Rule, alert: dict[str, Any], fired: set[str]) -> list[tuple[str, dict[str, Any]]]:
        validate("alert", alert)
        self.produce(self.alerts_topic, alert["alert_id"], alert)
        fired.add(alert["alert_id"])
        self.stats["alerts"] += 1
        self.stats[f"alerts:{rule.kind}"] += 1
        log.info("alert", rule=rule.name, kind=rule.kind, severity=rule.severity, alert_id=alert["alert_id"], summary=alert["summary"])
        return [(rule.webhook, alert)] if rule.webhook else []

    def _decide(self, rule: Rule, key: str, alert_id: str, now: datetime) -> tuple[bool, int]:
        decision = self.store.decide(rule.name, key, alert_id, now.timestamp(), rule.suppress_minutes * 60)
        if not decision.fire:
            self.stats["suppressed"] += 1
            log.info("alert suppressed as a repeat", rule=rule.name, kind=rule.kind, dedup_key=key)
        return decision.fire, decision.suppressed_before

    def _evaluate_story(self, story: dict[str, Any], fired: set[str]) -> list[tuple[str, dict[str, Any]]]:
        """new_story: the first record of a story; escalation: the first with enough sources soon enough."""
        webhooks = []
        now = self._clock()
        for rule in self.rules:
            if rule.kind not in ("new_story", "escalation") or not story_matches(rule, story):
                continue
            done = self.store.story_fired(rule.name, story["story_id"])
            if done is not None and done != story["revision"]:
                continue  # fired for an earlier revision; this one is a redelivery only if the revision is the same
            if rule.kind == "escalation" and not escalated(story, rule.min_sources or 2, (rule.within_minutes or 0) * 60):
                continue
            alert = build_story_alert(rule, story, now)
            if alert["alert_id"] in fired:
                continue
            fire, suppressed = self._decide(rule, story_dedup_key(story), alert["alert_id"], now)
            self.store.mark_story(rule.name, story["story_id"], story["revision"])  # decided, fired or not
            if not fire:
                continue
            if suppressed:
                alert = build_story_alert(rule, story, now, suppressed)
            webhooks.extend(self._send(rule, alert, fired))
        return webhooks

    def _evaluate_windows(self, event: dict[str, Any], fired: set[str]) -> list[tuple[str, dict[str, Any]]]:
        """rate and spike: count the event's story (or the event) in its series, compare, alert."""
        webhooks = []
        now = self._clock()
        at = event_time(event)
        for rule in self.rules:
            if rule.kind not in ("rate", "spike"):
                continue
            item = event.get("story_id") if rule.count == "stories" else event["event_id"]
            if not item:
                continue  # negated events and unmatched copies belong to no story
            window_s = (rule.window_minutes or 60.0) * 60
            for series in window_keys(rule, event):
                self.store.count_item(rule.name, series, item, at)
                count, start = densest_window(self.store.item_times(rule.name, series, at - window_s, at + window_s), at, window_s)
                baseline = None
                if rule.kind == "rate":
                    crossed = count >= (rule.min_count or 1)
                else:
                    baseline_s = (rule.baseline_days or 7.0) * 86400
                    before = self.store.items_between(rule.name, series, start - baseline_s, start - 1e-6)
                    baseline = spike_baseline(before, window_s, baseline_s)
                    crossed = spiking(count, baseline, rule.factor or 1.0, rule.min_count or 3)
                if not crossed:
                    continue
                alert = build_window_alert(rule, event, series, count, now, baseline)
                if alert["alert_id"] in fired:
                    continue
                fire, suppressed = self._decide(rule, series, alert["alert_id"], now)
                if not fire:
                    continue
                if suppressed:
                    alert = build_window_alert(rule, event, series, count, now, baseline, suppressed)
                webhooks.extend(self._send(rule, alert, fired))
        return webhooks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consumers.alerter", description="Fire alerts on coded events.")
    parser.add_argument("--rules", type=Path, default=None, help=f"rules YAML (default: $NEWS_ALERT_RULES or {rules_path()})")
    parser.add_argument("--check", action="store_true", help="validate the rules file and exit")
    parser.add_argument("--group-id", default="alerter")
    parser.add_argument("--state", type=Path, help="suppression SQLite file (default: $NEWS_VAR_DIR/alerter/suppression.sqlite)")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--batch-timeout", type=float, default=1.0)
    add_run_arguments(parser)
    args = parser.parse_args(argv)

    configure_logging()
    try:
        load_settings()
        rules = load_rules(args.rules)
    except (RuleError, ConfigError) as exc:
        return fail(str(exc))
    if args.check:
        print(f"{len(rules)} rules OK: {', '.join(r.name for r in rules)}")
        return 0
    return run_members(_member, args)


def _member(args: argparse.Namespace) -> Alerter:
    return Alerter(
        rules=load_rules(args.rules), group_id=args.group_id, state_path=args.state, batch_size=args.batch_size, batch_timeout_s=args.batch_timeout
    )


if __name__ == "__main__":
    sys.exit(main())
