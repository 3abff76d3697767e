"""The catalogue of areas and signals, and scoring a stack against it.

``score(facts)`` runs every signal; a signal's status is its worst check, an area's its
worst signal. Most signals read the spec, plan and stack config; ``installed`` and
``task-health`` read the workers that answered (``live``). ``Scorecard.sources`` says
what was read and what was offline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bulkheads.readiness import (
    compatibility,
    contracts,
    costs,
    live,
    observability,
    offsets,
    rollback,
)
from bulkheads.readiness.facts import Check, Facts, LiveFacts, Status, worst

SignalFunction = Callable[[Facts], list[Check]]
SignalStatus = Literal["green", "yellow", "red", "offline"]

AREAS: dict[str, tuple[tuple[str, SignalFunction], ...]] = {
    "Compatibility": (
        ("plugins", compatibility.plugins),
        ("kafka-versions", compatibility.kafka_versions),
        ("clients", compatibility.clients),
        ("installed", live.installed),
    ),
    "Offsets": (
        ("source-offsets", offsets.source_offsets),
        ("sink-offsets", offsets.sink_offsets),
        ("no-hand-edits", offsets.no_hand_edits),
        ("replay-start", offsets.replay_start),
    ),
    "Data contracts": (
        ("separation", contracts.separation),
        ("owners", contracts.owners),
        ("declared-reads", contracts.declared_reads),
        ("routing", contracts.routing),
    ),
    "Cost model": (
        ("throughput", costs.throughput),
        ("replay-budget", costs.replay_budget),
        ("mirror-budget", costs.mirror_budget),
        ("disk-capacity", costs.disk_capacity),
    ),
    "Rollback": (
        ("retained", rollback.retained),
        ("one-writer", rollback.one_writer),
        ("cutovers", rollback.cutovers),
    ),
    "Observability": (
        ("paging", observability.paging),
        ("thresholds", observability.thresholds),
        ("alert-rules", observability.alert_rules),
        ("task-health", live.task_health),
    ),
}


LIVE_SIGNALS = {live.installed, live.task_health}


@dataclass(frozen=True)
class Signal:
    """One scored signal: what it checks (its docstring's first line) and its checks;
    ``offline`` for a live signal when no worker answered."""

    name: str
    question: str
    checks: tuple[Check, ...]
    offline: bool = False

    @property
    def status(self) -> SignalStatus:
        """``offline``, or the worst of its checks."""
        return "offline" if self.offline else worst([check.status for check in self.checks])


@dataclass(frozen=True)
class Area:
    """One scorecard area and its signals."""

    name: str
    signals: tuple[Signal, ...]

    @property
    def status(self) -> Status:
        """The worst of its signals that were checked."""
        return worst([s.status for s in self.signals if s.status != "offline"])


@dataclass(frozen=True)
class Scorecard:
    """Every area of one stack."""

    stack: str
    areas: tuple[Area, ...]
    sources: str

    @property
    def status(self) -> Status:
        """The worst area."""
        return worst([area.status for area in self.areas])


def score(stack: str, facts: Facts) -> Scorecard:
    """Run every signal of every area over ``facts``."""
    return Scorecard(
        stack,
        tuple(
            Area(area, tuple(_signal(name, function, facts) for name, function in signals))
            for area, signals in AREAS.items()
        ),
        sources(facts.live),
    )


def sources(live: LiveFacts) -> str:
    """What the scorecard read: always the stack; live pools, and what was offline why."""
    parts = ["read the spec, plan and stack config"]
    if live.pools:
        parts.append(f"live: pools {', '.join(live.pools)}")
    reasons: dict[str, list[str]] = {}
    for pool, reason in live.offline.items():
        reasons.setdefault(reason, []).append(pool)
    parts += [f"offline: {', '.join(pools)} ({reason})" for reason, pools in reasons.items()]
    if not live.pools and not live.offline:
        parts.append("offline: the live platform was not consulted")
    return "; ".join(parts)


def _signal(name: str, function: SignalFunction, facts: Facts) -> Signal:
    question = (function.__doc__ or name).strip().splitlines()[0]
    if function in LIVE_SIGNALS and not facts.live.pools:
        return Signal(name, question, (), offline=True)
    return Signal(name, question, tuple(function(facts)))
