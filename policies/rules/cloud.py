"""Cloud rules: object storage, network paths and MSK stay private and encrypted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from bulkheads.plan.manifests.labels import connect_pods, kafka_pods
from components import tokens
from policies.rules.model import (
    Category,
    Config,
    Finding,
    Resource,
    Rule,
    Stack,
    as_list,
    dig,
    is_missing,
    is_true,
)

BUCKETS = (tokens.AWS_S3_BUCKET, tokens.AWS_S3_BUCKET_V2)
ENCRYPTION_CONFIGS = (tokens.AWS_S3_BUCKET_SSE, tokens.AWS_S3_BUCKET_SSE_V2)
PUBLIC_ACCESS_FLAGS = (
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
)
OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})


def _refers_to(resource: Resource, bucket: Resource) -> bool:
    """True when ``resource``'s ``bucket`` input is ``bucket`` (by dependency or by name)."""
    if resource.depends_on("bucket", bucket.urn):
        return True
    target = resource.get("bucket")
    return isinstance(target, str) and target in (bucket.get("bucket"), bucket.get("id"))


def _bucket_label(bucket: Resource) -> str:
    name = bucket.get("bucket")
    return f"bucket '{name}'" if isinstance(name, str) else f"bucket resource '{bucket.name}'"


def check_bucket_encrypted(stack: Stack, config: Config) -> Iterator[Finding]:
    """Every S3 bucket has default server-side encryption configured."""
    configs = stack.of_type(*ENCRYPTION_CONFIGS)
    for bucket in stack.of_type(*BUCKETS):
        inline = dig(
            bucket.props,
            "serverSideEncryptionConfiguration",
            "rule",
            "applyServerSideEncryptionByDefault",
            "sseAlgorithm",
        )
        separate = [
            dig(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")
            for sse in configs
            if _refers_to(sse, bucket)
            for rule in as_list(sse.get("rules"))
        ]
        if is_missing(inline) and all(is_missing(a) for a in separate):
            yield Finding(
                f"{_bucket_label(bucket)} has no default encryption; add a "
                "BucketServerSideEncryptionConfiguration with sse_algorithm 'aws:kms'",
                bucket.urn,
            )


def check_bucket_public_access_blocked(stack: Stack, config: Config) -> Iterator[Finding]:
    """Every S3 bucket has a public access block with all four settings on."""
    blocks = stack.of_type(tokens.AWS_S3_PUBLIC_ACCESS_BLOCK)
    for bucket in stack.of_type(*BUCKETS):
        mine = [b for b in blocks if _refers_to(b, bucket)]
        if not mine:
            yield Finding(
                f"{_bucket_label(bucket)} has no public access block; add a "
                "BucketPublicAccessBlock with all four settings true",
                bucket.urn,
            )
            continue
        off = [f for f in PUBLIC_ACCESS_FLAGS if not any(is_true(b.get(f)) for b in mine)]
        if off:
            yield Finding(
                f"{_bucket_label(bucket)} public access block leaves {', '.join(off)} off; "
                "set all four settings true",
                mine[0].urn,
            )


def _open_cidrs(*values: Any) -> list[str]:
    found: list[str] = []
    for value in values:
        cidrs = value if isinstance(value, list) else [value]
        found += [c for c in cidrs if isinstance(c, str) and c in OPEN_CIDRS]
    return found


def _ports(entry: dict[str, Any]) -> str:
    low, high = entry.get("fromPort"), entry.get("toPort")
    return f"port {low}" if low == high else f"ports {low}-{high}"


def check_no_public_ingress(resource: Resource, config: Config) -> Iterator[str]:
    """No security group admits traffic from the whole internet."""
    if resource.type == tokens.AWS_SECURITY_GROUP:
        entries = [e for e in as_list(resource.get("ingress")) if isinstance(e, dict)]
        opened = [(e, _open_cidrs(e.get("cidrBlocks"), e.get("ipv6CidrBlocks"))) for e in entries]
    elif resource.type == tokens.AWS_SECURITY_GROUP_RULE:
        if resource.get("type") != "ingress":
            return
        opened = [
            (
                resource.props,
                _open_cidrs(resource.get("cidrBlocks"), resource.get("ipv6CidrBlocks")),
            )
        ]
    else:
        opened = [(resource.props, _open_cidrs(resource.get("cidrIpv4"), resource.get("cidrIpv6")))]
    for entry, cidrs in opened:
        for cidr in cidrs:
            yield (
                f"security group ingress admits {cidr} on {_ports(entry)}; brokers and workers "
                "take traffic only from the VPC: use the VPC CIDR or a source security group"
            )


def check_msk_secure(resource: Resource, config: Config) -> Iterator[str]:
    """MSK encrypts traffic in transit and requires SCRAM or IAM authentication."""
    name = resource.get("clusterName", resource.name)
    transit = dig(resource.props, "encryptionInfo", "encryptionInTransit") or {}
    client_broker = transit.get("clientBroker", "TLS") if isinstance(transit, dict) else "TLS"
    if isinstance(client_broker, str) and client_broker != "TLS":
        yield (
            f"MSK cluster '{name}' allows {client_broker} between clients and brokers; "
            "set encryption_in_transit.client_broker to 'TLS'"
        )
    if isinstance(transit, dict) and transit.get("inCluster") is False:
        yield (
            f"MSK cluster '{name}' does not encrypt traffic between brokers; "
            "set encryption_in_transit.in_cluster to true"
        )
    auth = resource.get("clientAuthentication", {})
    sasl = dig(auth, "sasl") or {}
    if not (is_true(dig(sasl, "scram")) or is_true(dig(sasl, "iam"))):
        yield (
            f"MSK cluster '{name}' enables neither SCRAM nor IAM authentication; "
            "set client_authentication.sasl.scram (or iam) to true"
        )
    if is_true(dig(auth, "unauthenticated")):
        yield (
            f"MSK cluster '{name}' allows unauthenticated clients; "
            "set client_authentication.unauthenticated to false"
        )


def _pods_of(workload: Resource) -> dict[str, str]:
    """The labels Strimzi puts on the pods of a ``Kafka`` or ``KafkaConnect``."""
    name = str(dig(workload.props, "metadata", "name"))
    return kafka_pods(name) if workload.type == tokens.STRIMZI_KAFKA else connect_pods(name)


def _puts_group_on(policy: Resource, workload: Resource) -> bool:
    """True when ``policy`` names a group and selects ``workload``'s pods in its namespace."""
    namespace = dig(workload.props, "metadata", "namespace")
    if dig(policy.props, "metadata", "namespace") != namespace:
        return False
    wanted = dig(policy.props, "spec", "podSelector", "matchLabels")
    groups = as_list(dig(policy.props, "spec", "securityGroups", "groupIds"))
    if not isinstance(wanted, dict) or not wanted or not groups:
        return False
    pods = _pods_of(workload)
    return all(pods.get(key) == value for key, value in wanted.items())


def check_pods_security_group(stack: Stack, config: Config) -> Iterator[Finding]:
    """In an AWS network, Strimzi broker and worker pods wear their boundary's group."""
    if not stack.of_type(tokens.AWS_VPC):
        return
    policies = stack.of_type(tokens.EKS_SECURITY_GROUP_POLICY)
    for workload in (
        *stack.of_type(tokens.STRIMZI_KAFKA),
        *stack.of_type(tokens.STRIMZI_KAFKA_CONNECT),
    ):
        if not any(_puts_group_on(policy, workload) for policy in policies):
            kind = workload.type.rsplit(":", 1)[1]
            yield Finding(
                f"{kind} '{dig(workload.props, 'metadata', 'name')}' has no "
                "SecurityGroupPolicy putting a security group on its pods, so they use the "
                "nodes' group and its network boundary does not apply; add one in its "
                "namespace selecting its pods with the boundary's group",
                workload.urn,
            )


RULES = (
    Rule(
        id="bulkheads-storage-bucket-encrypted",
        title="S3 buckets have default server-side encryption",
        category=Category.SECURITY,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(*BUCKETS, *ENCRYPTION_CONFIGS),
        rationale=(
            "AutoMQ keeps every topic's data, WAL and operations data in S3. The bucket must "
            "be encrypted with a key the platform controls, declared in the program rather "
            "than left to account defaults."
        ),
        how_to_fix=(
            "Add a `BucketServerSideEncryptionConfiguration` for the bucket "
            "(`bucket=bucket.id`) with `apply_server_side_encryption_by_default.sse_algorithm`"
            " `aws:kms`."
        ),
        stack_check=check_bucket_encrypted,
        suppressible=False,
    ),
    Rule(
        id="bulkheads-storage-bucket-public-access-blocked",
        title="S3 buckets block all public access",
        category=Category.SECURITY,
        severity=Severity.CRITICAL,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(*BUCKETS, tokens.AWS_S3_PUBLIC_ACCESS_BLOCK),
        rationale=(
            "A bucket holding Kafka data must never be reachable publicly, whatever a later "
            "bucket policy or ACL says. The public access block is the guard that holds "
            "regardless of those."
        ),
        how_to_fix=(
            "Add a `BucketPublicAccessBlock` for the bucket (`bucket=bucket.id`) with "
            "`block_public_acls`, `block_public_policy`, `ignore_public_acls` and "
            "`restrict_public_buckets` all true."
        ),
        stack_check=check_bucket_public_access_blocked,
        suppressible=False,
    ),
    Rule(
        id="bulkheads-network-no-public-ingress",
        title="No security group ingress from 0.0.0.0/0 or ::/0",
        category=Category.SECURITY,
        severity=Severity.CRITICAL,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(
            tokens.AWS_SECURITY_GROUP,
            tokens.AWS_SECURITY_GROUP_RULE,
            tokens.AWS_SECURITY_GROUP_INGRESS_RULE,
        ),
        rationale=(
            "Security groups in a bulkheads stack front brokers and Connect workers. The "
            "platform has no public endpoints: ingress from the whole internet exposes "
            "Kafka listeners and the Connect REST API."
        ),
        how_to_fix=(
            "Allow ingress from the VPC CIDR or from the client's security group "
            "(`source_security_group_id` / `referenced_security_group_id`) only."
        ),
        resource_check=check_no_public_ingress,
        suppressible=False,
    ),
    Rule(
        id="bulkheads-cluster-msk-secure",
        title="MSK clusters use TLS in transit and SCRAM or IAM authentication",
        category=Category.SECURITY,
        severity=Severity.CRITICAL,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.AWS_MSK_CLUSTER,),
        rationale=(
            "ACLs and quotas are only as strong as the identity behind them: without "
            "authentication every client is the same anonymous user, and without TLS SCRAM "
            "exchanges and records cross the network in clear text."
        ),
        how_to_fix=(
            "Set `encryption_info.encryption_in_transit.client_broker` to `TLS` and "
            "`in_cluster` to true, `client_authentication.sasl.scram` (or `iam`) to true and "
            "leave `unauthenticated` off."
        ),
        resource_check=check_msk_secure,
        suppressible=False,
    ),
    Rule(
        id="bulkheads-network-pods-security-group",
        title="Kafka and Connect pods on EKS wear their boundary's security group",
        category=Category.ISOLATION,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(
            tokens.STRIMZI_KAFKA,
            tokens.STRIMZI_KAFKA_CONNECT,
            tokens.EKS_SECURITY_GROUP_POLICY,
        ),
        rationale=(
            "The network's per-boundary security groups (brokers admit only their pools and "
            "declared clients; workers reach only their brokers and declared endpoints) only "
            "bind pods that wear them. Without a SecurityGroupPolicy, Strimzi pods use the "
            "node group's security group and every pool can reach every cluster."
        ),
        how_to_fix=(
            "Create a `SecurityGroupPolicy` (`vpcresources.k8s.aws/v1beta1`) in the pods' "
            "namespace whose `podSelector.matchLabels` select them (`strimzi.io/cluster`, "
            "`strimzi.io/kind`) and whose `securityGroups.groupIds` is the boundary's group; "
            "the cluster needs the VPC CNI with `ENABLE_POD_ENI=true`."
        ),
        stack_check=check_pods_security_group,
    ),
)
