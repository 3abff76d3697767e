"""A cutover under way in a partitioned estate, for real: ``bulkheads up <file> --all``
applies the phases of the cutover walk's stack with ``partition: cluster`` (stacks
``local-network``, ``local-classic`` and ``local-target``; the mirror pool's ``target``
stack reads ``classic``) while the walk's FileStream source and sink carry numbered
records (``tests/integration/test_cutover_walk_local.py``):

    mirror -> consumers -> mirror (rollback)

Before any partition stack runs, ``up --all`` checks the gate and runs the live steps on the
phases the network stack applied: for ``consumers`` the sink stops on ``classic`` and its
offsets reach ``target``; ``local-classic`` then keeps its connector stopped (for a
rollback) and ``local-target`` creates it there, starting at or after the offsets
translated before the move.
The rollback resumes it on ``classic`` where it stopped on ``target``. Every record written
reaches the sink's file; the re-reads are counted, printed and bounded as in the walk.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from unittest import mock

import pytest

from bulkheads.engine import Engine
from tests.integration.test_cutover_walk_local import (
    OFFSET_LAG_MAX,
    PARTITIONS,
    Walk,
    consumer_move,
    open_walk,
)

pytestmark = pytest.mark.integration
SINK = "orders-archive"


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]) -> Iterator[Walk]:
    state = tmp_path_factory.mktemp("partition-cutover")
    with open_walk(state, free_port, partition="cluster") as opened:
        yield opened


def sink_stacks(walk: Walk) -> dict[str, str]:
    """The partition stacks whose state holds a connector of the sink, and its state."""
    holding = {}
    with mock.patch.dict(os.environ, walk.env):
        engine = Engine.ensure()
        for partition in ("classic", "target"):
            stack = engine.stack(f"local-{partition}", estate="local")
            for resource in (stack.export_stack().deployment or {}).get("resources", []):
                inputs = resource.get("inputs") or {}
                if inputs.get("name") == SINK and "rest_url" in inputs:
                    holding[stack.name] = inputs["state"]
    return holding


def test_a_cutover_moves_the_sink_across_partition_stacks_and_back(walk: Walk) -> None:
    walk.writer.start()
    seconds, _ = walk.up("mirror")
    reads = walk.await_complete("mirror")
    walk.figures.append(f"mirror: up --all {seconds:.0f}s; {sum(reads.values())} records so far")
    assert sink_stacks(walk) == {"local-classic": "running"}

    consumer_move(walk, "consumers")  # the hand-over ran first; re-reads bounded
    # it runs in target's stack; the old one is kept stopped on classic, for a rollback
    assert sink_stacks(walk) == {"local-classic": "stopped", "local-target": "running"}

    seconds, said = walk.up("mirror")  # rollback from consumers
    assert f"'{SINK}': resumes on the old cluster where it stopped" in said, said
    reads = walk.await_complete("rollback from consumers")
    returned = sum(n if walk.seen[seq] > n else n - 1 for seq, n in reads.items())
    walk.figures.append(f"rollback from consumers: up --all {seconds:.0f}s; re-read {returned}")
    assert returned <= PARTITIONS * OFFSET_LAG_MAX, returned
    assert sink_stacks(walk) == {"local-classic": "running"}
    walk.writer.running = False
    walk.writer.join(10)
    walk.await_complete("end")  # every record written reaches the sink
    total = sum(walk.seen.values())
    walk.figures.append(
        f"partitioned walk: {walk.writer.written} records written, {total} read by the sink, "
        f"{total - walk.writer.written} duplicates"
    )
    print("\n" + "\n".join(walk.figures))
