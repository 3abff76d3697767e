"""Classic Kafka on Amazon MSK: private subnets, SCRAM and IAM over TLS only, encrypted at
rest.

Creates the broker log group, an MSK configuration (no topic auto-creation, deny when no
ACL), the cluster (client-broker and in-cluster TLS, SCRAM and IAM on, unauthenticated off,
public access off, data encrypted with the cluster's KMS key, broker logs to CloudWatch)
and the IAM policy of its administrator.

Pools and pipelines log in with SCRAM users (``msk_scram_user``). MSK takes no
``super.users`` and nothing is allowed without an ACL, so a SCRAM admin could never grant
itself its first ACLs; the platform's own Kafka provider logs in with IAM instead, which
MSK authorizes by IAM policy: ``admin_policy``, attached to ``settings.deploy_role`` (the
role that runs ``pulumi up``) when one is given.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from bulkheads.cloud.args import MskSettings
from bulkheads.cloud.broker_config import BASE_BROKER_CONFIG


def msk_secret_name(environment: str, cluster: str, username: str) -> str:
    """The secret of ``username`` on a cluster: MSK only associates secrets whose name
    starts with ``AmazonMSK_``."""
    return f"AmazonMSK_bulkheads_{environment}_{cluster}_{username}"


def msk_scram_user(
    name: str,
    secret_name: str,
    username: str,
    password: pulumi.Input[str],
    cluster_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.msk.SingleScramSecretAssociation:
    """A SCRAM user of an MSK cluster, all three resources named ``name``.

    MSK takes SCRAM logins only from Secrets Manager (not Kafka's SCRAM admin API): a
    secret named ``AmazonMSK_...``, encrypted with a customer KMS key, holding
    ``{"username", "password"}`` and associated with the cluster. The secret is deleted
    without a recovery window, so a replaced user can take its name again at once (the
    password lives in Pulumi state).
    """
    secret = aws.secretsmanager.Secret(
        name,
        name=secret_name,
        kms_key_id=kms_key_arn,
        recovery_window_in_days=0,
        tags=dict(tags),
        opts=opts,
    )
    aws.secretsmanager.SecretVersion(
        name,
        secret_id=secret.id,
        secret_string=pulumi.Output.secret(password).apply(
            lambda value: json.dumps({"username": username, "password": value})
        ),
        opts=opts,
    )
    return aws.msk.SingleScramSecretAssociation(
        name, cluster_arn=cluster_arn, secret_arn=secret.arn, opts=opts
    )


def server_properties(config: dict[str, str]) -> str:
    """``key=value`` lines, sorted, for an MSK configuration."""
    return "\n".join(f"{key}={value}" for key, value in sorted(config.items()))


def admin_resources(cluster_arn: str) -> list[str]:
    """The ARNs an MSK administrator acts on: the cluster and all of its topics, groups
    and transactional ids (``arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>``)."""
    prefix, _, rest = cluster_arn.partition(":cluster/")
    return [cluster_arn] + [
        f"{prefix}:{kind}/{rest}/*" for kind in ("topic", "group", "transactional-id")
    ]


@dataclass(frozen=True)
class MskParts:
    """An MSK cluster, its admin policy and, with a deploy role, that policy's attachment
    (``admin_access``: what the cluster's Kafka provider must wait for)."""

    cluster: aws.msk.Cluster
    admin_policy: aws.iam.Policy
    admin_access: tuple[pulumi.Resource, ...]


def msk_cluster(
    name: str,
    cluster: str,
    environment: str,
    settings: MskSettings,
    subnet_ids: pulumi.Input[list[str]],
    security_group_id: pulumi.Input[str],
    kms_key: aws.kms.Key,
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> MskParts:
    """Create the MSK cluster and its administrator's IAM policy (attached to the deploy
    role, if any)."""
    child = pulumi.ResourceOptions(parent=parent)
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-broker-logs",
        retention_in_days=settings.log_retention_days,
        tags=tags,
        opts=child,
    )
    configuration = aws.msk.Configuration(
        f"{name}-config",
        kafka_versions=[settings.kafka_version],
        server_properties=server_properties(BASE_BROKER_CONFIG),
        description=f"bulkheads {environment} {cluster}",
        opts=child,
    )
    msk = aws.msk.Cluster(
        f"{name}-msk",
        cluster_name=f"{environment}-{cluster}",
        kafka_version=settings.kafka_version,
        number_of_broker_nodes=settings.brokers,
        broker_node_group_info=aws.msk.ClusterBrokerNodeGroupInfoArgs(
            instance_type=settings.instance_type,
            client_subnets=subnet_ids,
            security_groups=[security_group_id],
            storage_info=aws.msk.ClusterBrokerNodeGroupInfoStorageInfoArgs(
                ebs_storage_info=aws.msk.ClusterBrokerNodeGroupInfoStorageInfoEbsStorageInfoArgs(
                    volume_size=settings.volume_size_gib
                )
            ),
            connectivity_info=aws.msk.ClusterBrokerNodeGroupInfoConnectivityInfoArgs(
                public_access=aws.msk.ClusterBrokerNodeGroupInfoConnectivityInfoPublicAccessArgs(
                    type="DISABLED"
                )
            ),
        ),
        client_authentication=aws.msk.ClusterClientAuthenticationArgs(
            sasl=aws.msk.ClusterClientAuthenticationSaslArgs(scram=True, iam=True),
            unauthenticated=False,
        ),
        encryption_info=aws.msk.ClusterEncryptionInfoArgs(
            encryption_at_rest_kms_key_arn=kms_key.arn,
            encryption_in_transit=aws.msk.ClusterEncryptionInfoEncryptionInTransitArgs(
                client_broker="TLS", in_cluster=True
            ),
        ),
        configuration_info=aws.msk.ClusterConfigurationInfoArgs(
            arn=configuration.arn, revision=configuration.latest_revision
        ),
        logging_info=aws.msk.ClusterLoggingInfoArgs(
            broker_logs=aws.msk.ClusterLoggingInfoBrokerLogsArgs(
                cloudwatch_logs=aws.msk.ClusterLoggingInfoBrokerLogsCloudwatchLogsArgs(
                    enabled=True, log_group=log_group.name
                )
            )
        ),
        tags=tags,
        opts=child,
    )
    admin_policy = aws.iam.Policy(
        f"{name}-admin",
        description=f"bulkheads {environment} {cluster}: administer the MSK cluster over IAM",
        policy=msk.arn.apply(
            lambda arn: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["kafka-cluster:*"],
                            "Resource": admin_resources(arn),
                        }
                    ],
                }
            )
        ),
        tags=tags,
        opts=child,
    )
    access: tuple[pulumi.Resource, ...] = ()
    if settings.deploy_role:
        access = (
            aws.iam.RolePolicyAttachment(
                f"{name}-admin",
                role=settings.deploy_role,
                policy_arn=admin_policy.arn,
                opts=child,
            ),
        )
    return MskParts(cluster=msk, admin_policy=admin_policy, admin_access=access)
