"""Client quotas: one user quota per principal on every cluster it exists on, and one
client-id quota per client a cluster declares.

A worker principal gets its pool's class quota; a connector principal gets its pipeline's
effective quota (the class limits with the pipeline's overrides, which the spec keeps
within the class bounds); a declared client gets its class's quota with its own
overrides, keyed by its client id. Kafka enforces each quota per broker, and a user quota
takes precedence over a client-id one, so the client-id quotas bind the clients whose
principals are managed outside the platform.
"""

from __future__ import annotations

from bulkheads.plan.access import cluster_principals
from bulkheads.plan.types import PrincipalPlan, QuotaPlan
from bulkheads.spec.model import PlatformSpec, QuotaLimits


def cluster_quotas(spec: PlatformSpec, cluster: str) -> tuple[QuotaPlan, ...]:
    """A ``user`` quota for every principal on ``cluster``, sorted by username, then a
    ``client-id`` quota for every client it declares, sorted by client id."""
    users = tuple(
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
    clients = (
        QuotaPlan(
            entity_type="client-id",
            entity_name=client.client_id or name,
            cluster=cluster,
            owner=client.owner,
            workload_class=client.workload_class,
            config=quota_config(spec.effective_quota(client.workload_class, client.quota)),
        )
        for name, client in spec.clusters[cluster].clients.items()
    )
    return (*users, *sorted(clients, key=lambda quota: quota.entity_name))


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
