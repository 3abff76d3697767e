"""A moving source's offsets carried to its connector on ``to`` before ``done``
(``bulkheads.cutover.carry``), and which cutovers an ``up`` takes to ``done``, against a
fake Connect REST API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bulkheads.cutover.advance import advancing
from bulkheads.cutover.carry import carry_offsets
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import CutoverPhase, PlatformSpec

REPO = Path(__file__).resolve().parents[2]
CUTOVER = "orders-to-target"
OLD, NEW = "http://old", "http://new"
URLS = {"classic-ingest": OLD, "target-ingest": NEW}
OFFSETS = [{"partition": {"filename": "/data/in.txt"}, "offset": {"position": 4711}}]


def _spec(phase: CutoverPhase = "done") -> PlatformSpec:
    spec = load_platform(REPO / "tests/spec/fixtures/valid/cutover_local.yaml")
    cutover = spec.cutovers[CUTOVER].model_copy(update={"phase": phase})
    return spec.model_copy(update={"cutovers": {CUTOVER: cutover}})


class FakeConnect:
    """Connector states and offsets per worker URL; records each PATCH."""

    def __init__(self, states: dict[str, str | None]) -> None:
        self.states = states
        self.offsets = {OLD: OFFSETS, NEW: []}
        self.patched: list[tuple[str, str, list[dict[str, Any]]]] = []

    def get_status(self, base_url: str, name: str) -> dict[str, Any] | None:
        state = self.states[base_url]
        return None if state is None else {"connector": {"state": state}, "tasks": []}

    def get_offsets(self, base_url: str, name: str) -> list[dict[str, Any]]:
        return self.offsets[base_url]

    def patch_offsets(self, base_url: str, name: str, offsets: list[dict[str, Any]]) -> None:
        self.patched.append((base_url, name, offsets))
        self.offsets[base_url] = offsets


def test_the_stopped_sources_offsets_go_to_its_stopped_connector_on_the_target() -> None:
    connect = FakeConnect({OLD: "STOPPED", NEW: "STOPPED"})
    carried = carry_offsets(_spec(), CUTOVER, URLS.__getitem__, connect)
    assert connect.patched == [(NEW, "orders-events", OFFSETS)]
    assert carried.refused == ()
    assert carried.done == (
        "source 'orders-events': 1 offset(s) carried from pool 'classic-ingest' to "
        "'target-ingest' ({'filename': '/data/in.txt'} -> {'position': 4711})",
    )
    again = carry_offsets(_spec(), CUTOVER, URLS.__getitem__, connect)  # a re-run
    assert again == carried and connect.offsets[NEW] == OFFSETS


def test_nothing_is_written_unless_both_connectors_are_stopped() -> None:
    for old, new in (("RUNNING", "STOPPED"), ("STOPPED", "RUNNING"), ("STOPPED", None)):
        connect = FakeConnect({OLD: old, NEW: new})
        carried = carry_offsets(_spec(), CUTOVER, URLS.__getitem__, connect)
        assert connect.patched == [] and carried.done == ()
        assert carried.refused == (
            "source 'orders-events': its offsets move only while both connectors are "
            f"STOPPED (phase producers applied), found on pool 'classic-ingest' {old}, "
            f"on pool 'target-ingest' {new or 'MISSING'}",
        )


def test_only_an_up_from_producers_to_done_advances_to_done() -> None:
    assert advancing(_spec("done"), {CUTOVER: "producers"}, "done") == [CUTOVER]
    assert advancing(_spec("done"), {CUTOVER: "done"}, "done") == []  # re-run of done
    assert advancing(_spec("producers"), {CUTOVER: "producers"}, "done") == []
    assert advancing(_spec("consumers"), {CUTOVER: "mirror"}, "consumers") == [CUTOVER]
