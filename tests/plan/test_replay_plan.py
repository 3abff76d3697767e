"""Replay semantics of the plan: windows at an instant, offsets dialects, progress, runbook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from bulkheads.plan.platform import plan_platform
from bulkheads.plan.replay import (
    connector_offsets,
    eta_seconds,
    next_change,
    positions_from_offsets,
    progress,
    replay_plans,
    start_timestamp_ms,
    window_open,
)
from bulkheads.spec.loader import load_platform
from bulkheads.spec.replay import ReplayFrom, Window, parse_from, parse_window

ROOT = Path(__file__).resolve().parents[2]
minutes = st.integers(min_value=0, max_value=24 * 60 - 1)
instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)
partitions = st.dictionaries(
    st.tuples(st.sampled_from(["raw.a.b", "raw.c.d"]), st.integers(0, 5)),
    st.integers(0, 10_000),
    max_size=8,
)


@given(minutes, minutes, instants)
def test_window_open_matches_the_modular_distance_from_its_start(
    start: int, end: int, at: datetime
) -> None:
    window = Window(start, end)
    minute = at.hour * 60 + at.minute
    expected = start == end or (minute - start) % 1440 < (end - start) % 1440
    assert window_open(window, at) is expected


def test_a_window_across_midnight_is_open_late_and_early_only() -> None:
    window = parse_window("22:00-04:00")
    day = datetime(2026, 3, 1, tzinfo=UTC)
    opened = [h for h in range(24) if window_open(window, day + timedelta(hours=h))]
    assert opened == [0, 1, 2, 3, 22, 23]
    assert window_open(window, datetime(2026, 3, 1, 23, 30, tzinfo=timezone_plus(2))) is False


def timezone_plus(hours: int) -> object:
    from datetime import timezone

    return timezone(timedelta(hours=hours))


@settings(max_examples=60)
@given(minutes, minutes, instants)
def test_next_change_is_the_first_minute_the_window_flips(
    start: int, end: int, at: datetime
) -> None:
    window = Window(start, end)
    change = next_change(window, at)
    if start == end:
        assert change is None
        return
    assert change is not None and change > at
    assert window_open(window, change) != window_open(window, at)
    assert window_open(window, change - timedelta(minutes=1)) == window_open(window, at)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("24:00-01:00", "24:00 is not a clock time"),
        ("01:00-24:01", "24:01 is not a clock time"),
        ("03:60-04:00", "03:60 is not a clock time"),
        ("03:00-03:00", "the window is empty"),
        ("3:00-4:00", "not a time window"),
    ],
)
def test_impossible_windows_are_refused(text: str, problem: str) -> None:
    with pytest.raises(PydanticCustomError) as raised:
        parse_window(text)
    assert raised.value.message() == problem


def test_whole_day_window_is_always_open() -> None:
    assert str(parse_window("00:00-24:00")) == "00:00-00:00"
    assert window_open(parse_window("00:00-24:00"), datetime(2026, 1, 1, 12, tzinfo=UTC))


def test_start_timestamps_of_each_from_shape() -> None:
    started = datetime(2026, 3, 8, tzinfo=UTC)
    assert start_timestamp_ms(parse_from("earliest"), started) is None
    week_ago = int(datetime(2026, 3, 1, tzinfo=UTC).timestamp() * 1000)
    assert start_timestamp_ms(parse_from("7d"), started) == week_ago
    assert start_timestamp_ms(parse_from("2026-03-01T01:00:00+01:00"), started) == week_ago
    assert start_timestamp_ms(ReplayFrom(), started) is None


@given(partitions)
def test_mirror_offsets_round_trip_through_last_copied_offsets(positions: dict) -> None:
    entries = connector_offsets("local-replay", positions)
    for entry in entries:
        offset = entry["offset"]
        position = positions[(entry["partition"]["topic"], entry["partition"]["partition"])]
        assert offset == (None if position == 0 else {"offset": position - 1})
    copied = {tp: p for tp, p in positions.items() if p > 0}
    assert positions_from_offsets("local-replay", entries) == copied
    assert positions_from_offsets("another-alias", entries) == {}


@given(partitions)
def test_sink_offsets_round_trip_through_consumer_group_offsets(positions: dict) -> None:
    entries = connector_offsets(None, positions)
    assert all(set(e["partition"]) == {"kafka_topic", "kafka_partition"} for e in entries)
    assert positions_from_offsets(None, entries) == positions


@given(partitions, partitions, partitions)
def test_progress_counts_only_the_slice_between_start_and_end(
    starts: dict, ends: dict, positions: dict
) -> None:
    done = progress(starts, ends, positions)
    assert 0 <= done.done_records <= done.total_records
    assert done.remaining == done.total_records - done.done_records
    at_end = progress(starts, ends, {**positions, **ends})
    assert at_end.caught_up and at_end.fraction == 1.0


def test_progress_and_eta_of_a_known_slice() -> None:
    done = progress({("t", 0): 10, ("t", 1): 0}, {("t", 0): 30, ("t", 1): 20}, {("t", 0): 20})
    assert (done.done_records, done.total_records, done.caught_up) == (10, 40, False)
    assert eta_seconds(done.remaining, 10.0) == 3.0
    assert eta_seconds(done.remaining, 0.0) is None
    assert eta_seconds(0, 0.0) == 0.0


def test_local_replay_plan_and_its_runbook() -> None:
    spec = load_platform(ROOT / "stacks" / "Pulumi.local.yaml")
    plan = plan_platform(spec, ROOT)
    (replay,) = replay_plans(spec, plan)
    assert (replay.pipeline, replay.rest_url) == ("orders-rebuild", "http://127.0.0.1:18085")
    assert replay.mirror_alias == "local-replay" and replay.consumer_byte_rate == 512 * 1024
    connector = next(c for c in plan.connectors if c.pipeline == "orders-rebuild")
    assert (connector.state, connector.scheduled) == ("stopped", True)
    assert not any(c.scheduled for c in plan.connectors if c.kind != "replay")
    text = replay.runbook("local")
    assert "stop:    bulkheads replay stop orders-rebuild --stack local" in text
    assert "reset:   bulkheads replay rerun orders-rebuild --stack local" in text
    assert "--discard-output" in text and "derived.orders.rebuilt" in text


def test_kubernetes_runbook_names_its_cronjob_and_connector() -> None:
    spec = load_platform(ROOT / "stacks" / "Pulumi.dev.yaml")
    (replay,) = replay_plans(spec, plan_platform(spec, ROOT))
    assert replay.rest_url is None and replay.namespace == f"connect-{replay.pool}"
    text = replay.runbook("dev")
    assert f"the {replay.pool}-replay-scheduler CronJob stops it" in text
    state = f"kubectl -n {replay.namespace} patch configmap {replay.connector}-replay"
    assert f'{state} --type merge -p \'{{"data":{{"phase":"stopped"}}}}\'' in text
    assert f'{state} --type merge -p \'{{"data":{{"phase":"waiting"}}}}\'' in text
