"""When ``bulkheads up`` runs a cutover's offset steps: only once the apply is agreed, right
before the engine, and their refusals stop it (engine, preview and live calls faked)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rich.prompt import Confirm

from bulkheads import main_job
from bulkheads.cli import build_parser
from bulkheads.cli_support import EXIT_FINDINGS, EXIT_OK, stack_ref
from bulkheads.engine_events import EngineRun

REPO = Path(__file__).resolve().parents[2]
STACK = REPO / "tests/spec/fixtures/valid/cutover_local.yaml"


class FakeStack:
    name = "cutover_local"

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    def outputs(self) -> dict[str, Any]:
        return {"platform": SimpleNamespace(value={"cutovers": {"orders-to-target": "producers"}})}

    def up(self, **_: Any) -> Any:
        self.calls.append("engine up")
        return SimpleNamespace(outputs={})


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    stack = FakeStack(made)
    run = EngineRun(finished=True, changes={"update": 1})
    monkeypatch.setattr(main_job, "open_stack", lambda args: (stack_ref(str(STACK)), stack))
    monkeypatch.setattr(main_job, "recover_interrupted", lambda *a: None)
    monkeypatch.setattr(main_job, "cutover_gates_pass", lambda *a: True)
    monkeypatch.setattr(main_job, "preview_stack", lambda *a, **k: (run, None))
    monkeypatch.setattr(main_job, "emit", lambda *a: None)
    monkeypatch.setattr(Confirm, "ask", lambda *a, **k: False)
    return made


def _up(*extra: str) -> int:
    return main_job._up(build_parser().parse_args(["up", str(STACK), *extra]))


def test_a_declined_up_runs_no_offset_step(
    calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def steps(*_: Any) -> list[str]:
        calls.append("live steps")
        return []

    monkeypatch.setattr(main_job, "_live_steps", steps)
    assert _up() == EXIT_OK
    assert calls == []


def test_an_agreed_up_moves_the_offsets_right_before_the_engine(
    calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []

    def steps(spec: Any, applied: Any, endpoints: Any) -> list[str]:
        seen.append(applied)
        calls.append("live steps")
        return []

    monkeypatch.setattr(main_job, "_live_steps", steps)
    assert _up("--yes") == EXIT_OK
    assert calls == ["live steps", "engine up"]
    assert seen == [{"orders-to-target": "producers"}]


def test_a_refused_offset_step_applies_nothing(
    calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_job, "_live_steps", lambda *a: ["cutover 'x': no"])
    assert _up("--yes") == EXIT_FINDINGS
    assert calls == []
    assert _up("--yes", "--skip-cutover-gate") == EXIT_OK
    assert calls == ["engine up"]
