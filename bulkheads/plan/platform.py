"""The whole platform as plain values: what ``components.platform.Platform`` builds.

``plan_platform(spec, project_root)`` adds to the per-cluster data plane
(:func:`bulkheads.plan.plan_clusters`) the runtime side: one :class:`PoolPlan` per worker
pool and one :class:`ConnectorPlan` per pipeline, with every physical name and every
derived connector setting decided here:

- sinks get a dead-letter queue (``errors.tolerance=all``, ``dlq.<pipeline>``, context
  headers on) unless their config already chooses ``errors.*`` itself;
- MirrorMaker 2 connectors (mirror pipelines, and replays that use
  ``MirrorSourceConnector``) get fixed settings (:func:`planned_config`) and are told
  which cluster is ``source`` and ``target``; the Platform fills in those clusters'
  bootstrap addresses and the pipeline's logins, which exist only at deploy time;
- relative ``file`` paths (FileStream connectors) resolve against the project root.

Kubernetes pools get requests equal to limits (Guaranteed QoS: a noisy pool cannot borrow
its neighbours' CPU).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bulkheads.plan import names, plan_clusters
from bulkheads.plan.alerts import AlertGroup, plan_alerts
from bulkheads.plan.cutover import CutoverPlan
from bulkheads.plan.cutover_merge import plan_at
from bulkheads.plan.identities import S3Grant, pool_s3_grants
from bulkheads.plan.manifests.strimzi import PluginBuild
from bulkheads.plan.plugins import pool_plugins
from bulkheads.plan.topics import durability
from bulkheads.plan.types import ClusterPlan, PipelineKind, WorkerPoolPlan, WorkloadClass
from bulkheads.spec.model import (
    MIRROR_SOURCE_CONNECTOR,
    ConnectorState,
    CutoverPhase,
    KubernetesRuntime,
    LocalRuntime,
    MirrorPipeline,
    Pipeline,
    PlatformSpec,
    ReplayPipeline,
    SinkPipeline,
)
from bulkheads.spec.replay import ReplayFrom, ReplayUntil

FILE_KEY = "file"
BYTE_ARRAY_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter"


@dataclass(frozen=True)
class KubernetesPoolRuntime:
    """A pool's Strimzi KafkaConnect sizing and placement."""

    replicas: int
    cpu: str
    memory: str
    node_pool: str | None


@dataclass(frozen=True)
class LocalPoolRuntime:
    """A pool's local Connect worker process on ``127.0.0.1:<rest_port>``."""

    rest_port: int


@dataclass(frozen=True)
class PoolPlan:
    """One Connect worker group: its Kafka side (``worker``) and where it runs."""

    worker: WorkerPoolPlan
    runtime: KubernetesPoolRuntime | LocalPoolRuntime
    override_policy: str
    plugins: tuple[PluginBuild, ...] = ()
    s3: tuple[S3Grant, ...] = ()


@dataclass(frozen=True)
class ConnectorPlan:
    """One pipeline's connector.

    ``secrets`` maps config keys to secret names (resolved at deploy time);
    ``cluster_logins`` maps a MirrorMaker 2 client prefix (``source.cluster``,
    ``target.cluster``) to the cluster whose bootstrap and pipeline login it gets.
    ``scheduled`` marks a replay: created stopped, its running state owned by the replay
    scheduler (``bulkheads.replay``), never by the stack.
    """

    connector: str
    pipeline: str
    kind: PipelineKind
    pool: str
    cluster: str
    workload_class: WorkloadClass
    owner: str
    connector_class: str
    username: str
    tasks_max: int
    state: ConnectorState
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    config: dict[str, str]
    secrets: dict[str, str] = field(default_factory=dict)
    cluster_logins: dict[str, str] = field(default_factory=dict)
    scheduled: bool = False
    resource_key: str | None = None

    @property
    def key(self) -> str:
        """What names its resource: the pipeline, unless a cutover keeps a second
        connector of it (``resource_key``, see ``bulkheads.plan.cutover_merge``)."""
        return self.resource_key or self.pipeline


@dataclass(frozen=True)
class ScheduledReplay:
    """One replay a pool's CronJob drives: its connector, the topics it reads, where it
    starts and stops, and its MirrorMaker source alias (None: a sink-style replay)."""

    connector: str
    reads: tuple[str, ...]
    start: ReplayFrom
    until: ReplayUntil
    mirror_alias: str | None


