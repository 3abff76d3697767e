"""The cloud layer of the ``prod`` stack under mocks: spec -> arguments -> Network + Clusters.

Until the Platform composition lands this builds the network and every cluster the way it
will (clusters on the network's subnets and broker security groups) and pins every
resource per type.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bulkheads.cloud.args import IrsaSettings
from bulkheads.cloud.from_spec import CloudSettings, cluster_args, network_args
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import PlatformSpec
from components import tokens
from components.cluster import Cluster, ClusterWiring
from components.kubernetes_provider import KubernetesTarget, kubernetes_provider
from components.network import Network
from tests.unit.cloud_harness import CA_CERT, CA_KEY, CloudHarness
from tests.unit.test_cloud_cluster import BUCKET_PARTS

STACKS = Path(__file__).resolve().parents[2] / "stacks"
SETTINGS = CloudSettings(
    irsa=IrsaSettings(
        oidc_provider_arn="arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/P",
        oidc_issuer="https://oidc.eks.eu-west-1.amazonaws.com/id/P",
    ),
    automq_image="automqinc/automq:1.6.0",
    cluster_ca_certs={"ingest": CA_CERT, "payments": CA_CERT, "lakehouse": CA_CERT},
)
CLUSTERS = 5  # ingest and lakehouse (AutoMQ), payments (Strimzi), delivery and lake (MSK)
STRIMZI = 3  # ingest, lakehouse and payments run under Strimzi
POOLS = 13  # Kubernetes worker pools in stacks/Pulumi.prod.yaml, one security group each
CLIENTS = 2  # declared broker clients with a cidr (delivery: fraud-scoring, ops-console)
ENDPOINTS = 10  # declared pool egress endpoints (live-cdc 2, live-commerce 2, search 1, ...)
EXPECTED_COUNTS = {
    tokens.NETWORK: 1,
    tokens.AWS_VPC: 1,
    tokens.AWS_SUBNET: 3,
    tokens.AWS_ROUTE_TABLE: 1,
    tokens.AWS_ROUTE_TABLE_ASSOCIATION: 3,
    tokens.AWS_VPC_ENDPOINT: 5,
    # endpoints + one broker group per cluster + one per pool
    tokens.AWS_SECURITY_GROUP: 1 + CLUSTERS + POOLS,
    # brokers: one per pool, two per client (MSK: SCRAM and IAM) + self; workers: self
    # (Connect REST); endpoints: one per boundary
    tokens.AWS_SECURITY_GROUP_INGRESS_RULE: (POOLS + 2 * CLIENTS + CLUSTERS)
    + POOLS
    + (CLUSTERS + POOLS),
    # brokers: self, endpoints, S3; workers: brokers, self, endpoints, S3, declared endpoints
    tokens.AWS_SECURITY_GROUP_EGRESS_RULE: 3 * CLUSTERS + 4 * POOLS + ENDPOINTS,
    tokens.AWS_LOG_GROUP: 1 + 2,  # flow logs + MSK broker logs of delivery and lake
    tokens.AWS_IAM_ROLE: 3,  # flow logs + ingest and lakehouse brokers (IRSA)
    tokens.AWS_IAM_ROLE_POLICY: 3,
    tokens.AWS_FLOW_LOG: 1,
    tokens.CLUSTER: CLUSTERS,
    tokens.EKS_SECURITY_GROUP_POLICY: STRIMZI,  # the brokers' group on their Strimzi pods
    tokens.AWS_KMS_KEY: 4,  # MSK delivery and lake, AutoMQ ingest and lakehouse
    **dict.fromkeys(BUCKET_PARTS, 6),  # ingest and lakehouse: data, ops, WAL
    tokens.K8S_PROVIDER: 1,
    tokens.STRIMZI_KAFKA: STRIMZI,
    tokens.STRIMZI_KAFKA_NODE_POOL: STRIMZI,
    tokens.K8S_SECRET: 3 * STRIMZI,  # the admin password, the CA certificate and key
    tokens.STRIMZI_KAFKA_USER: STRIMZI,
    tokens.K8S_CONFIG_MAP: STRIMZI,  # the brokers' JMX exporter configuration
    tokens.POD_MONITOR: STRIMZI,
    tokens.AWS_MSK_CONFIGURATION: 2,
    tokens.AWS_MSK_CLUSTER: 2,
    tokens.AWS_IAM_POLICY: 2,  # the MSK clusters' admin policies
}


@pytest.fixture(scope="module")
def prod() -> PlatformSpec:
    return load_platform(STACKS / "Pulumi.prod.yaml")


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


@pytest.fixture
def program(harness: CloudHarness, prod: PlatformSpec) -> CloudHarness:
    def build() -> None:
        network = Network("prod", network_args(prod))
        k8s = kubernetes_provider("prod-k8s", KubernetesTarget(render_dir="rendered"))
        for name in prod.clusters:
            args = cluster_args(prod, name, SETTINGS)
            Cluster(
                name,
                args,
                ClusterWiring(
                    admin_password="from-config",
                    subnet_ids=network.private_subnet_ids,
                    security_group_id=network.broker_security_groups[name].id,
                    kubernetes=k8s,
                    ca_key=CA_KEY,
                ),
            )

    harness.run(build)
    return harness


def test_prod_pool_count_matches_the_stack(prod: PlatformSpec) -> None:
    assert sum(p.runtime.kind == "kubernetes" for p in prod.pools.values()) == POOLS
    assert sum(c.cidr is not None for k in prod.clusters.values() for c in k.clients.values()) == (
        CLIENTS
    )
    assert sum(len(getattr(p.runtime, "egress", ())) for p in prod.pools.values()) == ENDPOINTS


def test_prod_brokers_admit_declared_clients_only_from_their_network(
    program: CloudHarness,
) -> None:
    rules = {
        name: program.one(tokens.AWS_SECURITY_GROUP_INGRESS_RULE, name).inputs
        for name in program.names(tokens.AWS_SECURITY_GROUP_INGRESS_RULE)
        if name.startswith("prod-brokers-delivery-from-client-")
    }
    # SCRAM for applications, IAM for a declared deploy runner (MSK)
    assert {(r["cidrIpv4"], r["fromPort"], r["toPort"]) for r in rules.values()} == {
        ("10.70.0.0/16", 9096, 9096),
        ("10.70.0.0/16", 9098, 9098),
        ("10.71.4.0/24", 9096, 9096),
        ("10.71.4.0/24", 9098, 9098),
    }
    assert {r["securityGroupId"] for r in rules.values()} == {"prod-brokers-delivery-id"}
    assert {r["description"] for r in rules.values()} == {
        "Kafka clients: client fraud-scoring (payments)",
        "Kafka clients: client ops-console (platform)",
    }


def test_prod_strimzi_broker_pods_wear_their_boundary_group(program: CloudHarness) -> None:
    policy = program.one(tokens.EKS_SECURITY_GROUP_POLICY, "ingest-pods-security-group")
    assert policy.inputs["metadata"]["namespace"] == "kafka-ingest"
    assert policy.inputs["spec"] == {
        "podSelector": {
            "matchLabels": {
                "strimzi.io/cluster": "ingest",
                "strimzi.io/kind": "Kafka",
                "strimzi.io/name": "ingest-kafka",
            }
        },
        "securityGroups": {"groupIds": ["prod-brokers-ingest-id"]},
    }


def test_prod_workers_reach_exactly_their_declared_endpoints(program: CloudHarness) -> None:
    prefix = "prod-workers-warehouse-sinks-to-endpoint-"
    rules = [
        program.one(tokens.AWS_SECURITY_GROUP_EGRESS_RULE, name).inputs
        for name in program.names(tokens.AWS_SECURITY_GROUP_EGRESS_RULE)
        if name.startswith(prefix)
    ]
    assert sorted((r["cidrIpv4"], r["fromPort"]) for r in rules) == [
        ("10.40.240.0/28", 443),
        ("10.60.40.0/24", 5432),
        ("10.61.8.0/24", 5432),
    ]
    assert {r["securityGroupId"] for r in rules} == {"prod-workers-warehouse-sinks-id"}


def test_prod_cloud_resources_per_type(program: CloudHarness) -> None:
    assert program.counts() == EXPECTED_COUNTS


def test_prod_msk_clusters_sit_in_the_private_subnets_behind_their_group(
    program: CloudHarness,
) -> None:
    subnet_ids = sorted(f"{s}-id" for s in program.names(tokens.AWS_SUBNET))
    for name, brokers in (("delivery", 6), ("lake", 3)):
        nodes = program.one(tokens.AWS_MSK_CLUSTER, f"{name}-msk").inputs
        assert nodes["numberOfBrokerNodes"] == brokers
        assert sorted(nodes["brokerNodeGroupInfo"]["clientSubnets"]) == subnet_ids
        assert nodes["brokerNodeGroupInfo"]["securityGroups"] == [f"prod-brokers-{name}-id"]


def test_prod_ingest_is_automq_on_its_own_buckets(program: CloudHarness) -> None:
    parts = ("data", "ops", "wal")
    assert program.names(tokens.AWS_S3_BUCKET) == [
        f"{cluster}-{part}" for cluster in ("ingest", "lakehouse") for part in parts
    ]
    kafka = program.one(tokens.STRIMZI_KAFKA, "ingest-kafka").inputs
    assert kafka["metadata"]["namespace"] == "kafka-ingest"
    assert kafka["spec"]["kafka"]["config"]["s3.data.buckets"].startswith(
        "0@s3://pay-ingest-prod-data?region=eu-west-1"
    )


def test_dev_msk_brokers_must_spread_over_the_zones(prod: PlatformSpec) -> None:
    two_zones = prod.model_copy(update={"network": prod.network.model_copy(update={"zones": 2})})
    with pytest.raises(
        ValueError, match=r"clusters\.lake\.deploy\.brokers: 3 brokers cannot spread"
    ):
        cluster_args(two_zones, "lake", SETTINGS)


def test_strimzi_without_its_ca_is_refused(prod: PlatformSpec) -> None:
    without = replace(SETTINGS, cluster_ca_certs={"ingest": CA_CERT})
    with pytest.raises(
        ValueError,
        match=r"clusters\.payments: a Strimzi cluster needs its CA from your PKI; set the stack "
        r"config bulkheads:clusterCaCerts\.payments \(PEM certificate\) and "
        r"bulkheads:clusterCaKeys\.payments \(PEM key, --secret\)",
    ):
        cluster_args(prod, "payments", without)


def test_automq_without_cloud_settings_is_refused(prod: PlatformSpec) -> None:
    with pytest.raises(ValueError, match=r"clusters\.ingest: an AutoMQ cluster needs storage"):
        cluster_args(prod, "ingest", CloudSettings())
