"""The PlatformSpec: the intent a stack declares under ``config: bulkheads:platform``.

Every model is frozen and refuses unknown keys; variants (network, deploy, runtime,
pipeline) are discriminated by ``kind``. Units: byte sizes are ints in bytes (quota
rates in bytes/s), durations are ints in milliseconds (see ``units``). Keys that are
Python keywords are aliased: ``class`` is ``workload_class`` on pools and pipelines and
``connector_class`` on connectors (either spelling is accepted; the YAML uses ``class``).

This module checks shapes and types only. Cross references and the doctrine are checked
by ``doctrine.check_doctrine``; load through ``loader.load_platform`` or
``loader.platform_from_mapping`` to get both. The full shape is documented in
``bulkheads/spec/README.md``.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bulkheads.spec.classes import DEFAULT_CLASSES, merge_overrides
from bulkheads.spec.replay import ReplayFrom, ReplayUntil, parse_from, parse_until, window_text
from bulkheads.spec.units import ByteSize, DurationMs, format_byte_size

WorkloadClassName = Literal["live", "derived", "replay"]
WORKLOAD_CLASSES: tuple[WorkloadClassName, ...] = ("live", "derived", "replay")
Environment = Literal["local", "dev", "staging", "prod"]
PartitionBy = Literal["cluster", "cluster-owner"]
"""How an estate splits into stacks (``bulkheads.plan.partitions``)."""
PipelineKind = Literal["source", "sink", "replay", "mirror"]
ConnectorState = Literal["running", "paused", "stopped"]
OverridePolicy = Literal["Principal", "None", "All"]

MIRROR_SOURCE_CONNECTOR = "org.apache.kafka.connect.mirror.MirrorSourceConnector"


def _scalar_to_str(value: Any) -> Any:
    """YAML writes ``tasks.max: 1`` or ``cpu: 2``; Connect and Kubernetes want strings."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    return value


ConfigValue = Annotated[str, BeforeValidator(_scalar_to_str)]


class SpecModel(BaseModel):
    """Base of every spec model: frozen, unknown keys refused, aliases or field names."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True
    )


# --- owners and workload classes -------------------------------------------------------


class Owner(SpecModel):
    """A team: where to talk to it and where its alerts page."""

    contact: str = Field(min_length=1)
    oncall: str = Field(min_length=1)


class QuotaLimits(SpecModel):
    """A class's client quota per principal (Kafka quota keys; rates in bytes/s)."""

    producer_byte_rate: ByteSize
    consumer_byte_rate: ByteSize
    request_percentage: float = Field(strict=True, gt=0)
    controller_mutation_rate: float = Field(strict=True, gt=0)


class QuotaOverride(SpecModel):
    """A pipeline's quota; each given key must stay within its class's limit."""

    producer_byte_rate: ByteSize | None = None
    consumer_byte_rate: ByteSize | None = None
    request_percentage: float | None = Field(default=None, gt=0, strict=True)
    controller_mutation_rate: float | None = Field(default=None, gt=0, strict=True)


class Alerts(SpecModel):
    """Alert thresholds: consumer lag (ms) and failed Connect tasks before paging (0: no
    failed-task alert)."""

    consumer_lag: DurationMs
    failed_tasks: int = Field(strict=True, ge=0)


class AlertsOverride(SpecModel):
    """A pipeline's own alert thresholds where its class default does not fit (e.g. a
    customer-facing sink that pages sooner); each key left out keeps the class value."""

    consumer_lag: DurationMs | None = Field(default=None, gt=0)
    failed_tasks: int | None = Field(default=None, ge=0)


class ClassSettings(SpecModel):
    """Settings of one workload class (durations in ms, rates in bytes/s)."""

    retention: DurationMs
    retention_min: DurationMs
    retention_max: DurationMs
    replication_factor: int = Field(strict=True, ge=1, le=7)
    min_insync_replicas: int = Field(strict=True, ge=1, le=7)
    quota: QuotaLimits
    freshness_target: DurationMs
    alerts: Alerts


class ReplayClassSettings(ClassSettings):
    """Replay settings add the daily window (UTC ``HH:MM-HH:MM``, may cross midnight) replay
    connectors run in (see ``replay.parse_window``)."""

    window: Annotated[str, BeforeValidator(window_text)]


