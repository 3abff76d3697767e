"""The hand-over before ``consumers`` (``bulkheads.cutover.handover``): the old sink is
stopped first, then ``up`` waits for its group's offsets on ``to`` (Connect, Kafka and the
offset syncs faked)."""

from __future__ import annotations

from typing import Any

import pytest

from bulkheads.cutover import handover
from bulkheads.ops.endpoints import Endpoints
from tests.unit.test_cutover_carry import CUTOVER, _spec

TP = ("raw.orders.events", 0)


class World:
    """The old sink's state, its group on both clusters and the syncs."""

    def __init__(self, synced_after: int) -> None:
        self.state = "RUNNING"
        self.calls: list[str] = []
        self.polls = 0
        self.synced_after = synced_after

    def probe(self, config: dict[str, str]) -> Any:
        world = self
        cluster = config["cluster"]

        class Probe:
            def group_positions(self, group: str, topics: Any) -> dict[Any, int | None]:
                assert group == "connect-orders-archive"
                if cluster == "classic":
                    return {TP: 250}
                world.polls += 1
                return {TP: 201 if world.polls > world.synced_after else 120}

            def close(self) -> None:
                pass

        return Probe()


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    made = World(synced_after=2)

    def state(url: str, name: str) -> dict[str, Any]:
        return {"connector": {"state": made.state}, "tasks": []}

    def request(url: str, name: str, wanted: str) -> None:
        made.calls.append(f"{wanted} {name} at {url}")
        made.state = "STOPPED"

    monkeypatch.setattr(handover.rest, "get_status", state)
    monkeypatch.setattr(handover.rest, "request_state", request)
    monkeypatch.setattr(handover.rest, "wait_for_state", lambda *a: {})
    monkeypatch.setattr(handover, "KafkaProbe", made.probe)
    monkeypatch.setattr(handover, "read_syncs", lambda probe, topic: {TP: [(0, 0), (200, 200)]})
    monkeypatch.setattr(handover.time, "sleep", lambda seconds: None)
    return made


def _endpoints() -> Endpoints:
    class Configs(Endpoints):
        def admin_config(self, cluster: str) -> dict[str, str]:
            return {"cluster": cluster}

    return Configs(_spec("consumers"))


def test_the_old_sink_stops_first_and_up_waits_for_its_offsets_on_the_target(
    world: World,
) -> None:
    moved = handover.hand_over_sinks(_spec("consumers"), CUTOVER, _endpoints(), wait=60)
    assert world.calls == ["stopped orders-archive at http://127.0.0.1:28084"]
    assert world.polls == 3  # two polls behind (120 < 201), the third reached 201
    assert moved.refused == ()
    assert moved.done == (
        "sink 'orders-archive': stopped on the old cluster; its offsets on the target synced",
    )


def test_offsets_still_behind_after_the_wait_are_named(world: World) -> None:
    world.synced_after = 10**6
    moved = handover.hand_over_sinks(_spec("consumers"), CUTOVER, _endpoints(), wait=0)
    assert moved.done == (
        "sink 'orders-archive': stopped on the old cluster; its offsets on the target still "
        "behind after 0s (raw.orders.events[0] 120 < 201)",
    )
