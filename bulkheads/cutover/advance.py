"""What ``bulkheads up`` checks before it applies a cutover phase.

For each cutover whose declared phase is later than the one the stack last applied (its
``platform.cutovers`` output): the phase must be the next one (one phase at a time; the
first apply is ``mirror``) and its gate (``gates``) must pass on the live platform. An
earlier phase is a rollback and needs no gate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bulkheads.cutover.gates import Gate, Observed, gate
from bulkheads.plan.cutover import CutoverPlan, cutover_plans, phase_index
from bulkheads.spec.model import CUTOVER_PHASES, CutoverPhase, PlatformSpec


def refusals(
    spec: PlatformSpec,
    applied: Mapping[str, CutoverPhase],
    observe: Callable[[CutoverPlan], Observed],
    max_lag: int,
) -> list[str]:
    """Why ``up`` must not apply ``spec``'s cutover phases (empty: it may)."""
    reasons: list[str] = []
    for plan in cutover_plans(spec):
        before = applied.get(plan.cutover)
        wanted = phase_index(plan.phase)
        now = phase_index(before) if before else -1
        if wanted <= now:
            continue  # unchanged, or a rollback
        if wanted != now + 1:
            expected = CUTOVER_PHASES[now + 1]
            reasons.append(
                f"cutover {plan.cutover!r}: phase {plan.phase!r} skips {expected!r} "
                f"(applied: {before or 'none'}); advance one phase at a time"
            )
            continue
        if wanted == 0:
            continue  # the mirror phase has no gate
        verdict: Gate = gate(plan.cutover, plan.phase, observe(plan), max_lag)
        reasons += [
            f"cutover {plan.cutover!r} gate of {plan.phase!r}: {r}" for r in verdict.reasons
        ]
    return reasons


def advancing(
    spec: PlatformSpec, applied: Mapping[str, CutoverPhase], phase: CutoverPhase
) -> list[str]:
    """The cutovers of ``spec`` that this ``up`` takes from the phase before ``phase`` to
    ``phase``."""
    before = CUTOVER_PHASES[phase_index(phase) - 1]
    return [
        name
        for name, cutover in spec.cutovers.items()
        if cutover.phase == phase and applied.get(name) == before
    ]