class WorkloadClasses(SpecModel):
    """The three workload classes, built-in defaults merged with the stack's overrides."""

    live: ClassSettings
    derived: ClassSettings
    replay: ReplayClassSettings

    def get(self, name: WorkloadClassName) -> ClassSettings:
        """Settings of the class called ``name``."""
        settings: ClassSettings = getattr(self, name)
        return settings


# --- network -------------------------------------------------------------------------


class AwsNetwork(SpecModel):
    """A private VPC: no public endpoints, private subnets across ``zones`` (default 3, at
    least 3: brokers need three failure domains)."""

    kind: Literal["aws"]
    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    cidr: IPv4Network
    zones: int = Field(strict=True, default=3, ge=3, le=6)


class LocalNetwork(SpecModel):
    """This machine: everything listens on 127.0.0.1."""

    kind: Literal["local"]


Network = Annotated[AwsNetwork | LocalNetwork, Field(discriminator="kind")]

# --- clusters ------------------------------------------------------------------------


class StrimziDeploy(SpecModel):
    """Kafka (or AutoMQ) on Kubernetes under the Strimzi operator; each broker gets a
    ``volume_gib`` volume (default 20)."""

    kind: Literal["strimzi"]
    namespace: str = "kafka"
    brokers: int = Field(strict=True, default=3, ge=1, le=100)
    node_pool: str | None = None
    volume_gib: int = Field(default=20, ge=1, le=16384)


class MskDeploy(SpecModel):
    """Amazon MSK with SCRAM + TLS in the private subnets (Apache Kafka only)."""

    kind: Literal["msk"]
    brokers: int = Field(strict=True, default=3, ge=1, le=100)
    instance_type: str = Field(default="kafka.m7g.large", pattern=r"^kafka\.[a-z0-9]+\.[a-z0-9]+$")
    kafka_version: str = "3.9.x"
    volume_gib: int = Field(strict=True, default=1000, ge=1, le=16384)


class LocalDeploy(SpecModel):
    """One combined KRaft node on this machine (SASL_PLAINTEXT, SCRAM-SHA-512)."""

    kind: Literal["local"]
    bootstrap: str = Field(pattern=r"^(127\.0\.0\.1|localhost):\d{2,5}$")
    brokers: Literal[1] = 1

    @property
    def port(self) -> int:
        """The listener port of ``bootstrap``."""
        return int(self.bootstrap.rsplit(":", 1)[1])

    @property
    def controller_port(self) -> int:
        """The KRaft controller listener's port: the listener port + 1."""
        return self.port + 1


Deploy = Annotated[StrimziDeploy | MskDeploy | LocalDeploy, Field(discriminator="kind")]


class ObjectStorage(SpecModel):
    """AutoMQ object storage: buckets ``<bucket_prefix>-data|-ops``; WAL on s3 or ebs."""

    bucket_prefix: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$")
    wal: Literal["s3", "ebs"] = "s3"


class BrokerClient(SpecModel):
    """An application that uses a cluster directly, not through a pipeline (its
    credentials are managed outside the platform).

    It gets a client-id quota for ``client_id`` (default: the client's name): its class's
    quota with the ``quota`` overrides, which stay within the class. ``cidr`` is the
    network it connects from; an aws network requires it (the brokers' security group
    admits exactly that), a local one refuses it. ``library`` (optional) names its client
    library and pinned version, e.g. ``librdkafka 2.6.1``.
    """

    owner: str
    workload_class: WorkloadClassName = Field(alias="class")
    client_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._-]{1,200}$")
    cidr: IPv4Network | None = None
    quota: QuotaOverride | None = None
    library: str | None = Field(default=None, pattern=r"^[A-Za-z][\w.+-]* \d+(\.\d+){1,3}$")


