"""Estates larger than one stack: the single-stack plan split into partition stacks.

``partition_estate(plan, by)`` maps a :class:`PlatformPlan` to :class:`Partition` values,
each a restricted plan of its own that ``components.platform.Platform`` builds as is:

- ``network``: the Network (and the cutovers' phases, which ``up`` reports from);
- ``by="cluster"``: a partition per cluster (named after it) with the cluster, its data
  plane (topics, principals, ACLs, quotas), its alert rules and Kafka Exporter, and the
  pools attached to it with their connectors, alert rules and replay schedulers;
- ``by="cluster-owner"``: a partition per cluster keeps the cluster and its data plane;
  the pools of each owner on it (with their connectors, alerts and schedulers) form
  ``<cluster>-<owner>``.

What crosses a boundary is named here and read through a ``StackReference``: from the
network stack the subnets and security groups (``network_refs``), from a cluster's
partition its bootstrap address, TLS flag and the passwords (secret) of exactly the
principals other partitions log in as (``needs`` on the reader, ``exports`` on the
holder). A connector's dependencies on another stack's resources become the stack order
(``depends_on``). Partition stacks are named ``<estate>-<partition>`` (:func:`stack_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from bulkheads.plan.errors import PlanError
from bulkheads.plan.platform import ConnectorPlan, PlatformPlan, PoolPlan, plan_platform
from bulkheads.spec.errors import Problem
from bulkheads.spec.model import PlatformSpec

NETWORK = "network"


class PartitionError(PlanError):
    """An estate that cannot be split as its ``partition`` says: the problem and the fix."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}; {fix}")
        self.problem, self.fix = problem, fix


def partition_problems(spec: PlatformSpec) -> list[Problem]:
    """What ``validate`` reports of ``spec.partition`` (nothing without one)."""
    if spec.partition is None:
        return []
    try:
        partition_estate(plan_platform(spec, Path(".")), spec.partition)
    except PartitionError as error:
        return [Problem(("partition",), error.problem, error.fix, spec.partition)]
    return []


@dataclass(frozen=True)
class Partition:
    """One partition stack: what it builds (``plan``; ``network`` when it holds the
    Network), the partitions it reads from (``depends_on``), per cluster the principals
    whose logins it reads (``needs``) and those it publishes for others (``exports``)."""

    name: str
    plan: PlatformPlan
    network: bool = False
    depends_on: tuple[str, ...] = ()
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exports: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def clusters(self) -> tuple[str, ...]:
        """The clusters built in this partition."""
        return tuple(self.plan.clusters)


@dataclass(frozen=True)
class Estate:
    """Every partition of one estate, keyed by name, and where each cluster is built."""

    partitions: Mapping[str, Partition]
    homes: Mapping[str, str]

    def waves(self) -> tuple[tuple[str, ...], ...]:
        """The partitions in dependency order: each wave only reads from earlier ones, so
        the partitions of one wave can run side by side."""
        sorter = TopologicalSorter({p.name: p.depends_on for p in self.partitions.values()})
        sorter.prepare()
        waves = []
        while sorter.is_active():
            ready = tuple(sorted(sorter.get_ready()))
            waves.append(ready)
            sorter.done(*ready)
        return tuple(waves)

    def dependents(self, name: str) -> tuple[str, ...]:
        """Every partition that reads from ``name``, directly or through another."""
        found: set[str] = set()
        frontier = {name}
        while frontier:
            frontier = {
                p.name
                for p in self.partitions.values()
                if set(p.depends_on) & frontier and p.name not in found
            }
            found |= frontier
        return tuple(sorted(found))

    def dependencies(self, name: str) -> tuple[str, ...]:
        """Every partition ``name`` reads from, directly or through another."""
        found: set[str] = set()
        frontier = set(self.partitions[name].depends_on)
        while frontier:
            found |= frontier
            frontier = {d for p in frontier for d in self.partitions[p].depends_on} - found
        return tuple(sorted(found))


def stack_of(estate: str, partition: str) -> str:
    """The stack of ``partition`` of the estate stack ``estate``: ``<estate>-<partition>``."""
    return f"{estate}-{partition}"


