"""es_maintenance: keep the monthly partitions of events, articles and stories in shape.

Daily by default (NEWS_ES_MAINTENANCE_SCHEDULE, "none" for manual runs only). Per kind:

* open this month's and next month's partition of the live generation, so the read alias
  always exists and the first write of a month does not wait for an index to be created;
* delete the partitions (of every generation) whose month ended more than
  NEWS_ES_RETENTION_DAYS (400; "none" keeps everything) ago. Where the cluster has ILM, the
  retention policy that `make up` attached does this instead and the task only reports.

Documents go to the partition of their own @timestamp, so nothing here can make a
document's copies land in two indices. The logic lives in common/es_setup.py.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import dag, task

KINDS = ["events", "articles", "stories"]


def _schedule() -> str | None:
    value = (os.environ.get("NEWS_ES_MAINTENANCE_SCHEDULE") or "@daily").strip()
    return None if value.lower() == "none" else value


@dag(
    dag_id="es_maintenance",
    description="Open the next monthly Elasticsearch partitions and delete those past retention",
    schedule=_schedule(),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "search", "retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["elasticsearch", "maintenance"],
)
def es_maintenance() -> None:
    @task
    def open_partitions(kind: str) -> list[str]:
        from common.es import make_es
        from common.es_setup import open_partitions as open_them

        return open_them(make_es(), kind)

    @task
    def retention(kind: str) -> dict[str, Any]:
        from common.es import make_es
        from common.es_setup import apply_retention, ilm_available

        es = make_es()
        if ilm_available(es):
            return {"kind": kind, "deleted": [], "note": "the cluster's ILM policy applies retention"}
        return apply_retention(es, kind)

    opened = open_partitions.expand(kind=KINDS)
    deleted = retention.expand(kind=KINDS)
    opened >> deleted


es_maintenance()
