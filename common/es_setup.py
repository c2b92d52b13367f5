"""Elasticsearch index lifecycle: templates, time partitions, generations and retention.

Layout for a document kind ("events", "articles", "stories") and prefix P (NEWS_INDEX_PREFIX):

* concrete indices ``P-<kind>-v<G>-<YYYY.MM>.01``: generation G (bumped when everything is
  reprocessed with a new model), and the calendar month (UTC) of the documents' own
  ``@timestamp``. A document always lands in the partition of its own time, so a redelivered,
  replayed or reprocessed copy overwrites itself instead of landing next to it: counts stay
  right forever, whatever happens to the indices meanwhile. The name ends in a date so that
  ILM can read each partition's age from it (``index.lifecycle.parse_origination_date``).
* ``P-<kind>-v<G>``: every partition of generation G (what a backfill reads and writes);
* ``P-<kind>``: the alias everyone reads; it covers every partition of the live generation.

Partitions are created on first write from a per-generation index template, which gives
them their aliases: ``P-<kind>-v<G>`` always, ``P-<kind>`` while G is live.
``swap_alias`` makes another generation live: templates first, then one atomic ``_aliases``
call for the existing partitions. Writers name the partition (``partition_index``), so they
need no write alias; the indexer asks which generation is live before each batch.

Retention deletes partitions whose month ended more than NEWS_ES_RETENTION_DAYS ago:
``apply_retention`` (the es_maintenance DAG) where ILM is not available, an ILM delete phase
where the cluster answers ``_ilm``. Only core APIs are needed otherwise, so this works on the
local jar-assembled node and on a stock cluster alike. Indices of the earlier rollover layout
(``P-<kind>-v<G>-<NNNNNN>``) stay readable behind the alias; retention leaves them alone.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import re
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError

from common.config import INFRA_DIR, load_settings
from common.logs import get_logger

log = get_logger(__name__)

KINDS: tuple[str, ...] = ("events", "articles", "stories")
TEMPLATE_DIR: Path = INFRA_DIR / "elasticsearch"
FIRST_GENERATION = 1
GENERATION_TEMPLATE_PRIORITY = 300  # above the kind's catch-all template (200)
DEFAULT_RETENTION_DAYS = 400
_PARTITION = re.compile(r"^(\d{4})\.(\d{2})\.01$")
_LEGACY_COUNTER = re.compile(r"^\d{6}$")


# --- names -------------------------------------------------------------------------


def index_prefix(prefix: str | None = None) -> str:
    return prefix or load_settings().elasticsearch.index_prefix


def write_alias(kind: str, prefix: str | None = None) -> str:
    """The public read alias of a kind, e.g. 'news-events' (same rule as common.es.index_name)."""
    return f"{index_prefix(prefix)}-{kind}"


def generation_alias(kind: str, generation: int, prefix: str | None = None) -> str:
    """Alias over every partition of one generation, e.g. 'news-events-v2'."""
    return f"{write_alias(kind, prefix)}-v{generation}"


def month_of(timestamp: str) -> str:
    """'2026-11-22T06:35:00+09:00' -> '2026.11' (UTC month); '2026-11-22' -> '2026.11'."""
    text = timestamp.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return f"{day.year:04d}.{day.month:02d}"
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.year:04d}.{moment.month:02d}"


def partition_index(generation_prefix: str, timestamp: str) -> str:
    """The partition a document with this @timestamp belongs to, e.g. 'news-events-v1-2026.11.01'."""
    return f"{generation_prefix}-{month_of(timestamp)}.01"


def current_month(now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    return f"{moment.year:04d}.{moment.month:02d}"


def next_month(month: str) -> str:
    year, mon = (int(part) for part in month.split("."))
    return f"{year + mon // 12:04d}.{mon % 12 + 1:02d}"


@dataclass(frozen=True, order=True)
class IndexName:
    """A parsed concrete index name: orders by generation, then month (legacy counters first)."""

    generation: int
    month: str  # 'YYYY.MM', or '' for an index of the earlier rollover layout
    name: str

    @property
    def legacy(self) -> bool:
        return not self.month


def parse_index_name(name: str, kind: str, prefix: str | None = None) -> IndexName | None:
    match = re.match(rf"^{re.escape(write_alias(kind, prefix))}-v(\d+)-(.+)$", name)
    if not match:
        return None
    generation, rest = int(match.group(1)), match.group(2)
    partition = _PARTITION.match(rest)
    if partition:
        return IndexName(generation, f"{partition.group(1)}.{partition.group(2)}", name)
    if _LEGACY_COUNTER.match(rest):
        return IndexName(generation, "", name)
    return None


# --- templates ---------------------------------------------------------------------


def render_template(text: str, prefix: str) -> dict[str, Any]:
    """Substitute the {prefix} placeholder (plain replace: the JSON braces stay untouched)."""
    return json.loads(text.replace("{prefix}", prefix))


def settings_overrides() -> dict[str, Any]:
    """Cluster-dependent index settings from the environment (defaults fit one local node)."""
    return {
        "number_of_shards": int(os.environ.get("NEWS_ES_SHARDS") or 1),
        "number_of_replicas": int(os.environ.get("NEWS_ES_REPLICAS") or 0),
        "refresh_interval": os.environ.get("NEWS_ES_REFRESH_INTERVAL") or "1s",
    }


def component_templates(prefix: str | None = None, overrides: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Component templates by name, rendered for the prefix, settings overrides applied."""
    p = index_prefix(prefix)
    templates: dict[str, dict[str, Any]] = {}
    for path in sorted((TEMPLATE_DIR / "component_templates").glob("*.json")):
        body = render_template(path.read_text(encoding="utf-8"), p)
        index_settings = body.get("template", {}).get("settings", {}).get("index")
        if index_settings is not None:
            index_settings.update(settings_overrides() if overrides is None else overrides)
        templates[f"{p}-{path.stem}"] = body
    return templates


