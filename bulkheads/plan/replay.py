"""Replay semantics as pure functions: the window at an instant, start and end positions,
progress, ETA and the runbook.

Positions are *next offsets to read* per ``(topic, partition)``. The connector's offsets
API speaks two dialects, converted here and nowhere else:

- MirrorMaker 2 (``MirrorSourceConnector`` replays): source offsets keyed by
  ``{cluster: <source alias>, topic, partition}`` holding the *last copied* offset, so
  position ``p`` is written as ``p - 1`` (position 0: a tombstone, nothing copied yet);
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

from bulkheads.plan.platform import LocalPoolRuntime, PlatformPlan, mirror_alias
from bulkheads.spec.model import PlatformSpec, ReplayPipeline
from bulkheads.spec.replay import ReplayFrom, ReplayUntil, Window, parse_window

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
            # nothing copied yet is a tombstone: MirrorMaker then starts at the log start
            offset = {MIRROR_OFFSET_KEY: position - 1} if position > 0 else None
            entries.append({"partition": key, "offset": offset})
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
    state = (
        f"kubectl -n {facts.namespace} patch configmap {state_config_map(facts.connector)} "
        "--type merge"
    )
    return "\n".join(
        [
            *head,
            f'  stop:    {state} -p \'{{"data":{{"phase":"stopped"}}}}\'  '
            f"(the {facts.cronjob} CronJob stops it within 5 minutes and keeps it stopped)",
            f'  reset:   {state} -p \'{{"data":{{"phase":"waiting"}}}}\'  '
            f"(forgets progress; the next run in the window starts at {facts.start} again)",
            f"  discard: reset, then {delete}",
        ]
    )


@dataclass(frozen=True)
class ReplayPlan:
    """One replay as the scheduler drives it.

    ``rest_url`` is set for local pools, ``namespace`` for Kubernetes ones; ``held`` is
    True when the stack declares the connector paused or stopped (the scheduler then keeps
    it stopped); ``mirror_alias`` is a MirrorMaker replay's source alias (None: sink-style).
    """

    pipeline: str
    connector: str
    pool: str
    cluster: str
    window: Window
    start: ReplayFrom
    until: ReplayUntil
    held: bool
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    mirror_alias: str | None
    consumer_byte_rate: int
    rest_url: str | None = None
    namespace: str | None = None

    def runbook(self, stack: str) -> str:
        """This replay's rollback plan (see :func:`runbook`)."""
        return runbook(
            RunbookFacts(
                pipeline=self.pipeline,
                stack=stack,
                connector=self.connector,
                reads=self.reads,
                writes=self.writes,
                window=str(self.window),
                start=str(self.start),
                until=str(self.until),
                namespace=self.namespace,
                cronjob=None if self.namespace is None else scheduler_name(self.pool),
            )
        )


def state_config_map(connector: str) -> str:
    """The ConfigMap holding a replay's phase, slice and start offsets (``offsets.json``)."""
    return f"{connector}-replay"


def listed_offsets_config_map(connector: str) -> str:
    """The ConfigMap Strimzi lists a replay connector's offsets into."""
    return f"{connector}-replay-offsets"


def scheduler_name(pool: str) -> str:
    """The Kubernetes CronJob (and its ServiceAccount and Role) driving ``pool``'s replays."""
    return f"{pool}-replay-scheduler"


def replay_plans(spec: PlatformSpec, plan: PlatformPlan) -> tuple[ReplayPlan, ...]:
    """Every replay of ``spec``, in pipeline order, placed where ``plan`` runs it."""
    window = parse_window(spec.classes.replay.window)
    runtimes = {pool.worker.pool: pool.runtime for pool in plan.pools}
    replays: list[ReplayPlan] = []
    for connector in plan.connectors:
        if connector.kind != "replay":
            continue  # (a cutover's mirror is a connector of no declared pipeline)
        pipeline = spec.pipelines[connector.pipeline]
        assert isinstance(pipeline, ReplayPipeline)
        runtime = runtimes[connector.pool]
        rest_url = (
            f"http://127.0.0.1:{runtime.rest_port}"
            if isinstance(runtime, LocalPoolRuntime)
            else None
        )
        replays.append(
            ReplayPlan(
                pipeline=connector.pipeline,
                connector=connector.connector,
                pool=connector.pool,
                cluster=connector.cluster,
                window=window,
                start=pipeline.start,
                until=pipeline.until,
                held=pipeline.connector.state != "running",
                reads=connector.reads,
                writes=connector.writes,
                mirror_alias=mirror_alias(connector),
                consumer_byte_rate=spec.quota_of(connector.pipeline).consumer_byte_rate,
                rest_url=rest_url,
                namespace=None if rest_url else pool_namespace(connector.pool),
            )
        )
    return tuple(replays)


def pool_namespace(pool: str) -> str:
    """The Kubernetes namespace a pool's workers and connectors live in (the default)."""
    return f"connect-{pool}"
