"""The local replay scheduler against a fake Connect worker and fake topic offsets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bulkheads.plan.replay import ReplayPlan, TopicPartition, connector_offsets
from bulkheads.replay.progress_store import ProgressStore, ReplayRecord
from bulkheads.replay.report import render_status, status_rows
from bulkheads.replay.scheduler import ConnectApi, tick
from bulkheads.spec.replay import parse_from, parse_until, parse_window

URL = "http://127.0.0.1:18085"
TP0, TP1 = ("raw.orders.events", 0), ("raw.orders.events", 1)
T0 = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # window 22:00-04:00 is closed
INSIDE = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
AFTER = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)

REPLAY = ReplayPlan(
    pipeline="orders-rebuild",
    connector="orders-rebuild",
    pool="replay",
    cluster="local",
    window=parse_window("22:00-04:00"),
    start=parse_from("2026-03-01T00:00:00Z"),
    until=parse_until("caught_up"),
    held=False,
    reads=("raw.orders.events",),
    writes=("derived.orders.rebuilt",),
    mirror_alias="local-replay",
    consumer_byte_rate=512 * 1024,
    rest_url=URL,
)


class FakeConnect(ConnectApi):
    """A worker holding one connector: its state, its offsets, the calls made to it."""

    def __init__(self, state: str = "STOPPED") -> None:
        self.connector_state = state
        self.stored: list[dict[str, Any]] = []
        self.calls: list[str] = []

    def state(self, url: str, name: str) -> str | None:
        return self.connector_state

    def move(self, url: str, name: str, state: str) -> None:
        self.calls.append(state)
        self.connector_state = state.upper()

    def offsets(self, url: str, name: str) -> list[dict[str, Any]]:
        return self.stored

    def patch(self, url: str, name: str, entries: list[dict[str, Any]]) -> None:
        assert self.connector_state == "STOPPED", "offsets are altered only while stopped"
        self.calls.append("patch")
        self.stored = entries

    def restart_failed(self, url: str, name: str) -> bool:
        if self.connector_state != "FAILED":
            return False
        self.calls.append("restart")
        self.connector_state = "RUNNING"
        return True

    def copy_up_to(self, positions: dict[TopicPartition, int]) -> None:
        self.stored = connector_offsets("local-replay", positions)


class FakePositions:
    def __init__(self) -> None:
        self.asked: list[int] = []

    def bounds(self, topics: tuple[str, ...]) -> dict[TopicPartition, tuple[int, int]]:
        return {TP0: (0, 100), TP1: (5, 50)}

    def at_time(self, topics: tuple[str, ...], timestamp_ms: int) -> dict[TopicPartition, int]:
        self.asked.append(timestamp_ms)
        return {TP0: 40, TP1: 20}


def run(connect: FakeConnect, records: dict[str, ReplayRecord], now: datetime, **kw: Any) -> str:
    replay = replace(REPLAY, **kw)
    (outcome,) = tick((replay,), records, now, lambda _cluster: FakePositions(), connect)
    return outcome.phase


def test_outside_the_window_nothing_starts() -> None:
    connect, records = FakeConnect(), {}
    assert run(connect, records, T0) == "waiting"
    assert connect.calls == [] and records["orders-rebuild"].started_at is None


def test_first_tick_inside_stops_patches_the_declared_start_and_resumes() -> None:
    connect, records = FakeConnect("RUNNING"), {}
    assert run(connect, records, INSIDE) == "running"
    assert connect.calls == ["stopped", "patch", "running"]
    assert connect.stored == connector_offsets("local-replay", {TP0: 40, TP1: 20})
    record = records["orders-rebuild"]
    assert record.starts == {TP0: 40, TP1: 20} and record.ends == {TP0: 100, TP1: 50}


def test_window_close_stops_and_reopening_resumes_without_restarting() -> None:
    connect, records = FakeConnect(), {}
    run(connect, records, INSIDE)
    connect.copy_up_to({TP0: 60, TP1: 30})
    assert run(connect, records, AFTER) == "outside-window"
    assert connect.connector_state == "STOPPED"
    assert run(connect, records, AFTER) == "outside-window"  # idempotent: no second call
    assert connect.calls == ["patch", "running", "stopped"]
    assert run(connect, records, INSIDE.replace(day=2)) == "running"
    assert connect.calls[-1] == "running" and connect.calls.count("patch") == 1


def test_caught_up_stops_itself_and_stays_done_until_rerun(tmp_path: Path) -> None:
    connect, records = FakeConnect(), {}
    run(connect, records, INSIDE)
    connect.copy_up_to({TP0: 70, TP1: 35})
    assert run(connect, records, LATER) == "running"
    assert records["orders-rebuild"].records_per_second == pytest.approx(45 / 7200)
    connect.copy_up_to({TP0: 100, TP1: 50})
    assert run(connect, records, LATER.replace(hour=2)) == "done"
    assert connect.connector_state == "STOPPED"
    assert run(connect, records, INSIDE.replace(day=3)) == "done"
    assert connect.connector_state == "STOPPED"

    store = ProgressStore("local", tmp_path)
    store.save(records)
    assert store.load()["orders-rebuild"].ends == {TP0: 100, TP1: 50}  # survives a restart
    rows = status_rows((REPLAY,), store.load(), LATER)
    assert (rows[0]["phase"], rows[0]["records_done"], rows[0]["records_total"]) == ("done", 90, 90)
    assert "done: window 22:00-04:00 UTC open" in render_status(rows)


def test_a_failed_replay_is_restarted_not_resumed() -> None:
    connect, records = FakeConnect(), {}
    run(connect, records, INSIDE)
    connect.copy_up_to({TP0: 60, TP1: 30})
    connect.connector_state, before = "FAILED", len(connect.calls)
    assert run(connect, records, LATER) == "running"
    assert connect.calls[before:] == ["restart"]  # not a resume of the failed connector
    assert connect.connector_state == "RUNNING"
    assert run(connect, records, LATER.replace(hour=2)) == "running"
    assert connect.calls.count("restart") == 1  # nothing failed any more


def test_held_replays_stay_stopped_inside_the_window() -> None:
    connect, records = FakeConnect("RUNNING"), {}
    assert run(connect, records, INSIDE, held=True) == "held"
    assert connect.calls == ["stopped"]


def test_until_a_timestamp_ends_at_the_first_offsets_at_or_after_it() -> None:
    connect, records = FakeConnect(), {}
    until = parse_until("2026-03-01T12:00:00Z")
    run(connect, records, INSIDE, start=parse_from("earliest"), until=until)
    record = records["orders-rebuild"]
    assert record.starts == {TP0: 0, TP1: 5} and record.ends == {TP0: 40, TP1: 20}


def test_kubernetes_replays_are_left_to_their_cronjob() -> None:
    connect, records = FakeConnect(), {}
    kubernetes = replace(REPLAY, rest_url=None, namespace="connect-replay")
    (outcome,) = tick((kubernetes,), records, INSIDE, lambda _c: FakePositions(), connect)
    assert outcome.action == "scheduled by its CronJob" and connect.calls == []
