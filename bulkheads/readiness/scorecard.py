"""The catalogue of areas and signals, and scoring a stack against it.

``score(facts)`` runs every signal; a signal's status is its worst check, an area's its
worst signal. Every signal here is offline (spec, plan and stack config): the scorecard
says so in ``Scorecard.offline``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bulkheads.readiness import (
    compatibility,
    contracts,
    costs,
    observability,
    offsets,
    rollback,
)
from bulkheads.readiness.facts import Check, Facts, Status, worst

SignalFunction = Callable[[Facts], list[Check]]

AREAS: dict[str, tuple[tuple[str, SignalFunction], ...]] = {
    "Compatibility": (
        ("plugins", compatibility.plugins),
        ("kafka-versions", compatibility.kafka_versions),
        ("clients", compatibility.clients),
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
    ),
}
OFFLINE = "spec, plan and stack config only; the live platform was not consulted"


@dataclass(frozen=True)
class Signal:
    """One scored signal: what it checks (its docstring's first line) and its checks."""

    name: str
    question: str
    checks: tuple[Check, ...]

    @property
    def status(self) -> Status:
        """The worst of its checks."""
        return worst([check.status for check in self.checks])


@dataclass(frozen=True)
class Area:
    """One scorecard area and its signals."""

    name: str
    signals: tuple[Signal, ...]

    @property
    def status(self) -> Status:
        """The worst of its signals."""
        return worst([signal.status for signal in self.signals])


@dataclass(frozen=True)
class Scorecard:
    """Every area of one stack."""

    stack: str
    areas: tuple[Area, ...]
    offline: str = OFFLINE

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
    )


def _signal(name: str, function: SignalFunction, facts: Facts) -> Signal:
    question = (function.__doc__ or name).strip().splitlines()[0]
    return Signal(name, question, tuple(function(facts)))
