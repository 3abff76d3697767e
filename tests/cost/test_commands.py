"""``bulkheads cost``: offline from the stack file; exact errors, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bulkheads.cli import main
from tests.cost.estate import estate, write_stack


def test_prod_cost_as_json_with_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", "prod", "--compare", "automq", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["missing_throughput"] == []
    assert data["engines"]["payments"] == "kafka"
    assert set(data["compare"]["engines"].values()) == {"automq"}
    assert data["total"] == pytest.approx(sum(row["total"] for row in data["rows"]), abs=0.05)
    storage = {(r["cluster"], r["class"]): r["storage"] for r in data["rows"]}
    compared = {(r["cluster"], r["class"]): r["storage"] for r in data["compare"]["rows"]}
    assert compared[("payments", "live")] < storage[("payments", "live")] / 3


def test_table_shows_every_formula(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack = write_stack(tmp_path / "Pulumi.small.yaml", estate())
    assert main(["cost", "--stack", str(stack)]) == 0
    out = capsys.readouterr().out
    assert "ingest     automq  all" in out
    assert (
        "delivery/replay  replay   orders-rebuild: 2.00 MiB/s x 4h window (01:00-05:00 UTC) "
        "= 28.1 GiB/window x 30.4 windows = 855 GiB x $0.02/GiB = $17.11"
    ) in out


def test_unknown_stack_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", "prd"]) == 2
    assert "unknown stack 'prd'" in capsys.readouterr().err


def test_bad_prices_exit_1_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = write_stack(tmp_path / "Pulumi.bad.yaml", estate(), prices={"transfer_gib": -1})
    assert main(["cost", str(stack)]) == 1
    err = capsys.readouterr().err
    assert err.endswith(
        "bulkheads:prices.transfer_gib: -1 — a price cannot be negative. "
        "Fix: write 0 or more, e.g. 0.10.\n"
    )
