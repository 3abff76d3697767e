"""The single-writer rule's one function: conflicts per cluster and across the platform."""

from __future__ import annotations

from bulkheads.spec.writers import FIX, WriteClaim, writer_conflicts

CDC = "pipeline 'orders-cdc'"
FIXER = "pipeline 'orders-fixer'"
MIRROR = "pipeline 'orders-mirror'"


def test_one_writer_claiming_a_topic_many_times_is_no_conflict() -> None:
    claims = [WriteClaim("raw.o.e", CDC, "east", anchor=i) for i in range(3)]
    assert writer_conflicts(claims) == []


def test_two_writers_on_one_cluster_are_one_conflict_there() -> None:
    first, second = (
        WriteClaim("raw.o.e", CDC, "east", anchor=1),
        WriteClaim("raw.o.e", FIXER, "east"),
    )
    (conflict,) = writer_conflicts([first, second])
    assert (conflict.cluster, conflict.first, conflict.others()) == ("east", first, [second])
    assert conflict.message == (
        f"topic 'raw.o.e' on cluster 'east' has 2 writers: {CDC}, {FIXER}; {FIX}"
    )


def test_a_mirror_copy_on_another_cluster_is_not_a_second_producer() -> None:
    claims = [WriteClaim("raw.o.e", CDC, "east"), WriteClaim("raw.o.e", MIRROR, "west", copy=True)]
    assert writer_conflicts(claims) == []


def test_a_mirror_copying_onto_the_producers_cluster_is_a_second_writer_there() -> None:
    claims = [WriteClaim("raw.o.e", CDC, "east"), WriteClaim("raw.o.e", MIRROR, "east", copy=True)]
    assert [c.cluster for c in writer_conflicts(claims)] == ["east"]


def test_two_producers_on_two_clusters_conflict_across_the_platform() -> None:
    claims = [WriteClaim("raw.o.e", CDC, "east"), WriteClaim("raw.o.e", FIXER, "west")]
    (conflict,) = writer_conflicts(claims)
    assert conflict.cluster is None
    assert conflict.problem == (
        f"topic 'raw.o.e' is produced on clusters 'east', 'west' by 2 writers: {CDC}, {FIXER} "
        "(only a mirror copies a topic under its name to another cluster)"
    )


def test_unplaced_writers_conflict_across_the_platform() -> None:
    claims = [WriteClaim("raw.o.e", CDC, None), WriteClaim("raw.o.e", FIXER, None)]
    assert [(c.cluster, c.writers) for c in writer_conflicts(claims)] == [(None, [CDC, FIXER])]
