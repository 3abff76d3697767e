"""The engine environment bulkheads passes: per-step checkpoints off and more steps at a
time for the local stack only, and never over what the user set."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulkheads.engine import Engine


def engine(tmp_path: Path) -> Engine:
    return Engine(bin_dir=tmp_path / "bin", home=tmp_path / "home", backend=tmp_path / "b")


def test_the_local_stack_skips_per_step_checkpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_SKIP_CHECKPOINTS", raising=False)
    assert engine(tmp_path).env("local")["PULUMI_SKIP_CHECKPOINTS"] == "true"


def test_other_stacks_keep_the_engines_checkpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_SKIP_CHECKPOINTS", raising=False)
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://bucket/state")
    assert "PULUMI_SKIP_CHECKPOINTS" not in engine(tmp_path).env("prod")


def test_the_users_setting_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_SKIP_CHECKPOINTS", "false")
    assert engine(tmp_path).env("local")["PULUMI_SKIP_CHECKPOINTS"] == "false"


def test_the_local_stack_runs_more_steps_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_PARALLEL", raising=False)
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://bucket/state")
    assert engine(tmp_path).env("local")["PULUMI_PARALLEL"] == "256"
    assert "PULUMI_PARALLEL" not in engine(tmp_path).env("prod")
    monkeypatch.setenv("PULUMI_PARALLEL", "4")
    assert engine(tmp_path).env("local")["PULUMI_PARALLEL"] == "4"
