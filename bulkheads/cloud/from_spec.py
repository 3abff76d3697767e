"""Map a validated ``PlatformSpec`` to the Network and Cluster arguments (pure).

The spec does not carry the EKS OIDC provider or the AutoMQ image; they come from stack
config as ``CloudSettings``. A broker security group admits its cluster's pools and the
``cidr`` of each client the cluster declares; a pool's group lets its workers reach their
brokers and the ``egress`` endpoints of its runtime.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bulkheads.cloud.args import (
    MSK_IAM_PORT,
    SCRAM_TLS_PORT,
    BrokerBoundary,
    ClusterArgs,
    Endpoint,
    IrsaSettings,
    MskSettings,
    NetworkArgs,
    ObjectStorageSettings,
    StrimziSettings,
    WorkerBoundary,
)
from bulkheads.spec.model import (
    AwsNetwork,
    KubernetesRuntime,
    MskDeploy,
    PlatformSpec,
    StrimziDeploy,
)

PLATFORM_OWNER = "platform"


@dataclass(frozen=True)
class CloudSettings:
    """What the spec leaves to stack config: ``irsa`` and ``automq_image`` (AutoMQ only),
    ``cluster_ca_certs``, the PEM CA certificate of each Strimzi cluster (by name), and
    ``deploy_role``, the IAM role running ``pulumi up`` (MSK admin policies attach to it)."""

    irsa: IrsaSettings | None = None
    automq_image: str | None = None
    cluster_ca_certs: Mapping[str, str] = field(default_factory=dict)
    deploy_role: str | None = None


def network_args(spec: PlatformSpec, owner: str = PLATFORM_OWNER) -> NetworkArgs:
    """The network, one broker boundary per cluster and one worker boundary per
    Kubernetes pool (local pools have no security group)."""
    network = spec.network
    if not isinstance(network, AwsNetwork):
        return NetworkArgs(kind="local", environment=spec.environment, owner=owner)
    brokers = tuple(
        BrokerBoundary(
            cluster=name,
            owner=c.owner,
            workload_class=".".join(c.serves),
            client_ports=(MSK_IAM_PORT,) if isinstance(c.deploy, MskDeploy) else (),
            clients=tuple(
                Endpoint(
                    cidr=str(client.cidr),
                    port=SCRAM_TLS_PORT,
                    description=f"client {client_name} ({client.owner})",
                )
                for client_name, client in c.clients.items()
                if client.cidr is not None
            ),
        )
        for name, c in spec.clusters.items()
    )
    workers = tuple(
        WorkerBoundary(
            pool=name,
            cluster=p.cluster,
            owner=p.owner,
            workload_class=p.workload_class,
            endpoints=tuple(
                Endpoint(cidr=str(e.cidr), port=e.port, description=e.description)
                for e in p.runtime.egress
            ),
        )
        for name, p in spec.pools.items()
        if isinstance(p.runtime, KubernetesRuntime)
    )
    return NetworkArgs(
        kind="aws",
        environment=spec.environment,
        owner=owner,
        region=network.region,
        cidr=str(network.cidr),
        zones=network.zones,
        brokers=brokers,
        workers=workers,
    )


def cluster_args(spec: PlatformSpec, name: str, settings: CloudSettings) -> ClusterArgs:
    """The arguments of cluster ``name``; ``ValueError`` names what is missing or wrong."""
    cluster = spec.clusters[name]
    deploy = cluster.deploy
    where = f"clusters.{name}"
    network = spec.network if isinstance(spec.network, AwsNetwork) else None
    automq = cluster.engine == "automq"
    msk, strimzi, storage, local_bootstrap = MskSettings(), StrimziSettings(), None, ""
    if isinstance(deploy, MskDeploy):
        zones = network.zones if network else 0
        if not zones or deploy.brokers % zones:
            raise ValueError(
                f"{where}.deploy.brokers: {deploy.brokers} brokers cannot spread evenly over "
                f"{zones} zones; MSK needs a multiple of network.zones"
            )
        msk = MskSettings(
            region=network.region if network else "",
            deploy_role=settings.deploy_role,
            brokers=deploy.brokers,
            instance_type=deploy.instance_type,
            kafka_version=deploy.kafka_version,
            volume_size_gib=deploy.volume_gib,
        )
    elif isinstance(deploy, StrimziDeploy):
        if automq and not (settings.irsa and settings.automq_image and cluster.storage):
            raise ValueError(
                f"{where}: an AutoMQ cluster needs storage in the spec and the stack config "
                "bulkheads:oidcProviderArn, bulkheads:oidcIssuer and bulkheads:automqImage"
            )
        ca_cert = settings.cluster_ca_certs.get(name)
        if not ca_cert:
            raise ValueError(
                f"{where}: a Strimzi cluster needs its CA from your PKI; set the stack config "
                f"bulkheads:clusterCaCerts.{name} (PEM certificate) and "
                f"bulkheads:clusterCaKeys.{name} (PEM key, --secret)"
            )
        strimzi = StrimziSettings(
            namespace=deploy.namespace,
            replicas=deploy.brokers,
            node_pool=deploy.node_pool,
            storage_size=f"{deploy.volume_gib}Gi",
            image=settings.automq_image if automq else None,
            ca_cert=ca_cert,
        )
        if automq and cluster.storage and network:
            storage = ObjectStorageSettings(
                bucket_prefix=cluster.storage.bucket_prefix,
                region=network.region,
                wal=cluster.storage.wal,
            )
    else:
        local_bootstrap = deploy.bootstrap
    return ClusterArgs(
        cluster=name,
        environment=spec.environment,
        engine=cluster.engine,
        tenancy=cluster.tenancy,
        deploy=deploy.kind,
        serves=tuple(cluster.serves),
        owner=cluster.owner,
        regulated=cluster.regulated,
        msk=msk,
        strimzi=strimzi,
        storage=storage,
        irsa=settings.irsa if automq else None,
        local_bootstrap=local_bootstrap,
    )
