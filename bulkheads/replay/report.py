"""What ``bulkheads replay status`` shows: per replay its window (open now? next change),
phase, progress, rate and ETA; with one NAME also its runbook (``bulkheads show`` prints
every replay's runbook too)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.plan.platform import plan_platform
from bulkheads.plan.replay import (
    ReplayPlan,
    eta_seconds,
    next_change,
    progress,
    replay_plans,
    window_open,
)
from bulkheads.replay.progress_store import ReplayRecord
from bulkheads.spec.model import PlatformSpec
from bulkheads.spec.replay import iso
from bulkheads.spec.units import format_byte_size


def status_rows(
    replays: tuple[ReplayPlan, ...], records: dict[str, ReplayRecord], now: datetime
) -> list[dict[str, Any]]:
    """One row per replay, as plain data (``--json`` prints it as is)."""
    rows = []
    for replay in replays:
        record = records.get(replay.pipeline, ReplayRecord())
        done = progress(record.starts, record.ends, record.positions)
        change = next_change(replay.window, now)
        started = record.started_at is not None
        rows.append(
            {
                "pipeline": replay.pipeline,
                "pool": replay.pool,
                "window": str(replay.window),
                "window_open": window_open(replay.window, now),
                "window_changes_at": iso(change) if change else None,
                "from": str(replay.start),
                "until": str(replay.until),
                "quota": format_byte_size(replay.consumer_byte_rate) + "/s",
                "phase": "held" if replay.held else record.phase,
                "started_at": record.started_at,
                "done_at": record.done_at,
                "records_done": done.done_records if started else None,
                "records_total": done.total_records if started else None,
                "records_per_second": round(record.records_per_second, 1),
                "eta_seconds": eta_seconds(done.remaining, record.records_per_second)
                if started
                else None,
                "scheduler": "tick" if replay.rest_url else "cronjob",
            }
        )
    return rows


def render_status(rows: list[dict[str, Any]]) -> str:
    """The table form; a single row's runbook follows it."""
    lines = []
    for row in rows:
        window = f"{row['window']} UTC {'open' if row['window_open'] else 'closed'}"
        if row["window_changes_at"]:
            window += f" until {row['window_changes_at']}"
        done = "-"
        if row["records_total"] is not None:
            total = row["records_total"]
            share = 100.0 if total == 0 else 100.0 * row["records_done"] / total
            done = f"{row['records_done']}/{total} records ({share:.0f}%)"
        eta = "-" if row["eta_seconds"] is None else f"{row['eta_seconds']:.0f}s"
        lines.append(
            f"{row['pipeline']} [{row['pool']}] {row['phase']}: window {window}; "
            f"from {row['from']} until {row['until']}; {done}; "
            f"{row['records_per_second']} rec/s, ETA {eta}; quota {row['quota']}"
        )
        if "runbook" in row:
            lines.append(row["runbook"])
    return "\n".join(lines) if lines else "no replay pipelines in this stack"


def runbooks(spec: PlatformSpec, stack: str) -> str:
    """Every replay's runbook (for ``bulkheads show``); empty without replays."""
    plans = replay_plans(spec, plan_platform(spec, PROJECT_ROOT))
    return "\n".join(["replay runbooks", *(r.runbook(stack) for r in plans)]) if plans else ""
