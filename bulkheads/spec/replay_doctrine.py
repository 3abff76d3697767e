"""Doctrine of replays and of the history they read (called from ``doctrine``).

- a replay never reads a topic it writes (its own output);
- a replay's ``from`` (a duration ago, or a timestamp seen from ``now``) stays within the
  retention of every topic it reads on its cluster, and ``until`` comes after ``from``;
- a mirror's ``copies`` name topics it reads; a copy's retention (declared or inherited
  from its origin, see ``copies``) stays within the mirror's class bounds, and a copy has
  at least its origin's partitions (MirrorMaker copies partition to partition).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bulkheads.spec.copies import copy_settings, settings_on
from bulkheads.spec.errors import Path, Problem
from bulkheads.spec.model import MirrorPipeline, PlatformSpec, ReplayPipeline
from bulkheads.spec.replay import iso
from bulkheads.spec.units import format_duration


def check_replays(spec: PlatformSpec, now: datetime | None = None) -> list[Problem]:
    """Every replay and mirror-copy problem of ``spec``; ``now`` defaults to the clock."""
    instant = now or datetime.now(UTC)
    problems: list[Problem] = []
    for name, pipeline in spec.pipelines.items():
        if isinstance(pipeline, ReplayPipeline):
            problems += _replay(spec, name, pipeline, instant)
        elif isinstance(pipeline, MirrorPipeline):
            problems += _copies(spec, name, pipeline)
    return problems


def _replay(spec: PlatformSpec, name: str, replay: ReplayPipeline, now: datetime) -> list[Problem]:
    path: Path = ("pipelines", name)
    problems = [
        Problem(
            (*path, "reads", index),
            "is this replay's own output; a replay never reads what it writes",
            "read the topic it rebuilds from, and write another one",
            topic,
        )
        for index, topic in enumerate(replay.reads)
        if topic in replay.written_topics
    ]
    start, until = replay.start, replay.until
    if start.at is not None and until.at is not None and until.at <= start.at:
        problems.append(
            Problem(
                (*path, "until"),
                f"is not after from {iso(start.at)}",
                "end the replay after it starts, or use until: caught_up",
                iso(until.at),
            )
        )
    reach = start.ago_ms if start.at is None else int((now - start.at).total_seconds() * 1000)
    pool = spec.pools.get(replay.pool)
    if reach is None or pool is None:
        return problems
    for topic in replay.reads:
        held = settings_on(spec, pool.cluster, topic)
        if held is not None and reach > held.retention:
            problems.append(
                Problem(
                    (*path, "from"),
                    f"reaches past the {format_duration(held.retention)} retention of "
                    f"{topic} on cluster {pool.cluster!r}",
                    f"start at most {format_duration(held.retention)} ago, or declare a "
                    f"longer retention for {topic}",
                    str(start),
                )
            )
    return problems


def _copies(spec: PlatformSpec, name: str, mirror: MirrorPipeline) -> list[Problem]:
    path: Path = ("pipelines", name, "copies")
    problems = [
        Problem(
            (*path, topic),
            "is not a topic this mirror reads",
            "declare copies only of topics listed in reads",
        )
        for topic in mirror.copies
        if topic not in mirror.reads
    ]
    pool = spec.pools.get(mirror.pool)
    if pool is None:
        return problems
    workload_class = mirror.workload_class or pool.workload_class
    bounds = spec.classes.get(workload_class)
    for index, topic in enumerate(mirror.reads):
        copy = copy_settings(spec, name, topic)
        origin = settings_on(spec, mirror.source_cluster, topic)
        declared = mirror.copies.get(topic)
        if copy is None:
            continue
        if not bounds.retention_min <= copy.retention <= bounds.retention_max:
            span = (
                f"the {workload_class} class bounds {format_duration(bounds.retention_min)}"
                f"..{format_duration(bounds.retention_max)}"
            )
            fix = f"or change classes.{workload_class}"
            if declared and declared.retention:
                where: Path = (*path, topic, "retention")
                problems.append(
                    Problem(
                        where,
                        f"outside {span}",
                        f"use a retention within the bounds, {fix}",
                        format_duration(copy.retention),
                    )
                )
            else:
                problems.append(
                    Problem(
                        ("pipelines", name, "reads", index),
                        f"its copy would inherit the origin's retention "
                        f"{format_duration(copy.retention)}, outside {span}",
                        f"declare copies.{topic}.retention within the bounds, {fix}",
                        topic,
                    )
                )
        if origin is not None and copy.partitions < origin.partitions:
            problems.append(
                Problem(
                    (*path, topic, "partitions"),
                    f"fewer than the {origin.partitions} partitions of its origin",
                    f"use at least {origin.partitions} (MirrorMaker copies partition to "
                    "partition), or leave it out to inherit them",
                    copy.partitions,
                )
            )
    return problems
