"""Cloud rules over the inputs pulumi-aws 7.51.1 sends to the engine (camelCase)."""

from typing import Any

from components import tokens
from tests.policy.builders import Pack, Res

ENCRYPTED = "bulkheads-storage-bucket-encrypted"
PUBLIC_BLOCKED = "bulkheads-storage-bucket-public-access-blocked"
INGRESS = "bulkheads-network-no-public-ingress"
MSK = "bulkheads-cluster-msk-secure"
ALL_BLOCKED = {
    "blockPublicAcls": True,
    "blockPublicPolicy": True,
    "ignorePublicAcls": True,
    "restrictPublicBuckets": True,
}


def bucket() -> Res:
    return Res(tokens.AWS_S3_BUCKET, "ingest-data", {"bucket": "pay-ingest-data"})


def encryption(of: Res, algorithm: str = "aws:kms") -> Res:
    rule = {"applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm}}
    return Res(
        tokens.AWS_S3_BUCKET_SSE,
        f"{of.name}-sse",
        {"rules": [rule]},
        property_dependencies={"bucket": [of]},
    )


def access_block(of: Res, **flags: bool) -> Res:
    return Res(
        tokens.AWS_S3_PUBLIC_ACCESS_BLOCK,
        f"{of.name}-pab",
        {"bucket": "pay-ingest-data", **ALL_BLOCKED, **flags},
    )


def test_bucket_with_separate_encryption_passes(pack: Pack) -> None:
    data = bucket()
    assert pack.stack(ENCRYPTED, [data, encryption(data)]) == []


def test_bucket_with_inline_encryption_passes(pack: Pack) -> None:
    inline = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}
    data = Res(
        tokens.AWS_S3_BUCKET, "b", {"bucket": "b", "serverSideEncryptionConfiguration": inline}
    )
    assert pack.stack(ENCRYPTED, [data]) == []


def test_bucket_without_encryption(pack: Pack) -> None:
    data, other = bucket(), Res(tokens.AWS_S3_BUCKET, "other", {})
    assert pack.stack(ENCRYPTED, [data, other, encryption(other)]) == [
        (
            "bucket 'pay-ingest-data' has no default encryption; add a "
            "BucketServerSideEncryptionConfiguration with sse_algorithm 'aws:kms'",
            data.urn,
        )
    ]


def test_bucket_with_blocked_public_access_passes(pack: Pack) -> None:
    data = bucket()
    assert pack.stack(PUBLIC_BLOCKED, [data, access_block(data)]) == []


def test_bucket_without_public_access_block(pack: Pack) -> None:
    data = bucket()
    assert pack.stack(PUBLIC_BLOCKED, [data]) == [
        (
            "bucket 'pay-ingest-data' has no public access block; add a "
            "BucketPublicAccessBlock with all four settings true",
            data.urn,
        )
    ]


def test_public_access_block_with_settings_off(pack: Pack) -> None:
    data = bucket()
    block = access_block(data, blockPublicPolicy=False, restrictPublicBuckets=False)
    assert pack.stack(PUBLIC_BLOCKED, [data, block]) == [
        (
            "bucket 'pay-ingest-data' public access block leaves blockPublicPolicy, "
            "restrictPublicBuckets off; set all four settings true",
            block.urn,
        )
    ]


def run(pack: Pack, rule: str, type_: str, props: dict[str, Any]) -> list[str]:
    return pack.resource(rule, type_, "r", props)


def test_vpc_only_ingress_passes(pack: Pack) -> None:
    ingress = [
        {"fromPort": 9092, "toPort": 9092, "protocol": "tcp", "cidrBlocks": ["10.40.0.0/16"]}
    ]
    assert run(pack, INGRESS, tokens.AWS_SECURITY_GROUP, {"ingress": ingress}) == []
    rule = {"cidrIpv4": "10.40.0.0/16", "fromPort": 8083, "toPort": 8083}
    assert run(pack, INGRESS, tokens.AWS_SECURITY_GROUP_INGRESS_RULE, rule) == []


def test_security_group_open_to_the_internet(pack: Pack) -> None:
    ingress = [
        {"fromPort": 9092, "toPort": 9096, "cidrBlocks": ["10.0.0.0/8", "0.0.0.0/0"]},
        {"fromPort": 8083, "toPort": 8083, "ipv6CidrBlocks": ["::/0"]},
    ]
    assert run(pack, INGRESS, tokens.AWS_SECURITY_GROUP, {"ingress": ingress}) == [
        "security group ingress admits 0.0.0.0/0 on ports 9092-9096; brokers and workers take "
        "traffic only from the VPC: use the VPC CIDR or a source security group",
        "security group ingress admits ::/0 on port 8083; brokers and workers take traffic "
        "only from the VPC: use the VPC CIDR or a source security group",
    ]


