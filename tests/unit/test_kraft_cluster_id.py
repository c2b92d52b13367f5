"""KRaft cluster ids for the local broker: Kafka's storage tool reads an id that starts with "-" as an option."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path
from types import ModuleType

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "infra" / "local" / "services.py"


def _services(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("local_services", SERVICES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_cluster_id_never_starts_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    services = _services(monkeypatch)
    # 0xFA... encodes to "-" first in URL-safe base64 (the id that broke `make up`), 0x12... does not
    draws = iter([uuid.UUID(bytes=bytes([0xFA]) + bytes(15)), uuid.UUID(bytes=bytes([0x12]) + bytes(15))])
    monkeypatch.setattr(services.uuid, "uuid4", lambda: next(draws))
    value = services.base64_uuid()
    assert not value.startswith("-")
    assert value.startswith("E")
    assert len(value) == 22