def index_templates(prefix: str | None = None) -> dict[str, dict[str, Any]]:
    """Composable index templates by name ('<prefix>-events', '<prefix>-articles')."""
    p = index_prefix(prefix)
    return {
        f"{p}-{path.stem}": render_template(path.read_text(encoding="utf-8"), p)
        for path in sorted((TEMPLATE_DIR / "index_templates").glob("*.json"))
    }


def merged_mappings(kind: str, prefix: str | None = None) -> dict[str, Any]:
    """The mappings an index of `kind` gets: its template's composed_of merged with its own."""
    p = index_prefix(prefix)
    template = index_templates(p)[f"{p}-{kind}"]
    components = component_templates(p, overrides={})
    properties: dict[str, Any] = {}
    merged: dict[str, Any] = {}
    for name in template.get("composed_of", []):
        mappings = components[name].get("template", {}).get("mappings", {})
        merged.update({k: v for k, v in mappings.items() if k != "properties"})
        properties.update(mappings.get("properties", {}))
    own = template.get("template", {}).get("mappings", {})
    merged.update({k: v for k, v in own.items() if k != "properties"})
    properties.update(own.get("properties", {}))
    merged["properties"] = properties
    return merged


def generation_template(kind: str, generation: int, live: bool, prefix: str | None = None) -> dict[str, Any]:
    """The index template of one generation's partitions: the kind's template, narrowed, with aliases."""
    p = index_prefix(prefix)
    body = json.loads(json.dumps(index_templates(p)[f"{p}-{kind}"]))
    body["index_patterns"] = [f"{generation_alias(kind, generation, p)}-*"]
    body["priority"] = GENERATION_TEMPLATE_PRIORITY
    aliases: dict[str, Any] = {generation_alias(kind, generation, p): {}}
    if live:
        aliases[write_alias(kind, p)] = {}
    body.setdefault("template", {})["aliases"] = aliases
    body["_meta"] = {**body.get("_meta", {}), "generation": generation, "live": live}
    return body


def generation_templates(es: Elasticsearch, kind: str, prefix: str | None = None) -> dict[int, bool]:
    """Generations that have a template -> whether the template makes them live."""
    p = index_prefix(prefix)
    found = es.options(ignore_status=404).indices.get_index_template(name=f"{write_alias(kind, p)}-v*").body
    result: dict[int, bool] = {}
    for item in found.get("index_templates", []):
        match = re.match(rf"^{re.escape(write_alias(kind, p))}-v(\d+)$", item["name"])
        if match:
            aliases = item["index_template"].get("template", {}).get("aliases", {})
            result[int(match.group(1))] = write_alias(kind, p) in aliases
    return result


def put_generation_template(es: Elasticsearch, kind: str, generation: int, live: bool, prefix: str | None = None) -> None:
    es.indices.put_index_template(name=generation_alias(kind, generation, prefix), **generation_template(kind, generation, live, prefix))


