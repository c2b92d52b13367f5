"""Elasticsearch index lifecycle: templates, write aliases, rollover and index generations.

Layout for a document kind ("events", "articles") and prefix P (NEWS_INDEX_PREFIX):

* concrete indices  ``P-<kind>-v<G>-<NNNNNN>``: generation G (bumped when everything is
  reprocessed with a new model), rollover counter NNNNNN (bumped by ``_rollover``);
* ``P-<kind>``: the alias everyone reads and the indexer writes; it covers every index of
  the live generation, the newest one being its write index;
* ``P-<kind>-v<G>``: a generation's own write alias, only while that generation is being
  backfilled (``start_generation``); ``swap_alias`` moves ``P-<kind>`` to it atomically and
  drops it.

Only core Elasticsearch APIs are used (composable templates, aliases, ``_rollover``), so this
works on the local jar-assembled node and on a stock cluster alike.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError

from common.config import INFRA_DIR, load_settings
from common.logs import get_logger

log = get_logger(__name__)

KINDS: tuple[str, ...] = ("events", "articles")
TEMPLATE_DIR: Path = INFRA_DIR / "elasticsearch"
FIRST_GENERATION = 1
_COUNTER_WIDTH = 6  # "-000001", the suffix _rollover increments


# --- names -------------------------------------------------------------------------


def index_prefix(prefix: str | None = None) -> str:
    return prefix or load_settings().elasticsearch.index_prefix


def write_alias(kind: str, prefix: str | None = None) -> str:
    """The read/write alias of a kind, e.g. 'news-events' (same rule as common.es.index_name)."""
    return f"{index_prefix(prefix)}-{kind}"


def generation_alias(kind: str, generation: int, prefix: str | None = None) -> str:
    """Write alias of one generation while it is backfilled, e.g. 'news-events-v2'."""
    return f"{write_alias(kind, prefix)}-v{generation}"


def first_index(kind: str, generation: int, prefix: str | None = None) -> str:
    return f"{generation_alias(kind, generation, prefix)}-{1:0{_COUNTER_WIDTH}d}"


@dataclass(frozen=True, order=True)
class IndexName:
    """A parsed concrete index name: orders by generation, then rollover counter."""

    generation: int
    counter: int
    name: str


def parse_index_name(name: str, kind: str, prefix: str | None = None) -> IndexName | None:
    pattern = rf"^{re.escape(write_alias(kind, prefix))}-v(\d+)-(\d+)$"
    match = re.match(pattern, name)
    if not match:
        return None
    return IndexName(int(match.group(1)), int(match.group(2)), name)


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


def apply_templates(es: Elasticsearch, prefix: str | None = None, overrides: dict[str, Any] | None = None) -> list[str]:
    """PUT component then index templates (idempotent: a PUT replaces the same definition)."""
    applied = []
    for name, body in component_templates(prefix, overrides).items():
        es.cluster.put_component_template(name=name, **body)
        applied.append(name)
    for name, body in index_templates(prefix).items():
        es.indices.put_index_template(name=name, **body)
        applied.append(name)
    log.info("elasticsearch templates applied", templates=applied)
    return applied


# --- aliases -----------------------------------------------------------------------


def alias_indices(es: Elasticsearch, alias: str) -> dict[str, bool]:
    """Indices behind an alias -> whether each is its write index ({} if no such alias)."""
    try:
        response = es.indices.get_alias(name=alias)
    except NotFoundError:
        return {}
    result = {}
    for index, info in response.body.items():
        entry = info.get("aliases", {}).get(alias, {})
        result[index] = bool(entry.get("is_write_index", False))
    if len(result) == 1:
        # A single-index alias without the flag is writable all the same.
        only = next(iter(result))
        result[only] = True
    return result


def generation_indices(es: Elasticsearch, kind: str, generation: int, prefix: str | None = None) -> list[IndexName]:
    """Concrete indices of one generation, oldest first."""
    pattern = f"{generation_alias(kind, generation, prefix)}-*"
    found = es.indices.get(index=pattern, expand_wildcards="open", allow_no_indices=True).body
    parsed = (parse_index_name(name, kind, prefix) for name in found)
    return sorted(p for p in parsed if p is not None and p.generation == generation)


def live_generation(es: Elasticsearch, kind: str, prefix: str | None = None) -> int | None:
    """Generation the public alias currently points to (None if the alias does not exist)."""
    indices = alias_indices(es, write_alias(kind, prefix))
    parsed = sorted(p for p in (parse_index_name(i, kind, prefix) for i in indices) if p)
    return parsed[-1].generation if parsed else None


def _create_with_alias(es: Elasticsearch, index: str, alias: str) -> bool:
    """Create `index` with `alias` as its write alias; False if the index already existed."""
    try:
        es.indices.create(index=index, aliases={alias: {"is_write_index": True}})
        return True
    except BadRequestError as exc:
        if exc.error == "resource_already_exists_exception":
            return False
        raise


def ensure_write_alias(es: Elasticsearch, kind: str, prefix: str | None = None) -> str:
    """Make sure the public alias of `kind` exists with a write index; return that index."""
    alias = write_alias(kind, prefix)
    indices = alias_indices(es, alias)
    writers = [name for name, is_writer in indices.items() if is_writer]
    if len(writers) == 1:
        return writers[0]
    if indices:
        raise RuntimeError(f"alias {alias} points to {sorted(indices)} but none is its write index; fix it by hand")
    if es.indices.exists(index=alias):
        # Something wrote to the alias name before bootstrap and auto-created a plain index.
        raise RuntimeError(f"{alias} is a concrete index, not an alias; reindex or delete it by name, then rerun")
    index = first_index(kind, FIRST_GENERATION, prefix)
    # If the index already existed: either another bootstrap won the race (alias now there),
    # or the index survived without its alias, which is put back.
    if not _create_with_alias(es, index, alias) and not alias_indices(es, alias):
        es.indices.update_aliases(actions=[{"add": {"index": index, "alias": alias, "is_write_index": True}}])
    log.info("write alias ready", alias=alias, index=index)
    return index


def ensure_write_aliases(es: Elasticsearch, kinds: tuple[str, ...] = KINDS, prefix: str | None = None) -> dict[str, str]:
    """Idempotent: for every kind, the public alias with its write index (created if missing)."""
    return {kind: ensure_write_alias(es, kind, prefix) for kind in kinds}


# --- rollover ----------------------------------------------------------------------


def rollover_conditions(
    max_age: str | None = None, max_docs: int | None = None, max_primary_shard_size: str | None = None
) -> dict[str, Any]:
    conditions: dict[str, Any] = {}
    if max_age:
        conditions["max_age"] = max_age
    if max_docs:
        conditions["max_docs"] = int(max_docs)
    if max_primary_shard_size:
        conditions["max_primary_shard_size"] = max_primary_shard_size
    return conditions


def rollover_conditions_from_env() -> dict[str, Any]:
    """Conditions for the maintenance DAG; an empty string disables one."""
    return rollover_conditions(
        max_age=os.environ.get("NEWS_ES_ROLLOVER_MAX_AGE", "30d"),
        max_docs=int(os.environ.get("NEWS_ES_ROLLOVER_MAX_DOCS") or 0) or None,
        max_primary_shard_size=os.environ.get("NEWS_ES_ROLLOVER_MAX_PRIMARY_SHARD_SIZE", "25gb"),
    )


def rollover(
    es: Elasticsearch,
    kind: str,
    *,
    max_age: str | None = None,
    max_docs: int | None = None,
    max_primary_shard_size: str | None = None,
    generation: int | None = None,
    dry_run: bool = False,
    prefix: str | None = None,
) -> dict[str, Any]:
    """Roll the write alias over to a new index when any condition is met.

    Rolls the public alias, or a generation's own alias while it is backfilled. With no
    condition at all the rollover is unconditional (Elasticsearch semantics).
    """
    alias = write_alias(kind, prefix) if generation is None else generation_alias(kind, generation, prefix)
    conditions = rollover_conditions(max_age, max_docs, max_primary_shard_size)
    response = es.indices.rollover(alias=alias, conditions=conditions or None, dry_run=dry_run)
    result = dict(response.body)
    log.info(
        "rollover checked",
        alias=alias,
        rolled_over=result.get("rolled_over"),
        old_index=result.get("old_index"),
        new_index=result.get("new_index"),
        conditions=result.get("conditions"),
        dry_run=dry_run,
    )
    return result


# --- generations -------------------------------------------------------------------


def start_generation(es: Elasticsearch, kind: str, generation: int, prefix: str | None = None) -> str:
    """Create generation `generation` for a backfill, written through its own alias.

    Idempotent. Returns the generation alias ('news-events-v2') to index the backfill into.
    """
    if generation < 1:
        raise ValueError(f"generation must be >= 1, got {generation}")
    alias = generation_alias(kind, generation, prefix)
    if live_generation(es, kind, prefix) == generation:
        raise ValueError(f"generation {generation} of {kind} is already live behind {write_alias(kind, prefix)}")
    if not alias_indices(es, alias):
        existing = generation_indices(es, kind, generation, prefix)
        if existing:
            es.indices.update_aliases(actions=[{"add": {"index": existing[-1].name, "alias": alias, "is_write_index": True}}])
        else:
            _create_with_alias(es, first_index(kind, generation, prefix), alias)
    log.info("generation started", kind=kind, generation=generation, alias=alias)
    return alias


def swap_actions(
    kind: str,
    generation: int,
    current: dict[str, bool],
    target: list[IndexName],
    generation_alias_indices: dict[str, bool],
    prefix: str | None = None,
) -> list[dict[str, Any]]:
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
    for name in target_names[:-1]:
        actions.append({"add": {"index": name, "alias": alias, "is_write_index": False}})
    actions.append({"add": {"index": target_names[-1], "alias": alias, "is_write_index": True}})
    gen_alias = generation_alias(kind, generation, prefix)
    actions.extend({"remove": {"index": index, "alias": gen_alias, "must_exist": True}} for index in sorted(generation_alias_indices))
    return actions


def swap_alias(es: Elasticsearch, kind: str, generation: int, prefix: str | None = None) -> dict[str, Any]:
    """Point the public alias at every index of `generation` (newest = write index), atomically.

    Readers see either the old generation or the new one, never both or neither. Swapping
    back to an older generation that still exists is a rollback.
    """
    alias = write_alias(kind, prefix)
    current = alias_indices(es, alias)
    target = generation_indices(es, kind, generation, prefix)
    gen_alias_indices = alias_indices(es, generation_alias(kind, generation, prefix))
    actions = swap_actions(kind, generation, current, target, gen_alias_indices, prefix)
    es.indices.update_aliases(actions=actions)
    log.info("alias swapped", alias=alias, generation=generation, indices=[t.name for t in target])
    return {"alias": alias, "generation": generation, "previous": sorted(current), "indices": [t.name for t in target], "actions": actions}


def drop_generation(es: Elasticsearch, kind: str, generation: int, prefix: str | None = None) -> list[str]:
    """Delete every index of a generation that is no longer live (by explicit names)."""
    if live_generation(es, kind, prefix) == generation:
        raise ValueError(f"generation {generation} of {kind} is live; swap to another one first")
    names = [i.name for i in generation_indices(es, kind, generation, prefix)]
    if names:
        es.indices.delete(index=",".join(names))
    log.info("generation dropped", kind=kind, generation=generation, indices=names)
    return names


# --- bootstrap ---------------------------------------------------------------------


def apply_all(es: Elasticsearch, prefix: str | None = None) -> dict[str, Any]:
    """Everything `make up` needs: templates, then the write aliases with their first index."""
    templates = apply_templates(es, prefix)
    aliases = ensure_write_aliases(es, prefix=prefix)
    return {"templates": templates, "write_indices": aliases}


def status(es: Elasticsearch, prefix: str | None = None) -> dict[str, Any]:
    result = {}
    for kind in KINDS:
        alias = write_alias(kind, prefix)
        result[kind] = {"alias": alias, "indices": alias_indices(es, alias), "live_generation": live_generation(es, kind, prefix)}
    return result


def main(argv: list[str] | None = None) -> int:
    """Operator commands: apply | status | rollover | start-generation | swap | drop-generation."""
    from common.es import make_es
    from common.logs import configure_logging

    parser = argparse.ArgumentParser(prog="python -m common.es_setup", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("apply", help="templates and write aliases (what make up runs)")
    sub.add_parser("status", help="aliases, their indices and live generations")
    roll = sub.add_parser("rollover", help="roll over when a condition is met (defaults from NEWS_ES_ROLLOVER_*)")
    roll.add_argument("kind", choices=KINDS)
    roll.add_argument("--max-age")
    roll.add_argument("--max-docs", type=int)
    roll.add_argument("--max-primary-shard-size")
    roll.add_argument("--generation", type=int, help="roll a backfilling generation's alias instead")
    roll.add_argument("--dry-run", action="store_true")
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
            given = rollover_conditions(args.max_age, args.max_docs, args.max_primary_shard_size)
            result = rollover(es, args.kind, **(given or rollover_conditions_from_env()), generation=args.generation, dry_run=args.dry_run)
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
