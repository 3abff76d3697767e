"""One verified fact: which boundary, which check, about what, whether it holds, and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Boundary = Literal["access", "drift", "quota", "runtime"]
Outcome = Literal["pass", "fail", "skip"]


@dataclass(frozen=True)
class Finding:
    """``outcome`` is ``skip`` when the check could not run (``evidence`` says why)."""

    boundary: Boundary
    check: str
    subject: str
    outcome: Outcome
    evidence: str
    cluster: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def passed(boundary: Boundary, check: str, subject: str, evidence: str, cluster: str) -> Finding:
    return Finding(boundary, check, subject, "pass", evidence, cluster)


def failed(boundary: Boundary, check: str, subject: str, evidence: str, cluster: str) -> Finding:
    return Finding(boundary, check, subject, "fail", evidence, cluster)


def verdict(findings: list[Finding]) -> dict[str, Any]:
    """Counts per outcome and per failing boundary, for the report's last line and JSON."""
    counts = {outcome: 0 for outcome in ("pass", "fail", "skip")}
    for finding in findings:
        counts[finding.outcome] += 1
    failing = sorted({f.boundary for f in findings if f.outcome == "fail"})
    return {**counts, "failing_boundaries": failing, "ok": counts["fail"] == 0}
