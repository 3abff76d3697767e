"""The whole ``prod`` program under Pulumi mocks: spec -> plan -> Platform, every resource
accounted for by type (so an unintended change fails), and the cross-layer links."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pulumi
import pytest

from bulkheads.plan.platform import PlatformPlan, plan_platform
from bulkheads.program import build_platform
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import PlatformSpec
from components import tokens
from tests.unit.cloud_harness import (
    CA_CERT,
    CloudHarness,
    run_stack_program,
)
from tests.unit.test_cloud_prod_stack import EXPECTED_COUNTS as CLOUD_COUNTS
from tests.unit.test_cloud_prod_stack import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
KAFKA_TYPES = (
    tokens.KAFKA_TOPIC,
    tokens.KAFKA_SCRAM_CREDENTIAL,
    tokens.KAFKA_ACL,
    tokens.KAFKA_QUOTA,
)
# Kubernetes objects per pool (namespace, worker Secret, KafkaConnect, NetworkPolicy, the
# SecurityGroupPolicy of its security group) and
# per connector (config Secret, Role, RoleBinding, KafkaConnector) — see worker_pool.py and
# connector.py.
PER_POOL = {
    "kubernetes:core/v1:Namespace": 1,
    tokens.K8S_SECRET: 1,
    tokens.STRIMZI_KAFKA_CONNECT: 1,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": 1,
    tokens.EKS_SECURITY_GROUP_POLICY: 1,
    tokens.K8S_CONFIG_MAP: 1,  # JMX exporter configuration, its PodMonitor, its alert rules
    tokens.POD_MONITOR: 1,
    tokens.PROMETHEUS_RULE: 1,
}
PER_CONNECTOR = {
    tokens.K8S_SECRET: 1,
    "kubernetes:rbac.authorization.k8s.io/v1:Role": 1,
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 1,
    tokens.STRIMZI_KAFKA_CONNECTOR: 1,
}


@pytest.fixture(scope="module")
def prod() -> PlatformSpec:
    return load_platform(ROOT / "stacks" / "Pulumi.prod.yaml")


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


REGISTRY = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/bulkheads"


def prod_config() -> dict[str, str]:
    """What the prod stack's config sets besides secrets and cluster CAs."""
    assert SETTINGS.irsa is not None
    return {
        "bulkheads:oidcProviderArn": SETTINGS.irsa.oidc_provider_arn,
        "bulkheads:oidcIssuer": SETTINGS.irsa.oidc_issuer,
        "bulkheads:automqImage": str(SETTINGS.automq_image),
        "bulkheads:deployRoleName": "platform-deployer",
        "bulkheads:connectImageRegistry": REGISTRY,
    }


@pytest.fixture
def program(harness: CloudHarness, prod: PlatformSpec) -> CloudHarness:
    run_stack_program(harness, prod, prod_config())
    return harness


