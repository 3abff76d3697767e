"""Classic Kafka on Amazon MSK: private subnets, SCRAM over TLS only, encrypted at rest.

Creates the broker log group, an MSK configuration (no topic auto-creation, deny when no
ACL), the cluster (client-broker and in-cluster TLS, SCRAM on, unauthenticated off, public
access off, data encrypted with the cluster's KMS key, broker logs to CloudWatch) and the
admin's SCRAM user (``msk_scram_user``: the way every MSK principal is made).

MSK does not take ``super.users``: the admin's first ACLs must be granted once before the
data plane can manage the rest (README, "Configuring a stack").
"""

from __future__ import annotations

import json
from collections.abc import Mapping

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


def msk_cluster(
    name: str,
    cluster: str,
    environment: str,
    settings: MskSettings,
    admin_username: str,
    admin_password: pulumi.Input[str],
    subnet_ids: pulumi.Input[list[str]],
    security_group_id: pulumi.Input[str],
    kms_key: aws.kms.Key,
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> aws.msk.Cluster:
    """Create the MSK cluster and its admin SCRAM secret; return the cluster."""
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
            sasl=aws.msk.ClusterClientAuthenticationSaslArgs(scram=True, iam=False),
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
    msk_scram_user(
        f"{name}-admin",
        msk_secret_name(environment, cluster, "admin"),
        admin_username,
        admin_password,
        msk.arn,
        kms_key.arn,
        tags,
        child,
    )
    return msk
