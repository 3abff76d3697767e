"""Plain arguments of the Network and Cluster components (no Pulumi types).

The plan layer, or the Platform composition, builds these from the spec; the components
take them as they are. Values that only exist as Pulumi outputs (subnet ids, passwords,
providers) are passed to the components separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Engine = Literal["automq", "kafka"]
Tenancy = Literal["dedicated", "shared"]
Deploy = Literal["strimzi", "msk", "local"]
NetworkKind = Literal["aws", "local"]

# The SASL_SSL (SCRAM-SHA-512 over TLS) listener port: MSK's fixed port, reused on Strimzi.
SCRAM_TLS_PORT = 9096
# MSK's IAM listener (SASL_SSL with AWS_MSK_IAM), which the platform's own provider uses.
MSK_IAM_PORT = 9098
# Connect workers talk to each other over their REST listener.
CONNECT_REST_PORT = 8083
HTTPS_PORT = 443

DEFAULT_INTERFACE_ENDPOINTS = ("sts", "ecr.api", "ecr.dkr", "logs")
PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----"


@dataclass(frozen=True)
class Endpoint:
    """A declared destination a worker pool may reach: ``cidr`` on TCP ``port``."""

    cidr: str
    port: int
    description: str


@dataclass(frozen=True)
class BrokerBoundary:
    """The brokers of one cluster: who owns them and which CIDRs may connect as clients.

    Worker pools reach brokers through their own boundary (``WorkerBoundary.cluster``) on
    ``port`` (default ``SCRAM_TLS_PORT``); ``clients`` lists any other declared client
    networks, admitted on ``port`` and ``client_ports`` (default none; on MSK its IAM
    port, so a declared deploy runner can log in with IAM).
    """

    cluster: str
    owner: str
    workload_class: str
    clients: tuple[Endpoint, ...] = ()
    port: int = SCRAM_TLS_PORT
    client_ports: tuple[int, ...] = ()


@dataclass(frozen=True)
class WorkerBoundary:
    """The workers of one pool: the one cluster they use and their declared ``endpoints``."""

    pool: str
    cluster: str
    owner: str
    workload_class: str
    endpoints: tuple[Endpoint, ...] = ()


@dataclass(frozen=True)
class NetworkArgs:
    """One environment's network.

    kind ``aws``: a VPC of ``cidr`` in ``region`` split over ``zones`` (default 3) private
    subnets, one security group per broker and worker boundary, the S3 gateway endpoint,
    ``interface_endpoints`` (default sts, ecr.api, ecr.dkr, logs) and flow logs kept
    ``flow_log_retention_days`` (default 365). kind ``local``: nothing is created.
    """

    kind: NetworkKind
    environment: str
    owner: str
    region: str = ""
    cidr: str = ""
    zones: int = 3
    brokers: tuple[BrokerBoundary, ...] = ()
    workers: tuple[WorkerBoundary, ...] = ()
    interface_endpoints: tuple[str, ...] = DEFAULT_INTERFACE_ENDPOINTS
    flow_log_retention_days: int = 365


@dataclass(frozen=True)
class StrimziSettings:
    """A Strimzi-managed cluster in ``namespace`` (default ``kafka``): ``replicas`` combined
    broker/controller nodes (default 3), ``kafka_version`` (default 4.1.0), ``image`` (None:
    Strimzi's own; AutoMQ needs its image), volume ``storage_size`` (default 20Gi) of
    ``storage_class``, scheduled on Kubernetes node pool ``node_pool`` (label
    ``bulkheads.io/node-pool``) when set. ``ca_cert`` (required to deploy) is the PEM
    certificate of the cluster CA from the platform's PKI: Strimzi signs the broker
    certificates with it instead of generating a CA nobody trusts, and the Kafka provider
    and the Connect workers trust it.
    """

    namespace: str = "kafka"
    replicas: int = 3
    kafka_version: str = "4.1.0"
    image: str | None = None
    storage_size: str = "20Gi"
    storage_class: str | None = None
    node_pool: str | None = None
    ca_cert: str | None = None


@dataclass(frozen=True)
class MskSettings:
    """An MSK cluster: ``brokers`` (default 3, a multiple of the subnet count) of
    ``instance_type`` (default kafka.m7g.large) with ``volume_size_gib`` (default 1000) of
    EBS, Kafka ``kafka_version`` (default 3.9.x), logs kept ``log_retention_days`` (365),
    in ``region`` (required to deploy: the provider signs its IAM login for it);
    ``deploy_role`` (IAM role name, default none) gets the cluster's admin policy attached.
    """

    region: str = ""
    deploy_role: str | None = None
    brokers: int = 3
    instance_type: str = "kafka.m7g.large"
    kafka_version: str = "3.9.x"
    volume_size_gib: int = 1000
    log_retention_days: int = 365


@dataclass(frozen=True)
class ObjectStorageSettings:
    """AutoMQ's buckets ``<bucket_prefix>-<environment>-{data,ops,wal}`` in ``region``.

    ``wal`` ``s3`` (default) keeps the WAL in its own bucket; ``ebs`` on the brokers'
    volume (no WAL bucket). Ops objects expire after ``ops_retention_days`` (default 30).
    """

    bucket_prefix: str
    region: str
    wal: Literal["s3", "ebs"] = "s3"
    ops_retention_days: int = 30


@dataclass(frozen=True)
class IrsaSettings:
    """The EKS OIDC provider that brokers' service accounts assume roles through."""

    oidc_provider_arn: str
    oidc_issuer: str


@dataclass(frozen=True)
class ClusterArgs:
    """One Kafka cluster.

    ``engine`` x ``deploy``: automq needs strimzi (+ ``storage`` and ``irsa``); kafka runs
    on msk (+ ``msk``) or strimzi; local records ``local_bootstrap``. ``admin_username``
    (default ``bulkheads-admin``) is the SCRAM super user the Kafka provider signs in as.
    """

    cluster: str
    environment: str
    engine: Engine
    tenancy: Tenancy
    deploy: Deploy
    serves: tuple[str, ...]
    owner: str
    regulated: bool = False
    admin_username: str = "bulkheads-admin"
    strimzi: StrimziSettings = field(default_factory=StrimziSettings)
    msk: MskSettings = field(default_factory=MskSettings)
    storage: ObjectStorageSettings | None = None
    irsa: IrsaSettings | None = None
    local_bootstrap: str = ""

    def __post_init__(self) -> None:
        where = f"cluster {self.cluster!r}"
        if self.engine == "automq" and self.deploy == "msk":
            raise ValueError(f"{where}: engine automq cannot deploy on msk; use strimzi")
        if (
            self.engine == "automq"
            and self.deploy == "strimzi"
            and not (self.storage and self.irsa)
        ):
            raise ValueError(f"{where}: engine automq on strimzi needs storage and irsa")
        if self.deploy == "strimzi" and PEM_CERTIFICATE not in (self.strimzi.ca_cert or ""):
            raise ValueError(
                f"{where}: deploy strimzi needs strimzi.ca_cert, the PEM certificate of the "
                "cluster CA that the provider and the workers trust"
            )
        if self.deploy == "msk" and not self.msk.region:
            raise ValueError(f"{where}: deploy msk needs msk.region")
        if self.deploy == "local" and not self.local_bootstrap:
            raise ValueError(f"{where}: deploy local needs local_bootstrap (host:port)")

    @property
    def workload_class(self) -> str:
        """The classes served, joined with ``.`` (valid as an AWS tag and a Kubernetes label)."""
        return ".".join(self.serves)
