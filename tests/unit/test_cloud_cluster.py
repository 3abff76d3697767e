"""The Cluster component under mocks, one test group per engine x deployment variant."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pulumi
import pytest

from bulkheads.cloud.args import (
    ClusterArgs,
    IrsaSettings,
    MskSettings,
    ObjectStorageSettings,
    StrimziSettings,
)
from components import tokens
from components.cluster import Cluster, ClusterWiring
from components.kubernetes_provider import KubernetesTarget, kubernetes_provider
from tests.unit.cloud_harness import CA_CERT, CA_KEY, CloudHarness

PASSWORD = "s3cret-admin"
OIDC_ARN = "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
ISSUER_HOST = "oidc.eks.eu-west-1.amazonaws.com/id/ABC"
OIDC_ISSUER = f"https://{ISSUER_HOST}"

AUTOMQ = ClusterArgs(
    cluster="ingest",
    environment="prod",
    engine="automq",
    tenancy="dedicated",
    deploy="strimzi",
    serves=("live",),
    owner="payments",
    regulated=True,
    strimzi=StrimziSettings(
        namespace="kafka-ingest", image="automqinc/automq:1.6.0", ca_cert=CA_CERT
    ),
    storage=ObjectStorageSettings(bucket_prefix="pay-ingest", region="eu-west-1"),
    irsa=IrsaSettings(oidc_provider_arn=OIDC_ARN, oidc_issuer=OIDC_ISSUER),
)
MSK = ClusterArgs(
    cluster="delivery",
    environment="prod",
    engine="kafka",
    tenancy="shared",
    deploy="msk",
    serves=("derived", "replay"),
    owner="platform",
    msk=MskSettings(region="eu-west-1", brokers=3, instance_type="kafka.m7g.xlarge"),
)
STRIMZI = ClusterArgs(
    cluster="sandbox",
    environment="dev",
    engine="kafka",
    tenancy="shared",
    deploy="strimzi",
    serves=("derived",),
    owner="platform",
    strimzi=StrimziSettings(ca_cert=CA_CERT),
)
LOCAL = ClusterArgs(
    cluster="local",
    environment="local",
    engine="kafka",
    tenancy="shared",
    deploy="local",
    serves=("live", "derived", "replay"),
    owner="platform",
    local_bootstrap="127.0.0.1:19092",
)

BUCKET_PARTS = (
    tokens.AWS_S3_BUCKET,
    tokens.AWS_S3_OWNERSHIP_CONTROLS,
    tokens.AWS_S3_PUBLIC_ACCESS_BLOCK,
    tokens.AWS_S3_BUCKET_SSE,
    tokens.AWS_S3_LIFECYCLE,
    tokens.AWS_S3_BUCKET_POLICY,
)
STRIMZI_PARTS = {
    tokens.STRIMZI_KAFKA: 1,
    tokens.STRIMZI_KAFKA_NODE_POOL: 1,
    tokens.K8S_SECRET: 3,  # admin password, CA certificate, CA key
    tokens.STRIMZI_KAFKA_USER: 1,
    tokens.K8S_CONFIG_MAP: 1,  # the brokers' JMX exporter configuration
    tokens.POD_MONITOR: 1,
}


SECRET_SIG = "4dabf18193072939515e22adb298388d"


def is_secret(value: Any) -> bool:
    """Mock inputs keep secrets wrapped as ``{<secret sig>: ..., "value": v}``."""
    return isinstance(value, dict) and SECRET_SIG in value


def unsecret(value: Any) -> Any:
    return value["value"] if is_secret(value) else value


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


def build(harness: CloudHarness, name: str, args: ClusterArgs, **wiring: Any) -> None:
    def program() -> pulumi.Output[Any]:
        if args.deploy == "strimzi":
            wiring.setdefault(
                "kubernetes", kubernetes_provider("k8s", KubernetesTarget(render_dir="/tmp/r"))
            )
            wiring.setdefault("ca_key", CA_KEY)
        # MSK's provider logs in with IAM: no admin password
        password = None if args.deploy == "msk" else PASSWORD
        cluster = Cluster(name, args, ClusterWiring(admin_password=password, **wiring))
        connection = cluster.connection
        return pulumi.Output.all(
            harness.capture("bootstrap", cluster.bootstrap_servers),
            harness.capture("connection_bootstrap", connection.bootstrap_servers),
            harness.capture("password", connection.sasl_password),
            harness.capture(
                "password_secret", pulumi.Output.from_input(connection.sasl_password).is_secret()
            ),
            harness.capture(
                "security_group", cluster.security_group_id if cluster.security_group_id else ""
            ),
            harness.capture("tls", connection.tls_enabled),
            harness.capture("ca_cert", connection.ca_cert or ""),
            harness.capture("username", connection.sasl_username),
            harness.capture("mechanism", connection.sasl_mechanism),
            harness.capture("aws_region", connection.aws_region),
        )

    harness.run(program)


def assert_children_of(harness: CloudHarness, name: str) -> None:
    for resource in harness.resources:
        if resource.typ in (tokens.CLUSTER, tokens.K8S_PROVIDER):
            continue
        assert (resource.parent_type, resource.parent_name) == (tokens.CLUSTER, name), resource
        assert resource.name.startswith(f"{name}-"), resource.name


# -- AutoMQ on Strimzi ----------------------------------------------------------------------


@pytest.fixture
def automq(harness: CloudHarness) -> CloudHarness:
    build(harness, "ingest", AUTOMQ)
    return harness


def test_automq_resource_count_per_type(automq: CloudHarness) -> None:
    assert automq.counts() == {
        tokens.CLUSTER: 1,
        tokens.K8S_PROVIDER: 1,
        tokens.AWS_KMS_KEY: 1,
        **dict.fromkeys(BUCKET_PARTS, 3),
        tokens.AWS_IAM_ROLE: 1,
        tokens.AWS_IAM_ROLE_POLICY: 1,
        **STRIMZI_PARTS,
    }
    assert_children_of(automq, "ingest")


def test_automq_props_and_tags(automq: CloudHarness) -> None:
    assert automq.one(tokens.CLUSTER, "ingest").inputs == {
        "cluster": "ingest",
        "engine": "automq",
        "tenancy": "dedicated",
        "deploy": "strimzi",
        "serves": ["live"],
        "regulated": True,
        "owner": "payments",
        "environment": "prod",
    }
    for bucket in automq.of_type(tokens.AWS_S3_BUCKET):
        tags = bucket.inputs["tags"]
        assert {k: tags[k] for k in ("owner", "class", "environment", "tenancy", "cluster")} == {
            "owner": "payments",
            "class": "live",
            "environment": "prod",
            "tenancy": "dedicated",
            "cluster": "ingest",
        }


def test_automq_buckets_are_private_encrypted_and_tls_only(automq: CloudHarness) -> None:
    key_arn = f"arn:aws:mock:::{tokens.AWS_KMS_KEY}/ingest-key"
    buckets = {b.name: b.inputs["bucket"] for b in automq.of_type(tokens.AWS_S3_BUCKET)}
    assert buckets == {
        "ingest-data": "pay-ingest-prod-data",
        "ingest-ops": "pay-ingest-prod-ops",
        "ingest-wal": "pay-ingest-prod-wal",
    }
    for name, physical in buckets.items():
        bucket_id = f"{name}-id"
        block = automq.one(tokens.AWS_S3_PUBLIC_ACCESS_BLOCK, name).inputs
        assert block["bucket"] == bucket_id
        assert all(
            block[k] is True
            for k in (
                "blockPublicAcls",
                "blockPublicPolicy",
                "ignorePublicAcls",
                "restrictPublicBuckets",
            )
        )
        ownership = automq.one(tokens.AWS_S3_OWNERSHIP_CONTROLS, name).inputs
        assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
        sse = automq.one(tokens.AWS_S3_BUCKET_SSE, name).inputs
        assert sse["bucket"] == bucket_id
        assert sse["rules"] == [
            {
                "applyServerSideEncryptionByDefault": {
                    "sseAlgorithm": "aws:kms",
                    "kmsMasterKeyId": key_arn,
                },
                "bucketKeyEnabled": True,
            }
        ]
        policy = json.loads(automq.one(tokens.AWS_S3_BUCKET_POLICY, name).inputs["policy"])
        (statement,) = policy["Statement"]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        arn = f"arn:aws:s3:::{physical}"
        assert statement["Resource"] == [arn, f"{arn}/*"]
    lifecycle = {
        r.name: {rule["id"] for rule in r.inputs["rules"]}
        for r in automq.of_type(tokens.AWS_S3_LIFECYCLE)
    }
    assert lifecycle == {
        "ingest-data": {"abort-incomplete-uploads"},
        "ingest-wal": {"abort-incomplete-uploads"},
        "ingest-ops": {"abort-incomplete-uploads", "expire"},
    }
    assert automq.one(tokens.AWS_KMS_KEY, "ingest-key").inputs["enableKeyRotation"] is True


def test_automq_broker_role_reaches_exactly_its_buckets(automq: CloudHarness) -> None:
    arns = sorted(f"arn:aws:s3:::pay-ingest-prod-{p}" for p in ("data", "ops", "wal"))
    policy = json.loads(automq.one(tokens.AWS_IAM_ROLE_POLICY, "ingest-brokers").inputs["policy"])
    resources = {s["Sid"]: sorted(s["Resource"]) for s in policy["Statement"]}
    assert resources == {
        "Buckets": arns,
        "Objects": [f"{arn}/*" for arn in arns],
        "BucketKey": [f"arn:aws:mock:::{tokens.AWS_KMS_KEY}/ingest-key"],
    }
    assert all("*" not in action for s in policy["Statement"] for action in s["Action"])
    role = automq.one(tokens.AWS_IAM_ROLE, "ingest-brokers")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Federated": OIDC_ARN}
    assert statement["Condition"]["StringEquals"] == {
        f"{ISSUER_HOST}:sub": "system:serviceaccount:kafka-ingest:ingest-kafka",
        f"{ISSUER_HOST}:aud": "sts.amazonaws.com",
    }


def test_automq_kafka_resource_carries_object_storage(automq: CloudHarness) -> None:
    kafka = automq.one(tokens.STRIMZI_KAFKA, "ingest-kafka").inputs
    assert kafka["apiVersion"] == tokens.STRIMZI_API_VERSION
    assert kafka["metadata"]["name"] == "ingest"
    assert kafka["metadata"]["namespace"] == "kafka-ingest"
    assert kafka["metadata"]["labels"]["bulkheads.io/tenancy"] == "dedicated"
    spec = kafka["spec"]["kafka"]
    endpoint = "endpoint=https://s3.eu-west-1.amazonaws.com"
    assert {k: v for k, v in spec["config"].items() if k.startswith(("s3.", "elastic"))} == {
        "elasticstream.enable": "true",
        "s3.data.buckets": f"0@s3://pay-ingest-prod-data?region=eu-west-1&{endpoint}",
        "s3.ops.buckets": f"1@s3://pay-ingest-prod-ops?region=eu-west-1&{endpoint}",
        "s3.wal.path": f"2@s3://pay-ingest-prod-wal?region=eu-west-1&{endpoint}",
    }
    assert spec["config"]["auto.create.topics.enable"] == "false"
    assert spec["image"] == "automqinc/automq:1.6.0"
    annotations = spec["template"]["serviceAccount"]["metadata"]["annotations"]
    assert annotations == {
        "eks.amazonaws.com/role-arn": f"arn:aws:mock:::{tokens.AWS_IAM_ROLE}/ingest-brokers"
    }
    assert spec["authorization"] == {"type": "simple", "superUsers": ["bulkheads-admin"]}
    (listener,) = spec["listeners"]
    assert listener["tls"] is True and listener["authentication"] == {"type": "scram-sha-512"}


def test_automq_outputs(automq: CloudHarness) -> None:
    assert automq.captured["bootstrap"] == "ingest-kafka-bootstrap.kafka-ingest.svc:9096"
    assert automq.captured["connection_bootstrap"] == [automq.captured["bootstrap"]]
    assert automq.captured["password"] == PASSWORD
    assert automq.captured["password_secret"] is True
    assert automq.captured["tls"] is True
    assert automq.captured["username"] == "bulkheads-admin"


def test_automq_with_wal_on_ebs_has_no_wal_bucket(harness: CloudHarness) -> None:
    storage = ObjectStorageSettings(bucket_prefix="pay-ingest", region="eu-west-1", wal="ebs")
    build(harness, "ingest", replace(AUTOMQ, storage=storage))
    assert harness.names(tokens.AWS_S3_BUCKET) == ["ingest-data", "ingest-ops"]
    assert all(harness.counts()[t] == 2 for t in BUCKET_PARTS)
    config = harness.one(tokens.STRIMZI_KAFKA, "ingest-kafka").inputs["spec"]["kafka"]["config"]
    assert config["s3.wal.path"] == "0@file:///var/lib/kafka/data-0/automq-wal"
    policy = json.loads(harness.one(tokens.AWS_IAM_ROLE_POLICY, "ingest-brokers").inputs["policy"])
    (buckets,) = [s["Resource"] for s in policy["Statement"] if s["Sid"] == "Buckets"]
    assert sorted(buckets) == [
        "arn:aws:s3:::pay-ingest-prod-data",
        "arn:aws:s3:::pay-ingest-prod-ops",
    ]


def test_automq_node_pool_is_pinned_to_its_kubernetes_nodes(harness: CloudHarness) -> None:
    build(
        harness,
        "ingest",
        replace(AUTOMQ, strimzi=replace(AUTOMQ.strimzi, node_pool="kafka-ingest")),
    )
    pod = harness.one(tokens.STRIMZI_KAFKA_NODE_POOL, "ingest-nodes").inputs["spec"]["template"][
        "pod"
    ]
    (term,) = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"
    ]
    assert term["matchExpressions"] == [
        {"key": "bulkheads.io/node-pool", "operator": "In", "values": ["kafka-ingest"]}
    ]
    assert pod["tolerations"][0]["value"] == "kafka-ingest"


# -- Strimzi (classic Kafka) -----------------------------------------------------------------


@pytest.fixture
def strimzi(harness: CloudHarness) -> CloudHarness:
    build(harness, "sandbox", STRIMZI)
    return harness


def test_strimzi_resource_count_per_type(strimzi: CloudHarness) -> None:
    assert strimzi.counts() == {tokens.CLUSTER: 1, tokens.K8S_PROVIDER: 1, **STRIMZI_PARTS}
    assert_children_of(strimzi, "sandbox")


def test_strimzi_resources_use_the_given_provider(strimzi: CloudHarness) -> None:
    provider_urn = strimzi.one(tokens.K8S_PROVIDER, "k8s").urn
    for typ in STRIMZI_PARTS:
        for resource in strimzi.of_type(typ):
            assert resource.provider.startswith(provider_urn), resource.name


def test_strimzi_has_no_automq_settings_and_a_kraft_node_pool(strimzi: CloudHarness) -> None:
    kafka = strimzi.one(tokens.STRIMZI_KAFKA, "sandbox-kafka").inputs
    config = kafka["spec"]["kafka"]["config"]
    assert not [k for k in config if k.startswith(("s3.", "elasticstream"))]
    assert "image" not in kafka["spec"]["kafka"] and "template" not in kafka["spec"]["kafka"]
    assert kafka["metadata"]["annotations"] == {
        "strimzi.io/node-pools": "enabled",
        "strimzi.io/kraft": "enabled",
        # the provider and the admin user wait until Strimzi reports the brokers Ready
        "pulumi.com/waitFor": "condition=Ready",
        "pulumi.com/timeoutSeconds": "1800",
    }
    pool = strimzi.one(tokens.STRIMZI_KAFKA_NODE_POOL, "sandbox-nodes").inputs
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == "sandbox"
    assert pool["spec"]["roles"] == ["controller", "broker"]
    assert pool["spec"]["replicas"] == 3
    assert "template" not in pool["spec"]


def test_strimzi_user_operator_manages_only_the_admin(strimzi: CloudHarness) -> None:
    import re

    kafka = strimzi.one(tokens.STRIMZI_KAFKA, "sandbox-kafka").inputs
    operator = kafka["spec"]["entityOperator"]
    assert "topicOperator" not in operator
    (env,) = operator["template"]["userOperatorContainer"]["env"]
    assert env["name"] == "STRIMZI_IGNORED_USERS_PATTERN"
    ignored = re.compile(env["value"])
    assert not ignored.fullmatch("bulkheads-admin")
    assert ignored.fullmatch("sandbox.pool.live-cdc") and ignored.fullmatch("bulkheads-admin2")
    user = strimzi.one(tokens.STRIMZI_KAFKA_USER, "sandbox-admin-user").inputs
    assert user["metadata"]["name"] == "bulkheads-admin"
    ref = user["spec"]["authentication"]["password"]["valueFrom"]["secretKeyRef"]
    secret = strimzi.one(tokens.K8S_SECRET, "sandbox-admin").inputs
    assert ref == {"name": secret["metadata"]["name"], "key": "password"}
    assert is_secret(secret["stringData"])
    assert unsecret(secret["stringData"]) == {"password": PASSWORD}


def test_strimzi_outputs(strimzi: CloudHarness) -> None:
    assert strimzi.captured["bootstrap"] == "sandbox-kafka-bootstrap.kafka.svc:9096"
    assert strimzi.captured["security_group"] == ""
    assert strimzi.captured["ca_cert"] == CA_CERT  # the provider trusts the cluster CA


def test_strimzi_signs_with_the_platforms_ca(strimzi: CloudHarness) -> None:
    kafka = strimzi.one(tokens.STRIMZI_KAFKA, "sandbox-kafka")
    assert kafka.inputs["spec"]["clusterCa"] == {"generateCertificateAuthority": False}
    labels = {"strimzi.io/cluster": "sandbox", "strimzi.io/kind": "Kafka"}
    cert = strimzi.one(tokens.K8S_SECRET, "sandbox-cluster-ca-cert").inputs
    key = strimzi.one(tokens.K8S_SECRET, "sandbox-cluster-ca").inputs
    for secret, name, annotation in (
        (cert, "sandbox-cluster-ca-cert", "strimzi.io/ca-cert-generation"),
        (key, "sandbox-cluster-ca", "strimzi.io/ca-key-generation"),
    ):
        assert secret["metadata"]["name"] == name
        assert secret["metadata"]["namespace"] == "kafka"
        assert labels.items() <= secret["metadata"]["labels"].items()
        assert secret["metadata"]["annotations"] == {annotation: "0"}
    assert unsecret(cert["stringData"]) == {"ca.crt": CA_CERT}
    assert is_secret(key["stringData"]) and unsecret(key["stringData"]) == {"ca.key": CA_KEY}


def test_strimzi_without_its_ca_key_is_refused(harness: CloudHarness) -> None:
    with pytest.raises(Exception, match="cluster 'sandbox': strimzi needs the ca_key"):
        build(harness, "sandbox", STRIMZI, ca_key=None)


# -- MSK --------------------------------------------------------------------------------------

SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]


@pytest.fixture
def msk(harness: CloudHarness) -> CloudHarness:
    build(harness, "delivery", MSK, subnet_ids=SUBNETS, security_group_id="sg-delivery")
    return harness


def test_msk_resource_count_per_type(msk: CloudHarness) -> None:
    assert msk.counts() == {
        tokens.CLUSTER: 1,
        tokens.AWS_KMS_KEY: 1,
        tokens.AWS_LOG_GROUP: 1,
        tokens.AWS_MSK_CONFIGURATION: 1,
        tokens.AWS_MSK_CLUSTER: 1,
        tokens.AWS_IAM_POLICY: 1,
    }
    assert_children_of(msk, "delivery")


def test_msk_cluster_is_private_scram_tls_encrypted_and_logged(msk: CloudHarness) -> None:
    key_arn = f"arn:aws:mock:::{tokens.AWS_KMS_KEY}/delivery-key"
    cluster = msk.one(tokens.AWS_MSK_CLUSTER, "delivery-msk").inputs
    nodes = cluster["brokerNodeGroupInfo"]
    assert nodes["clientSubnets"] == SUBNETS
    assert nodes["securityGroups"] == ["sg-delivery"]
    assert nodes["instanceType"] == "kafka.m7g.xlarge"
    assert nodes["connectivityInfo"] == {"publicAccess": {"type": "DISABLED"}}
    assert cluster["clientAuthentication"] == {
        "sasl": {"scram": True, "iam": True},
        "unauthenticated": False,
    }
    assert cluster["encryptionInfo"] == {
        "encryptionAtRestKmsKeyArn": key_arn,
        "encryptionInTransit": {"clientBroker": "TLS", "inCluster": True},
    }
    logs = cluster["loggingInfo"]["brokerLogs"]["cloudwatchLogs"]
    assert logs == {"enabled": True, "logGroup": "delivery-broker-logs"}
    assert cluster["configurationInfo"] == {
        "arn": f"arn:aws:mock:::{tokens.AWS_MSK_CONFIGURATION}/delivery-config",
        "revision": 1,
    }
    properties = msk.one(tokens.AWS_MSK_CONFIGURATION, "delivery-config").inputs["serverProperties"]
    assert "auto.create.topics.enable=false" in properties.splitlines()
    assert "allow.everyone.if.no.acl.found=false" in properties.splitlines()
    assert cluster["tags"]["tenancy"] == "shared"
    assert cluster["tags"]["class"] == "derived.replay"


def test_msk_admin_logs_in_with_iam_under_its_policy(msk: CloudHarness) -> None:
    assert msk.captured["connection_bootstrap"] == [
        "b-1.delivery-msk:9098",
        "b-2.delivery-msk:9098",
    ]
    assert msk.captured["mechanism"] == "aws-iam"
    assert msk.captured["aws_region"] == "eu-west-1"
    assert msk.captured["username"] is None and msk.captured["password"] is None
    policy = json.loads(msk.one(tokens.AWS_IAM_POLICY, "delivery-admin").inputs["policy"])
    arn = "arn:aws:kafka:eu-west-1:111111111111"
    assert policy["Statement"] == [
        {
            "Effect": "Allow",
            "Action": ["kafka-cluster:*"],
            "Resource": [
                f"{arn}:cluster/delivery-msk/uuid-1",
                f"{arn}:topic/delivery-msk/uuid-1/*",
                f"{arn}:group/delivery-msk/uuid-1/*",
                f"{arn}:transactional-id/delivery-msk/uuid-1/*",
            ],
        }
    ]


def test_msk_outputs(msk: CloudHarness) -> None:
    # pools and pipelines log in with SCRAM on 9096; the provider with IAM (above)
    assert msk.captured["bootstrap"] == "b-1.delivery-msk:9096,b-2.delivery-msk:9096"
    assert msk.captured["security_group"] == "sg-delivery"
    assert msk.captured["tls"] is True


def test_msk_without_network_is_refused(harness: CloudHarness) -> None:
    with pytest.raises(ValueError, match="msk needs subnet_ids and security_group_id"):
        build(harness, "delivery", MSK)


# -- local ------------------------------------------------------------------------------------


def test_local_cluster_records_the_bootstrap_only(harness: CloudHarness) -> None:
    build(harness, "local", LOCAL)
    assert harness.counts() == {tokens.CLUSTER: 1}
    assert harness.one(tokens.CLUSTER, "local").inputs["deploy"] == "local"
    assert harness.captured["bootstrap"] == "127.0.0.1:19092"
    assert harness.captured["tls"] is False
    assert harness.captured["password_secret"] is True


# -- argument checks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deploy": "msk"}, "engine automq cannot deploy on msk; use strimzi"),
        ({"irsa": None}, "engine automq on strimzi needs storage and irsa"),
        ({"deploy": "local"}, "deploy local needs local_bootstrap"),
        ({"strimzi": StrimziSettings()}, "deploy strimzi needs strimzi.ca_cert"),
        ({"strimzi": StrimziSettings(ca_cert="MIIB")}, "deploy strimzi needs strimzi.ca_cert"),
        (
            {"engine": "kafka", "deploy": "msk", "storage": None, "irsa": None},
            "deploy msk needs msk.region",
        ),
    ],
)
def test_impossible_variants_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=f"cluster 'ingest': {message}"):
        ClusterArgs(**{**AUTOMQ.__dict__, **changes})
