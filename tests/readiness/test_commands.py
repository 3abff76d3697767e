"""``bulkheads readiness``: table, markdown and JSON; ``--strict`` exits 1 on any red."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bulkheads.cli import main
from tests.cost.estate import write_stack
from tests.readiness.test_signals import base


def test_prod_has_no_red(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readiness", "prod", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    red = [
        (area["area"], signal["signal"])
        for area in data["areas"]
        for signal in area["signals"]
        if signal["status"] == "red"
    ]
    assert red == []
    assert data["status"] == "yellow"
    assert data["sources"].startswith("read the spec, plan and stack config; offline: live-cdc")


def test_strict_exits_1_on_red(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # no bulkheads:automqImage: the AutoMQ cluster's broker version is unknown (red)
    stack = write_stack(tmp_path / "Pulumi.small.yaml", base())
    assert main(["readiness", str(stack), "--strict"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("readiness of small: RED\n(read the spec, plan and stack config; ")
    assert (
        "Compatibility   RED      plugins green, kafka-versions red, clients green, "
        "installed offline"
    ) in out


def test_strict_exits_0_without_red(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack = write_stack(
        tmp_path / "Pulumi.small.yaml", base(), automqImage="automqinc/automq:1.6.1"
    )
    assert main(["readiness", str(stack), "--strict"]) == 0
    assert capsys.readouterr().out.startswith("readiness of small: YELLOW")


def test_markdown_is_a_pr_comment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readiness", "prod", "--format", "markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "### Migration readiness of `prod`: 🟡 yellow"
    assert "| Area | Verdict | Signals |" in lines
    assert any(line.startswith("| Compatibility | 🟢 green | 🟢 plugins") for line in lines)
    assert any(line.startswith("| Cost model | 🟡 yellow |") for line in lines)


def test_unknown_stack_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readiness", "nope"]) == 2
    assert "unknown stack 'nope'" in capsys.readouterr().err