def apply_templates(es: Elasticsearch, prefix: str | None = None, overrides: dict[str, Any] | None = None) -> list[str]:
    """PUT component, kind and generation templates (idempotent: a PUT replaces the same definition).

    Existing generation templates are re-rendered with their live flag kept, so a mapping
    change reaches the next partition of every generation; generation 1 is created live
    the first time.
    """
    p = index_prefix(prefix)
    lifecycle = ilm_settings(es, p)
    applied = []
    for name, body in component_templates(p, overrides).items():
        if lifecycle and body.get("template", {}).get("settings", {}).get("index") is not None:
            body["template"]["settings"]["index"].update(lifecycle)
        es.cluster.put_component_template(name=name, **body)
        applied.append(name)
    for name, body in index_templates(p).items():
        es.indices.put_index_template(name=name, **body)
        applied.append(name)
    for kind in KINDS:
        generations = generation_templates(es, kind, p) or {FIRST_GENERATION: True}
        for generation, live in sorted(generations.items()):
            put_generation_template(es, kind, generation, live, p)
            applied.append(generation_alias(kind, generation, p))
    log.info("elasticsearch templates applied", templates=applied, ilm=bool(lifecycle))
    return applied


# --- retention and ILM ---------------------------------------------------------------


def retention_days_from_env() -> int | None:
    """NEWS_ES_RETENTION_DAYS (default 400); 0 or 'none' keeps everything."""
    value = (os.environ.get("NEWS_ES_RETENTION_DAYS") or str(DEFAULT_RETENTION_DAYS)).strip().lower()
    if value in ("none", "0", "off"):
        return None
    try:
        days = int(value)
    except ValueError:
        raise ValueError(f"NEWS_ES_RETENTION_DAYS={value!r} is not a number of days (or 'none')") from None
    if days < 0:
        raise ValueError(f"NEWS_ES_RETENTION_DAYS must be positive, got {days}")
    return days


def month_end(month: str) -> date:
    year, mon = (int(part) for part in month.split("."))
    return date(year, mon, calendar.monthrange(year, mon)[1])


def expired(names: list[IndexName], retention_days: int, today: date) -> list[IndexName]:
    """Partitions whose month ended more than `retention_days` before `today` (legacy indices never)."""
    cutoff = today - timedelta(days=retention_days)
    return [n for n in names if not n.legacy and month_end(n.month) < cutoff]


def ilm_available(es: Elasticsearch) -> bool:
    """Does the cluster answer the ILM API? (The local node, with core modules only, does not.)"""
    try:
        es.ilm.get_status()
        return True
    except ApiError:
        return False


def retention_policy(retention_days: int) -> dict[str, Any]:
    """An ILM policy that deletes a partition `retention_days` after its month ended.

    ILM measures age from the date in the index name (the first of the month), so the
    delete phase waits a month longer: a partition goes when even its last day is older
    than the retention, as `apply_retention` does it.
    """
    return {"phases": {"hot": {"actions": {}}, "delete": {"min_age": f"{retention_days + 31}d", "actions": {"delete": {}}}}}


def ilm_policy_name(prefix: str | None = None) -> str:
    return f"{index_prefix(prefix)}-retention"


def ilm_settings(es: Elasticsearch, prefix: str | None = None) -> dict[str, Any]:
    """Where ILM is available and retention is on: put the policy, return the index settings that use it."""
    days = retention_days_from_env()
    if days is None or not ilm_available(es):
        return {}
    name = ilm_policy_name(prefix)
    es.ilm.put_lifecycle(name=name, policy=retention_policy(days))
    log.info("ILM retention policy applied", policy=name, retention_days=days)
    return {"lifecycle": {"name": name, "parse_origination_date": True}}


def apply_retention(
    es: Elasticsearch, kind: str, retention_days: int | None = None, *, today: date | None = None, dry_run: bool = False, prefix: str | None = None
) -> dict[str, Any]:
    """Delete the partitions of every generation that are past retention (by explicit names)."""
    days = retention_days if retention_days is not None else retention_days_from_env()
    if days is None:
        return {"kind": kind, "retention_days": None, "deleted": [], "note": "retention disabled"}
    names = all_indices(es, kind, prefix)
    doomed = [n.name for n in expired(names, days, today or datetime.now(UTC).date())]
    if doomed and not dry_run:
        es.indices.delete(index=",".join(doomed))
    log.info("retention applied", kind=kind, retention_days=days, deleted=doomed, dry_run=dry_run)
    return {"kind": kind, "retention_days": days, "deleted": doomed, "dry_run": dry_run}


# --- aliases and partitions ------------------------------------------------------------


