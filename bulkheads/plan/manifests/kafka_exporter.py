"""A Kafka Exporter for an MSK cluster, as plain manifests (no Pulumi here).

Strimzi runs a Kafka Exporter beside its own brokers; MSK has none, so lag rules of sinks
on MSK would read no ``kafka_consumergroup_lag``. Per MSK cluster: a namespace
``kafka-exporter-<cluster>``, a ServiceAccount assuming an IAM role through IRSA (the role
may only describe the cluster, its topics and groups: :func:`monitor_actions`), and a
one-replica Deployment of the exporter logging in with IAM (``--sasl.mechanism=awsiam``)
with its PodDisruptionBudget, on the metrics port a PodMonitor scrapes as
``kafka_cluster=<cluster>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bulkheads.ops.metrics import METRICS_PORT
from bulkheads.plan.manifests import Deferred, Manifest
from bulkheads.plan.manifests.core import metadata

IMAGE = "danielqsj/kafka-exporter:v1.9.0"
PORT = 9308
NAME = "kafka-exporter"
IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
# read-only: what listing offsets and group positions needs, nothing that reads data
MONITOR_ACTIONS = (
    "kafka-cluster:Connect",
    "kafka-cluster:DescribeCluster",
    "kafka-cluster:DescribeTopic",
    "kafka-cluster:DescribeGroup",
)


def namespace_of(cluster: str) -> str:
    """The namespace of ``cluster``'s exporter."""
    return f"{NAME}-{cluster}"


def pods(cluster: str) -> dict[str, str]:
    """The labels selecting ``cluster``'s exporter pod."""
    return {"app.kubernetes.io/name": NAME, "bulkheads.io/cluster": cluster}


def exporter_args(brokers: list[str], region: str) -> list[str]:
    """The exporter's flags: every broker, TLS, IAM login in ``region``, all topics/groups."""
    return [
        *(f"--kafka.server={broker}" for broker in brokers),
        "--tls.enabled",
        "--sasl.enabled",
        "--sasl.mechanism=awsiam",
        f"--sasl.aws-region={region}",
        "--topic.filter=.*",
        "--group.filter=.*",
        f"--web.listen-address=:{PORT}",
    ]


def service_account(cluster: str, labels: Mapping[str, str], role_arn: Deferred) -> Manifest:
    """The exporter's ServiceAccount, assuming ``role_arn`` through IRSA."""
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": metadata(NAME, namespace_of(cluster), labels, {IRSA_ROLE_ANNOTATION: role_arn}),
    }


def deployment(cluster: str, labels: Mapping[str, str], args: Deferred) -> Manifest:
    """One exporter pod, unprivileged, with ``args`` (see :func:`exporter_args`)."""
    selected = pods(cluster)
    container: dict[str, Any] = {
        "name": NAME,
        "image": IMAGE,
        "args": args,
        "ports": [{"name": METRICS_PORT, "containerPort": PORT}],
        "readinessProbe": {"httpGet": {"path": "/metrics", "port": METRICS_PORT}},
        "resources": {
            "requests": {"cpu": "50m", "memory": "64Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 65534,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(NAME, namespace_of(cluster), labels),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": selected},
            "template": {
                "metadata": {"labels": {**labels, **selected}},
                "spec": {"serviceAccountName": NAME, "containers": [container]},
            },
        },
    }


def disruption_budget(cluster: str, labels: Mapping[str, str]) -> Manifest:
    """The exporter's PodDisruptionBudget (``maxUnavailable: 1``: a drain may move it)."""
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata(NAME, namespace_of(cluster), labels),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": pods(cluster)}},
    }
