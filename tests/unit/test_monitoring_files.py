"""The example alert rules and Grafana dashboard only use metrics the code exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

from common import metrics
from common.ingest_metrics import ingest_registry

MONITORING = Path(__file__).resolve().parents[2] / "infra" / "monitoring"
_METRIC = re.compile(r"\b(news_[a-z_]+)\b")
_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",), "summary": ("_count", "_sum")}


def _exported() -> set[str]:
    names: set[str] = set()
    loop = type("Loop", (), {"loop_state": metrics.LoopState(group="g", lag={("t", 0): 1}, last_commit=0.0)})()
    metrics.LOOPS.add(loop)
    try:
        families = [*REGISTRY.collect(), *ingest_registry({"sources": {"s": {}}}).collect()]
    finally:
        metrics.LOOPS.remove(loop)
    for family in families:
        names.update(family.name + suffix for suffix in _SUFFIXES.get(family.type, ("",)))
    return {n for n in names if n.startswith("news_")}


def _rule_expressions() -> list[tuple[str, str]]:
    rules = yaml.safe_load((MONITORING / "prometheus-alerts.yaml").read_text())
    return [(rule["alert"], rule["expr"]) for group in rules["groups"] for rule in group["rules"]]


def test_every_alert_is_complete() -> None:
    rules = yaml.safe_load((MONITORING / "prometheus-alerts.yaml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert rule["labels"]["severity"] in ("info", "warning", "critical"), rule["alert"]
            assert rule["annotations"]["summary"], rule["alert"]


def test_alerts_use_exported_metrics() -> None:
    exported = _exported()
    for alert, expr in _rule_expressions():
        unknown = set(_METRIC.findall(expr)) - exported
        assert not unknown, f"{alert} uses {unknown}; exported: {sorted(exported)}"


def test_dashboard_uses_exported_metrics() -> None:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    exported = _exported()
    expressions = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    expressions += [v["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    assert len(expressions) > 10
    for expr in expressions:
        assert not set(_METRIC.findall(expr)) - exported, expr
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