@dataclass(frozen=True)
class ReplaySchedulerPlan:
    """The scheduler of one Kubernetes pool's replays: those the stack declares running,
    run inside the replay ``window`` (UTC ``HH:MM-HH:MM``)."""

    pool: str
    owner: str
    workload_class: WorkloadClass
    window: str
    replays: tuple[ScheduledReplay, ...]

    @property
    def connectors(self) -> tuple[str, ...]:
        """The replay connectors' names."""
        return tuple(replay.connector for replay in self.replays)


@dataclass(frozen=True)
class PlatformPlan:
    """Every cluster's data plane, every pool and every connector of one environment, its
    alert rules (``bulkheads.plan.alerts``) and its cutovers at their phases."""

    environment: str
    clusters: dict[str, ClusterPlan]
    pools: tuple[PoolPlan, ...]
    connectors: tuple[ConnectorPlan, ...]
    alerts: tuple[AlertGroup, ...] = ()
    replay_schedulers: tuple[ReplaySchedulerPlan, ...] = ()
    cutovers: tuple[CutoverPlan, ...] = ()

    def topic_writers(self) -> dict[tuple[str, str], set[str]]:
        """(cluster, topic) -> the usernames granted WRITE on that topic there."""
        found: dict[tuple[str, str], set[str]] = {}
        for cluster, cluster_plan in self.clusters.items():
            for grant in cluster_plan.grants:
                for binding in grant.bindings:
                    if binding.resource_type == "Topic" and binding.operation == "Write":
                        key = (cluster, binding.resource_name)
                        found.setdefault(key, set()).add(grant.principal.username)
        return found


def plan_platform(
    spec: PlatformSpec,
    project_root: Path,
    phases: Mapping[str, CutoverPhase] | None = None,
) -> PlatformPlan:
    """The plan of ``spec`` with each cutover at its phase (or at ``phases[name]``, see
    ``bulkheads.plan.cutover``); relative connector file paths resolve against
    ``project_root``."""
    return plan_at(spec, phases, lambda effective: _plan(effective, project_root))


def _plan(spec: PlatformSpec, project_root: Path) -> PlatformPlan:
    clusters = plan_clusters(spec)
    workers = {pool.pool: pool for plan in clusters.values() for pool in plan.worker_pools}
    pools = tuple(
        PoolPlan(
            worker=workers[name],
            runtime=_runtime(pool.runtime),
            override_policy=pool.override_policy,
            plugins=pool_plugins(pool),
            s3=pool_s3_grants(spec, name),
        )
        for name, pool in spec.pools.items()
    )
    connectors = tuple(_connector(spec, name, project_root) for name in sorted(spec.pipelines))
    return PlatformPlan(
        spec.environment,
        clusters,
        pools,
        connectors,
        alerts=plan_alerts(spec),
        replay_schedulers=_replay_schedulers(spec, pools, connectors),
    )


def _replay_schedulers(
    spec: PlatformSpec, pools: tuple[PoolPlan, ...], connectors: tuple[ConnectorPlan, ...]
) -> tuple[ReplaySchedulerPlan, ...]:
    """One scheduler per Kubernetes pool running replays (local pools use the tick)."""
    schedulers = []
    for pool in pools:
        replays = [c for c in connectors if c.scheduled and c.pool == pool.worker.pool]
        running = tuple(
            _scheduled(spec.pipelines[c.pipeline], c)
            for c in replays
            if spec.pipelines[c.pipeline].connector.state == "running"
        )
        if not running or not isinstance(pool.runtime, KubernetesPoolRuntime):
            continue  # (an empty resourceNames list would grant every connector)
        schedulers.append(
            ReplaySchedulerPlan(
                pool=pool.worker.pool,
                owner=pool.worker.owner,
                workload_class=pool.worker.workload_class,
                window=spec.classes.replay.window,
                replays=running,
            )
        )
    return tuple(schedulers)


def mirror_alias(connector: ConnectorPlan) -> str | None:
    """A MirrorMaker connector's source alias (its offsets' ``cluster`` key); None for
    other connectors."""
    if connector.connector_class != MIRROR_SOURCE_CONNECTOR:
        return None
    return connector.config.get("source.cluster.alias")