def expected_counts(prod: PlatformSpec, plan: PlatformPlan) -> Counter[str]:
    expected: Counter[str] = Counter(CLOUD_COUNTS)
    clusters = plan.clusters.values()
    expected[tokens.PLATFORM] += 1
    expected[tokens.DATA_PLANE] += len(plan.clusters)
    expected[tokens.KAFKA_PROVIDER] += len(plan.clusters)
    # an admin password per SCRAM-admin cluster (MSK's admin is IAM), one per principal
    scram_admins = sum(c.deploy.kind != "msk" for c in prod.clusters.values())
    expected["pulumi-python:dynamic/bulkheads:GeneratedPassword"] += scram_admins + sum(
        len(c.principals) for c in clusters
    )
    expected[tokens.TOPIC_CONTRACT] += sum(len(c.topics) for c in clusters)
    expected[tokens.KAFKA_TOPIC] += sum(len(c.topics) for c in clusters)
    expected[tokens.PRINCIPAL] += sum(len(c.principals) for c in clusters)
    # MSK reads SCRAM users only from Secrets Manager: secret, version and association each
    on_msk = sum(
        len(c.principals) for c in clusters if prod.clusters[c.cluster].deploy.kind == "msk"
    )
    expected[tokens.KAFKA_SCRAM_CREDENTIAL] += sum(len(c.principals) for c in clusters) - on_msk
    for kind in (tokens.AWS_SECRET, tokens.AWS_SECRET_VERSION, tokens.AWS_MSK_SCRAM_ASSOCIATION):
        expected[kind] += on_msk
    # the deploy role gets each MSK cluster's admin policy
    expected[tokens.AWS_IAM_ROLE_POLICY_ATTACHMENT] += sum(
        c.deploy.kind == "msk" for c in prod.clusters.values()
    )
    expected[tokens.ACCESS_GRANT] += sum(len(c.grants) for c in clusters)
    expected[tokens.KAFKA_ACL] += sum(len(g.bindings) for c in clusters for g in c.grants)
    expected[tokens.QUOTA] += sum(len(c.quotas) for c in clusters)
    expected[tokens.KAFKA_QUOTA] += sum(len(c.quotas) for c in clusters)
    expected[tokens.WORKER_POOL] += len(plan.pools)
    expected[tokens.CONNECTOR] += len(plan.connectors)
    for kind, count in PER_POOL.items():
        expected[kind] += count * len(plan.pools)
    # pools on a Strimzi cluster also hold its CA certificate
    expected[tokens.K8S_SECRET] += sum(
        prod.clusters[prod.pools[pool.worker.pool].cluster].deploy.kind == "strimzi"
        for pool in plan.pools
    )
    for kind, count in PER_CONNECTOR.items():
        expected[kind] += count * len(plan.connectors)
    # each Strimzi cluster's alert rules
    expected[tokens.PROMETHEUS_RULE] += sum(
        c.deploy.kind == "strimzi" for c in prod.clusters.values()
    )
    # a pool whose pipelines declare S3 locations gets an IAM role and its policy
    for kind in (tokens.AWS_IAM_ROLE, tokens.AWS_IAM_ROLE_POLICY):
        expected[kind] += sum(bool(pool.s3) for pool in plan.pools)
    # each Kubernetes pool running replays: its scheduler's account, Role, binding, CronJob,
    # and a state ConfigMap per replay it drives
    expected[tokens.REPLAY_SCHEDULER] += len(plan.replay_schedulers)
    expected[tokens.K8S_CONFIG_MAP] += sum(len(s.replays) for s in plan.replay_schedulers)
    for kind in (tokens.K8S_SERVICE_ACCOUNT, tokens.K8S_ROLE, tokens.K8S_ROLE_BINDING):
        expected[kind] += len(plan.replay_schedulers)
    expected[tokens.K8S_CRON_JOB] += len(plan.replay_schedulers)
    # each MSK cluster: a Kafka Exporter (namespace, account, deployment, budget, PodMonitor,
    # role)
    msk = sum(c.deploy.kind == "msk" for c in prod.clusters.values())
    for kind in (
        tokens.KAFKA_EXPORTER, tokens.K8S_NAMESPACE, tokens.K8S_SERVICE_ACCOUNT,
        tokens.K8S_DEPLOYMENT, tokens.K8S_POD_DISRUPTION_BUDGET, tokens.POD_MONITOR,
        tokens.AWS_IAM_ROLE, tokens.AWS_IAM_ROLE_POLICY,
    ):  # fmt: skip
        expected[kind] += msk
    return expected


def test_every_prod_resource_is_accounted_for_by_type(
    program: CloudHarness, prod: PlatformSpec
) -> None:
    plan = plan_platform(prod, ROOT)
    assert Counter(program.counts()) == expected_counts(prod, plan)
    # the figures a reviewer sees in a prod preview, pinned
    # (the experiments cutover at `mirror`: 18 topics, 6 SCRAM users, 10 quotas of them)
    assert [program.counts()[t] for t in KAFKA_TYPES] == [94, 19, 399, 60]
    assert program.counts()[tokens.AWS_MSK_SCRAM_ASSOCIATION] == 39


def test_kafka_resources_go_through_their_clusters_provider(program: CloudHarness) -> None:
    providers = {r.name: r.urn for r in program.of_type(tokens.KAFKA_PROVIDER)}
    for resource in program.resources:
        if resource.typ in KAFKA_TYPES:
            cluster = resource.name.split("-cluster-", 1)[1].split("-data-", 1)[0]
            provider_urn = providers[f"prod-cluster-{cluster}-kafka"]
            assert resource.provider.startswith(provider_urn + "::"), resource.name


def test_connectors_land_in_their_pools_namespaces(
    program: CloudHarness, prod: PlatformSpec
) -> None:
    # from the plan: the cutover's mirror connectors are no pipeline of the stack file
    pools = {c.connector: c.pool for c in plan_platform(prod, ROOT).connectors}
    for connector in program.of_type(tokens.STRIMZI_KAFKA_CONNECTOR):
        pool = pools[connector.inputs["metadata"]["name"]]
        assert connector.inputs["metadata"]["labels"]["strimzi.io/cluster"] == pool
        assert connector.inputs["metadata"]["namespace"] == f"connect-{pool}"