class Cluster(SpecModel):
    """A Kafka-compatible cluster, the workload classes it serves and the ``clients``
    (default none) that use it directly.

    ``exports`` (default none) maps each topic of a ``regulated`` cluster that may be
    mirrored out of it to the reason it may (e.g. its card numbers are tokenized);
    ``exceptions`` (default none) maps each pipeline or client of another owner that a
    regulated cluster admits anyway to the justification.
    """

    engine: Literal["automq", "kafka"]
    tenancy: Literal["dedicated", "shared"]
    serves: list[WorkloadClassName] = Field(min_length=1)
    deploy: Deploy
    owner: str
    storage: ObjectStorage | None = None
    regulated: bool = False
    clients: dict[str, BrokerClient] = Field(default_factory=dict)
    exports: dict[str, Annotated[str, Field(min_length=10)]] = Field(default_factory=dict)
    exceptions: dict[str, Annotated[str, Field(min_length=10)]] = Field(default_factory=dict)


# --- worker pools --------------------------------------------------------------------


class EgressEndpoint(SpecModel):
    """A destination a pool's workers reach besides their brokers (a source database, a
    sink's API): ``cidr`` on TCP ``port``."""

    description: str = Field(min_length=1)
    cidr: IPv4Network
    port: int = Field(strict=True, ge=1, le=65535)


class KubernetesRuntime(SpecModel):
    """Connect workers on Kubernetes; cpu/memory are Kubernetes quantities. ``egress``
    (default none) lists the endpoints the workers may reach besides their brokers."""

    kind: Literal["kubernetes"]
    replicas: int = Field(strict=True, default=2, ge=1, le=50)
    cpu: Annotated[str, BeforeValidator(_scalar_to_str)] = Field(
        default="1", pattern=r"^\d+(\.\d+)?m?$"
    )
    memory: str = Field(default="2Gi", pattern=r"^\d+(Ki|Mi|Gi)$")
    node_pool: str | None = None
    egress: list[EgressEndpoint] = Field(default_factory=list)

    @field_validator("cpu", "memory")
    @classmethod
    def _positive_quantity(cls, value: str) -> str:
        if float(re.sub(r"(m|Ki|Mi|Gi)$", "", value)) <= 0:
            raise PydanticCustomError(
                "quantity", "must be more than zero", {"fix": "request a positive quantity"}
            )
        return value


class LocalRuntime(SpecModel):
    """Connect worker processes on this machine, REST API on 127.0.0.1:``rest_port``."""

    kind: Literal["local"]
    rest_port: int = Field(strict=True, ge=1024, le=65535)
    workers: int = Field(strict=True, default=1, ge=1, le=4)


Runtime = Annotated[KubernetesRuntime | LocalRuntime, Field(discriminator="kind")]


CONNECTOR_CLASS_PATTERN = r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$"


class ConnectorPlugin(SpecModel):
    """A Connect plugin in a pool's workers: Maven ``artifacts`` (``group:artifact:version``,
    each with its runtime dependencies) from ``repository`` (default Maven Central),
    providing the connector ``classes`` listed."""

    artifacts: list[Annotated[str, Field(pattern=r"^[\w.-]+:[\w.-]+:[\w.+-]+$")]] = Field(
        min_length=1
    )
    classes: list[Annotated[str, Field(pattern=CONNECTOR_CLASS_PATTERN)]] = Field(min_length=1)
    repository: Annotated[str, Field(pattern=r"^https://\S+$")] | None = None


class WorkerPool(SpecModel):
    """One Connect worker group: own group.id, internal topics, principal and compute.

    ``override_policy`` is the worker's ``connector.client.config.override.policy``
    (default ``Principal``: each connector runs with its own principal). ``plugins``
    (default none) are the connector plugins its workers carry, by plugin name.
    """

    cluster: str
    workload_class: WorkloadClassName = Field(alias="class")
    owner: str
    runtime: Runtime
    override_policy: OverridePolicy = "Principal"
    plugins: dict[str, ConnectorPlugin] = Field(default_factory=dict)


# --- pipelines -----------------------------------------------------------------------


class Connector(SpecModel):
    """A Connect connector: class, task count, plain config and secret references.

    ``secrets`` maps a connector config key to the name of a secret (resolved at deploy
    time, never stored in the stack). Relative file paths in ``config`` resolve against
    the project root.
    """

    connector_class: str = Field(alias="class", pattern=CONNECTOR_CLASS_PATTERN)
    tasks_max: int = Field(strict=True, default=1, ge=1, le=256)
    config: dict[str, ConfigValue] = Field(default_factory=dict)
    secrets: dict[str, str] = Field(default_factory=dict)
    state: ConnectorState = "running"