def alias_indices(es: Elasticsearch, alias: str) -> list[str]:
    """Indices behind an alias, sorted ([] if no such alias)."""
    try:
        response = es.indices.get_alias(name=alias)
    except NotFoundError:
        return []
    return sorted(response.body)


def all_indices(es: Elasticsearch, kind: str, prefix: str | None = None) -> list[IndexName]:
    """Every concrete index of a kind, all generations, oldest first."""
    found = es.indices.get(index=f"{write_alias(kind, prefix)}-v*", expand_wildcards="open", allow_no_indices=True).body
    return sorted(p for p in (parse_index_name(name, kind, prefix) for name in found) if p is not None)


def generation_indices(es: Elasticsearch, kind: str, generation: int, prefix: str | None = None) -> list[IndexName]:
    """Concrete indices of one generation, oldest first."""
    return [i for i in all_indices(es, kind, prefix) if i.generation == generation]


def live_generation(es: Elasticsearch, kind: str, prefix: str | None = None) -> int | None:
    """Generation the public alias reads (from its indices, else from the templates); None if none."""
    parsed = sorted(p for p in (parse_index_name(i, kind, prefix) for i in alias_indices(es, write_alias(kind, prefix))) if p)
    if parsed:
        return parsed[-1].generation
    live = [g for g, is_live in generation_templates(es, kind, prefix).items() if is_live]
    return max(live) if live else None


def open_partition(es: Elasticsearch, kind: str, generation: int, month: str, prefix: str | None = None) -> str:
    """Create one partition now (idempotent); its template gives it its aliases.

    Returns once the cluster state has it, without waiting for its shard to start: the
    first write waits for that, if it comes before.
    """
    name = f"{generation_alias(kind, generation, prefix)}-{month}.01"
    try:
        es.indices.create(index=name, wait_for_active_shards="0")
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":
            raise
    return name


def open_partitions(
    es: Elasticsearch, kind: str, *, now: datetime | None = None, ahead: bool = True, prefix: str | None = None
) -> list[str]:
    """The live generation's partition for this month (and the next, `ahead`), so the alias always
    exists and the first write of a month does not wait for an index to be created."""
    generation = live_generation(es, kind, prefix) or FIRST_GENERATION
    month = current_month(now)
    months = [month, next_month(month)] if ahead else [month]
    return [open_partition(es, kind, generation, m, prefix) for m in months]


def rollover(es: Elasticsearch, kind: str, *, now: datetime | None = None, prefix: str | None = None) -> dict[str, Any]:
    """What a rollover means with time partitions: open the next partitions ahead of time.

    Documents still go to the partition of their own @timestamp, so no rollover, forced or
    due, can ever split a document's copies over two indices.
    """
    opened = open_partitions(es, kind, now=now, prefix=prefix)
    log.info("partitions opened", kind=kind, indices=opened)
    return {"kind": kind, "opened": opened, "note": "documents are partitioned by their own @timestamp month"}


# --- generations -------------------------------------------------------------------


def start_generation(es: Elasticsearch, kind: str, generation: int, prefix: str | None = None) -> str:
    """Prepare generation `generation` for a backfill: its template (not live) and a first partition.

    Idempotent. Returns the generation alias ('news-events-v2') to give the backfill indexer.
    """
    if generation < 1:
        raise ValueError(f"generation must be >= 1, got {generation}")
    if live_generation(es, kind, prefix) == generation:
        raise ValueError(f"generation {generation} of {kind} is already live behind {write_alias(kind, prefix)}")
    put_generation_template(es, kind, generation, live=False, prefix=prefix)
    open_partition(es, kind, generation, current_month(), prefix)
    log.info("generation started", kind=kind, generation=generation, alias=generation_alias(kind, generation, prefix))
    return generation_alias(kind, generation, prefix)


def swap_actions(kind: str, generation: int, current: list[str], target: list[IndexName], prefix: str | None = None) -> list[dict[str, Any]]:
    """The `_aliases` actions that move the public alias to `target` in one atomic call."""
    if not target:
        raise ValueError(f"generation {generation} of {kind} has no index; start_generation first")
    alias = write_alias(kind, prefix)
    target_names = [t.name for t in target]
    actions: list[dict[str, Any]] = [
        # must_exist makes the whole call fail if someone changed the alias meanwhile.
        {"remove": {"index": index, "alias": alias, "must_exist": True}}
        for index in sorted(current)
        if index not in target_names
    ]
    actions.extend({"add": {"index": name, "alias": alias}} for name in target_names)
    return actions


