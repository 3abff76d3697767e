"""Strimzi custom resources for a cluster: ``Kafka``, ``KafkaNodePool``, the admin user,
the cluster CA, and its metrics: the JMX exporter ConfigMap (``metricsConfig``), the Kafka
Exporter (consumer group lag) and a PodMonitor (``components.monitoring``).

The cluster runs in KRaft mode with one node pool of combined broker/controller nodes, a
SCRAM-SHA-512 listener over TLS (``SCRAM_TLS_PORT``) and the simple authorizer with the
admin as the only super user. The User Operator manages only the admin ``KafkaUser``
(``STRIMZI_IGNORED_USERS_PATTERN``): every other user and ACL belongs to the data plane,
and an unfiltered User Operator would delete them. No Topic Operator: topics belong to the
data plane too. The cluster CA is the platform's (``clusterCa.generateCertificateAuthority:
false``), so the Kafka provider and the Connect workers can trust the brokers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pulumi
import pulumi_kubernetes as k8s

from bulkheads.cloud.args import SCRAM_TLS_PORT, StrimziSettings
from bulkheads.cloud.broker_config import BASE_BROKER_CONFIG
from bulkheads.ops.metrics import KAFKA_RULES, metrics_config
from components import tokens
from components.monitoring import metrics_config_map, pod_monitor
from components.strimzi_labels import kafka_cluster_pods
from components.worker_pool import node_pool_placement

LISTENER_NAME = "scram"
ADMIN_PASSWORD_KEY = "password"


def kafka_service_account(cluster: str) -> str:
    """The service account Strimzi creates for the brokers of ``cluster``."""
    return f"{cluster}-kafka"


def bootstrap_address(cluster: str, namespace: str) -> str:
    """The in-cluster bootstrap address of the SCRAM listener."""
    return f"{cluster}-kafka-bootstrap.{namespace}.svc:{SCRAM_TLS_PORT}"


def only_user_pattern(username: str) -> str:
    """A Java regex matching every user name except ``username``."""
    return f"^(?!{re.escape(username)}$).*"


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
) -> k8s.apiextensions.CustomResource:
    """Create the cluster CA Secrets, the Kafka CR, its node pool, and the admin Secret +
    KafkaUser; return the Kafka CR.

    ``settings.ca_cert`` and ``ca_key`` become the cluster CA (Strimzi generates none);
    ``broker_role_arn`` annotates the brokers' service account for IRSA.
    """
    child = pulumi.ResourceOptions(parent=parent, provider=provider)
    namespace = settings.namespace
    strimzi_labels = {**labels, "strimzi.io/cluster": cluster}
    ca_secrets = _cluster_ca(name, cluster, namespace, settings, ca_key, strimzi_labels, child)
    metrics = metrics_config_map(
        f"{name}-kafka-metrics", f"{cluster}-kafka-metrics", namespace, KAFKA_RULES, labels, child
    )

    kafka_spec: dict[str, object] = {
        "version": settings.kafka_version,
        "listeners": [
            {
                "name": LISTENER_NAME,
                "port": SCRAM_TLS_PORT,
                "type": "internal",
                "tls": True,
                "authentication": {"type": "scram-sha-512"},
            }
        ],
        "authorization": {"type": "simple", "superUsers": [admin_username]},
        "config": {**BASE_BROKER_CONFIG, **kafka_config},
        "metricsConfig": metrics_config(f"{cluster}-kafka-metrics"),
    }
    cluster_ca = {"generateCertificateAuthority": False}
    if settings.image:
        kafka_spec["image"] = settings.image
    if broker_role_arn is not None:
        kafka_spec["template"] = {
            "serviceAccount": {
                "metadata": {"annotations": {"eks.amazonaws.com/role-arn": broker_role_arn}}
            }
        }
    kafka = k8s.apiextensions.CustomResource(
        f"{name}-kafka",
        api_version=tokens.STRIMZI_API_VERSION,
        kind="Kafka",
        metadata={
            "name": cluster,
            "namespace": namespace,
            "labels": dict(labels),
            "annotations": {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"},
        },
        spec={
            "kafka": kafka_spec,
            "kafkaExporter": {"topicRegex": ".*", "groupRegex": ".*"},
            "clusterCa": cluster_ca,
            "entityOperator": {
                "userOperator": {},
                "template": {
                    "userOperatorContainer": {
                        "env": [
                            {
                                "name": "STRIMZI_IGNORED_USERS_PATTERN",
                                "value": only_user_pattern(admin_username),
                            }
                        ]
                    }
                },
            },
        },
        opts=pulumi.ResourceOptions(
            parent=parent, provider=provider, depends_on=[*ca_secrets, metrics]
        ),
    )
    pod_monitor(
        f"{name}-pod-monitor", f"{cluster}-kafka", namespace, kafka_cluster_pods(cluster),
        labels, pulumi.ResourceOptions(parent=parent, provider=provider, depends_on=[kafka]),
        cluster=cluster,
    )  # fmt: skip
    volume: dict[str, object] = {
        "id": 0,
        "type": "persistent-claim",
        "size": settings.storage_size,
        "deleteClaim": False,
        "kraftMetadata": "shared",
    }
    if settings.storage_class:
        volume["class"] = settings.storage_class
    pool_spec: dict[str, object] = {
        "replicas": settings.replicas,
        "roles": ["controller", "broker"],
        "storage": {"type": "jbod", "volumes": [volume]},
    }
    if settings.node_pool:
        pool_spec["template"] = {"pod": node_pool_placement(settings.node_pool)}
    k8s.apiextensions.CustomResource(
        f"{name}-nodes",
        api_version=tokens.STRIMZI_API_VERSION,
        kind="KafkaNodePool",
        metadata={"name": f"{cluster}-nodes", "namespace": namespace, "labels": strimzi_labels},
        spec=pool_spec,
        opts=child,
    )
    admin_secret_name = f"{cluster}-admin"
    secret = k8s.core.v1.Secret(
        f"{name}-admin",
        metadata={"name": admin_secret_name, "namespace": namespace, "labels": dict(labels)},
        string_data={ADMIN_PASSWORD_KEY: admin_password},
        opts=child,
    )
    k8s.apiextensions.CustomResource(
        f"{name}-admin-user",
        api_version=tokens.STRIMZI_API_VERSION,
        kind="KafkaUser",
        metadata={"name": admin_username, "namespace": namespace, "labels": strimzi_labels},
        spec={
            "authentication": {
                "type": "scram-sha-512",
                "password": {
                    "valueFrom": {
                        "secretKeyRef": {
                            "name": admin_secret_name,
                            "key": ADMIN_PASSWORD_KEY,
                        }
                    }
                },
            }
        },
        opts=pulumi.ResourceOptions(parent=parent, provider=provider, depends_on=[kafka, secret]),
    )
    return kafka


def _cluster_ca(
    name: str,
    cluster: str,
    namespace: str,
    settings: StrimziSettings,
    ca_key: pulumi.Input[str],
    strimzi_labels: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> list[pulumi.Resource]:
    """The Secrets a user-supplied cluster CA lives in (Strimzi's names, labels and
    generation annotations): the certificate, and the key as a secret."""
    assert settings.ca_cert is not None  # ClusterArgs requires it on strimzi
    parts: tuple[tuple[str, str, pulumi.Input[str], str], ...] = (
        ("cluster-ca-cert", "ca.crt", settings.ca_cert, "strimzi.io/ca-cert-generation"),
        ("cluster-ca", "ca.key", pulumi.Output.secret(ca_key), "strimzi.io/ca-key-generation"),
    )
    made: list[pulumi.Resource] = []
    for suffix, key, value, generation in parts:
        made.append(
            k8s.core.v1.Secret(
                f"{name}-{suffix}",
                metadata={
                    "name": f"{cluster}-{suffix}",
                    "namespace": namespace,
                    "labels": {**strimzi_labels, "strimzi.io/kind": "Kafka"},
                    "annotations": {generation: "0"},
                },
                string_data={key: value},
                opts=opts,
            )
        )
    return made