def test_declared_clients_get_client_id_quotas_on_their_cluster(program: CloudHarness) -> None:
    quotas = {
        r.inputs["entityName"]: (r.name, r.inputs["config"])
        for r in program.of_type(tokens.KAFKA_QUOTA)
        if r.inputs["entityType"] == "client-id"
    }
    assert quotas == {
        "fraud-scoring": (
            "prod-cluster-delivery-data-quota-client-id-fraud-scoring-quota",
            {
                "consumer_byte_rate": str(20 * 2**20),
                "controller_mutation_rate": "5",
                "producer_byte_rate": str(20 * 2**20),
                "request_percentage": "30",
            },
        ),
        "ops-console-delivery": (
            "prod-cluster-delivery-data-quota-client-id-ops-console-delivery-quota",
            {
                "consumer_byte_rate": str(2 * 2**20),
                "controller_mutation_rate": "5",
                "producer_byte_rate": str(2**20),
                "request_percentage": "30",
            },
        ),
    }


def test_worker_network_policy_mirrors_the_declared_endpoints(program: CloudHarness) -> None:
    policy = next(
        r.inputs["spec"]
        for r in program.of_type(tokens.K8S_NETWORK_POLICY)
        if r.inputs["metadata"]["namespace"] == "connect-warehouse-sinks"
    )
    cidr_rules = sorted(
        (peer["ipBlock"]["cidr"], [port["port"] for port in rule["ports"]])
        for rule in policy["egress"]
        for peer in rule.get("to", [])
        if "ipBlock" in peer
    )
    # the brokers (MSK in the VPC) and exactly the three declared endpoints
    assert cidr_rules == [
        ("10.40.0.0/16", [9096]),
        ("10.40.240.0/28", [443]),
        ("10.60.40.0/24", [5432]),
        ("10.61.8.0/24", [5432]),
    ]


def test_every_pool_wears_its_own_security_group(program: CloudHarness, prod: PlatformSpec) -> None:
    bound = {
        r.inputs["metadata"]["namespace"]: (
            r.inputs["spec"]["podSelector"]["matchLabels"],
            r.inputs["spec"]["securityGroups"]["groupIds"],
        )
        for r in program.of_type(tokens.EKS_SECURITY_GROUP_POLICY)
        if r.inputs["metadata"]["namespace"].startswith("connect-")
    }
    assert bound == {
        f"connect-{pool}": (
            {"strimzi.io/cluster": pool, "strimzi.io/kind": "KafkaConnect"},
            [f"prod-network-workers-{pool}-id"],
        )
        for pool in prod.pools
    }


def test_msk_principals_are_secrets_manager_users_of_their_cluster(
    program: CloudHarness,
) -> None:
    prefix = "prod-cluster-delivery-data-principal-pipeline.payments-snowflake-scram"
    secret = program.one(tokens.AWS_SECRET, prefix).inputs
    assert secret["name"] == "AmazonMSK_bulkheads_prod_delivery_pipeline.payments-snowflake"
    # the mocks' ARNs are arn:aws:mock:::<type>/<name>
    assert secret["kmsKeyId"] == f"arn:aws:mock:::{tokens.AWS_KMS_KEY}/prod-cluster-delivery-key"
    assert secret["tags"]["owner"] == "analytics" and secret["tags"]["cluster"] == "delivery"
    version = program.one(tokens.AWS_SECRET_VERSION, prefix).inputs
    assert version["secretId"] == f"{prefix}-id"
    association = program.one(tokens.AWS_MSK_SCRAM_ASSOCIATION, prefix).inputs
    assert association["clusterArn"] == (
        "arn:aws:kafka:eu-west-1:111111111111:cluster/prod-cluster-delivery-msk/uuid-1"
    )
    assert association["secretArn"] == f"arn:aws:mock:::{tokens.AWS_SECRET}/{prefix}"
    # Strimzi clusters keep Kafka's own SCRAM users
    assert not [
        r.name for r in program.of_type(tokens.KAFKA_SCRAM_CREDENTIAL) if "-delivery-" in r.name
    ]


def test_msk_admin_policy_reaches_the_deploy_role_before_the_provider_logs_in(
    program: CloudHarness,
) -> None:
    for cluster in ("delivery", "lake"):
        attachment = program.one(
            tokens.AWS_IAM_ROLE_POLICY_ATTACHMENT, f"prod-cluster-{cluster}-admin"
        )
        assert attachment.inputs == {
            "role": "platform-deployer",
            "policyArn": f"arn:aws:mock:::{tokens.AWS_IAM_POLICY}/prod-cluster-{cluster}-admin",
        }
        provider = program.one(tokens.KAFKA_PROVIDER, f"prod-cluster-{cluster}-kafka")
        assert attachment.urn in provider.dependencies


