"""The phase override a preview passes to the program, and the phases a stack applied.

``bulkheads cutover preview`` runs the program with ``BULKHEADS_CUTOVER_PHASES`` set to
``NAME=PHASE[,NAME=PHASE...]``, so the stack file is never edited. The phases a stack last
applied are in its ``platform`` output, under ``cutovers``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bulkheads.spec.model import CUTOVER_PHASES, CutoverPhase

PHASES_ENV = "BULKHEADS_CUTOVER_PHASES"


def encode(phases: Mapping[str, CutoverPhase]) -> str:
    """``{'a': 'mirror'}`` -> ``a=mirror``."""
    return ",".join(f"{name}={phase}" for name, phase in sorted(phases.items()))


def decode(text: str) -> dict[str, CutoverPhase]:
    """The inverse of :func:`encode`; raises ``ValueError`` naming a bad entry."""
    phases: dict[str, CutoverPhase] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        name, _, phase = entry.partition("=")
        if phase not in CUTOVER_PHASES or not name:
            raise ValueError(
                f"{PHASES_ENV}: {entry!r} is not NAME=PHASE (phases: {', '.join(CUTOVER_PHASES)})"
            )
        phases[name] = phase
    return phases


def from_environment(environ: Mapping[str, str]) -> dict[str, CutoverPhase]:
    """The override in ``environ`` (empty when unset)."""
    return decode(environ.get(PHASES_ENV, ""))


def applied(outputs: Mapping[str, Any]) -> dict[str, CutoverPhase]:
    """The phases in a stack's outputs (``platform.cutovers``; empty before a first up)."""
    platform = outputs.get("platform")
    found = platform.get("cutovers", {}) if isinstance(platform, Mapping) else {}
    return {k: v for k, v in found.items() if v in CUTOVER_PHASES}