def _scheduled(pipeline: Pipeline, connector: ConnectorPlan) -> ScheduledReplay:
    assert isinstance(pipeline, ReplayPipeline)
    return ScheduledReplay(
        connector=connector.connector,
        reads=connector.reads,
        start=pipeline.start,
        until=pipeline.until,
        mirror_alias=mirror_alias(connector),
    )


def _runtime(runtime: KubernetesRuntime | LocalRuntime) -> KubernetesPoolRuntime | LocalPoolRuntime:
    if isinstance(runtime, LocalRuntime):
        return LocalPoolRuntime(rest_port=runtime.rest_port)
    return KubernetesPoolRuntime(
        replicas=runtime.replicas,
        cpu=runtime.cpu,
        memory=runtime.memory,
        node_pool=runtime.node_pool,
    )


def _connector(spec: PlatformSpec, name: str, project_root: Path) -> ConnectorPlan:
    pipeline = spec.pipelines[name]
    cluster = spec.cluster_of(name)
    workload_class = spec.class_of(name)
    connector = pipeline.connector
    scheduled = isinstance(pipeline, ReplayPipeline)
    config = {
        key: _resolve_path(value, project_root) if key == FILE_KEY else value
        for key, value in connector.config.items()
    }
    if isinstance(pipeline, SinkPipeline) and not any(k.startswith("errors.") for k in config):
        config.update(_dead_letter_queue(spec, name, cluster, workload_class))
    planned, logins = planned_config(spec, name)
    config = {**config, **planned}
    return ConnectorPlan(
        connector=names.connector_name(name),
        pipeline=name,
        kind=pipeline.kind,
        pool=pipeline.pool,
        cluster=cluster,
        workload_class=workload_class,
        owner=pipeline.owner,
        connector_class=connector.connector_class,
        username=names.connector_principal(name),
        tasks_max=connector.tasks_max,
        state="stopped" if scheduled else connector.state,
        reads=tuple(pipeline.reads),
        writes=tuple(write.topic for write in pipeline.writes),
        config=config,
        secrets=dict(connector.secrets),
        cluster_logins=logins,
        scheduled=scheduled,
    )


def planned_config(spec: PlatformSpec, name: str) -> tuple[dict[str, str], dict[str, str]]:
    """What the plan sets on a pipeline's connector whatever its ``config`` says: the
    MirrorMaker 2 settings (:func:`_mirror_defaults`, for ``MirrorSourceConnector``) and
    the cluster logins (client prefix -> cluster; both empty for other connectors)."""
    pipeline = spec.pipelines[name]
    if pipeline.connector.connector_class != MIRROR_SOURCE_CONNECTOR:
        return {}, {}
    cluster = spec.cluster_of(name)
    source = pipeline.source_cluster if isinstance(pipeline, MirrorPipeline) else cluster
    logins = {"source.cluster": source, "target.cluster": cluster}
    return _mirror_defaults(source, cluster, pipeline.reads), logins


def _resolve_path(value: str, project_root: Path) -> str:
    path = Path(value)
    return value if path.is_absolute() else str(project_root / path)


def _dead_letter_queue(
    spec: PlatformSpec, pipeline: str, cluster: str, workload_class: WorkloadClass
) -> dict[str, str]:
    replication = durability(spec, cluster, workload_class).replication_factor
    return {
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": names.dlq_topic(pipeline),
        "errors.deadletterqueue.topic.replication.factor": str(replication),
        "errors.deadletterqueue.context.headers.enable": "true",
    }


def _mirror_defaults(source: str, target: str, topics: list[str]) -> dict[str, str]:
    """MirrorMaker 2 settings (a stack cannot override them): identity topic names, the
    declared topics only, no ACL or config syncing (bulkheads owns both), no offset-sync
    side topics, bytes copied unconverted. A replay reads and writes one cluster;
    MirrorMaker skips topics whose source alias equals the target's, so its source is
    aliased ``<cluster>-replay``."""
    return {
        "source.cluster.alias": source if source != target else f"{target}-replay",
        "target.cluster.alias": target,
        "topics": ",".join(topics),
        "replication.policy.class": "org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
        "sync.topic.acls.enabled": "false",
        "sync.topic.configs.enabled": "false",
        "emit.offset-syncs.enabled": "false",
        # records are copied byte for byte, never re-encoded by the worker's converters
        "key.converter": BYTE_ARRAY_CONVERTER,
        "value.converter": BYTE_ARRAY_CONVERTER,
    }
