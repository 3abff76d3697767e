"""The no-isolation baseline of a plan: what the same estate looks like without bulkheads.

``baseline_plan(plan)`` keeps every pipeline, connector, data topic and dead-letter topic
exactly as planned and removes the three boundaries the isolation scenarios measure
(``bulkheads.isolation``):

- **runtime**: one shared Connect worker group per cluster, ``shared-<cluster>`` (its own
  group id and internal topics), runs every connector of that cluster; it takes the runtime
  of the cluster's first pool, the union of the pools' plugins and S3 grants, and the
  highest internal replication factor;
- **principals**: one principal, ``platform``, on every cluster. Workers and connectors all
  log in as it (override policy ``None``: connectors cannot choose another login), and it
  holds the union of every isolated principal's ACLs on that cluster, so everything any
  pipeline may do, every pipeline may do;
- **quotas**: none (neither user nor client-id quotas).

Alert rules are dropped (they name pools that no longer exist); replay schedulers move to
the shared pool. The isolated pools' internal topics are replaced by the shared pool's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TypeVar

from bulkheads.plan import names
from bulkheads.plan.access import WORKER_TOPIC_OPERATIONS
from bulkheads.plan.platform import ConnectorPlan, PlatformPlan, PoolPlan, ReplaySchedulerPlan
from bulkheads.plan.topics import (
    CONFIG_TOPIC_PARTITIONS,
    OFFSET_TOPIC_PARTITIONS,
    STATUS_TOPIC_PARTITIONS,
)
from bulkheads.plan.types import (
    AccessPlan,
    AclBinding,
    ClusterPlan,
    PrincipalPlan,
    TopicPlan,
    WorkerPoolPlan,
    WorkloadClass,
)

BASELINE_PRINCIPAL = "platform"
BASELINE_OVERRIDE_POLICY = "None"
_CLASS_ORDER: tuple[WorkloadClass, ...] = ("live", "derived", "replay")
T = TypeVar("T")


def shared_pool(cluster: str) -> str:
    """The name of the baseline's one worker pool on ``cluster``."""
    return f"shared-{cluster}"


def baseline_plan(plan: PlatformPlan) -> PlatformPlan:
    """``plan`` with isolation removed (see the module docstring)."""
    pools = {
        cluster: _shared(cluster, [p for p in plan.pools if p.worker.cluster == cluster])
        for cluster in plan.clusters
        if any(p.worker.cluster == cluster for p in plan.pools)
    }
    clusters = {name: _cluster(cluster, pools.get(name)) for name, cluster in plan.clusters.items()}
    connectors = tuple(
        replace(c, pool=shared_pool(c.cluster), username=BASELINE_PRINCIPAL)
        for c in plan.connectors
    )
    return PlatformPlan(
        plan.environment,
        clusters,
        tuple(pools.values()),
        connectors,
        alerts=(),
        replay_schedulers=_schedulers(plan.replay_schedulers, plan.connectors),
    )


def _shared(cluster: str, pools: list[PoolPlan]) -> PoolPlan:
    name = shared_pool(cluster)
    classes = {p.worker.workload_class for p in pools}
    worker = WorkerPoolPlan(
        pool=name,
        cluster=cluster,
        workload_class=next(c for c in _CLASS_ORDER if c in classes),
        owner=pools[0].worker.owner,
        group_id=names.worker_group(name),
        config_topic=names.config_topic(name),
        offset_topic=names.offset_topic(name),
        status_topic=names.status_topic(name),
        principal=BASELINE_PRINCIPAL,
        internal_replication_factor=max(p.worker.internal_replication_factor for p in pools),
    )
    return PoolPlan(
        worker=worker,
        runtime=pools[0].runtime,
        override_policy=BASELINE_OVERRIDE_POLICY,
        plugins=_union(p.plugins for p in pools),
        s3=_union(p.s3 for p in pools),
    )


def _cluster(cluster: ClusterPlan, pool: PoolPlan | None) -> ClusterPlan:
    kept = tuple(t for t in cluster.topics if t.contract != "internal")
    internal = tuple(_internal_topics(cluster, pool)) if pool is not None else ()
    if not cluster.principals:
        return replace(cluster, topics=kept, quotas=())
    first = cluster.principals[0]
    principal = PrincipalPlan(
        username=BASELINE_PRINCIPAL,
        kind="worker",
        cluster=cluster.cluster,
        pool=pool.worker.pool if pool is not None else first.pool,
        owner=pool.worker.owner if pool is not None else first.owner,
        workload_class=pool.worker.workload_class if pool is not None else first.workload_class,
    )
    return ClusterPlan(
        cluster=cluster.cluster,
        topics=tuple(sorted((*kept, *internal), key=lambda t: t.name)),
        principals=(principal,),
        grants=(AccessPlan(principal, _bindings(cluster, pool)),),
        quotas=(),
        worker_pools=(pool.worker,) if pool is not None else (),
    )


def _internal_topics(cluster: ClusterPlan, pool: PoolPlan) -> Iterator[TopicPlan]:
    """The shared pool's three internal topics, configured as the isolated pools' were."""
    template = next((t for t in cluster.topics if t.contract == "internal"), None)
    assert template is not None  # every planned pool has internal topics
    worker = pool.worker
    partitions = (CONFIG_TOPIC_PARTITIONS, OFFSET_TOPIC_PARTITIONS, STATUS_TOPIC_PARTITIONS)
    for topic, count in zip(names.internal_topics(worker.pool), partitions, strict=True):
        yield replace(
            template,
            name=topic,
            partitions=count,
            replication_factor=worker.internal_replication_factor,
            workload_class=worker.workload_class,
            owner=worker.owner,
            writer=worker.pool,
            protected=worker.workload_class == "live",
        )


def _bindings(cluster: ClusterPlan, pool: PoolPlan | None) -> tuple[AclBinding, ...]:
    """Every binding of every isolated principal, minus the removed pools' internal
    topics and groups, plus the shared pool's own; in first-seen order, once each."""
    removed = {t.name for t in cluster.topics if t.contract == "internal"}
    removed |= {w.group_id for w in cluster.worker_pools}
    found: dict[AclBinding, None] = {}
    for grant in cluster.grants:
        for binding in grant.bindings:
            if binding.resource_name not in removed:
                found.setdefault(binding)
    if pool is not None:
        host = next((b.host for g in cluster.grants for b in g.bindings), "*")
        worker = pool.worker
        found.setdefault(AclBinding("Group", worker.group_id, "Read", host))
        for topic in names.internal_topics(worker.pool):
            for operation in WORKER_TOPIC_OPERATIONS:
                found.setdefault(AclBinding("Topic", topic, operation, host))
    return tuple(found)


def _schedulers(
    schedulers: tuple[ReplaySchedulerPlan, ...], connectors: tuple[ConnectorPlan, ...]
) -> tuple[ReplaySchedulerPlan, ...]:
    """One scheduler per shared pool, running every replay the isolated schedulers ran."""
    cluster_of = {c.connector: c.cluster for c in connectors}
    merged: dict[str, ReplaySchedulerPlan] = {}
    for scheduler in schedulers:
        pool = shared_pool(cluster_of[scheduler.connectors[0]])
        known = merged.get(pool)
        running = (known.replays if known else ()) + scheduler.replays
        merged[pool] = replace(known or scheduler, pool=pool, replays=running)
    return tuple(merged.values())


def _union(groups: Iterable[tuple[T, ...]]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))
