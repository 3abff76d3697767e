"""The platform plan at the cutovers' phases (see ``bulkheads.plan.cutover``).

``plan_at(spec, phases, plan_of)`` plans :func:`~bulkheads.plan.cutover.spec_at` with
``plan_of`` (the plain planner) and adds what each phase keeps on the side:

- a moved pipeline's old topics stay on ``from`` (retained) from the phase it moves on;
  until ``done`` its old connector stays there stopped (the same resource, so moving and
  rolling back only change its state and a rollback resumes at its offsets there) and its
  principal keeps every grant but WRITE; its connector on ``to`` (same connector name, so
  the same consumer group) is the resource ``<pipeline>@<to>``;
- a pipeline not moved yet already has its principal (no WRITE), grants and topics on
  ``to``, taken from where it ends up (:func:`~bulkheads.plan.cutover.moved_everything`);
- the running mirror emits offset syncs, gets a MirrorCheckpointConnector for the moving
  groups, the offset-syncs and checkpoints topics on ``to`` and the grants they need
  (Describe on the groups on ``from``; Read on them and on the copies on ``to``, which
  writing their offsets takes);
- a staged source (``producers``) is stopped on ``from`` with no WRITE, and its connector
  on ``to`` exists stopped (declaring no writes: the mirror is the topic's writer there
  until ``done``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from bulkheads.plan import names
from bulkheads.plan.access import client_host
from bulkheads.plan.cutover import (
    MIRROR_CHECKPOINT_CONNECTOR,
    CutoverPlan,
    checkpoint_config,
    cutover_plans,
    mirror_config,
    moved_everything,
    spec_at,
)
from bulkheads.plan.types import (
    AccessPlan,
    AclBinding,
    ClusterPlan,
    Operation,
    QuotaPlan,
    ResourceType,
    TopicPlan,
)
from bulkheads.spec.model import CutoverPhase, PlatformSpec

if TYPE_CHECKING:
    from bulkheads.plan.platform import ConnectorPlan, PlatformPlan

WRITE_OPERATIONS = ("Write", "IdempotentWrite")


def plan_at(
    spec: PlatformSpec,
    phases: Mapping[str, CutoverPhase] | None,
    plan_of: Callable[[PlatformSpec], PlatformPlan],
) -> PlatformPlan:
    """The plan of ``spec`` with every cutover at its phase (``phases`` overrides)."""
    plans = cutover_plans(spec, phases)
    if not plans:
        return plan_of(spec)
    effective = plan_of(spec_at(spec, plans))
    home = plan_of(spec_at(spec, ()))
    final = plan_of(moved_everything(spec))
    edit = _Edit(effective, plans)
    for plan in plans:
        _pipelines(edit, plan, home, final)
        if not plan.topics:
            continue  # no moving source: nothing to mirror (its sinks read declared mirrors)
        if plan.mirror_state == "running":
            _mirror(edit, spec, plan, effective)
    return edit.build()


def strip_writes(access: AccessPlan) -> AccessPlan:
    """``access`` without any WRITE grant on a topic."""
    kept = tuple(b for b in access.bindings if b.operation not in WRITE_OPERATIONS)
    return replace(access, bindings=kept)


def _pipelines(edit: _Edit, plan: CutoverPlan, home: PlatformPlan, final: PlatformPlan) -> None:
    source, target = plan.from_cluster, plan.to_cluster
    for pipeline in plan.placement:
        username = names.connector_principal(pipeline)
        if pipeline in plan.moved:
            edit.topics(source, (t for t in home.clusters[source].topics if t.writer == pipeline))
            edit.connectors[:] = [
                replace(c, resource_key=f"{pipeline}@{target}") if c.pipeline == pipeline else c
                for c in edit.connectors
            ]
            if pipeline in plan.retired:
                edit.principal(source, home.clusters[source], username, strip=True)
                old = next(c for c in home.connectors if c.pipeline == pipeline)
                edit.connectors.append(replace(old, state="stopped"))
        else:
            edit.topics(target, (t for t in final.clusters[target].topics if t.writer == pipeline))
            edit.principal(target, final.clusters[target], username, strip=True)
        if pipeline in plan.staged:
            edit.connectors[:] = [
                replace(c, state="stopped") if c.pipeline == pipeline else c
                for c in edit.connectors
            ]
            edit.strip(source, username)
            new = next(c for c in final.connectors if c.pipeline == pipeline)
            edit.connectors.append(
                replace(new, state="stopped", writes=(), resource_key=f"{pipeline}@{target}")
            )


def _mirror(edit: _Edit, spec: PlatformSpec, plan: CutoverPlan, running: PlatformPlan) -> None:
    """The cutover's mirror: its MirrorSource and MirrorCheckpoint connectors, its own
    topics on ``to`` and the grants they need."""
    source, target = plan.from_cluster, plan.to_cluster
    mirror = next(c for c in running.connectors if c.pipeline == plan.mirror)
    mirror = replace(mirror, config={**mirror.config, **mirror_config(plan)})
    checkpoint = replace(
        mirror,
        connector=plan.checkpoint_connector,
        connector_class=MIRROR_CHECKPOINT_CONNECTOR,
        config={**_aliases(mirror.config), **checkpoint_config(plan)},
        resource_key=plan.checkpoint_connector,
    )
    username = names.connector_principal(plan.mirror)
    copies = [t for t in running.clusters[target].topics if t.writer == plan.mirror]
    internal = [
        replace(
            copies[0],
            name=name,
            partitions=1,
            contract="mirror",
            config={"cleanup.policy": "compact", **_min_isr(copies[0])},
        )
        for name in (plan.offset_syncs_topic, plan.checkpoints_topic)
    ]
    edit.topics(target, internal)
    own = [t.name for t in internal]
    target_host, source_host = client_host(spec, target), client_host(spec, source)
    extra_target = [_acl("Topic", t, op, target_host) for t in own for op in _READ_WRITE]
    extra_target += [_acl("Group", g, "Read", target_host) for g in plan.groups]
    # committing a group's offsets on a topic takes Read on it as well as on the group
    extra_target += [_acl("Topic", t, "Read", target_host) for t in plan.topics]
    extra_source = [_acl("Group", g, "Describe", source_host) for g in plan.groups]
    edit.connectors[:] = [mirror if c.pipeline == plan.mirror else c for c in edit.connectors]
    edit.connectors.append(checkpoint)
    edit.bindings(target, username, extra_target)
    edit.bindings(source, username, extra_source)


_READ_WRITE: tuple[Operation, ...] = ("Read", "Write", "Describe")


def _aliases(config: Mapping[str, str]) -> dict[str, str]:
    keep = (
        "source.cluster.alias",
        "target.cluster.alias",
        "replication.policy.class",
        "key.converter",
        "value.converter",
    )
    return {key: config[key] for key in keep}


def _min_isr(topic: TopicPlan) -> dict[str, str]:
    return {"min.insync.replicas": topic.config["min.insync.replicas"]}


def _acl(resource_type: ResourceType, name: str, operation: Operation, host: str) -> AclBinding:
    return AclBinding(
        resource_type=resource_type, resource_name=name, operation=operation, host=host
    )


class _Edit:
    """A platform plan being added to: topics, principals, grants, quotas, connectors."""

    def __init__(self, plan: PlatformPlan, plans: tuple[CutoverPlan, ...]) -> None:
        self.plan = plan
        self.plans = plans
        self.clusters = {
            name: (
                {t.name: t for t in c.topics},
                {g.principal.username: g for g in c.grants},
                {(q.entity_type, q.entity_name): q for q in c.quotas},
            )
            for name, c in plan.clusters.items()
        }
        self.connectors: list[ConnectorPlan] = list(plan.connectors)

    def topics(self, cluster: str, topics: Iterable[TopicPlan]) -> None:
        for topic in topics:
            self.clusters[cluster][0].setdefault(topic.name, topic)

    def principal(self, cluster: str, source: ClusterPlan, username: str, strip: bool) -> None:
        grants, quotas = self.clusters[cluster][1], self.clusters[cluster][2]
        access = next(g for g in source.grants if g.principal.username == username)
        grants.setdefault(username, strip_writes(access) if strip else access)
        quota = next(
            q for q in source.quotas if (q.entity_type, q.entity_name) == ("user", username)
        )
        quotas.setdefault(("user", username), quota)

    def strip(self, cluster: str, username: str) -> None:
        """Take every WRITE grant from ``username`` on ``cluster``."""
        grants = self.clusters[cluster][1]
        grants[username] = strip_writes(grants[username])

    def bindings(self, cluster: str, username: str, bindings: list[AclBinding]) -> None:
        grants = self.clusters[cluster][1]
        access = grants[username]
        added = tuple(b for b in bindings if b not in access.bindings)
        grants[username] = replace(access, bindings=access.bindings + added)

    def build(self) -> PlatformPlan:
        clusters = {}
        for name, cluster in self.plan.clusters.items():
            topics, grants, quotas = self.clusters[name]
            ordered = [grants[u] for u in sorted(grants)]
            users = sorted((q for q in quotas.values() if q.entity_type == "user"), key=_entity)
            clients = [q for q in cluster.quotas if q.entity_type != "user"]
            clusters[name] = replace(
                cluster,
                topics=tuple(topics[t] for t in sorted(topics)),
                principals=tuple(g.principal for g in ordered),
                grants=tuple(ordered),
                quotas=(*users, *clients),
            )
        connectors = tuple(sorted(self.connectors, key=lambda c: (c.pipeline, c.key)))
        return replace(self.plan, clusters=clusters, connectors=connectors, cutovers=self.plans)


def _entity(quota: QuotaPlan) -> str:
    return quota.entity_name