def _topic_write_shorthand(value: Any) -> Any:
    """``writes: [raw.a.b]`` is short for ``writes: [{topic: raw.a.b}]``."""
    return {"topic": value} if isinstance(value, str) else value


class TopicWrite(SpecModel):
    """A topic a pipeline writes (and therefore owns): partitions default 3.

    ``retention`` overrides the class retention within the class bounds.
    """

    topic: str
    partitions: int = Field(strict=True, default=3, ge=1, le=1000)
    retention: DurationMs | None = None


class Throughput(SpecModel):
    """Expected traffic in bytes/s (byte sizes per second): ``average`` (more than 0) and
    ``peak`` (default: the average; never below it). A replay's figures hold while it runs
    (its class window); cost and readiness read them."""

    average: ByteSize = Field(gt=0)
    peak: ByteSize | None = None

    @field_validator("peak")
    @classmethod
    def _peak_not_below_average(cls, value: int | None, info: ValidationInfo) -> int | None:
        average = info.data.get("average")
        if value is not None and isinstance(average, int) and value < average:
            shown = format_byte_size(average)
            raise PydanticCustomError(
                "throughput_peak",
                "peak below the average ({average}/s)",
                {"average": shown, "fix": f"write a peak of at least {shown}, or leave peak out"},
            )
        return value

    @property
    def peak_rate(self) -> int:
        """The peak, or the average when no peak is declared."""
        return self.average if self.peak is None else self.peak


class S3Access(SpecModel):
    """An S3 location a pipeline's connector uses with its pool's AWS identity: objects
    under ``prefix`` (default: the whole bucket) of ``bucket``, to ``write`` (default;
    includes reading back) or ``read``."""

    bucket: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    prefix: str = Field(default="", pattern=r"^([^*?]*/)?$")
    access: Literal["write", "read"] = "write"


class PipelineBase(SpecModel):
    """Fields every pipeline kind has; ``class`` defaults to its pool's class. ``s3``
    (default none) lists the S3 locations its connector uses: its pool's IAM role may use
    exactly those."""

    owner: str
    pool: str
    workload_class: WorkloadClassName | None = Field(default=None, alias="class")
    reads: list[str] = Field(default_factory=list)
    writes: list[Annotated[TopicWrite, BeforeValidator(_topic_write_shorthand)]] = Field(
        default_factory=list
    )
    quota: QuotaOverride | None = None
    alerts: AlertsOverride | None = None
    s3: list[S3Access] = Field(default_factory=list)

    @property
    def written_topics(self) -> list[str]:
        """Names of the topics this pipeline writes."""
        return [write.topic for write in self.writes]


class SourcePipeline(PipelineBase):
    """Pulls from an external system into the ``writes`` topics at ``throughput``
    (optional; split over the topics by partition count)."""

    kind: Literal["source"]
    connector: Connector
    throughput: Throughput | None = None


class SinkPipeline(PipelineBase):
    """Pushes the ``reads`` topics to an external system (never writes ``raw.``)."""

    kind: Literal["sink"]
    connector: Connector


class ReplayPipeline(PipelineBase):
    """Rebuilds ``writes`` from ``reads``: throttled, in the replay window, never live.

    ``from`` (default ``earliest``) is where it starts, ``until`` (default ``caught_up``)
    where it stops (see ``replay``); ``throughput`` (optional) is its rate while it runs.
    """

    kind: Literal["replay"]
    connector: Connector
    throughput: Throughput | None = None
    start: Annotated[ReplayFrom, BeforeValidator(parse_from)] = Field(
        default=ReplayFrom(), alias="from"
    )
    until: Annotated[ReplayUntil, BeforeValidator(parse_until)] = ReplayUntil()


class TopicCopy(SpecModel):
    """A mirrored copy's own settings; each unset one is inherited from its origin topic."""

    partitions: int | None = Field(default=None, strict=True, ge=1, le=1000)
    retention: DurationMs | None = None


class MirrorPipeline(PipelineBase):
    """Copies ``reads`` from ``source_cluster`` onto its pool's cluster (MirrorMaker 2).

    Mirrored topics keep their names (identity replication policy); ``copies`` (default
    none) sets a copy's partitions or retention, else both are its origin topic's.
    """

    kind: Literal["mirror"]
    source_cluster: str
    copies: dict[str, TopicCopy] = Field(default_factory=dict)
    connector: Connector = Field(
        default_factory=lambda: Connector.model_validate({"class": MIRROR_SOURCE_CONNECTOR})
    )


