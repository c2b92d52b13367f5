from dags.ingest.dedup import NearDuplicateIndex, minhash, shingles, signature_bytes, signature_from_bytes
from dags.ingest.demo_site import DEMO_SITE_DIR
from dags.ingest.extract import extract_article

BASE = "http://127.0.0.1:8765"


def text_of(path: str) -> str:
    html = (DEMO_SITE_DIR / path).read_text(encoding="utf-8").replace("{{BASE_URL}}", BASE)
    return extract_article(html, f"{BASE}/{path}").text


ORIGINAL = "world/2026/11/us-sanctions-iran-oil-shipping-network.html"
COPY = "wire/2026/11/washington-targets-iran-oil-tankers.html"
OTHER = "world/2026/11/antwerp-dockworkers-strike.html"


def test_shingles() -> None:
    assert shingles("A b, c d!", 2) == {"a b", "b c", "c d"}
    assert shingles("two words", 5) == {"two words"}
    assert shingles("", 5) == set()


def test_syndicated_copy_is_found_and_unrelated_story_is_not() -> None:
    index = NearDuplicateIndex(threshold=0.6)
    original = index.signature(text_of(ORIGINAL))
    index.add("orig", original)
    index.add("other", index.signature(text_of(OTHER)))
    match = index.find(index.signature(text_of(COPY)))
    assert match is not None and match.article_id == "orig" and match.similarity > 0.65
    assert index.find(index.signature(text_of("world/2026/11/belgrade-protest-election-law.html"))) is None


def test_copy_of_a_copy_points_at_the_root() -> None:
    index = NearDuplicateIndex(threshold=0.6)
    text = text_of(ORIGINAL)
    index.add("root", index.signature(text))
    index.add("copy1", index.signature(text + "\nUpdated."), near_duplicate_of="root")
    index.remove("root")
    match = index.find(index.signature(text + "\nUpdated again."))
    assert match is not None and match.article_id == "root"


def test_signature_round_trip() -> None:
    sig = minhash("Russia and Turkey agreed on de-escalation zones in Syria on Thursday.", num_perm=64)
    restored = signature_from_bytes(signature_bytes(sig), 64)
    assert restored is not None and restored.jaccard(sig) == 1.0
    assert signature_from_bytes(signature_bytes(sig), 128) is None


def test_add_stored_skips_unusable_rows() -> None:
    index = NearDuplicateIndex(num_perm=128)
    good = signature_bytes(minhash("some text here for the index", 128))
    assert index.add_stored([("a", good, None), ("b", b"", None), ("a", good, None)]) == 1
    assert "a" in index and len(index) == 1
