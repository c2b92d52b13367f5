import pytest

from dags.ingest.normalise import article_id, canonical_url, content_hash, normalise_text, url_hash


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://Example.COM:443/News/Story.html?utm_source=rss&utm_medium=feed#comments",
            "https://example.com/News/Story.html",
        ),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a/./b/../c/", "https://example.com/a/c/"),
        ("https://example.com/story?b=2&a=1&fbclid=XYZ&gclid=1", "https://example.com/story?a=1&b=2"),
        ("https://example.com/story?UTM_Campaign=x&id=7", "https://example.com/story?id=7"),
        ("https://example.com/%7Euser/caf%c3%a9", "https://example.com/~user/caf%C3%A9"),
        ("https://user:secret@example.com/x", "https://example.com/x"),
        ("https://bücher.example/artikel", "https://xn--bcher-kva.example/artikel"),
        ("https://example.com/search?q=a+b", "https://example.com/search?q=a%20b"),
        ("http://[::1]:8765/feed.xml", "http://[::1]:8765/feed.xml"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    url = "HTTPS://Example.com/a/../b?utm_term=1&z=1&a=2#top"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


@pytest.mark.parametrize("bad", ["ftp://example.com/x", "/relative/path", "mailto:a@example.com", "https:///nohost"])
def test_canonical_url_rejects_non_http(bad: str) -> None:
    with pytest.raises(ValueError, match="http"):
        canonical_url(bad)


def test_article_id_is_sha256_prefix_of_canonical_url() -> None:
    import hashlib

    canonical = "https://example.com/story"
    assert article_id(canonical) == hashlib.sha256(canonical.encode()).hexdigest()[:32]
    assert url_hash("https://EXAMPLE.com/story?utm_source=x#frag") == article_id(canonical)


def test_content_hash_ignores_formatting_only() -> None:
    a = "Russia and Turkey agreed.\n\n  Talks   resume\tMonday. "
    b = "Russia and Turkey agreed.\nTalks resume Monday."
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(b + " Extra.")
    assert content_hash(a).startswith("sha256:") and len(content_hash(a)) == 71


def test_normalise_text_applies_nfc() -> None:
    assert normalise_text("Cafe\u0301") == "Caf\u00e9"