Pipeline = Annotated[
    SourcePipeline | SinkPipeline | ReplayPipeline | MirrorPipeline,
    Field(discriminator="kind"),
]

# --- cutovers ------------------------------------------------------------------------

CutoverPhase = Literal["mirror", "consumers", "producers", "done"]
CUTOVER_PHASES: tuple[CutoverPhase, ...] = ("mirror", "consumers", "producers", "done")


class Cutover(SpecModel):
    """Moves ``pipelines`` (sources, sinks, replays) from cluster ``from`` to ``to``.

    ``pools`` maps each pool a moving pipeline runs on to its pool on ``to``;
    ``mirror_pool`` (a pool on ``to``) runs the MirrorMaker 2 mirror that copies the moving
    sources' topics across meanwhile. ``phase`` (default ``mirror``) is the desired state:
    ``mirror`` (copy, nothing moves) -> ``consumers`` (sinks and replays run on ``to``)
    -> ``producers`` (sources run on ``to``) -> ``done`` (mirror and old connectors
    removed, old topics kept); setting it back is the rollback (see
    ``bulkheads.plan.cutover``). ``checkpoint_interval`` (default 5s) is how often
    consumer-group offsets are translated to ``to``.
    """

    pipelines: list[str] = Field(min_length=1)
    from_cluster: str = Field(alias="from")
    to_cluster: str = Field(alias="to")
    pools: dict[str, str] = Field(min_length=1)
    mirror_pool: str
    phase: CutoverPhase = "mirror"
    checkpoint_interval: DurationMs = Field(default=5000, ge=1000)


# --- the platform --------------------------------------------------------------------


class PlatformSpec(SpecModel):
    """Everything one environment declares; ``partition`` (default none: one stack) splits
    it into a network stack and a stack per cluster or per cluster and owner."""

    environment: Environment
    partition: PartitionBy | None = None
    owners: dict[str, Owner] = Field(min_length=1)
    classes: WorkloadClasses = Field(
        default_factory=lambda: WorkloadClasses.model_validate(DEFAULT_CLASSES)
    )
    network: Network
    clusters: dict[str, Cluster] = Field(min_length=1)
    pools: dict[str, WorkerPool] = Field(default_factory=dict)
    pipelines: dict[str, Pipeline] = Field(default_factory=dict)
    cutovers: dict[str, Cutover] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _merge_class_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("classes") is not None:
            data = {**data, "classes": merge_overrides(DEFAULT_CLASSES, data["classes"])}
        return data

    def pool_of(self, pipeline: str) -> WorkerPool:
        """The pool a pipeline runs on."""
        return self.pools[self.pipelines[pipeline].pool]

    def cluster_of(self, pipeline: str) -> str:
        """The name of the cluster a pipeline works against (its pool's cluster)."""
        return self.pool_of(pipeline).cluster

    def class_of(self, pipeline: str) -> WorkloadClassName:
        """A pipeline's workload class: its own ``class`` or its pool's."""
        return self.pipelines[pipeline].workload_class or self.pool_of(pipeline).workload_class

    def quota_of(self, pipeline: str) -> QuotaLimits:
        """A pipeline's effective quota: its class's limits with its own overrides."""
        return self.effective_quota(self.class_of(pipeline), self.pipelines[pipeline].quota)

    def alerts_of(self, pipeline: str) -> Alerts:
        """A pipeline's alert thresholds: its class's with its own ``alerts`` overrides."""
        alerts = self.classes.get(self.class_of(pipeline)).alerts
        override = self.pipelines[pipeline].alerts
        if override is None:
            return alerts
        return alerts.model_copy(update=override.model_dump(exclude_none=True))

    def effective_quota(
        self, workload_class: WorkloadClassName, override: QuotaOverride | None
    ) -> QuotaLimits:
        """The quota limits of ``workload_class`` with the keys ``override`` sets."""
        limits = self.classes.get(workload_class).quota
        if override is None:
            return limits
        return limits.model_copy(update=override.model_dump(exclude_none=True))
