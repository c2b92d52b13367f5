"""One validated settings model: a bad value names its variable and what it accepts,
--print-config shows every setting with secrets redacted, and every variable is documented."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from common.config import ConfigError, load_settings, print_config, variables

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ELASTICSEARCH_TIMEOUT", "abc", "a number > 0"),
        ("NEWS_LOG_FORMAT", "xml", "'auto', 'json' or 'console'"),
        ("KAFKA_COMPRESSION_TYPE", "brotli", "gzip, snappy, lz4, zstd or none"),
        ("KAFKA_SECURITY_PROTOCOL", "TLS", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"),
        ("NEWS_METRICS_PORT", "70000", "less than or equal to 65535"),
        ("NEWS_RETRY_MAX_ATTEMPTS", "-1", "greater than or equal to 0"),
        ("KAFKA_BOOTSTRAP_SERVERS", "broker-without-port", "host:port"),
    ],
)
def test_a_bad_value_names_the_variable_and_what_it_accepts(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert f"{variable}={value!r}" in str(err.value)
    assert expected in str(err.value)


def test_a_bad_secret_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "NOPE-s3cr3t-ish")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "hunter2-secret")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "hunter2-secret" not in str(err.value)


def test_every_error_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELASTICSEARCH_TIMEOUT", "abc")
    monkeypatch.setenv("NEWS_LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "ELASTICSEARCH_TIMEOUT" in str(err.value) and "NEWS_LOG_LEVEL" in str(err.value)


def test_values_are_normalised_and_empty_means_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_LOG_LEVEL", "debug")
    monkeypatch.setenv("KAFKA_COMPRESSION_TYPE", "NONE")
    monkeypatch.setenv("ELASTICSEARCH_TIMEOUT", "")
    settings = load_settings()
    assert settings.log.level == "DEBUG"
    assert settings.kafka.compression_type is None
    assert settings.elasticsearch.request_timeout == 30.0


def test_local_addresses_follow_the_port_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KAFKA_PORT", "39092")
    monkeypatch.setenv("ES_HTTP_PORT", "39200")
    settings = load_settings()
    assert settings.kafka.bootstrap_servers == "127.0.0.1:39092"
    assert settings.elasticsearch.url == "http://127.0.0.1:39200"


def test_print_config_redacts_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("ELASTICSEARCH_API_KEY", "apikey-secret")
    monkeypatch.setenv("ELASTICSEARCH_URL", "https://news:es-pass-secret@es.example.org:9200")
    monkeypatch.setenv("NEWS_SEEN_DB_URL", "postgresql+psycopg2://airflow:pg-secret@db/seen")
    out = io.StringIO()
    print_config(out)
    text = out.getvalue()
    for secret in ("hunter2-secret", "apikey-secret", "es-pass-secret", "pg-secret"):
        assert secret not in text
    assert re.search(r"^KAFKA_SASL_PASSWORD\s+<redacted>$", text, re.M)
    assert "https://news:***@es.example.org:9200" in text
    assert re.search(r"^NEWS_RETRY_MAX_ATTEMPTS\s+10  \(default\)$", text, re.M)


def test_consumers_print_their_config_and_exit() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "consumers.indexer", "--print-config"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "KAFKA_SASL_PASSWORD": "hunter2-secret", "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"},
    )
    assert done.returncode == 0, done.stderr
    assert "KAFKA_BOOTSTRAP_SERVERS" in done.stdout and "hunter2-secret" not in done.stdout


def test_a_consumer_with_a_bad_setting_exits_2_naming_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "consumers.indexer"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "ELASTICSEARCH_TIMEOUT": "abc", "NEWS_LOG_FORMAT": "console"},
    )
    assert done.returncode == 2
    assert "ELASTICSEARCH_TIMEOUT='abc'" in done.stderr and "Traceback" not in done.stderr


def test_every_variable_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [v.name for v in variables() if f"`{v.name}`" not in readme]
    assert not missing, f"document these in README.md (Configuration): {missing}"


def test_every_variable_the_code_reads_is_in_the_settings_model() -> None:
    """A variable read straight from os.environ somewhere must still be declared (and so documented)."""
    declared = {v.name for v in variables()}
    pattern = re.compile(r"""environ(?:\.get)?\(\s*f?["']((?:NEWS|KAFKA|ELASTICSEARCH|ES|KIBANA)_[A-Z0-9_]+)["']|environ\[\s*["']((?:NEWS|KAFKA|ELASTICSEARCH|ES|KIBANA)_[A-Z0-9_]+)""")
    read = set()
    for folder in ("common", "consumers", "dags", "tools", "bench", "infra", "schemas"):
        for path in (ROOT / folder).rglob("*.py"):
            for match in pattern.finditer(path.read_text(encoding="utf-8")):
                read.add(match.group(1) or match.group(2))
    assert not read - declared, f"declare these in common/config.py: {sorted(read - declared)}"
