"""Topics per cluster, with their config from the workload class and the contract.

- Data topics (``raw.``/``derived.``/``delivery.``): one per declared write, on the
  writer's cluster; ``cleanup.policy=delete``, ``retention.ms`` from the write's own
  retention or the class retention, ``min.insync.replicas`` from the class.
- Mirrored topics: a mirror pipeline writes each topic it reads, under the same name, on its
  pool's cluster (identity replication); partitions and retention are the mirror's
  ``copies`` or else its origin's (``bulkheads.spec.copies``).
- Dead-letter topics ``dlq.<pipeline>``: one per sink, 1 partition, retention = the class's
  ``retention_max`` (dead letters are kept as long as the class allows, for inspection).
- Connect internal topics per pool: ``cleanup.policy=compact``; configs exactly 1 partition,
  offsets 25 and status 5 (Connect's defaults).

Replication factor = the class's, capped at the cluster's broker count (a 1-broker local
cluster gets 1); ``min.insync.replicas`` = the class's, capped at that replication factor.
A capped live topic outside ``local`` is visible to the policies through its props.
Topics of the live class are ``protected`` (see ``components/topics.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bulkheads.plan import names
from bulkheads.plan.errors import PlanError
from bulkheads.plan.types import TopicContractKind, TopicPlan, WorkloadClass
from bulkheads.spec.copies import copy_settings
from bulkheads.spec.model import MirrorPipeline, PlatformSpec, SinkPipeline
from bulkheads.spec.naming import topic_contract
from bulkheads.spec.writers import WriteClaim, pipeline_writer, pool_writer, writer_conflicts

CONFIG_TOPIC_PARTITIONS = 1
OFFSET_TOPIC_PARTITIONS = 25
STATUS_TOPIC_PARTITIONS = 5
DLQ_PARTITIONS = 1


@dataclass(frozen=True)
class Durability:
    """Replication settings of one class on one cluster (after capping)."""

    replication_factor: int
    min_insync_replicas: int


def durability(spec: PlatformSpec, cluster: str, workload_class: WorkloadClass) -> Durability:
    """The class's replication on ``cluster``, capped at its broker count."""
    settings = spec.classes.get(workload_class)
    replication = min(settings.replication_factor, spec.clusters[cluster].deploy.brokers)
    return Durability(replication, min(settings.min_insync_replicas, replication))


def cluster_topics(spec: PlatformSpec, cluster: str) -> tuple[TopicPlan, ...]:
    """Every topic on ``cluster``, sorted by name; raises PlanError when two writers
    write one (``bulkheads.spec.writers``). A topic its writer lists twice is one topic
    (the doctrine reports the repeat)."""
    planned = list(_all_topics(spec, cluster))
    conflicts = writer_conflicts(_claim(topic) for topic in planned)
    if conflicts:
        raise PlanError(conflicts[0].message)
    topics: dict[str, TopicPlan] = {}
    for topic in planned:
        topics.setdefault(topic.name, topic)
    return tuple(topics[name] for name in sorted(topics))


def _claim(topic: TopicPlan) -> WriteClaim:
    internal = topic.contract == "internal"
    writer = pool_writer(topic.writer) if internal else pipeline_writer(topic.writer)
    return WriteClaim(topic.name, writer, topic.cluster)


def _all_topics(spec: PlatformSpec, cluster: str) -> Iterator[TopicPlan]:
    for pool_name, pool in spec.pools.items():
        if pool.cluster == cluster:
            yield from _internal_topics(spec, pool_name)
    for name, pipeline in spec.pipelines.items():
        if spec.cluster_of(name) != cluster:
            continue
        workload_class = spec.class_of(name)
        settings = spec.classes.get(workload_class)
        for write in pipeline.writes:
            yield _data_topic(
                spec,
                cluster,
                name,
                write.topic,
                write.partitions,
                write.retention or settings.retention,
            )
        if isinstance(pipeline, MirrorPipeline):
            for topic in pipeline.reads:
                copy = copy_settings(spec, name, topic)
                assert copy is not None  # a mirror's own copies are always known
                yield _data_topic(spec, cluster, name, topic, copy.partitions, copy.retention)
        if isinstance(pipeline, SinkPipeline):
            yield _topic(
                spec,
                cluster,
                names.dlq_topic(name),
                DLQ_PARTITIONS,
                "dlq",
                workload_class,
                pipeline.owner,
                name,
                {"cleanup.policy": "delete", "retention.ms": str(settings.retention_max)},
            )


def _data_topic(
    spec: PlatformSpec, cluster: str, pipeline: str, topic: str, partitions: int, retention: int
) -> TopicPlan:
    contract: TopicContractKind = _contract_kind(topic)
    return _topic(
        spec,
        cluster,
        topic,
        partitions,
        contract,
        spec.class_of(pipeline),
        spec.pipelines[pipeline].owner,
        pipeline,
        {"cleanup.policy": "delete", "retention.ms": str(retention)},
    )


def _internal_topics(spec: PlatformSpec, pool_name: str) -> Iterator[TopicPlan]:
    pool = spec.pools[pool_name]
    partitions = (CONFIG_TOPIC_PARTITIONS, OFFSET_TOPIC_PARTITIONS, STATUS_TOPIC_PARTITIONS)
    for topic, count in zip(names.internal_topics(pool_name), partitions, strict=True):
        yield _topic(
            spec,
            pool.cluster,
            topic,
            count,
            "internal",
            pool.workload_class,
            pool.owner,
            pool_name,
            {"cleanup.policy": "compact"},
        )


def _topic(
    spec: PlatformSpec,
    cluster: str,
    topic: str,
    partitions: int,
    contract: TopicContractKind,
    workload_class: WorkloadClass,
    owner: str,
    writer: str,
    config: dict[str, str],
) -> TopicPlan:
    replication = durability(spec, cluster, workload_class)
    return TopicPlan(
        name=topic,
        cluster=cluster,
        partitions=partitions,
        replication_factor=replication.replication_factor,
        config={**config, "min.insync.replicas": str(replication.min_insync_replicas)},
        contract=contract,
        workload_class=workload_class,
        owner=owner,
        writer=writer,
        protected=workload_class == "live",
    )


def _contract_kind(topic: str) -> TopicContractKind:
    contract = topic_contract(topic)
    if contract == "raw":
        return "raw"
    if contract == "derived":
        return "derived"
    if contract == "delivery":
        return "delivery"
    raise PlanError(f"topic {topic!r} has no contract prefix (raw., derived., delivery.)")
