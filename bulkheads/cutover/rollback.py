"""Sinks that go back to ``from`` resume where they stopped on ``to``: the live step
``bulkheads up`` runs before it rolls a cutover back to ``mirror``.

On ``to`` a moved sink committed offsets of the mirror's copies; on ``from`` its old
connector (stopped) still holds the offsets it had when it moved. Before the rollback
resumes it there, :func:`return_sinks` stops the moved sink on ``to`` (the rollback
removes it anyway), reads its final group offsets there, translates them back through the
mirror's offset syncs (:func:`translate_back`) and writes them to the old connector
(``PATCH /connectors/NAME/offsets``), never behind what it had committed on ``from``. So
the old sink re-reads at most one offset sync per partition instead of everything it read
on ``to``. Safe to re-run: the moved sink stays stopped (or is gone; its group's offsets
stay on ``to``), and an old sink that already resumed is left alone.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping

from confluent_kafka import KafkaError, TopicPartition

from bulkheads.connect import rest
from bulkheads.cutover.carry import Moved
from bulkheads.ops.endpoints import Endpoints
from bulkheads.ops.lag import KafkaProbe, Partition
from bulkheads.plan import names
from bulkheads.plan.cutover import cutover_plans
from bulkheads.spec.model import PlatformSpec, SinkPipeline

OffsetSync = tuple[int, int]
"""``(upstream, downstream)``: the record at ``upstream`` on ``from`` is at ``downstream``
on ``to``."""


def translate_back(syncs: Iterable[OffsetSync], downstream: int) -> int | None:
    """The offset on ``from`` to resume at for a group at ``downstream`` on ``to``: from the
    latest sync at or before it, its upstream offset (``downstream`` is that record) or the
    next one (it was read), as MirrorMaker translates the other way; None without a sync."""
    before = [sync for sync in syncs if sync[1] <= downstream]
    if not before:
        return None
    upstream, at = max(before, key=lambda sync: (sync[1], -sync[0]))
    return upstream if downstream == at else upstream + 1


def translate_forward(syncs: Iterable[OffsetSync], upstream: int) -> int | None:
    """Where a group at ``upstream`` on ``from`` resumes on ``to``, as MirrorMaker's
    checkpoints translate it: from the latest sync at or before it, its downstream offset
    or the next one; None without a sync."""
    before = [sync for sync in syncs if sync[0] <= upstream]
    if not before:
        return None
    at, downstream = max(before, key=lambda sync: (sync[0], -sync[1]))
    return downstream if upstream == at else downstream + 1


def decode_sync(key: bytes, value: bytes) -> tuple[Partition, OffsetSync]:
    """One record of MirrorMaker's offset-syncs topic: key (topic STRING, partition INT32),
    value (upstream INT64, downstream INT64), Kafka's protocol encoding (big-endian)."""
    (length,) = struct.unpack_from(">h", key)
    topic = key[2 : 2 + length].decode()
    (partition,) = struct.unpack_from(">i", key, 2 + length)
    upstream, downstream = struct.unpack_from(">qq", value)
    return (topic, partition), (upstream, downstream)


def return_sinks(spec: PlatformSpec, cutover: str, endpoints: Endpoints) -> Moved:
    """Resume each moved sink of ``cutover`` on ``from`` where it stopped on ``to``."""
    (plan,) = (p for p in cutover_plans(spec, {cutover: "consumers"}) if p.cutover == cutover)
    declared = spec.cutovers[cutover]
    done: list[str] = []
    refused: list[str] = []
    sinks = [p for p in declared.pipelines if isinstance(spec.pipelines[p], SinkPipeline)]
    if not sinks or not plan.topics:
        return Moved((), ())
    source = KafkaProbe(endpoints.admin_config(plan.from_cluster))
    target = KafkaProbe(endpoints.admin_config(plan.to_cluster))
    try:
        syncs = read_syncs(target, plan.offset_syncs_topic)
        for pipeline in sinks:
            old = endpoints.rest_url(spec.pipelines[pipeline].pool)
            new = endpoints.rest_url(declared.pools[spec.pipelines[pipeline].pool])
            name, group = names.connector_name(pipeline), names.sink_group(pipeline)
            try:
                line = _return(name, old, new, group, plan.topics, source, target, syncs)
            except rest.ConnectRestError as error:
                refused.append(f"sink {pipeline!r}: cannot resume where it stopped: {error}")
                continue
            done.append(f"sink {pipeline!r}: {line}")
    finally:
        source.close()
        target.close()
    return Moved(tuple(done), tuple(refused))


def _return(
    name: str,
    old: str,
    new: str,
    group: str,
    topics: tuple[str, ...],
    source: KafkaProbe,
    target: KafkaProbe,
    syncs: Mapping[Partition, list[OffsetSync]],
) -> str:
    status = rest.get_status(new, name)
    if status is not None and rest.observed_state(status) != "STOPPED":
        rest.request_state(new, name, "stopped")
        rest.wait_for_state(new, name, "stopped")
    resumed = rest.get_status(old, name)
    if resumed is None or rest.observed_state(resumed) != "STOPPED":
        shown = "missing" if resumed is None else rest.observed_state(resumed)
        return f"not stopped on the old cluster ({shown}): its offsets there are left as they are"
    read = target.group_positions(group, topics)
    had = source.group_positions(group, topics)
    moved: dict[Partition, int] = {}
    for partition, downstream in read.items():
        back = None if downstream is None else translate_back(syncs.get(partition, []), downstream)
        if back is not None and back > (had.get(partition) or 0):
            moved[partition] = back
    if moved:
        rest.patch_offsets(old, name, [_sink_offset(tp, offset) for tp, offset in moved.items()])
    shown = ", ".join(f"{t}[{p}] {had.get((t, p))} -> {o}" for (t, p), o in sorted(moved.items()))
    return f"resumes on the old cluster where it stopped ({shown or 'no offset moved'})"


def _sink_offset(partition: Partition, offset: int) -> dict[str, dict[str, object]]:
    topic, number = partition
    return {
        "partition": {"kafka_topic": topic, "kafka_partition": number},
        "offset": {"kafka_offset": offset},
    }


def read_syncs(probe: KafkaProbe, topic: str) -> dict[Partition, list[OffsetSync]]:
    """Every offset sync in ``topic`` (on ``to``), per mirrored partition (what arrives
    within 10 s of each other)."""
    found: dict[Partition, list[OffsetSync]] = {}
    partitions = probe.partitions([topic])
    ends = probe.end_offsets([topic])
    pending = {tp for tp in partitions if ends.get(tp, 0) > 0}
    if not pending:
        return found
    consumer = probe.consumer
    consumer.assign([TopicPartition(t, p, 0) for t, p in pending])
    while pending:
        message = consumer.poll(10)
        if message is None:
            break  # fewer syncs only translate back to earlier offsets: re-reads, no skips
        error = message.error()
        if error is not None:
            if error.code() == KafkaError._PARTITION_EOF:
                pending.discard((str(message.topic()), int(message.partition() or 0)))
            continue
        if message.key() and message.value():
            partition, sync = decode_sync(
                bytes(message.key() or b""), bytes(message.value() or b"")
            )
            found.setdefault(partition, []).append(sync)
    consumer.unassign()
    return found


def rollbacks(spec: PlatformSpec, applied: Mapping[str, str]) -> list[str]:
    """The cutovers this ``up`` takes back to ``mirror`` from a phase whose sinks moved."""
    return [
        name
        for name, cutover in spec.cutovers.items()
        if cutover.phase == "mirror" and applied.get(name) in ("consumers", "producers")
    ]
