"""The ops views know a cutover's generated mirror and where moving pipelines run now, from
the plan's cutovers (``plan.cutover.spec_at``), not from ``spec.pipelines``: status, cost,
readiness; verify reads the plan itself (its connectors include the mirror's two)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bulkheads.cost.estimate import estimate
from bulkheads.cost.prices import PriceTable
from bulkheads.ops import status
from bulkheads.ops.endpoints import EndpointError, Endpoints
from bulkheads.plan.platform import plan_platform
from bulkheads.readiness.facts import Facts
from bulkheads.readiness.scorecard import score
from bulkheads.spec.loader import load_platform, platform_from_mapping
from bulkheads.spec.model import CutoverPhase, PlatformSpec
from bulkheads.verify.observe import ObservedPool
from bulkheads.verify.runtime import runtime_findings

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "tests/spec/fixtures/valid/cutover_local.yaml"
PROD = ROOT / "stacks/Pulumi.prod.yaml"
MIRROR = "orders-to-target-mirror"


def at(stack: Path, cutover: str, phase: CutoverPhase) -> PlatformSpec:
    """The spec of ``stack`` with ``cutover`` declared at ``phase``."""
    data = yaml.safe_load(stack.read_text(encoding="utf-8"))["config"]["bulkheads:platform"]
    data["cutovers"][cutover]["phase"] = phase
    return platform_from_mapping(data)


def local_at(phase: CutoverPhase) -> PlatformSpec:
    return at(LOCAL, "orders-to-target", phase)


@pytest.fixture
def connect(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every pool answers RUNNING for any connector (recording the URLs asked); no Kafka."""
    asked: list[str] = []

    def get_status(url: str, connector: str) -> dict[str, Any]:
        asked.append(f"{connector}@{url}")
        return {"connector": {"state": "RUNNING"}, "tasks": [{"id": 0, "state": "RUNNING"}]}

    def no_kafka(*_: object) -> None:
        raise EndpointError("no Kafka in this test")

    monkeypatch.setattr(status.rest, "get_status", get_status)
    monkeypatch.setattr(status.rest, "get_offsets", lambda url, connector: [])
    monkeypatch.setattr(status, "_probe", no_kafka)
    return asked


def test_status_shows_the_cutover_mirror_and_moved_sinks_where_they_run(
    connect: list[str],
) -> None:
    rows = {r.pipeline: r for r in status.collect(local_at("consumers"), Endpoints(LOCAL_SPEC))}
    assert sorted(rows) == ["orders-archive", "orders-events", MIRROR]
    placed = {name: (r.kind, r.pool, r.cluster) for name, r in rows.items()}
    assert placed == {
        "orders-archive": ("sink", "target-sinks", "target"),  # moved at consumers
        "orders-events": ("source", "classic-ingest", "classic"),
        MIRROR: ("mirror", "target-mirror", "target"),
    }
    assert f"{MIRROR}@http://127.0.0.1:28087" in connect
    assert "orders-archive@http://127.0.0.1:28086" in connect
    done = {r.pipeline for r in status.collect(local_at("done"), Endpoints(LOCAL_SPEC))}
    assert done == {"orders-archive", "orders-events"}  # the mirror is removed at done


LOCAL_SPEC = load_platform(LOCAL)


def _items(spec: PlatformSpec, category: str) -> dict[str, tuple[str, str]]:
    report = estimate(spec, plan_platform(spec, ROOT), PriceTable())
    return {i.subject: (i.cluster, i.formula) for i in report.items if i.category == category}


def test_cost_prices_the_cutover_mirror_on_its_target_while_it_runs() -> None:
    cluster, formula = _items(load_platform(PROD), "mirror")["experiments-to-lakehouse-mirror"]
    assert cluster == "lakehouse"
    assert formula.startswith("128.00 KiB/s lake -> lakehouse x 730 h = 321 GiB")
    done = _items(at(PROD, "experiments-to-lakehouse", "done"), "mirror")
    assert "experiments-to-lakehouse-mirror" not in done and "orders-mirror" in done


@pytest.mark.parametrize("phase", ["mirror", "consumers", "producers"])
def test_readiness_reads_the_mirror_and_the_moved_pipelines(phase: CutoverPhase) -> None:
    spec = local_at(phase)
    card = score("local", Facts(spec, plan_platform(spec, ROOT), {}))
    checks = {
        (signal.name, check.where): check
        for area in card.areas
        for signal in area.signals
        for check in signal.checks
    }
    # the mirror's copied rate is checked against its quota (no rate declared here: yellow)
    assert checks["mirror-budget", f"pipelines.{MIRROR}.reads"].status == "yellow"
    # its checkpoint connector lands on MirrorMaker's planned checkpoints topic
    assert checks["routing", f"pipelines.{MIRROR}.connector.config"].status == "green"
    # the moving sink's dead letters exist on both clusters: one origin, not two
    assert checks["one-writer", "plan: topics"].status == "green"
    assert checks["cutovers", "cutovers.orders-to-target.phase"].status == "green"


def test_verify_holds_the_mirror_pool_to_the_cutovers_two_connectors() -> None:
    plan = plan_platform(local_at("consumers"), ROOT)
    mirror_pool = ObservedPool(
        pool="target-mirror",
        states={MIRROR: "RUNNING"},  # its checkpoint connector is gone
        logins={MIRROR: frozenset({f"pipeline.{MIRROR}"})},
    )
    rows = runtime_findings(plan, "target-mirror", mirror_pool)
    assert [(r.check, r.subject, r.evidence) for r in rows if r.outcome == "fail"] == [
        (
            "connector-pool",
            f"{MIRROR}-checkpoint",
            "declared in pool 'target-mirror' but not running there",
        )
    ]
