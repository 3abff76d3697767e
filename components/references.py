"""What one partition stack reads from the others (``bulkheads.plan.partitions``).

A partition publishes two stack outputs: ``references`` (plain: per cluster it exports
its bootstrap address; the network stack its private subnets and per cluster and pool the
security group) and ``logins`` (secret: cluster -> username -> password, only the
principals other partitions log in as). :func:`read_references` reads them through one
``StackReference`` per partition depended on, named ``<estate>-<partition>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from bulkheads.cloud.args import NetworkArgs
from bulkheads.plan.partitions import NETWORK, Partition, stack_of

REFERENCES = "references"
LOGINS = "logins"


@dataclass(frozen=True)
class ClusterReference:
    """A cluster built in another partition: how its clients reach and log in to it."""

    bootstrap: pulumi.Input[str]
    tls_enabled: bool
    passwords: Mapping[str, pulumi.Input[str]]


@dataclass(frozen=True)
class NetworkReference:
    """The network stack's subnets and security groups (empty off aws)."""

    subnet_ids: pulumi.Input[list[str]]
    broker_groups: Mapping[str, pulumi.Input[str]]
    worker_groups: Mapping[str, pulumi.Input[str]]


@dataclass(frozen=True)
class References:
    """Everything a partition reads from others (``network`` None: it builds the network
    itself)."""

    network: NetworkReference | None = None
    clusters: Mapping[str, ClusterReference] = field(default_factory=dict)


def read_references(
    estate: str,
    partition: Partition,
    homes: Mapping[str, str],
    network: NetworkArgs,
    tls_enabled: Mapping[str, bool],
) -> References:
    """What ``partition`` of estate stack ``estate`` reads: on aws the network stack's
    subnets and the security groups of the clusters and pools built here (those
    ``network`` declares) and, per cluster it ``needs`` (built in ``homes[cluster]``), its
    bootstrap and the passwords of its principals (``tls_enabled``: per cluster)."""
    if partition.network:
        return References()
    stacks = {name: pulumi.StackReference(stack_of(estate, name)) for name in partition.depends_on}

    def pick(name: str, output: str, *path: str) -> pulumi.Output[Any]:
        """The value at ``path`` of stack ``name``'s ``output``; a preview of a partition
        whose dependency was never applied sees None, an ``up`` fails naming it."""

        def walk(value: Any) -> Any:
            for key in path:
                value = None if value is None else value[key]
            return value

        if pulumi.runtime.is_dry_run():
            return stacks[name].get_output(output).apply(walk)
        return stacks[name].require_output(output).apply(walk)

    pools = {pool.worker.pool for pool in partition.plan.pools}
    refs = NetworkReference(pulumi.Output.from_input([]), {}, {})
    if network.kind == "aws":
        refs = NetworkReference(
            subnet_ids=pick(NETWORK, REFERENCES, "network", "subnet_ids"),
            broker_groups={
                b.cluster: pick(NETWORK, REFERENCES, "network", "brokers", b.cluster)
                for b in network.brokers
                if b.cluster in partition.clusters
            },
            worker_groups={
                w.pool: pick(NETWORK, REFERENCES, "network", "workers", w.pool)
                for w in network.workers
                if w.pool in pools
            },
        )
    clusters = {
        cluster: ClusterReference(
            bootstrap=pick(homes[cluster], REFERENCES, "clusters", cluster, "bootstrap"),
            tls_enabled=tls_enabled[cluster],
            passwords={
                user: pulumi.Output.secret(pick(homes[cluster], LOGINS, cluster, user))
                for user in users
            },
        )
        for cluster, users in partition.needs.items()
    }
    return References(network=refs, clusters=clusters)
