"""One scheduler tick over a stack's local replays: level-triggered, so running it again (or
from cron every minute) changes nothing that is already right.

Per replay, in order:

1. held by the stack (``connector.state`` paused/stopped), stopped by an operator, or done:
   keep the connector stopped;
2. outside its window: keep it stopped (phase ``waiting`` or ``outside-window``);
3. inside it, first time: stop it, read its start positions (``from``) and end positions
   (``until``) from its cluster, PATCH its offsets to the start, resume it;
4. inside it, later: read its positions from its offsets; caught up -> stop it, ``done``;
   FAILED (connector or a task) -> restart what failed; else keep it running and measure
   its rate.

The clock (``now``), the Connect API and the Kafka position reader are injected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bulkheads.plan.replay import (
    ReplayPlan,
    TopicPartition,
    connector_offsets,
    positions_from_offsets,
    progress,
    start_timestamp_ms,
    window_open,
)
from bulkheads.replay.progress_store import ReplayRecord
from bulkheads.spec.replay import iso


class Positions(Protocol):
    """Reads offsets of topics on one cluster (see ``kafka_positions.KafkaPositions``)."""

    def bounds(self, topics: tuple[str, ...]) -> dict[TopicPartition, tuple[int, int]]: ...

    def at_time(self, topics: tuple[str, ...], timestamp_ms: int) -> dict[TopicPartition, int]: ...


class ConnectApi:
    """The Connect REST calls a tick makes (``bulkheads.connect.rest``)."""

    def state(self, url: str, name: str) -> str | None:
        """``RUNNING``/``STOPPED``/... or None when the connector does not exist."""
        from bulkheads.connect import rest

        status = rest.get_status(url, name)
        return None if status is None else rest.observed_state(status)

    def move(self, url: str, name: str, state: str) -> None:
        """Request ``state`` (running | stopped) and wait until it is reached."""
        from bulkheads.connect import rest

        rest.request_state(url, name, state)
        rest.wait_for_state(url, name, state)

    def offsets(self, url: str, name: str) -> list[dict[str, Any]]:
        from bulkheads.connect import rest

        return rest.get_offsets(url, name)

    def patch(self, url: str, name: str, entries: list[dict[str, Any]]) -> None:
        from bulkheads.connect import rest

        rest.patch_offsets(url, name, entries)

    def restart_failed(self, url: str, name: str) -> bool:
        """Restart the connector and its tasks that FAILED; False when none had."""
        from bulkheads.connect import rest

        return rest.restart_failed(url, name)


@dataclass(frozen=True)
class Outcome:
    """What one tick did to one replay."""

    pipeline: str
    phase: str
    action: str


def tick(
    replays: tuple[ReplayPlan, ...],
    records: dict[str, ReplayRecord],
    now: datetime,
    positions_of: Callable[[str], Positions],
    connect: ConnectApi | None = None,
) -> list[Outcome]:
    """Drive every local replay one step (``records`` is updated in place)."""
    api = connect or ConnectApi()
    outcomes = []
    for replay in replays:
        if replay.rest_url is None:
            outcomes.append(Outcome(replay.pipeline, "-", "scheduled by its CronJob"))
            continue
        record = records.setdefault(replay.pipeline, ReplayRecord())
        outcomes.append(_step(replay, replay.rest_url, record, now, positions_of, api))
        record.last_tick = iso(now)
    return outcomes


def _step(
    replay: ReplayPlan,
    url: str,
    record: ReplayRecord,
    now: datetime,
    positions_of: Callable[[str], Positions],
    api: ConnectApi,
) -> Outcome:
    name = replay.connector
    state = api.state(url, name)
    if state is None:
        return Outcome(replay.pipeline, record.phase, "no connector yet: run pulumi up")

    def ensure(wanted: str, phase: str, reason: str) -> Outcome:
        record.phase = phase
        if state != wanted.upper():
            api.move(url, name, wanted)
            return Outcome(replay.pipeline, phase, f"{wanted} ({reason})")
        return Outcome(replay.pipeline, phase, f"stays {wanted} ({reason})")

    if replay.held:
        return ensure("stopped", "held", "the stack declares it not running")
    if record.phase in ("done", "stopped"):
        return ensure("stopped", record.phase, record.phase)
    if not window_open(replay.window, now):
        phase = "waiting" if record.started_at is None else "outside-window"
        return ensure("stopped", phase, f"outside {replay.window}")
    if record.started_at is None:
        _start(replay, url, record, now, positions_of(replay.cluster), api, state)
        return Outcome(replay.pipeline, "running", f"started from {replay.start}")
    seen = positions_from_offsets(replay.mirror_alias, api.offsets(url, name))
    _measure(record, seen, now)
    if progress(record.starts, record.ends, record.positions).caught_up:
        record.done_at = iso(now)
        return ensure("stopped", "done", f"reached {replay.until}")
    if api.restart_failed(url, name):  # restarted from its offsets, not resumed
        record.phase = "running"
        return Outcome(replay.pipeline, "running", "restarted what FAILED")
    return ensure("running", "running", f"inside {replay.window}")


def _start(
    replay: ReplayPlan,
    url: str,
    record: ReplayRecord,
    now: datetime,
    positions: Positions,
    api: ConnectApi,
    state: str,
) -> None:
    """Offsets to the declared start (stop, PATCH, resume); ends fixed from ``until``."""
    bounds = positions.bounds(replay.reads)
    stamp = start_timestamp_ms(replay.start, now)
    starts = (
        {tp: low for tp, (low, _) in bounds.items()}
        if stamp is None
        else positions.at_time(replay.reads, stamp)
    )
    ends = (
        {tp: high for tp, (_, high) in bounds.items()}
        if replay.until.at is None
        else positions.at_time(replay.reads, int(replay.until.at.timestamp() * 1000))
    )
    if state != "STOPPED":
        api.move(url, replay.connector, "stopped")
    api.patch(url, replay.connector, connector_offsets(replay.mirror_alias, starts))
    record.starts, record.ends, record.positions = starts, ends, dict(starts)
    record.started_at, record.done_at, record.phase = iso(now), None, "running"
    api.move(url, replay.connector, "running")


def _measure(record: ReplayRecord, seen: dict[TopicPartition, int], now: datetime) -> None:
    """Merge newly seen positions and update the rate (records/s) since the last tick."""
    before = progress(record.starts, record.ends, record.positions).done_records
    record.positions = {**record.positions, **seen}
    after = progress(record.starts, record.ends, record.positions).done_records
    if record.last_tick is not None:
        elapsed = (now - datetime.fromisoformat(record.last_tick)).total_seconds()
        if elapsed > 0 and after > before:
            record.records_per_second = (after - before) / elapsed