def test_ingress_rule_resources_open_to_the_internet(pack: Pack) -> None:
    rule = {"type": "ingress", "fromPort": 9092, "toPort": 9092, "cidrBlocks": ["0.0.0.0/0"]}
    assert len(run(pack, INGRESS, tokens.AWS_SECURITY_GROUP_RULE, rule)) == 1
    egress = {**rule, "type": "egress"}
    assert run(pack, INGRESS, tokens.AWS_SECURITY_GROUP_RULE, egress) == []
    vpc_rule = {"cidrIpv6": "::/0", "fromPort": 9092, "toPort": 9092}
    assert len(run(pack, INGRESS, tokens.AWS_SECURITY_GROUP_INGRESS_RULE, vpc_rule)) == 1


def msk(**props: Any) -> dict[str, Any]:
    base = {
        "clusterName": "delivery",
        "encryptionInfo": {"encryptionInTransit": {"clientBroker": "TLS", "inCluster": True}},
        "clientAuthentication": {"sasl": {"scram": True}},
    }
    return {**base, **props}


def test_msk_with_tls_and_scram_passes(pack: Pack) -> None:
    assert run(pack, MSK, tokens.AWS_MSK_CLUSTER, msk()) == []
    iam_only = msk(clientAuthentication={"sasl": {"iam": True}}, encryptionInfo={})
    assert run(pack, MSK, tokens.AWS_MSK_CLUSTER, iam_only) == []


def test_msk_plaintext_and_unauthenticated(pack: Pack) -> None:
    props = msk(
        encryptionInfo={
            "encryptionInTransit": {"clientBroker": "TLS_PLAINTEXT", "inCluster": False}
        },
        clientAuthentication={"unauthenticated": True},
    )
    assert run(pack, MSK, tokens.AWS_MSK_CLUSTER, props) == [
        "MSK cluster 'delivery' allows TLS_PLAINTEXT between clients and brokers; "
        "set encryption_in_transit.client_broker to 'TLS'",
        "MSK cluster 'delivery' does not encrypt traffic between brokers; "
        "set encryption_in_transit.in_cluster to true",
        "MSK cluster 'delivery' enables neither SCRAM nor IAM authentication; "
        "set client_authentication.sasl.scram (or iam) to true",
        "MSK cluster 'delivery' allows unauthenticated clients; "
        "set client_authentication.unauthenticated to false",
    ]


PODS_GROUP = "bulkheads-network-pods-security-group"
VPC = Res(tokens.AWS_VPC, "prod-vpc", {"cidrBlock": "10.40.0.0/16"})


def strimzi(type_: str, name: str, namespace: str) -> Res:
    return Res(type_, f"{name}-cr", {"metadata": {"name": name, "namespace": namespace}})


def group_policy(namespace: str, group: str | None = "sg-1", **labels: str) -> Res:
    props = {
        "metadata": {"name": f"{namespace}-pods", "namespace": namespace},
        "spec": {
            "podSelector": {"matchLabels": labels},
            "securityGroups": {"groupIds": [group] if group else []},
        },
    }
    name = "-".join([namespace, str(group), *labels.values()])
    return Res(tokens.EKS_SECURITY_GROUP_POLICY, name, props)


BROKERS = strimzi(tokens.STRIMZI_KAFKA, "ingest", "kafka-ingest")
WORKERS = strimzi(tokens.STRIMZI_KAFKA_CONNECT, "live-cdc", "connect-live-cdc")
BROKER_PODS = {"strimzi.io/cluster": "ingest", "strimzi.io/kind": "Kafka"}
WORKER_PODS = {"strimzi.io/cluster": "live-cdc", "strimzi.io/kind": "KafkaConnect"}


def test_pods_wearing_their_groups_pass(pack: Pack) -> None:
    policies = [
        group_policy("kafka-ingest", **BROKER_PODS),
        group_policy("connect-live-cdc", **WORKER_PODS),
    ]
    assert pack.stack(PODS_GROUP, [VPC, BROKERS, WORKERS, *policies]) == []
    # on a local network there are no security groups to wear
    assert pack.stack(PODS_GROUP, [BROKERS, WORKERS]) == []


def test_pods_without_a_group_policy(pack: Pack) -> None:
    def finding(kind: str, name: str, res: Res) -> tuple[str, str]:
        return (
            f"{kind} '{name}' has no SecurityGroupPolicy putting a security group on its pods, "
            "so they use the nodes' group and its network boundary does not apply; add one in "
            "its namespace selecting its pods with the boundary's group",
            res.urn,
        )

    missing_workers = [finding("KafkaConnect", "live-cdc", WORKERS)]
    brokers_policy = group_policy("kafka-ingest", **BROKER_PODS)
    assert pack.stack(PODS_GROUP, [VPC, BROKERS, WORKERS]) == [
        finding("Kafka", "ingest", BROKERS),
        *missing_workers,
    ]
    # another namespace, another workload's labels, or no group: the workers still lack one
    for wrong in (
        group_policy("kafka-ingest", **WORKER_PODS),
        group_policy("connect-live-cdc", **BROKER_PODS),
        group_policy("connect-live-cdc", None, **WORKER_PODS),
        group_policy("connect-live-cdc"),
    ):
        assert pack.stack(PODS_GROUP, [VPC, BROKERS, WORKERS, brokers_policy, wrong]) == (
            missing_workers
        ), wrong.name
