from pathlib import Path

import pytest

from dags.ingest.sources import DEFAULT_SOURCES_FILE, SourcesConfigError, load_config, parse_config


def test_default_config_is_the_local_demo_site(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWS_SOURCES_FILE", raising=False)
    monkeypatch.setenv("NEWS_DEMO_SITE_URL", "http://127.0.0.1:9999")
    config = load_config()
    names = [s.name for s in config.enabled_sources()]
    assert names == ["demo", "demo-sitemap", "demo-world", "demo-courier"]
    demo = config.get("demo")
    assert demo.url == "http://127.0.0.1:9999/feed.xml"
    assert demo.local and demo.kind == "rss" and demo.message_kind == "rss"
    assert config.get("demo-world").link_pattern
    assert demo.min_delay_seconds == pytest.approx(0.05)


def test_env_default_is_used_when_variable_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWS_DEMO_SITE_URL", raising=False)
    assert load_config(DEFAULT_SOURCES_FILE).get("demo").url == "http://127.0.0.1:8765/feed.xml"


def test_sources_file_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("sources:\n  - {name: one, kind: atom, url: 'https://example.com/atom.xml'}\n")
    monkeypatch.setenv("NEWS_SOURCES_FILE", str(path))
    config = load_config()
    source = config.get("one")
    assert source.message_kind == "rss" and not source.local and source.enabled
    assert source.min_delay_seconds == 1.0  # polite default: one request per second
    assert config.max_items(source) == config.ingest.max_items_per_source


def _error(data: dict) -> str:
    with pytest.raises(SourcesConfigError) as info:
        parse_config(data, "test.yaml")
    return str(info.value)


def test_html_source_needs_link_pattern() -> None:
    message = _error({"sources": [{"name": "s", "kind": "html", "url": "https://e.com/world/"}]})
    assert "sources[0] (s)" in message and "link_pattern" in message


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ({"name": "s", "kind": "podcast", "url": "https://e.com/f"}, "kind"),
        ({"name": "s", "kind": "rss", "url": "ftp://e.com/f"}, "absolute http(s) URL"),
        ({"name": "Bad Name", "kind": "rss", "url": "https://e.com/f"}, "name"),
        ({"name": "s", "kind": "rss", "url": "https://e.com/f", "langauge": "en"}, "langauge"),
        ({"name": "s", "kind": "rss", "url": "https://e.com/f", "language": "eng"}, "language"),
        (
            {"name": "s", "kind": "html", "url": "https://e.com/f", "link_pattern": "(unclosed"},
            "invalid regular expression",
        ),
        (
            {
                "name": "s",
                "kind": "rss",
                "url": "https://e.com/f",
                "rate_limit": {"requests_per_second": 2, "min_delay_seconds": 1},
            },
            "not both",
        ),
        (
            {"name": "s", "kind": "rss", "url": "https://e.com/f", "rate_limit": {"requests_per_second": 0}},
            "greater than 0",
        ),
    ],
)
def test_invalid_sources_are_reported_with_field(source: dict, fragment: str) -> None:
    message = _error({"sources": [source]})
    assert "test.yaml is invalid" in message and fragment in message


def test_duplicate_names_rejected() -> None:
    source = {"name": "s", "kind": "rss", "url": "https://e.com/f"}
    assert "repeated: s" in _error({"sources": [source, source]})


def test_missing_env_without_default_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_VAR", raising=False)
    assert "NO_SUCH_VAR" in _error({"sources": [{"name": "s", "kind": "rss", "url": "${NO_SUCH_VAR}/f"}]})


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(SourcesConfigError, match="cannot read sources config"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [unclosed\n")
    with pytest.raises(SourcesConfigError, match="not valid YAML"):
        load_config(bad)
    bad.write_text("- just a list\n")
    with pytest.raises(SourcesConfigError, match="'sources' list"):
        load_config(bad)


def test_unknown_source_lookup_lists_names() -> None:
    config = parse_config({"sources": [{"name": "a", "kind": "rss", "url": "https://e.com/f"}]})
    with pytest.raises(KeyError, match="configured: a"):
        config.get("b")
