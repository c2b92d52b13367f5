"""es_maintenance: roll the events and articles indices over when they are old or big enough.

Daily by default (NEWS_ES_MAINTENANCE_SCHEDULE, "none" for manual runs only). The
conditions come from NEWS_ES_ROLLOVER_MAX_AGE (30d), NEWS_ES_ROLLOVER_MAX_PRIMARY_SHARD_SIZE
(25gb) and NEWS_ES_ROLLOVER_MAX_DOCS (unset); an empty value disables one. Uses the core
`_rollover` API only, so it also works where ILM is not available. The logic lives in
common/es_setup.py; this file only wires it.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import dag, task

KINDS = ["events", "articles"]


def _schedule() -> str | None:
    value = (os.environ.get("NEWS_ES_MAINTENANCE_SCHEDULE") or "@daily").strip()
    return None if value.lower() == "none" else value


@dag(
    dag_id="es_maintenance",
    description="Roll Elasticsearch write aliases over on age, size or document count",
    schedule=_schedule(),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "search", "retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["elasticsearch", "maintenance"],
)
def es_maintenance() -> None:
    @task
    def rollover(kind: str) -> dict[str, Any]:
        from common.es import make_es
        from common.es_setup import rollover as rollover_alias
        from common.es_setup import rollover_conditions_from_env

        return rollover_alias(make_es(), kind, **rollover_conditions_from_env())

    rollover.expand(kind=KINDS)


es_maintenance()
