"""The labels Strimzi puts on the pods it runs, the one place components (security group
policies, NetworkPolicies) and the policy pack select them by. Pure: no Pulumi imports."""

from __future__ import annotations


def kafka_pods(cluster: str) -> dict[str, str]:
    """Every Kafka node pod of Strimzi cluster ``cluster`` (all node pools)."""
    return {
        "strimzi.io/cluster": cluster,
        "strimzi.io/kind": "Kafka",
        "strimzi.io/name": f"{cluster}-kafka",
    }


def connect_pods(connect_name: str) -> dict[str, str]:
    """The worker pods of KafkaConnect ``connect_name``."""
    return {"strimzi.io/cluster": connect_name, "strimzi.io/kind": "KafkaConnect"}


def kafka_cluster_pods(cluster: str) -> dict[str, str]:
    """Every pod Strimzi runs for the Kafka CR ``cluster`` (nodes, Kafka Exporter)."""
    return {"strimzi.io/cluster": cluster, "strimzi.io/kind": "Kafka"}
