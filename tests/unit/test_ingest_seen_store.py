import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from dags.ingest.fetch import Validators
from dags.ingest.seen_store import ClaimOutcome, OverlaySeenStore, SeenStore, SentRecord, articles, utcnow

LEASE = timedelta(minutes=30)
URL = "https://n.example/story.html"


@pytest.fixture
def store(tmp_path: Path) -> SeenStore:
    s = SeenStore(f"sqlite:///{tmp_path / 'seen.db'}")
    yield s
    s.close()


def _claim(store: SeenStore, aid: str = "a" * 32, content: str = "sha256:" + "0" * 64, owner: str = "w1"):
    return store.claim(aid, URL, content, "src", owner, LEASE)


def test_claim_send_then_known(store: SeenStore) -> None:
    assert _claim(store).outcome is ClaimOutcome.CLAIMED
    assert store.known_url(URL) is None  # claimed is not sent
    store.mark_sent([SentRecord("a" * 32, b"sig", None, [URL, URL + "?utm_source=x", "https://n.example/alias"])], "w1")
    assert store.known_url("https://n.example/alias") == "a" * 32
    assert store.known_url(URL + "?utm_medium=feed#top") == "a" * 32  # canonicalised before hashing
    assert store.known_content("sha256:" + "0" * 64) == "a" * 32
    assert store.count_sent() == 1


def test_duplicates_by_url_and_content(store: SeenStore) -> None:
    _claim(store)
    assert _claim(store, owner="w2").outcome is ClaimOutcome.DUPLICATE_URL
    dup = _claim(store, aid="b" * 32, owner="w2")
    assert dup.outcome is ClaimOutcome.DUPLICATE_CONTENT and dup.existing_id == "a" * 32


def test_parallel_claims_have_one_winner(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    SeenStore(url).close()
    outcomes: list[ClaimOutcome] = []
    barrier = threading.Barrier(6)

    def worker(n: int) -> None:
        own = SeenStore(url)  # separate engine, as a separate worker would have
        barrier.wait()
        outcomes.append(own.claim("c" * 32, URL, "sha256:" + "1" * 64, "src", f"w{n}", LEASE).outcome)
        own.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(ClaimOutcome.CLAIMED) == 1 and len(outcomes) == 6


def test_release_and_stale_claim_takeover(store: SeenStore) -> None:
    _claim(store, owner="dead-worker")
    store.release(["a" * 32], owner="someone-else")  # only the owner may release
    assert _claim(store, owner="w2").outcome is ClaimOutcome.DUPLICATE_URL
    with store.engine.begin() as conn:  # the dead worker's claim ages past its lease
        conn.execute(update(articles).values(claimed_at=utcnow() - LEASE - timedelta(minutes=1)))
    assert _claim(store, owner="w2").outcome is ClaimOutcome.CLAIMED
    store.release(["a" * 32], owner="w2")
    assert _claim(store, owner="w3").outcome is ClaimOutcome.CLAIMED


def test_validators_and_failures(store: SeenStore) -> None:
    assert store.get_validators(URL) is None
    store.save_validators(URL, Validators('"e1"', None))
    store.save_validators(URL, Validators('"e2"', "Tue, 24 Nov 2026 15:00:00 GMT"))
    assert store.get_validators(URL) == Validators('"e2"', "Tue, 24 Nov 2026 15:00:00 GMT")
    store.record_failure(URL, "src", "http_404", permanent=True)
    store.record_failure(URL, "src", "http_404", permanent=True)
    assert store.recent_permanent_failure(URL, timedelta(hours=1)) == "http_404"
    assert store.recent_permanent_failure(URL, timedelta(0)) is None
    store.record_failure("https://n.example/slow", "src", "timeout", permanent=False)
    assert store.recent_permanent_failure("https://n.example/slow", timedelta(hours=1)) is None


def test_recent_signatures(store: SeenStore) -> None:
    _claim(store)
    store.mark_sent([SentRecord("a" * 32, b"\x01" * 8, None, [URL])], "w1")
    assert store.recent_signatures(utcnow() - timedelta(minutes=1)) == [("a" * 32, b"\x01" * 8, None)]
    assert store.recent_signatures(utcnow() + timedelta(minutes=1)) == []


def test_overlay_reads_base_but_never_writes_it(store: SeenStore) -> None:
    _claim(store)
    store.mark_sent([SentRecord("a" * 32, None, None, [URL])], "w1")
    overlay = OverlaySeenStore(store)
    assert overlay.known_url(URL) == "a" * 32
    assert overlay.claim("a" * 32, URL, "sha256:" + "0" * 64, "src", "dry", LEASE).outcome is ClaimOutcome.DUPLICATE_URL
    assert (
        overlay.claim("d" * 32, "https://n.example/new", "sha256:" + "2" * 64, "src", "dry", LEASE).outcome
        is ClaimOutcome.CLAIMED
    )
    overlay.save_validators("https://n.example/feed", Validators('"x"'))
    assert store.get_validators("https://n.example/feed") is None and store.count_sent() == 1


def test_tables_and_insert_ignore_compile_for_postgres() -> None:
    """Production runs on Postgres: the DDL and the ON CONFLICT insert must be valid there too."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.schema import CreateTable

    from dags.ingest.seen_store import metadata, urls

    dialect = postgresql.dialect()
    for table in metadata.sorted_tables:
        assert "CREATE TABLE" in str(CreateTable(table).compile(dialect=dialect))
    statement = pg_insert(urls).values(url_hash="a" * 32, url=URL, article_id="b" * 32, first_seen=utcnow())
    assert "ON CONFLICT DO NOTHING" in str(statement.on_conflict_do_nothing().compile(dialect=dialect))
