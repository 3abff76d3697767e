"""``plan``, ``preview`` and ``up`` refuse a spec on the same checks as ``validate`` (the
pack's planned rules included), with the same lines, before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bulkheads import main_job
from bulkheads.cli import main
from tests.cli.conftest import REPO

INVALID = REPO / "tests" / "spec" / "fixtures" / "invalid"


def _refuse(*_: object, **__: object) -> None:
    raise AssertionError("started something for a spec validate refuses")


@pytest.fixture
def nothing_starts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Starting a local cluster or the engine fails the test; state goes to ``tmp_path``."""
    monkeypatch.setenv("BULKHEADS_PULUMI_DIR", str(tmp_path / "pulumi"))
    monkeypatch.setattr(main_job, "_start_local_clusters", _refuse)
    monkeypatch.setattr(main_job.Engine, "ensure", _refuse)


def _validate_lines(stack: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["validate", str(stack)]) == 1
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("verb", [["plan"], ["preview"], ["up", "--yes"]])
@pytest.mark.parametrize("fixture", ["replay_on_live_pool.yaml", "sink_writes_raw.yaml"])
def test_a_planned_rule_violation_stops_the_verb_as_validate_reports_it(
    verb: list[str],
    fixture: str,
    tmp_path: Path,
    nothing_starts: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stack = INVALID / fixture
    wanted = _validate_lines(stack, capsys)
    assert any("(mandatory)" in line for line in wanted), "the fixture breaks a planned rule"
    assert main([*verb, str(stack)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == wanted


def test_prod_with_a_live_class_of_replication_factor_one_cannot_be_planned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load((REPO / "stacks" / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    stack = tmp_path / "Pulumi.prod.yaml"
    stack.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["plan", str(stack), "--json"]) == 0  # the shipped stack plans
    capsys.readouterr()
    live = {"replication_factor": 1, "min_insync_replicas": 1}
    data["config"]["bulkheads:platform"]["classes"]["live"].update(live)
    stack.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["plan", str(stack), "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "bulkheads-topic-live-durability (mandatory): live topic" in err
