"""Cutover gates, the one-phase-at-a-time rule of `up`, the phase override and the
preview grouping, on hand-made observations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bulkheads.cutover import phases
from bulkheads.cutover.advance import refusals
from bulkheads.cutover.commands import group_steps
from bulkheads.cutover.gates import GroupFacts, Observed, PartitionFacts, gate
from bulkheads.plan.cutover import CutoverPlan, cutover_plans
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import CutoverPhase, PlatformSpec

REPO = Path(__file__).resolve().parents[2]
CUTOVER = "orders-to-target"


def _spec(phase: CutoverPhase = "mirror") -> PlatformSpec:
    spec = load_platform(REPO / "tests/spec/fixtures/valid/cutover_local.yaml")
    cutover = spec.cutovers[CUTOVER].model_copy(update={"phase": phase})
    return spec.model_copy(update={"cutovers": {CUTOVER: cutover}})


def _observed(
    state: str = "RUNNING", mirrored: int | None = 100, translated: int | None = 90
) -> Observed:
    partition = PartitionFacts("raw.orders.events", 0, 100, 100, mirrored)
    group = GroupFacts("connect-orders-archive", "raw.orders.events", 0, 90, translated, 100)
    return Observed(state, state, (partition,), (group,))


def test_a_healthy_mirror_lets_consumers_move() -> None:
    verdict = gate(CUTOVER, "consumers", _observed())
    assert verdict.ok, verdict.reasons
    assert {f.check for f in verdict.findings} == {"mirror", "mirror lag", "translated offset"}


def test_a_stopped_mirror_fails_naming_it() -> None:
    verdict = gate(CUTOVER, "consumers", _observed(state="STOPPED"))
    assert verdict.reasons == [
        "mirror source connector: is STOPPED, not RUNNING",
        "mirror checkpoint connector: is STOPPED, not RUNNING",
    ]


def test_lag_beyond_the_bound_fails_per_partition() -> None:
    verdict = gate(CUTOVER, "producers", _observed(mirrored=10), max_lag=50)
    assert verdict.reasons == ["mirror lag raw.orders.events[0]: 90 record(s) behind (at most 50)"]


def test_a_group_without_a_translated_offset_or_ahead_of_the_log_end_fails() -> None:
    assert gate(CUTOVER, "consumers", _observed(translated=None)).reasons == [
        "translated offset connect-orders-archive raw.orders.events[0]: committed 90 on the "
        "old cluster, no translated offset yet"
    ]
    # a partition the group has read nothing of (committed 0) needs no translation: it
    # starts at the beginning on the target (MirrorMaker syncs offsets of copied records)
    observed = _observed(translated=None)
    unread = replace(observed.groups[0], committed=0)
    verdict = gate(CUTOVER, "consumers", replace(observed, groups=(unread,)))
    assert verdict.ok, verdict.reasons
    assert gate(CUTOVER, "consumers", _observed(translated=101)).reasons == [
        "translated offset connect-orders-archive raw.orders.events[0]: 101 is ahead of the "
        "target's log end 100"
    ]


def test_done_needs_the_old_topics_drained_and_unwritten() -> None:
    assert gate(CUTOVER, "done", _observed(state="STOPPED")).ok
    written = Observed(
        "RUNNING", "RUNNING", (PartitionFacts("raw.orders.events", 0, 105, 100, 100),), ()
    )
    assert gate(CUTOVER, "done", written).reasons == [
        "old topic raw.orders.events[0]: 5 record(s) not copied: written since the producer "
        "move, or the mirror has not drained it",
        "end-offset parity raw.orders.events[0]: target end 100, old end 105",
    ]


def test_no_mirrored_partition_is_a_reason() -> None:
    assert gate(CUTOVER, "consumers", Observed("RUNNING", "RUNNING", (), ())).reasons == [
        "mirror topics: no mirrored partition found"
    ]


def _never(plan: CutoverPlan) -> Observed:
    raise AssertionError(f"observed {plan.cutover} though no gate applies")


def test_up_advances_one_phase_at_a_time_and_rolls_back_freely() -> None:
    assert refusals(_spec("mirror"), {}, _never, 1000) == []
    assert refusals(_spec("consumers"), {}, _never, 1000) == [
        "cutover 'orders-to-target': phase 'consumers' skips 'mirror' (applied: none); "
        "advance one phase at a time"
    ]
    assert refusals(_spec("mirror"), {CUTOVER: "producers"}, _never, 1000) == []  # rollback
    stopped = refusals(
        _spec("consumers"), {CUTOVER: "mirror"}, lambda _: _observed("STOPPED"), 1000
    )
    assert stopped[0] == (
        "cutover 'orders-to-target' gate of 'consumers': mirror source connector: is STOPPED, "
        "not RUNNING"
    )
    healthy = refusals(_spec("consumers"), {CUTOVER: "mirror"}, lambda _: _observed(), 1000)
    assert healthy == []


def test_the_phase_override_round_trips_and_refuses_a_bad_entry() -> None:
    assert phases.decode(phases.encode({"a": "done", "b": "mirror"})) == {
        "a": "done",
        "b": "mirror",
    }
    assert phases.from_environment({}) == {}
    with pytest.raises(ValueError, match="'a=later' is not NAME=PHASE"):
        phases.decode("a=later")
    assert phases.applied({"platform": {"cutovers": {"a": "consumers"}}}) == {"a": "consumers"}
    assert phases.applied({}) == {}


def test_preview_steps_are_grouped_by_what_the_phase_does() -> None:
    plan = cutover_plans(_spec(), {CUTOVER: "consumers"})[0]
    steps = [
        {
            "op": "create",
            "type": "bulkheads:connect:Connector",
            "name": "local-connector-orders-archive@target",
        },
        {
            "op": "update",
            "type": "bulkheads:connect:Connector",
            "name": "local-connector-orders-archive",
        },
        {
            "op": "create",
            "type": "kafka:index/acl:Acl",
            "name": "local-cluster-target-data-grant-x",
        },
        {
            "op": "create",
            "type": "bulkheads:connect:Connector",
            "name": "local-connector-orders-to-target-mirror-checkpoint",
        },
        {
            "op": "same",
            "type": "kafka:index/topic:Topic",
            "name": "local-cluster-classic-data-topic-raw",
        },
    ]
    groups = group_steps(plan, steps)
    assert {group: len(names) for group, names in groups.items()} == {
        "connectors on target (moved)": 1,
        "connectors on classic (running, stopped or removed)": 1,
        "data plane of target (target)": 1,
        "the mirror (MirrorMaker 2, its topics and grants)": 1,
    }
