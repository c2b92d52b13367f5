"""infra/local/services.py (a script) as a module, and its 3-node cluster for tests: start, kill, restart."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def services_module() -> ModuleType:
    """infra/local/services.py as a module (it is a script, not part of a package)."""
    spec = importlib.util.spec_from_file_location("local_services", ROOT / "infra" / "local" / "services.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["local_services"] = module
    spec.loader.exec_module(module)
    return module


@contextmanager
def running_cluster(size: int = 3, timeout: float = 300) -> Iterator[Any]:
    """Start the nodes that are not running yet; stop afterwards only those. Yields the LocalCluster."""
    cluster = services_module().LocalCluster(size)
    started = cluster.start(None, timeout)
    try:
        yield cluster
    finally:
        cluster.stop([service.name for service in started])
