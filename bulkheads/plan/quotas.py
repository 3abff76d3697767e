"""Client quotas: one user quota per principal on every cluster it exists on.

A worker principal gets its pool's class quota; a connector principal gets its pipeline's
effective quota (the class limits with the pipeline's overrides, which the spec keeps
within the class bounds). Kafka enforces each quota per broker. Client-id quotas are
planned only where a spec declares them (the current spec declares none).
"""

from __future__ import annotations

from bulkheads.plan.access import cluster_principals
from bulkheads.plan.types import PrincipalPlan, QuotaPlan
from bulkheads.spec.model import PlatformSpec, QuotaLimits


def cluster_quotas(spec: PlatformSpec, cluster: str) -> tuple[QuotaPlan, ...]:
    """A ``user`` quota for every principal on ``cluster``, sorted by username."""
    return tuple(
        QuotaPlan(
            entity_type="user",
            entity_name=principal.username,
            cluster=cluster,
            owner=principal.owner,
            workload_class=principal.workload_class,
            config=quota_config(_limits(spec, principal)),
        )
        for principal in cluster_principals(spec, cluster)
    )


def quota_config(limits: QuotaLimits) -> dict[str, int | float]:
    """Kafka quota keys and values of ``limits``."""
    return {
        "producer_byte_rate": limits.producer_byte_rate,
        "consumer_byte_rate": limits.consumer_byte_rate,
        "request_percentage": limits.request_percentage,
        "controller_mutation_rate": limits.controller_mutation_rate,
    }


def _limits(spec: PlatformSpec, principal: PrincipalPlan) -> QuotaLimits:
    if principal.pipeline is None:
        return spec.classes.get(principal.workload_class).quota
    return spec.quota_of(principal.pipeline)
