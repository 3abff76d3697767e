"""``up --all`` / ``preview --all`` without the engine: the wave runner's order, its
parallelism and what a failure stops, and the refusals before anything runs."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

import pytest

from bulkheads.cli_support import EXIT_FINDINGS, UsageError
from bulkheads.estate_job import (
    Outcome,
    partial_runner,
    partition_targets,
    render,
    run_all,
    run_waves,
)
from bulkheads.main_job import open_stack
from bulkheads.plan.partitions import NETWORK, partition_estate
from bulkheads.plan.platform import plan_platform
from bulkheads.spec.loader import load_platform

ROOT = Path(__file__).resolve().parents[2]


def prod_estate():  # type: ignore[no-untyped-def]
    plan = plan_platform(load_platform(ROOT / "stacks" / "Pulumi.prod.yaml"), ROOT)
    return partition_estate(plan, "cluster")


def partitioned_prod(tmp_path: Path) -> Path:
    text = (ROOT / "stacks" / "Pulumi.prod.yaml").read_text()
    marker = "    environment: prod\n"
    file = tmp_path / "Pulumi.prod.yaml"
    file.write_text(text.replace(marker, marker + "    partition: cluster\n"))
    return file


def test_a_failed_partition_stops_its_dependents_only() -> None:
    estate = prod_estate()
    ran: list[str] = []
    lock = threading.Lock()

    def runner(partition: str, outcome: Outcome) -> None:
        with lock:
            ran.append(partition)
        outcome.status = "failed" if partition == "payments" else "ok"

    outcomes = {
        o.partition: o for o in run_waves(estate, "prod", runner, argparse.Namespace(parallel=4))
    }
    # delivery reads payments' logins, lake reads delivery's: both stopped, saying why
    assert outcomes["delivery"].status == "skipped"
    assert outcomes["delivery"].reason == "prod-payments failed"
    assert outcomes["lake"].status == "skipped"
    assert outcomes["ingest"].status == "ok"
    assert ran[0] == NETWORK and set(ran) == {NETWORK, "ingest", "payments"}


def test_one_wave_runs_side_by_side() -> None:
    estate = prod_estate()
    barrier = threading.Barrier(2, timeout=10)  # ingest and payments must meet

    def runner(partition: str, outcome: Outcome) -> None:
        if partition in ("ingest", "payments"):
            barrier.wait()
        outcome.status = "ok"

    outcomes = run_waves(estate, "prod", runner, argparse.Namespace(parallel=4))
    assert all(o.status == "ok" for o in outcomes)
    assert [o.stack for o in outcomes][:3] == ["prod-network", "prod-ingest", "prod-payments"]


def test_all_refuses_an_unpartitioned_stack_and_an_up_without_yes(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="declares no partition"):
        run_all(argparse.Namespace(stack_positional="dev", stack_option=None), apply=False)
    file = partitioned_prod(tmp_path)
    args = argparse.Namespace(stack_positional=str(file), stack_option=None, yes=False)
    with pytest.raises(UsageError, match="--yes"):
        run_all(args, apply=True)


def test_the_planned_rules_run_over_the_whole_estate_before_any_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A partition's pack sees only its own resources, so ``--all`` first runs the planned
    stack rules (``validate``'s, the pack's functions) over the whole estate, and a
    mandatory finding stops it before the engine starts."""
    text = (ROOT / "stacks" / "Pulumi.prod.yaml").read_text()
    marker = "    environment: prod\n"
    text = text.replace(marker, marker + "    partition: cluster-owner\n")
    shared = text.replace(
        "        tenancy: dedicated\n        serves: [live]\n        owner: payments\n",
        "        tenancy: shared\n        serves: [live]\n        owner: payments\n",
    )
    assert shared != text
    file = tmp_path / "Pulumi.prod.yaml"
    file.write_text(shared)
    monkeypatch.setattr("bulkheads.estate_job.partition_engine", pytest.fail)
    args = argparse.Namespace(stack_positional=str(file), stack_option=None, yes=True)
    assert run_all(args, apply=True) == EXIT_FINDINGS
    assert "bulkheads-cluster-regulated-dedicated" in capsys.readouterr().err


def test_a_partitioned_stack_is_not_opened_as_one(tmp_path: Path) -> None:
    """``bulkheads up <partitioned stack>`` without ``--all`` is refused before anything
    starts, naming ``--all``."""
    file = partitioned_prod(tmp_path)
    with pytest.raises(UsageError, match="--all"):
        open_stack(argparse.Namespace(stack_positional=str(file), stack_option=None))


def test_targets_go_to_the_partition_stacks_their_urns_name() -> None:
    estate = prod_estate()
    ingest = "urn:pulumi:prod-ingest::bulkheads::kafka:index/topic:Topic::raw.orders"
    lake = "urn:pulumi:prod-lake::bulkheads::kafka:index/acl:Acl::grant"
    assert partition_targets([ingest, lake, ingest], "prod", estate) == {
        "ingest": [ingest, ingest],
        "lake": [lake],
    }
    assert partition_targets([], "prod", estate) == {}
    stray = "urn:pulumi:prod::bulkheads::kafka:index/topic:Topic::raw.orders"
    with pytest.raises(UsageError, match=r"names no partition stack.*prod-ingest, prod-lake"):
        partition_targets([stray], "prod", estate)


def test_with_targets_only_their_partitions_run() -> None:
    """The partitions no ``--target`` names are reported ``untargeted`` and never opened."""
    estate = prod_estate()
    ran: list[str] = []
    opened = partial_runner(None, None, None, argparse.Namespace(), True, {"lake": ["urn"]})  # type: ignore[arg-type]

    def runner(partition: str, outcome: Outcome) -> None:
        if partition == "lake":
            ran.append(partition)
            outcome.status = "ok"
        else:
            opened(partition, outcome)

    outcomes = run_waves(estate, "prod", runner, argparse.Namespace(parallel=4))
    assert ran == ["lake"]
    assert {o.status for o in outcomes if o.partition != "lake"} == {"untargeted"}
    assert "no --target" in render({"stack": "prod", "ok": True, "partitions": [
        o.document() for o in outcomes
    ]})  # fmt: skip


def test_up_all_runs_the_cutover_gates_before_any_partition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An estate with cutovers: ``up --all`` runs their gates (on the network stack's
    applied phases) first, and a refusal applies nothing."""
    file = partitioned_prod(tmp_path)
    checked: list[str] = []
    monkeypatch.setattr("bulkheads.estate_job.partition_engine", lambda *a: None)
    monkeypatch.setattr("bulkheads.estate_job.open_partition", lambda *a: checked.append(a[-1]))
    monkeypatch.setattr("bulkheads.estate_job.cutover_gates_pass", lambda *a: False)
    monkeypatch.setattr("bulkheads.estate_job.run_waves", pytest.fail)
    args = argparse.Namespace(stack_positional=str(file), stack_option=None, yes=True)
    assert run_all(args, apply=True) == EXIT_FINDINGS
    assert checked == ["prod-network"]
