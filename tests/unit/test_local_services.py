"""The local service manager refuses clearly instead of fighting over a taken port."""

from __future__ import annotations

import importlib.util
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _services_module():
    spec = importlib.util.spec_from_file_location("local_services", ROOT / "infra" / "local" / "services.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["local_services"] = module
    spec.loader.exec_module(module)
    return module


def test_taken_port_gives_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    services = _services_module()
    monkeypatch.setattr(services, "RUN", tmp_path / "run")
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]

        class Unhealthy(services.Service):
            def healthy(self) -> bool:
                return False

        with pytest.raises(services.ServiceError, match=rf"port {port} is taken by another process"):
            Unhealthy("dummy", (port,)).start(timeout=1)


def test_missing_java_is_reported_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    services = _services_module()
    monkeypatch.setattr(services, "_candidate_java_homes", lambda: [])
    with pytest.raises(services.ServiceError, match="no Java 99\\+ found.*JAVA_HOME"):
        services.find_java_home(99)


def test_java_version_is_read_from_a_real_jvm() -> None:
    services = _services_module()
    home = services.find_java_home(17)
    assert services._java_major(home / "bin" / "java") >= 17
