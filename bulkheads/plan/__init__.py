"""The plan layer: pure functions from a PlatformSpec to the plain values components take.

``plan_clusters(spec)`` is the entry point; physical names live in ``names``, the output
types in ``types``. Nothing here imports Pulumi.
"""

from __future__ import annotations

from bulkheads.plan.access import cluster_grants, cluster_principals
from bulkheads.plan.pools import cluster_worker_pools
from bulkheads.plan.quotas import cluster_quotas
from bulkheads.plan.topics import cluster_topics
from bulkheads.plan.types import ClusterPlan
from bulkheads.spec.model import PlatformSpec


def plan_cluster(spec: PlatformSpec, cluster: str) -> ClusterPlan:
    """Topics, principals, ACLs, quotas and worker pools of one cluster."""
    return ClusterPlan(
        cluster=cluster,
        topics=cluster_topics(spec, cluster),
        principals=cluster_principals(spec, cluster),
        grants=cluster_grants(spec, cluster),
        quotas=cluster_quotas(spec, cluster),
        worker_pools=cluster_worker_pools(spec, cluster),
    )


def plan_clusters(spec: PlatformSpec) -> dict[str, ClusterPlan]:
    """The plan of every declared cluster, keyed by cluster name (in declaration order)."""
    return {cluster: plan_cluster(spec, cluster) for cluster in spec.clusters}


__all__ = ["plan_cluster", "plan_clusters"]