def test_strimzi_clusters_are_trusted_through_their_ca(program: CloudHarness) -> None:
    providers = {r.name: r.inputs for r in program.of_type(tokens.KAFKA_PROVIDER)}
    assert providers["prod-cluster-ingest-kafka"]["caCert"] == CA_CERT
    assert providers["prod-cluster-payments-kafka"]["caCert"] == CA_CERT
    delivery = providers["prod-cluster-delivery-kafka"]
    assert "caCert" not in delivery  # MSK: public roots
    # MSK's admin is IAM (no super.users there): no SCRAM login, the IAM listener
    assert delivery["saslMechanism"] == "aws-iam" and delivery["saslAwsRegion"] == "eu-west-1"
    assert "saslPassword" not in delivery and "saslUsername" not in delivery
    assert json.loads(delivery["bootstrapServers"]) == [  # provider config is JSON-encoded
        "b-1.prod-cluster-delivery-msk:9098",
        "b-2.prod-cluster-delivery-msk:9098",
    ]
    connects = {
        r.inputs["metadata"]["name"]: r.inputs["spec"]["tls"]
        for r in program.of_type(tokens.STRIMZI_KAFKA_CONNECT)
    }
    trusted = [{"secretName": "live-cdc-broker-ca", "certificate": "ca.crt"}]
    assert connects["live-cdc"] == {"trustedCertificates": trusted}
    assert connects["search-sinks"] == {"trustedCertificates": []}
    secret = program.one(tokens.K8S_SECRET, "prod-pool-live-cdc-broker-ca").inputs
    assert secret["metadata"]["namespace"] == "connect-live-cdc"
    assert secret["stringData"]["value"] == {"ca.crt": CA_CERT}


def test_strimzi_without_its_ca_key_stops_the_program(
    harness: CloudHarness, prod: PlatformSpec
) -> None:
    assert SETTINGS.irsa is not None
    pulumi.runtime.set_all_config(
        {
            "bulkheads:oidcProviderArn": SETTINGS.irsa.oidc_provider_arn,
            "bulkheads:oidcIssuer": SETTINGS.irsa.oidc_issuer,
            "bulkheads:automqImage": str(SETTINGS.automq_image),
            "bulkheads:clusterCaCerts": json.dumps(
                {"ingest": CA_CERT, "payments": CA_CERT, "lakehouse": CA_CERT}
            ),
        }
    )
    with pytest.raises(
        pulumi.RunError,
        match="Strimzi clusters ingest, payments, lakehouse need their CA keys: set "
        r"bulkheads:clusterCaKeys \(cluster name -> PEM key\) with --secret",
    ):
        build_platform(prod, pulumi.Config("bulkheads"))


def build_dev_program(harness: CloudHarness) -> PlatformSpec:
    """Run the ``dev`` stack's whole program under ``harness``; return its spec."""
    dev = load_platform(ROOT / "stacks" / "Pulumi.dev.yaml")
    run_stack_program(harness, dev, prod_config())
    return dev


def test_dev_program_builds_its_planned_data_plane(harness: CloudHarness) -> None:
    dev = build_dev_program(harness)
    clusters = plan_platform(dev, ROOT).clusters.values()
    counts = harness.counts()
    assert counts[tokens.KAFKA_TOPIC] == sum(len(c.topics) for c in clusters)
    assert counts[tokens.KAFKA_ACL] == sum(len(g.bindings) for c in clusters for g in c.grants)
    assert counts[tokens.CONNECTOR] == len(dev.pipelines)
    assert counts[tokens.NETWORK] == 1 and counts[tokens.AWS_SUBNET] == 3


def test_connectors_wait_for_their_own_boundary_only(
    program: CloudHarness, prod: PlatformSpec
) -> None:
    """A connector depends on its principal, ACLs, topics and quota on each cluster it uses
    (and on its pool), never on another principal's: a dependency list the size of one
    boundary, not of a cluster."""
    plan = plan_platform(prod, ROOT)
    acls = {r.urn: r.name for r in program.of_type(tokens.KAFKA_ACL)}
    topics = {r.urn: r.inputs["name"] for r in program.of_type(tokens.KAFKA_TOPIC)}
    for connector in plan.connectors:
        component = program.one(tokens.CONNECTOR, f"prod-connector-{connector.pipeline}")
        deps = set(component.dependencies)
        granted = {acls[urn].split("-grant-", 1)[1] for urn in deps & acls.keys()}
        assert granted and all(g.startswith(f"{connector.username}-") for g in granted)
        bound = {
            b.resource_name
            for c in plan.clusters.values()
            for g in c.grants
            if g.principal.username == connector.username
            for b in g.bindings
            if b.resource_type == "Topic"
        }
        assert {topics[urn] for urn in deps & topics.keys()} == bound & set(topics.values())
