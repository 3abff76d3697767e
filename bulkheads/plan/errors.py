"""The error a plan function raises when a spec breaks an invariant the plan relies on."""

from __future__ import annotations


class PlanError(ValueError):
    """A validated spec that still cannot be planned (a doctrine gap); names what to fix."""
