"""A sink's offsets translated through MirrorMaker's offset syncs, back (a rollback) and
forward (the hand-over waits for it): never past a record it did not read, at most one
sync behind; and which ``up`` is a rollback whose sinks return."""

from __future__ import annotations

import struct

from hypothesis import given
from hypothesis import strategies as st

from bulkheads.cutover.rollback import decode_sync, rollbacks, translate_back, translate_forward
from tests.unit.test_cutover_carry import CUTOVER, _spec


def test_a_group_at_a_synced_record_resumes_at_its_upstream_offset() -> None:
    syncs = [(0, 0), (150, 100), (330, 200)]
    assert translate_back(syncs, 100) == 150  # the record at 100 is upstream 150, unread
    assert translate_back(syncs, 180) == 151  # read past 100 (upstream 150): resume after it
    assert translate_back(syncs, 250) == 331
    assert translate_back([(40, 10)], 5) is None  # no sync at or before: nothing known


@given(
    gaps=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=300),
    every=st.integers(min_value=1, max_value=120),
    read=st.integers(min_value=0, max_value=299),
)
def test_translating_back_never_skips_and_rereads_at_most_one_sync(
    gaps: list[int], every: int, read: int
) -> None:
    """A mirror copying upstream records (offsets with gaps, e.g. transaction markers) in
    order, a sync at its first record and then every ``every`` records; a group that read
    the first ``read`` copies resumes upstream at or before the first record it did not
    read, and at most ``every`` records earlier."""
    upstream = [sum(gaps[: i + 1]) for i in range(len(gaps))]
    read = min(read, len(upstream) - 1)
    syncs = [(upstream[d], d) for d in range(0, len(upstream), every)]
    back = translate_back(syncs, read)
    assert back is not None
    assert back <= upstream[read]  # the first unread record is not skipped
    assert sum(1 for u in upstream if back <= u < upstream[read]) <= every


@given(
    gaps=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=300),
    every=st.integers(min_value=1, max_value=120),
    read=st.integers(min_value=0, max_value=299),
)
def test_translating_forward_never_skips_and_rereads_at_most_one_sync(
    gaps: list[int], every: int, read: int
) -> None:
    """The same mirror; a group on ``from`` at the ``read``-th upstream record resumes on
    ``to`` at or before its copy, at most ``every`` copies earlier."""
    upstream = [sum(gaps[: i + 1]) for i in range(len(gaps))]
    read = min(read, len(upstream) - 1)
    syncs = [(upstream[d], d) for d in range(0, len(upstream), every)]
    at = translate_forward(syncs, upstream[read])
    assert at is not None
    assert read - every < at <= read
    assert translate_forward(syncs, upstream[0] - 1) is None


def test_an_offset_sync_record_decodes() -> None:
    topic = b"raw.orders.events"
    key = struct.pack(">h", len(topic)) + topic + struct.pack(">i", 2)
    assert decode_sync(key, struct.pack(">qq", 1234, 1200)) == (
        ("raw.orders.events", 2),
        (1234, 1200),
    )


def test_only_a_rollback_to_mirror_from_a_phase_with_moved_sinks_returns_them() -> None:
    assert rollbacks(_spec("mirror"), {CUTOVER: "consumers"}) == [CUTOVER]
    assert rollbacks(_spec("mirror"), {CUTOVER: "producers"}) == [CUTOVER]
    assert rollbacks(_spec("mirror"), {CUTOVER: "mirror"}) == []
    assert rollbacks(_spec("consumers"), {CUTOVER: "producers"}) == []