def partition_estate(plan: PlatformPlan, by: str) -> Estate:
    """Split ``plan`` into partitions ``by`` ``"cluster"`` or ``"cluster-owner"``; raises
    :class:`PartitionError` when two partitions would share a name or, by cluster, when
    mirrors read from each other's clusters in a cycle."""
    homes = {cluster: cluster for cluster in plan.clusters}

    def runs_in(pool: PoolPlan) -> str:
        cluster = pool.worker.cluster
        return cluster if by == "cluster" else f"{cluster}-{pool.worker.owner}"

    pool_home = {pool.worker.pool: runs_in(pool) for pool in plan.pools}
    names = sorted({*homes.values(), *pool_home.values()})
    shared = set(homes) & set(pool_home.values()) if by == "cluster-owner" else set()
    clash = sorted(({NETWORK} & set(names)) | shared)
    if clash:
        raise PartitionError(
            f"partition stacks {clash} would share a name (the network stack is "
            f"'{NETWORK}', an owner's pools are '<cluster>-<owner>')",
            "rename the cluster",
        )
    needs = {name: _needs(plan, name, pool_home) for name in names}
    exports: dict[str, dict[str, set[str]]] = {}
    for reader, wanted in needs.items():
        for cluster, usernames in wanted.items():
            if homes[cluster] != reader:
                exports.setdefault(homes[cluster], {}).setdefault(cluster, set()).update(usernames)
    partitions = {NETWORK: Partition(NETWORK, _restrict(plan, (), (), True), network=True)}
    for name in names:
        remote = {c: u for c, u in needs[name].items() if homes[c] != name}
        pools = tuple(p.worker.pool for p in plan.pools if pool_home[p.worker.pool] == name)
        clusters = tuple(c for c in plan.clusters if homes[c] == name)
        partitions[name] = Partition(
            name=name,
            plan=_restrict(plan, clusters, pools, False),
            depends_on=(NETWORK, *sorted({homes[c] for c in remote})),
            needs={c: tuple(sorted(u)) for c, u in sorted(remote.items())},
            exports={c: tuple(sorted(u)) for c, u in sorted(exports.get(name, {}).items())},
        )
    estate = Estate(partitions, homes)
    try:
        estate.waves()
    except CycleError as error:
        cycle = " -> ".join(error.args[1])
        raise PartitionError(
            f"partitions {cycle} read from each other (mirrors both ways), so no order "
            "can run them",
            "set partition: cluster-owner, whose pool partitions only read from cluster partitions",
        ) from None
    return estate


def _needs(plan: PlatformPlan, name: str, pool_home: Mapping[str, str]) -> dict[str, set[str]]:
    """Per cluster, the principals partition ``name``'s pools and connectors log in as."""
    wanted: dict[str, set[str]] = {}
    for pool in plan.pools:
        if pool_home[pool.worker.pool] == name:
            wanted.setdefault(pool.worker.cluster, set()).add(pool.worker.principal)
    for connector in _connectors(plan, pool_home, name):
        for cluster in (connector.cluster, *connector.cluster_logins.values()):
            wanted.setdefault(cluster, set()).add(connector.username)
    return wanted


def _connectors(
    plan: PlatformPlan, pool_home: Mapping[str, str], name: str
) -> Iterable[ConnectorPlan]:
    return (c for c in plan.connectors if pool_home[c.pool] == name)


def _restrict(
    plan: PlatformPlan, clusters: tuple[str, ...], pools: tuple[str, ...], network: bool
) -> PlatformPlan:
    """``plan`` cut down to ``clusters`` (data planes, cluster alerts), ``pools`` (with
    their connectors, pool alerts and schedulers) and, for the network, the cutovers."""
    return replace(
        plan,
        clusters={c: plan.clusters[c] for c in clusters},
        pools=tuple(p for p in plan.pools if p.worker.pool in pools),
        connectors=tuple(c for c in plan.connectors if c.pool in pools),
        alerts=tuple(
            a for a in plan.alerts if (a.pool in pools if a.pool else a.cluster in clusters)
        ),
        replay_schedulers=tuple(s for s in plan.replay_schedulers if s.pool in pools),
        cutovers=plan.cutovers if network else (),
    )
