"""The Kafka side of each Connect worker pool: group id, internal topics and principal."""

from __future__ import annotations

from bulkheads.plan import names
from bulkheads.plan.topics import durability
from bulkheads.plan.types import WorkerPoolPlan
from bulkheads.spec.model import PlatformSpec


def cluster_worker_pools(spec: PlatformSpec, cluster: str) -> tuple[WorkerPoolPlan, ...]:
    """The pools working against ``cluster``, sorted by pool name."""
    return tuple(
        WorkerPoolPlan(
            pool=name,
            cluster=cluster,
            workload_class=pool.workload_class,
            owner=pool.owner,
            group_id=names.worker_group(name),
            config_topic=names.config_topic(name),
            offset_topic=names.offset_topic(name),
            status_topic=names.status_topic(name),
            principal=names.worker_principal(name),
            internal_replication_factor=durability(
                spec, cluster, pool.workload_class
            ).replication_factor,
        )
        for name, pool in sorted(spec.pools.items())
        if pool.cluster == cluster
    )
