"""The scorecard as a terminal table, a Markdown PR comment, or JSON-ready data."""

from __future__ import annotations

from typing import Any

from bulkheads.readiness.facts import Check
from bulkheads.readiness.scorecard import Scorecard

MARKS = {"green": "🟢", "yellow": "🟡", "red": "🔴", "offline": "⚪"}
EVIDENCE = 3


def scorecard_data(card: Scorecard) -> dict[str, Any]:
    """Areas, signals and every check, with verdicts."""
    return {
        "stack": card.stack,
        "status": card.status,
        "sources": card.sources,
        "areas": [
            {
                "area": area.name,
                "status": area.status,
                "signals": [
                    {
                        "signal": signal.name,
                        "checks_for": signal.question,
                        "status": signal.status,
                        "checks": [
                            {"status": c.status, "where": c.where, "detail": c.detail, "fix": c.fix}
                            for c in signal.checks
                        ],
                    }
                    for signal in area.signals
                ],
            }
            for area in card.areas
        ],
    }


def _summary(card: Scorecard) -> list[tuple[str, str, str]]:
    return [
        (
            area.name,
            area.status,
            ", ".join(f"{s.name} {s.status}" for s in area.signals),
        )
        for area in card.areas
    ]


def _shown(checks: tuple[Check, ...]) -> tuple[list[Check], int]:
    """Non-green checks; when all pass, the first ``EVIDENCE`` green ones (and how many
    more passed)."""
    failing = [check for check in checks if check.status != "green"]
    if failing:
        return failing, 0
    return list(checks[:EVIDENCE]), max(0, len(checks) - EVIDENCE)


def render_table(card: Scorecard) -> str:
    """Verdicts per area, then each signal with its non-green checks and fixes."""
    lines = [f"readiness of {card.stack}: {card.status.upper()}", f"({card.sources})", ""]
    lines.append(f"{'area':<15} {'verdict':<7}  signals")
    lines += [f"{a:<15} {s.upper():<7}  {sig}" for a, s, sig in _summary(card)]
    for area in card.areas:
        lines += ["", f"{area.name}: {area.status.upper()}"]
        for signal in area.signals:
            lines.append(f"  [{signal.status}] {signal.name} — {signal.question}")
            shown, more = _shown(signal.checks)
            for check in shown:
                fix = f" Fix: {check.fix}." if check.fix else ""
                lines.append(f"      {check.status:<6} {check.where}: {check.detail}.{fix}")
            if more:
                lines.append(f"      …and {more} more green")
    return "\n".join(lines)


def render_markdown(card: Scorecard) -> str:
    """A PR comment: the verdict table, then details per area."""
    lines = [
        f"### Migration readiness of `{card.stack}`: {MARKS[card.status]} {card.status}",
        "",
        f"_{card.sources[0].upper()}{card.sources[1:]}._",
        "",
        "| Area | Verdict | Signals |",
        "|---|---|---|",
    ]
    for area in card.areas:
        signals = ", ".join(f"{MARKS[s.status]} {s.name}" for s in area.signals)
        lines.append(f"| {area.name} | {MARKS[area.status]} {area.status} | {signals} |")
    for area in card.areas:
        lines += ["", f"#### {MARKS[area.status]} {area.name}", ""]
        for signal in area.signals:
            lines.append(f"- {MARKS[signal.status]} **{signal.name}** — {signal.question}")
            shown, more = _shown(signal.checks)
            for check in shown:
                fix = f" **Fix:** {check.fix}." if check.fix else ""
                lines.append(f"  - {MARKS[check.status]} `{check.where}`: {check.detail}.{fix}")
            if more:
                lines.append(f"  - …and {more} more green")
    return "\n".join(lines)