def swap_alias(es: Elasticsearch, kind: str, generation: int, prefix: str | None = None) -> dict[str, Any]:
    """Make `generation` live: readers of the public alias see all of it, and none of the others.

    Templates first (partitions created from now on get the right aliases), then one
    atomic `_aliases` call for the partitions that exist. Readers see either the old
    generation or the new one, never both or neither. Swapping back is a rollback.
    """
    alias = write_alias(kind, prefix)
    swap_actions(kind, generation, [], generation_indices(es, kind, generation, prefix), prefix)  # refuses an empty generation
    for other, is_live in generation_templates(es, kind, prefix).items():
        if other != generation and is_live:
            put_generation_template(es, kind, other, live=False, prefix=prefix)
    put_generation_template(es, kind, generation, live=True, prefix=prefix)
    # Partitions created from here on get the public alias from the template; these exist already.
    target = generation_indices(es, kind, generation, prefix)
    current = alias_indices(es, alias)
    actions = swap_actions(kind, generation, current, target, prefix)
    es.indices.update_aliases(actions=actions)
    log.info("alias swapped", alias=alias, generation=generation, indices=[t.name for t in target])
    return {"alias": alias, "generation": generation, "previous": current, "indices": [t.name for t in target], "actions": actions}


def drop_generation(es: Elasticsearch, kind: str, generation: int, prefix: str | None = None) -> list[str]:
    """Delete every index and the template of a generation that is no longer live (by explicit names)."""
    if live_generation(es, kind, prefix) == generation:
        raise ValueError(f"generation {generation} of {kind} is live; swap to another one first")
    names = [i.name for i in generation_indices(es, kind, generation, prefix)]
    es.options(ignore_status=404).indices.delete_index_template(name=generation_alias(kind, generation, prefix))
    if names:
        es.indices.delete(index=",".join(names))
    log.info("generation dropped", kind=kind, generation=generation, indices=names)
    return names


# --- bootstrap ---------------------------------------------------------------------


def apply_all(es: Elasticsearch, prefix: str | None = None) -> dict[str, Any]:
    """Everything `make up` needs: templates, then this month's partition of each kind (the aliases)."""
    templates = apply_templates(es, prefix)
    partitions = {kind: open_partitions(es, kind, ahead=False, prefix=prefix) for kind in KINDS}
    return {"templates": templates, "partitions": partitions}


def status(es: Elasticsearch, prefix: str | None = None) -> dict[str, Any]:
    result = {}
    for kind in KINDS:
        alias = write_alias(kind, prefix)
        result[kind] = {
            "alias": alias,
            "live_generation": live_generation(es, kind, prefix),
            "generations": {str(g): {"live": live} for g, live in sorted(generation_templates(es, kind, prefix).items())},
            "indices": [i.name for i in all_indices(es, kind, prefix)],
        }
    return result


def main(argv: list[str] | None = None) -> int:
    """Operator commands: apply | status | rollover | retention | start-generation | swap | drop-generation."""
    from common.es import make_es
    from common.logs import configure_logging

    parser = argparse.ArgumentParser(prog="python -m common.es_setup", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("apply", help="templates and this month's partitions (what make up runs)")
    sub.add_parser("status", help="aliases, generations and partitions")
    roll = sub.add_parser("rollover", help="open this month's and next month's partitions now")
    roll.add_argument("kind", choices=KINDS)
    keep = sub.add_parser("retention", help="delete partitions past NEWS_ES_RETENTION_DAYS (or --days)")
    keep.add_argument("kind", choices=KINDS)
    keep.add_argument("--days", type=int)
    keep.add_argument("--dry-run", action="store_true")
    for name in ("start-generation", "swap", "drop-generation"):
        cmd = sub.add_parser(name)
        cmd.add_argument("kind", choices=KINDS)
        cmd.add_argument("generation", type=int)
    args = parser.parse_args(argv)

    configure_logging()
    es = make_es()
    try:
        if args.command == "apply":
            result: Any = apply_all(es)
        elif args.command == "status":
            result = status(es)
        elif args.command == "rollover":
            result = rollover(es, args.kind)
        elif args.command == "retention":
            result = apply_retention(es, args.kind, args.days, dry_run=args.dry_run)
        elif args.command == "start-generation":
            result = {"alias": start_generation(es, args.kind, args.generation)}
        elif args.command == "swap":
            result = swap_alias(es, args.kind, args.generation)
        else:
            result = {"deleted": drop_generation(es, args.kind, args.generation)}
    except (ApiError, RuntimeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
