"""The physical plan as a JSON document (what ``bulkheads plan --format json`` prints).

Per cluster: topics with their configs, principals, ACLs, quotas, worker groups with their
internal topics, and the connectors that run against it. Fields are chosen here, one by
one, so the document stays stable when the plan's types grow (``PLAN_SCHEMA``; the test
suite pins it with ``tests/schemas/plan.json``). Connector secrets appear as the names of
their stack secrets, never as values.
"""

from __future__ import annotations

from typing import Any

from bulkheads.plan.platform import (
    ConnectorPlan,
    KubernetesPoolRuntime,
    LocalPoolRuntime,
    PlatformPlan,
    PoolPlan,
)
from bulkheads.plan.types import AccessPlan, ClusterPlan, PrincipalPlan, QuotaPlan, TopicPlan

PLAN_SCHEMA = "bulkheads.plan/1"


def plan_document(plan: PlatformPlan, stack: str) -> dict[str, Any]:
    """The whole plan of ``stack`` as plain JSON values."""
    return {
        "schema": PLAN_SCHEMA,
        "stack": stack,
        "environment": plan.environment,
        "clusters": {
            name: _cluster(cluster, plan) for name, cluster in sorted(plan.clusters.items())
        },
    }


def _cluster(cluster: ClusterPlan, plan: PlatformPlan) -> dict[str, Any]:
    pools = [p for p in plan.pools if p.worker.cluster == cluster.cluster]
    return {
        "topics": [_topic(t) for t in cluster.topics],
        "principals": [_principal(p) for p in cluster.principals],
        "acls": [acl for grant in cluster.grants for acl in _acls(grant)],
        "quotas": [_quota(q) for q in cluster.quotas],
        "worker_groups": [_worker_group(p) for p in pools],
        "connectors": [_connector(c) for c in plan.connectors if c.cluster == cluster.cluster],
    }


def _topic(topic: TopicPlan) -> dict[str, Any]:
    return {
        "name": topic.name,
        "partitions": topic.partitions,
        "replication_factor": topic.replication_factor,
        "contract": topic.contract,
        "class": topic.workload_class,
        "owner": topic.owner,
        "writer": topic.writer,
        "protected": topic.protected,
        "config": dict(sorted(topic.config.items())),
    }


def _principal(principal: PrincipalPlan) -> dict[str, Any]:
    return {
        "username": principal.username,
        "kind": principal.kind,
        "pool": principal.pool,
        "owner": principal.owner,
        "class": principal.workload_class,
        "pipeline": principal.pipeline,
    }


def _acls(grant: AccessPlan) -> list[dict[str, Any]]:
    return [
        {
            "principal": grant.principal.kafka_principal,
            "resource_type": b.resource_type,
            "resource_name": b.resource_name,
            "pattern_type": b.pattern_type,
            "operation": b.operation,
            "host": b.host,
            "permission": b.permission,
        }
        for b in grant.bindings
    ]


def _quota(quota: QuotaPlan) -> dict[str, Any]:
    return {
        "entity_type": quota.entity_type,
        "entity_name": quota.entity_name,
        "owner": quota.owner,
        "class": quota.workload_class,
        "config": dict(sorted(quota.config.items())),
    }


def _worker_group(pool: PoolPlan) -> dict[str, Any]:
    worker, runtime = pool.worker, pool.runtime
    where: dict[str, Any]
    if isinstance(runtime, LocalPoolRuntime):
        where = {"kind": "local", "rest_port": runtime.rest_port}
    else:
        assert isinstance(runtime, KubernetesPoolRuntime)
        where = {
            "kind": "kubernetes",
            "replicas": runtime.replicas,
            "cpu": runtime.cpu,
            "memory": runtime.memory,
            "node_pool": runtime.node_pool,
        }
    return {
        "pool": worker.pool,
        "class": worker.workload_class,
        "owner": worker.owner,
        "group_id": worker.group_id,
        "principal": worker.principal,
        "internal_topics": {
            "config": worker.config_topic,
            "offset": worker.offset_topic,
            "status": worker.status_topic,
        },
        "override_policy": pool.override_policy,
        "runtime": where,
    }


def _connector(connector: ConnectorPlan) -> dict[str, Any]:
    return {
        "name": connector.connector,
        "pipeline": connector.pipeline,
        "kind": connector.kind,
        "pool": connector.pool,
        "class": connector.workload_class,
        "owner": connector.owner,
        "connector_class": connector.connector_class,
        "principal": connector.username,
        "tasks_max": connector.tasks_max,
        "state": connector.state,
        "reads": list(connector.reads),
        "writes": list(connector.writes),
        "config": dict(sorted(connector.config.items())),
        "secrets": dict(sorted(connector.secrets.items())),
    }
