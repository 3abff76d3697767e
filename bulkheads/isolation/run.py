"""Both runs of the four scenarios: the scenario estate with its boundaries, then its
no-isolation baseline (``bulkheads.plan.baseline``), each on its own Kafka node and
workers, one after the other (never both at once: they would measure each other)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bulkheads.isolation.apply import AppliedStack
from bulkheads.isolation.scenarios import Outcome, run_all
from bulkheads.isolation.stack import CLUSTER, scenario_stack
from bulkheads.plan.baseline import baseline_plan
from bulkheads.plan.platform import PlatformPlan, plan_platform
from bulkheads.spec.loader import platform_from_mapping
from bulkheads.spec.model import LocalDeploy

MODES: dict[str, Callable[[PlatformPlan], PlatformPlan]] = {
    "isolated": lambda plan: plan,
    "baseline": baseline_plan,
}
Results = dict[str, dict[str, Outcome | BaseException]]


def run_mode(
    mode: str, directory: Path, free_port: Callable[[], int]
) -> dict[str, Outcome | BaseException]:
    """Every scenario on a fresh stack of ``mode`` (``isolated`` or ``baseline``), with
    its files and state under ``directory/mode``; stops everything it started."""
    workdir = directory / mode
    workdir.mkdir(parents=True, exist_ok=True)
    spec = platform_from_mapping(scenario_stack(workdir, free_port), source=f"isolation {mode}")
    plan = MODES[mode](plan_platform(spec, workdir))
    deploy = spec.clusters[CLUSTER].deploy
    assert isinstance(deploy, LocalDeploy)
    stack = AppliedStack.start(plan, workdir / "state", deploy.port, free_port())
    try:
        return run_all(stack)
    finally:
        stack.close()


def run_both(directory: Path, free_port: Callable[[], int]) -> Results:
    """The isolated run, then the baseline run, by mode."""
    return {mode: run_mode(mode, directory, free_port) for mode in MODES}
