"""The isolated-vs-baseline table (Markdown) of both runs' figures."""

from __future__ import annotations

from bulkheads.isolation.scenarios import Outcome

# (scenario, figure key, what it is, format)
ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("sink-outage", "rate_before", "live delivery, no fault (lines/s)", "{:.0f}"),
    ("sink-outage", "rate_during", "live delivery, sink failing (lines/s)", "{:.0f}"),
    ("sink-outage", "fresh_before", "live p99 freshness, no fault (s)", "{:.2f}"),
    ("sink-outage", "fresh_during", "live p99 freshness, sink failing (s)", "{:.2f}"),
    ("sink-outage", "sink_failures", "sink restarts after failing", "{:.0f}"),
    ("backfill", "throughput_before", "live throughput, no replay (records/s)", "{:.0f}"),
    ("backfill", "throughput_during", "live throughput, replay running (records/s)", "{:.0f}"),
    ("backfill", "p99_before", "live p99 send latency, no replay (ms)", "{:.1f}"),
    ("backfill", "p99_during", "live p99 send latency, replay running (ms)", "{:.1f}"),
    ("backfill", "replay_first_kib_s", "replay copy rate, first 11 s (KiB/s)", "{:.0f}"),
    ("backfill", "replay_kib_s", "replay copy rate, whole run (KiB/s)", "{:.0f}"),
    (
        "backfill",
        "replay_admitted_kib_s",
        "most the replay quota admits, whole run (KiB/s)",
        "{:.0f}",
    ),
    ("crashing-connector", "crashes", "crash cycles of the derived connector", "{:.0f}"),
    ("crashing-connector", "live_rebalances", "rebalances of the live worker group", "{:.0f}"),
    ("crashing-connector", "live_task_restarts", "restarts of the live task", "{:.0f}"),
    ("wrong-team-write", "attempted", "foreign records attempted", "{:.0f}"),
    ("wrong-team-write", "landed", "foreign records landed", "{:.0f}"),
)


def _cell(result: Outcome | BaseException | None, key: str, fmt: str) -> str:
    if result is None:
        return "not run"
    if isinstance(result, BaseException):
        return f"error: {type(result).__name__}"
    value = result.figures.get(key)
    return "-" if value is None else fmt.format(value)


def table(results: dict[str, dict[str, Outcome | BaseException]]) -> str:
    """Markdown rows: scenario, figure, isolated, baseline."""
    lines = ["| scenario | figure | isolated | baseline |", "|---|---|---|---|"]
    for scenario, key, label, fmt in ROWS:
        cells = [
            _cell(results.get(m, {}).get(scenario), key, fmt) for m in ("isolated", "baseline")
        ]
        lines.append(f"| {scenario} | {label} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)
