"""Drift, as pure comparisons: what one cluster holds against what its plan says.

ACLs are compared in Kafka's own spelling (``TOPIC``, ``DESCRIBE_CONFIGS``, ``BROKER`` for
the cluster resource), so a key read from the AdminClient and a planned binding meet.
Anything present but not planned, or planned but absent, is a failure naming the item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bulkheads.plan.types import ClusterPlan
from bulkheads.verify.findings import Finding, failed, passed

AclKey = tuple[str, str, str, str, str, str, str]
"""(principal, resource type, resource name, pattern type, operation, host, permission)."""

QuotaKey = tuple[str, str]
"""(entity type ``user`` | ``client-id``, entity name)."""

_KAFKA_RESOURCE = {"Cluster": "BROKER", "TransactionalID": "TRANSACTIONAL_ID"}


@dataclass(frozen=True)
class ObservedCluster:
    """What a live cluster holds, as read by its admin (see ``bulkheads.verify.observe``).

    ``topics`` maps each planned topic found to (partitions, its non-default config);
    ``admin`` is the super user the cluster was read as (never drift).
    """

    cluster: str
    admin: str
    acls: frozenset[AclKey]
    scram_users: frozenset[str]
    topics: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)
    quotas: dict[QuotaKey, dict[str, float]] = field(default_factory=dict)


def kafka_spelling(name: str) -> str:
    """``DescribeConfigs`` -> ``DESCRIBE_CONFIGS``; ``Cluster`` -> ``BROKER``."""
    return _KAFKA_RESOURCE.get(name, re.sub(r"(?<!^)([A-Z])", r"_\1", name).upper())


def planned_acls(plan: ClusterPlan) -> frozenset[AclKey]:
    """Every planned binding of ``plan`` as an :data:`AclKey`."""
    return frozenset(
        (
            grant.principal.kafka_principal,
            kafka_spelling(b.resource_type),
            b.resource_name,
            b.pattern_type.upper(),
            kafka_spelling(b.operation),
            b.host,
            b.permission.upper(),
        )
        for grant in plan.grants
        for b in grant.bindings
    )


def _acl_text(key: AclKey) -> str:
    principal, resource, name, pattern, operation, host, permission = key
    return f"{permission} {principal} {operation} on {resource}:{name} ({pattern}, host {host})"


def drift_findings(plan: ClusterPlan, observed: ObservedCluster) -> list[Finding]:
    """ACL, SCRAM user, topic and quota drift of one cluster; one pass row per kind when
    nothing drifted, else one fail row per drifted item."""
    return [
        *_acl_drift(plan, observed),
        *_user_drift(plan, observed),
        *_topic_drift(plan, observed),
        *_quota_drift(plan, observed),
    ]


def _set_drift(
    check: str, what: str, planned: set[str], live: set[str], cluster: str
) -> list[Finding]:
    rows = [
        failed("drift", check, item, f"planned {what} missing from the cluster", cluster)
        for item in sorted(planned - live)
    ] + [
        failed("drift", check, item, f"{what} present in the cluster but not planned", cluster)
        for item in sorted(live - planned)
    ]
    return rows or [passed("drift", check, cluster, f"{len(planned)} {what}s as planned", cluster)]


def _acl_drift(plan: ClusterPlan, observed: ObservedCluster) -> list[Finding]:
    planned = {_acl_text(key) for key in planned_acls(plan)}
    live = {_acl_text(key) for key in observed.acls}
    return _set_drift("acls", "ACL", planned, live, plan.cluster)


def _user_drift(plan: ClusterPlan, observed: ObservedCluster) -> list[Finding]:
    planned = {p.username for p in plan.principals}
    live = set(observed.scram_users) - {observed.admin}
    return _set_drift("scram-users", "SCRAM user", planned, live, plan.cluster)


def _topic_drift(plan: ClusterPlan, observed: ObservedCluster) -> list[Finding]:
    rows: list[Finding] = []
    for topic in plan.topics:
        if topic.name not in observed.topics:
            rows.append(
                failed("drift", "topics", topic.name, "planned topic missing", plan.cluster)
            )
            continue
        partitions, config = observed.topics[topic.name]
        if partitions != topic.partitions:
            rows.append(
                failed(
                    "drift",
                    "topics",
                    topic.name,
                    f"{partitions} partitions, planned {topic.partitions}",
                    plan.cluster,
                )
            )
        for key, value in sorted(topic.config.items()):
            if config.get(key) != value:
                rows.append(
                    failed(
                        "drift",
                        "topic-config",
                        topic.name,
                        f"{key}={config.get(key)!r}, planned {value!r}",
                        plan.cluster,
                    )
                )
    return rows or [
        passed(
            "drift",
            "topics",
            plan.cluster,
            f"{len(plan.topics)} topics with their planned partitions and config",
            plan.cluster,
        )
    ]


def _quota_drift(plan: ClusterPlan, observed: ObservedCluster) -> list[Finding]:
    planned: dict[QuotaKey, dict[str, int | float]] = {
        (q.entity_type, q.entity_name): q.config for q in plan.quotas
    }
    rows: list[Finding] = []
    for key in sorted(planned.keys() | observed.quotas.keys()):
        subject = f"{key[0]} {key[1]}"
        want = {k: float(v) for k, v in planned.get(key, {}).items()}
        have = observed.quotas.get(key)
        if key not in planned:
            rows.append(failed("quota", "entity", subject, f"unplanned quota {have}", plan.cluster))
        elif have is None:
            rows.append(failed("quota", "entity", subject, "planned quota missing", plan.cluster))
        elif have != want:
            rows.append(
                failed("quota", "entity", subject, f"is {have}, planned {want}", plan.cluster)
            )
    return rows or [
        passed("quota", "entity", plan.cluster, f"{len(planned)} quotas as planned", plan.cluster)
    ]
