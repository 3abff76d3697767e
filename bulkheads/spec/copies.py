"""How long a topic keeps its history on a cluster, and what a mirrored copy inherits.

A topic written on a cluster keeps its write's ``retention`` (default: its writer's class
retention) and partitions. A mirrored copy takes the settings its mirror declares under
``copies.<topic>`` and inherits each one it leaves out from the copy it is made from
(the origin topic, or the copy on the mirror's ``source_cluster`` in a chain).

Used by the doctrine (bounds, a replay's reach into history) and by the plan (the copy's
topic config), so both read one rule. Total over a spec whose references may not resolve:
what cannot be known is ``None``. The pipelines that may hold a topic on a cluster are
indexed once per spec (the last spec asked about), so a lookup does not scan them all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bulkheads.spec.model import MirrorPipeline, PlatformSpec

Holders = dict[tuple[str | None, str], list[str]]
_index: list[tuple[PlatformSpec, Holders]] = []

DEFAULT_PARTITIONS = 3


@dataclass(frozen=True)
class TopicSettings:
    """A topic's partitions and retention (ms) on one cluster, and who put it there."""

    partitions: int
    retention: int
    pipeline: str


def settings_on(spec: PlatformSpec, cluster: str, topic: str) -> TopicSettings | None:
    """The settings of ``topic`` on ``cluster`` (written there or mirrored there)."""
    return _settings_on(spec, cluster, topic, frozenset())


def copy_settings(spec: PlatformSpec, mirror: str, topic: str) -> TopicSettings | None:
    """The settings of the copy of ``topic`` that ``mirror`` makes on its pool's cluster."""
    return _copy_settings(spec, mirror, topic, frozenset())


def _holders(spec: PlatformSpec) -> Holders:
    """Per (cluster, topic), in spec order: the mirrors copying the topic there and the
    other pipelines writing it there."""
    if _index and _index[0][0] is spec:
        return _index[0][1]
    holders: Holders = defaultdict(list)
    for name, pipeline in spec.pipelines.items():
        cluster = _cluster_of(spec, name)
        topics = pipeline.reads if isinstance(pipeline, MirrorPipeline) else pipeline.written_topics
        for topic in dict.fromkeys(topics):
            holders[(cluster, topic)].append(name)
    _index[:] = [(spec, holders)]
    return holders


def _settings_on(
    spec: PlatformSpec, cluster: str, topic: str, seen: frozenset[str]
) -> TopicSettings | None:
    for name in _holders(spec).get((cluster, topic), ()):
        pipeline = spec.pipelines[name]
        if isinstance(pipeline, MirrorPipeline):
            if name not in seen:
                return _copy_settings(spec, name, topic, seen)
            continue
        write = next(w for w in pipeline.writes if w.topic == topic)
        retention = write.retention or _class_retention(spec, name)
        return TopicSettings(write.partitions, retention, name)
    return None


def _copy_settings(
    spec: PlatformSpec, mirror: str, topic: str, seen: frozenset[str]
) -> TopicSettings | None:
    pipeline = spec.pipelines[mirror]
    assert isinstance(pipeline, MirrorPipeline)
    origin = _settings_on(spec, pipeline.source_cluster, topic, seen | {mirror})
    declared = pipeline.copies.get(topic)
    partitions = declared.partitions if declared else None
    retention = declared.retention if declared else None
    if origin is not None:
        partitions = partitions or origin.partitions
        retention = retention or origin.retention
    return TopicSettings(
        partitions or DEFAULT_PARTITIONS, retention or _class_retention(spec, mirror), mirror
    )


def _cluster_of(spec: PlatformSpec, pipeline: str) -> str | None:
    pool = spec.pools.get(spec.pipelines[pipeline].pool)
    return pool.cluster if pool is not None else None


def _class_retention(spec: PlatformSpec, pipeline: str) -> int:
    declared = spec.pipelines[pipeline].workload_class
    pool = spec.pools.get(spec.pipelines[pipeline].pool)
    workload_class = declared or (pool.workload_class if pool else "derived")
    return spec.classes.get(workload_class).retention
