"""Principals and their least-privilege ACLs, per cluster.

Principals: one per worker pool (``pool.<pool>``) on the pool's cluster; one per pipeline
(``pipeline.<pipeline>``) on its pool's cluster — a mirror's principal exists on its source
cluster as well, where it only reads. Names: ``bulkheads.plan.names``.

ACLs (every binding ``Allow``, ``Literal``, on a named resource — never a wildcard
principal or resource, never a prefix):

==============  ==========================================================================
principal       bindings
==============  ==========================================================================
worker          Read on group ``connect.<pool>``; Read, Write, Describe, DescribeConfigs on
                its three ``_connect.<pool>.*`` topics (DescribeConfigs lets the worker check
                they are compacted). No Create: Pulumi creates them first. Nothing on data
                topics.
source          Write, Describe on each topic it writes.
sink            Read, Describe on each topic it reads; Read on group ``connect-<pipeline>``;
                Write, Describe on ``dlq.<pipeline>``.
replay          Read, Describe on what it reads; Read on group ``connect-<pipeline>`` (it
                consumes like a sink); Write, Describe only on its declared writes.
mirror          source cluster: Read, Describe on the mirrored topics;
                its pool's cluster: Write, Describe on the mirrored copies. (MirrorMaker 2's
                own topics are off: the connector runs with ``emit.offset-syncs.enabled``,
                ``emit.heartbeats``/``emit.checkpoints`` and ACL/config sync disabled.)
==============  ==========================================================================

Hosts. A Kafka ACL host is the client's IP address, matched exactly (no CIDRs). On a
``local`` cluster every client connects from loopback, so every binding is pinned to
``127.0.0.1``. On other clusters (MSK, Strimzi) Connect pods have no stable address, so a
pinned host would break on the next pod restart; those bindings use host ``*`` and the
boundary is the principal (one SCRAM user per pool and per pipeline, literal resources)
plus the network layer (private subnets, broker security groups, NetworkPolicy egress).
Policies: a wildcard host is expected only on non-``local`` clusters; a wildcard
principal, topic or group never appears.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from bulkheads.plan import names
from bulkheads.plan.types import (
    AccessPlan,
    AclBinding,
    Operation,
    PrincipalPlan,
    ResourceType,
)
from bulkheads.spec.model import (
    MirrorPipeline,
    PlatformSpec,
    ReplayPipeline,
    SinkPipeline,
    SourcePipeline,
)

LOOPBACK_HOST = "127.0.0.1"
ANY_HOST = "*"
WORKER_TOPIC_OPERATIONS: tuple[Operation, ...] = ("Read", "Write", "Describe", "DescribeConfigs")
READ: tuple[Operation, ...] = ("Read", "Describe")
WRITE: tuple[Operation, ...] = ("Write", "Describe")


def client_host(spec: PlatformSpec, cluster: str) -> str:
    """The ACL host of every binding on ``cluster`` (see the module docstring)."""
    return LOOPBACK_HOST if spec.clusters[cluster].deploy.kind == "local" else ANY_HOST


def cluster_principals(spec: PlatformSpec, cluster: str) -> tuple[PrincipalPlan, ...]:
    """Every principal that exists on ``cluster``, sorted by username."""
    found = list(_principals(spec, cluster))
    return tuple(sorted(found, key=lambda principal: principal.username))


def cluster_grants(spec: PlatformSpec, cluster: str) -> tuple[AccessPlan, ...]:
    """The ACL set of every principal on ``cluster`` (same order as the principals)."""
    host = client_host(spec, cluster)
    return tuple(
        AccessPlan(principal, tuple(_bindings(spec, cluster, principal, host)))
        for principal in cluster_principals(spec, cluster)
    )


def _principals(spec: PlatformSpec, cluster: str) -> Iterator[PrincipalPlan]:
    for pool_name, pool in spec.pools.items():
        if pool.cluster == cluster:
            yield PrincipalPlan(
                username=names.worker_principal(pool_name),
                kind="worker",
                cluster=cluster,
                pool=pool_name,
                owner=pool.owner,
                workload_class=pool.workload_class,
            )
    for name, pipeline in spec.pipelines.items():
        mirrored_from_here = (
            isinstance(pipeline, MirrorPipeline) and pipeline.source_cluster == cluster
        )
        if spec.cluster_of(name) == cluster or mirrored_from_here:
            yield PrincipalPlan(
                username=names.connector_principal(name),
                kind="connector",
                cluster=cluster,
                pool=pipeline.pool,
                owner=pipeline.owner,
                workload_class=spec.class_of(name),
                pipeline=name,
                pipeline_kind=pipeline.kind,
            )


def _bindings(
    spec: PlatformSpec, cluster: str, principal: PrincipalPlan, host: str
) -> Iterator[AclBinding]:
    if principal.kind == "worker":
        yield _binding("Group", names.worker_group(principal.pool), "Read", host)
        yield from _topic_bindings(
            names.internal_topics(principal.pool), WORKER_TOPIC_OPERATIONS, host
        )
        return
    assert principal.pipeline is not None
    name = principal.pipeline
    pipeline = spec.pipelines[name]
    if isinstance(pipeline, MirrorPipeline):
        on_source = pipeline.source_cluster == cluster
        yield from _topic_bindings(pipeline.reads, READ if on_source else WRITE, host)
        if not on_source:
            yield from _topic_bindings(pipeline.written_topics, WRITE, host)
        return
    if isinstance(pipeline, (SinkPipeline, ReplayPipeline)):
        yield from _topic_bindings(pipeline.reads, READ, host)
        yield _binding("Group", names.sink_group(name), "Read", host)
    if isinstance(pipeline, SinkPipeline):
        yield from _topic_bindings([names.dlq_topic(name)], WRITE, host)
    if isinstance(pipeline, (SourcePipeline, ReplayPipeline, SinkPipeline)):
        yield from _topic_bindings(pipeline.written_topics, WRITE, host)


def _topic_bindings(
    topics: Iterable[str], operations: Iterable[Operation], host: str
) -> Iterator[AclBinding]:
    for topic in topics:
        for operation in operations:
            yield _binding("Topic", topic, operation, host)


def _binding(resource_type: ResourceType, name: str, operation: Operation, host: str) -> AclBinding:
    return AclBinding(
        resource_type=resource_type, resource_name=name, operation=operation, host=host
    )
