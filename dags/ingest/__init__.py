"""Ingestion: news sources -> Kafka articles.raw. The news_ingest DAG (dags/news_ingest.py) wires these.

Modules, in pipeline order:
    sources      the sources config (dags/sources.yaml or NEWS_SOURCES_FILE), validated
    netguard     refuses private/loopback/link-local addresses at connect time
    robots       robots.txt (RFC 9309)
    fetch        the HTTP client: limits, redirects, conditional GET, retries, rate limit
    decoding     bytes -> text (declared, sniffed or detected charset)
    discover     feed / news sitemap / section page -> item URLs
    extract      trafilatura main text and metadata, feed summary fallback
    normalise    canonical URLs, article ids, content hashes
    dedup        MinHash LSH near-duplicates (syndicated copies)
    seen_store   durable shared seen-state (SQLAlchemy; atomic claims, mark sent after ack)
    messages     articles.raw and ingest.dlq messages, validated against schemas/
    produce      Kafka sink (and an in-memory one for dry runs)
    run          one source end to end, returning counts
    tasks        the DAG's task bodies

Commands:
    python -m dags.ingest.demo_site [--port 8765]           serve the demo news site on loopback
    python -m dags.ingest.extract_cli PAGE.html --url URL    print the articles.raw message for a page
    python -m dags.ingest.dry_run --source demo              what one source would send (no Kafka)
    python -m dags.ingest.run_local                          run the real DAG once with dag.test()
"""

from __future__ import annotations

from typing import Any


def run_dag_once(**kwargs: Any) -> dict[str, Any]:
    """Run the news_ingest DAG once with dag.test(); see dags.ingest.run_local.run_dag_once."""
    from dags.ingest.run_local import run_dag_once as _run_dag_once

    return _run_dag_once(**kwargs)
