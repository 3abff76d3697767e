"""What every signal reads, and what it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from bulkheads.plan.cutover import spec_at
from bulkheads.plan.platform import PlatformPlan
from bulkheads.spec.model import PlatformSpec

Status = Literal["green", "yellow", "red"]
STATUSES: tuple[Status, ...] = ("green", "yellow", "red")


@dataclass(frozen=True)
class PoolLive:
    """What one pool's workers answered: plugin class -> version, connector -> status."""

    plugins: dict[str, str]
    statuses: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class LiveFacts:
    """Answers of the reachable pools, and what could not be asked (with why)."""

    pools: dict[str, PoolLive] = field(default_factory=dict)
    offline: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """A stack as signals see it: the validated spec, its plan, its other config keys,
    and what its reachable workers answered (``live``; default: nothing was asked)."""

    spec: PlatformSpec
    plan: PlatformPlan
    config: Mapping[str, Any]
    live: LiveFacts = field(default_factory=LiveFacts)

    @cached_property
    def running(self) -> PlatformSpec:
        """The spec as it runs at the plan's cutover phases: moving pipelines on their pools
        of the moment and each running cutover mirror as a pipeline; what signals about
        running pipelines read."""
        return spec_at(self.spec, self.plan.cutovers)


@dataclass(frozen=True)
class Check:
    """One thing a signal checked: ``where`` (a spec path or plan fact), what it found,
    and for a non-green check the fix."""

    status: Status
    where: str
    detail: str
    fix: str = ""


def green(where: str, detail: str) -> Check:
    """A check that passed."""
    return Check("green", where, detail)


def worst(statuses: list[Status]) -> Status:
    """The worst of ``statuses`` (green when there are none)."""
    return max(statuses, key=STATUSES.index, default="green")
