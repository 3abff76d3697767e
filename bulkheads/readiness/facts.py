"""What every signal reads, and what it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bulkheads.plan.platform import PlatformPlan
from bulkheads.spec.model import PlatformSpec

Status = Literal["green", "yellow", "red"]
STATUSES: tuple[Status, ...] = ("green", "yellow", "red")


@dataclass(frozen=True)
class Facts:
    """A stack as signals see it: the validated spec, its plan and its other config keys.

    Everything here is offline; no signal reaches the platform.
    """

    spec: PlatformSpec
    plan: PlatformPlan
    config: Mapping[str, Any]


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
