import io
import json
import sys
from pathlib import Path

import pytest

import schemas
from dags.ingest import dry_run, extract_cli
from dags.ingest.demo_site import DEMO_SITE_DIR, serve_demo_site

SEED = "world/2017/05/rein-in-assad-trump-tells-moscow.html"


def test_extract_cli_prints_an_articles_raw_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "seed.html"
    page.write_text((DEMO_SITE_DIR / SEED).read_text().replace("{{BASE_URL}}", "https://meridian.example"))
    assert extract_cli.main([str(page), "--url", f"https://meridian.example/{SEED}?utm_source=x"]) == 0
    message = json.loads(capsys.readouterr().out)
    schemas.validate("article", message)
    assert message["canonical_url"] == f"https://meridian.example/{SEED}"
    assert message["title"] == "Rein in Assad, Trump tells Moscow" and "More news" not in message["text"]


def test_extract_cli_reads_stdin_and_reports_no_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"<html><body><nav>Home</nav></body></html>")))
    assert extract_cli.main(["-", "--url", "https://n.example/empty"]) == 2
    assert "no_text" in capsys.readouterr().err


def test_dry_run_prints_what_would_be_sent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("NEWS_SEEN_DB_URL", f"sqlite:///{tmp_path / 'untouched.db'}")
    with serve_demo_site() as site:
        monkeypatch.setenv("NEWS_DEMO_SITE_URL", site.url)
        assert dry_run.main(["--source", "demo"]) == 0
    out = capsys.readouterr().out
    result = json.loads(out[out.index('{\n  "source"') :])  # structlog may share stdout when unconfigured
    assert result["counts"]["sent"] == 12 and len(result["would_send"]) == 12
    assert all(len(m["text"]) < 400 for m in result["would_send"])  # previews unless --full
    assert not (tmp_path / "untouched.db").exists()  # the default dry run does not open the seen store


def test_dry_run_unknown_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert dry_run.main(["--source", "nope"]) == 2
    assert "no source named 'nope'" in capsys.readouterr().err


def _sources_file(tmp_path: Path, max_bytes: int, max_extract_seconds: float) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"http: {{max_bytes: {max_bytes}}}\ningest: {{max_extract_seconds: {max_extract_seconds}}}\n"
        "sources:\n  - {name: x, kind: rss, url: 'https://n.example/feed.xml'}\n"
    )
    return path


def test_extract_cli_refuses_a_page_over_the_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWS_SOURCES_FILE", str(_sources_file(tmp_path, 100_000, 30)))
    page = tmp_path / "huge.html"
    page.write_bytes(b"<html><body>" + b"<p>word word word</p>" * 10_000 + b"</body></html>")  # ~210 kB
    assert extract_cli.main([str(page), "--url", "https://n.example/huge"]) == 2
    assert "too_large" in capsys.readouterr().err


def test_extract_cli_and_the_dag_share_one_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.ingest_badsite import serve_bad_site

    monkeypatch.setenv("NEWS_SOURCES_FILE", str(_sources_file(tmp_path, 5_000_000, 0.01)))
    with serve_bad_site() as site:
        import urllib.request

        with urllib.request.urlopen(f"{site.url}/big-page.html") as response:
            body = response.read()
    page = tmp_path / "big.html"
    page.write_bytes(body)
    assert extract_cli.main([str(page), "--url", "https://n.example/big"]) == 2
    assert "extract_timeout" in capsys.readouterr().err
