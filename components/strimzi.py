"""Register a Strimzi cluster's resources (:mod:`bulkheads.plan.manifests.strimzi`): the
cluster CA Secrets, the ``Kafka`` CR, its node pool, and the admin Secret + ``KafkaUser``.

The ``Kafka`` CR and the admin ``KafkaUser`` are awaited until Ready (their
``pulumi.com/waitFor`` annotation), so the cluster's Kafka provider, which depends on both,
never races the brokers or the User Operator.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_kubernetes as k8s

from bulkheads.cloud.args import StrimziSettings
from bulkheads.cloud.broker_config import BASE_BROKER_CONFIG
from bulkheads.ops.metrics import KAFKA_RULES
from bulkheads.plan.manifests import strimzi
from bulkheads.plan.manifests.labels import kafka_cluster_pods
from components.manifests import register
from components.monitoring import metrics_config_map, pod_monitor


def strimzi_cluster(
    name: str,
    cluster: str,
    settings: StrimziSettings,
    admin_username: str,
    admin_password: pulumi.Input[str],
    labels: Mapping[str, str],
    kafka_config: Mapping[str, str],
    parent: pulumi.Resource,
    provider: k8s.Provider | None,
    ca_key: pulumi.Input[str],
    broker_role_arn: pulumi.Input[str] | None = None,
) -> tuple[pulumi.CustomResource, pulumi.CustomResource]:
    """Register the cluster's resources; return the Kafka CR and the admin KafkaUser (both
    awaited Ready: a provider that waits for them finds brokers and its login in place).

    ``settings.ca_cert`` and ``ca_key`` become the cluster CA (Strimzi generates none);
    ``broker_role_arn`` annotates the brokers' service account for IRSA.
    """
    assert settings.ca_cert is not None  # ClusterArgs requires it on strimzi
    child = pulumi.ResourceOptions(parent=parent, provider=provider)
    spec = strimzi.KafkaCluster(
        cluster=cluster,
        namespace=settings.namespace,
        labels=labels,
        kafka_version=settings.kafka_version,
        admin_username=admin_username,
        config={**BASE_BROKER_CONFIG, **kafka_config},
        replicas=settings.replicas,
        storage_size=settings.storage_size,
        storage_class=settings.storage_class,
        node_pool=settings.node_pool,
        image=settings.image,
        role_arn=broker_role_arn,
    )
    cert, key = strimzi.cluster_ca_secrets(spec, settings.ca_cert, pulumi.Output.secret(ca_key))
    ca_secrets = [
        register(f"{name}-cluster-ca-cert", cert, child),
        register(f"{name}-cluster-ca", key, child),
    ]
    metrics = metrics_config_map(
        f"{name}-kafka-metrics", strimzi.kafka_metrics_config_map(cluster), settings.namespace,
        KAFKA_RULES, labels, child,
    )  # fmt: skip
    kafka = register(
        f"{name}-kafka",
        strimzi.kafka(spec),
        pulumi.ResourceOptions.merge(
            child, pulumi.ResourceOptions(depends_on=[*ca_secrets, metrics])
        ),
    )
    pod_monitor(
        f"{name}-pod-monitor", f"{cluster}-kafka", settings.namespace,
        kafka_cluster_pods(cluster), labels,
        pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[kafka])),
        cluster=cluster,
    )  # fmt: skip
    register(f"{name}-nodes", strimzi.kafka_node_pool(spec), child)
    secret = register(
        f"{name}-admin", strimzi.admin_secret(spec, pulumi.Output.secret(admin_password)), child
    )
    admin_user = register(
        f"{name}-admin-user",
        strimzi.admin_user(spec),
        pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[kafka, secret])),
    )
    return kafka, admin_user
