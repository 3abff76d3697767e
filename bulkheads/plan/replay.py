"""Replay semantics as pure functions: the window at an instant, start and end positions,
progress, ETA and the runbook.

Positions are *next offsets to read* per ``(topic, partition)``. The connector's offsets
API speaks two dialects, converted here and nowhere else:

- MirrorMaker 2 (``MirrorSourceConnector`` replays): source offsets keyed by
  ``{cluster: <source alias>, topic, partition}`` holding the *last copied* offset, so
  position ``p`` is written as ``p - 1`` (``-1``: nothing copied, start at the beginning);
- sink-style replays: their consumer group's offsets keyed by ``{kafka_topic,
  kafka_partition}`` holding the next offset to read (``kafka_offset``).

A replay is done when every partition's position has reached its end offset (the end
offsets seen when it started for ``until: caught_up``, or the first offsets at or after
``until``'s timestamp).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bulkheads.spec.replay import ReplayFrom, Window

TopicPartition = tuple[str, int]
Positions = Mapping[TopicPartition, int]
MINUTE = timedelta(minutes=1)
MIRROR_OFFSET_KEY = "offset"
SINK_OFFSET_KEY = "kafka_offset"


def window_open(window: Window, at: datetime) -> bool:
    """Whether ``at`` (any zone; compared in UTC) lies inside the daily ``window``.

    Start inclusive, end exclusive; ``00:00-24:00`` (start == end) is always open.
    """
    minute = _minute_of_day(at)
    if window.start == window.end:
        return True
    if window.crosses_midnight:
        return minute >= window.start or minute < window.end
    return window.start <= minute < window.end


def next_change(window: Window, at: datetime) -> datetime | None:
    """The first whole minute after ``at`` when ``window`` opens or closes (None: never)."""
    if window.start == window.end:
        return None
    now_open = window_open(window, at)
    step = at.replace(second=0, microsecond=0) + MINUTE
    for _ in range(24 * 60):
        if window_open(window, step) != now_open:
            return step
        step += MINUTE
    return None


def _minute_of_day(at: datetime) -> int:
    utc = at.utctimetuple()
    return utc.tm_hour * 60 + utc.tm_min


def start_timestamp_ms(start: ReplayFrom, started: datetime) -> int | None:
    """The epoch ms a replay starting at ``started`` reads from (None: the earliest)."""
    if start.at is not None:
        return int(start.at.timestamp() * 1000)
    if start.ago_ms is not None:
        return int(started.timestamp() * 1000) - start.ago_ms
    return None


def connector_offsets(mirror_alias: str | None, positions: Positions) -> list[dict[str, object]]:
    """The ``PATCH /connectors/{n}/offsets`` entries that make a connector read ``positions``
    next; ``mirror_alias`` is a MirrorMaker replay's source alias (None: sink-style)."""
    entries: list[dict[str, object]] = []
    for (topic, partition), position in sorted(positions.items()):
        if mirror_alias is not None:
            key: dict[str, object] = {
                "cluster": mirror_alias,
                "topic": topic,
                "partition": partition,
            }
            entries.append({"partition": key, "offset": {MIRROR_OFFSET_KEY: position - 1}})
        else:
            key = {"kafka_topic": topic, "kafka_partition": partition}
            entries.append({"partition": key, "offset": {SINK_OFFSET_KEY: position}})
    return entries


def positions_from_offsets(
    mirror_alias: str | None, offsets: list[dict[str, object]]
) -> dict[TopicPartition, int]:
    """Positions from ``GET /connectors/{n}/offsets`` entries (inverse of the above)."""
    positions: dict[TopicPartition, int] = {}
    for entry in offsets:
        key, value = entry.get("partition"), entry.get("offset")
        if not isinstance(key, dict) or not isinstance(value, dict):
            continue
        if mirror_alias is not None:
            if key.get("cluster") != mirror_alias or MIRROR_OFFSET_KEY not in value:
                continue
            tp = (str(key["topic"]), int(key["partition"]))
            positions[tp] = int(value[MIRROR_OFFSET_KEY]) + 1
        elif SINK_OFFSET_KEY in value:
            tp = (str(key["kafka_topic"]), int(key["kafka_partition"]))
            positions[tp] = int(value[SINK_OFFSET_KEY])
    return positions


@dataclass(frozen=True)
class Progress:
    """How far a replay is: records copied and left between its start and end offsets."""

    done_records: int
    total_records: int

    @property
    def remaining(self) -> int:
        """Records still to copy."""
        return self.total_records - self.done_records

    @property
    def caught_up(self) -> bool:
        """True when nothing is left to copy."""
        return self.remaining <= 0

    @property
    def fraction(self) -> float:
        """Share done, 0..1 (an empty slice is done)."""
        return 1.0 if self.total_records <= 0 else self.done_records / self.total_records


def progress(starts: Positions, ends: Positions, positions: Positions) -> Progress:
    """Progress over the partitions of ``ends``; a partition with no position yet is at its
    start, a position past its end counts as the end."""
    done = total = 0
    for tp, end in ends.items():
        start = min(starts.get(tp, 0), end)
        position = min(max(positions.get(tp, start), start), end)
        done += position - start
        total += end - start
    return Progress(done, total)


def eta_seconds(remaining: int, records_per_second: float) -> float | None:
    """Seconds to copy ``remaining`` records at the measured rate (None: no rate yet)."""
    if remaining <= 0:
        return 0.0
    if records_per_second <= 0:
        return None
    return remaining / records_per_second


@dataclass(frozen=True)
class RunbookFacts:
    """What a replay's runbook names; ``namespace`` and ``cronjob`` on Kubernetes only."""

    pipeline: str
    stack: str
    connector: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    window: str
    start: str
    until: str
    namespace: str | None = None
    cronjob: str | None = None


def runbook(facts: RunbookFacts) -> str:
    """The replay's rollback plan: how to stop it, reset it and discard its output."""
    stack, name, writes = facts.stack, facts.pipeline, ", ".join(facts.writes)
    head = [
        f"replay {name}: reads {', '.join(facts.reads)}; writes only {writes} "
        "(its ACLs allow nothing else)",
        f"  runs {facts.window} UTC, from {facts.start} until {facts.until}",
    ]
    delete = f"delete every record of {writes} (kafka-delete-records up to the end offsets)"
    if facts.namespace is None:
        return "\n".join(
            [
                *head,
                f"  stop:    bulkheads replay stop {name} --stack {stack}  "
                "(stops the connector; ticks keep it stopped)",
                f"  reset:   bulkheads replay rerun {name} --stack {stack}  "
                f"(forgets progress; the next tick in the window starts at {facts.start} again)",
                f"  discard: bulkheads replay rerun {name} --stack {stack} --discard-output  "
                f"(reset, and {delete})",
            ]
        )
    patch = f"kubectl -n {facts.namespace} patch kafkaconnector {facts.connector} --type merge"
    return "\n".join(
        [
            *head,
            f"  stop:    kubectl -n {facts.namespace} patch cronjob {facts.cronjob} -p "
            '\'{"spec":{"suspend":true}}\' && '
            f'{patch} -p \'{{"spec":{{"state":"stopped"}}}}\'',
            f"  reset:   kubectl -n {facts.namespace} annotate kafkaconnector "
            f"{facts.connector} strimzi.io/connector-offsets=reset  (while stopped)",
            f"  discard: stop, reset, then {delete}",
        ]
    )
