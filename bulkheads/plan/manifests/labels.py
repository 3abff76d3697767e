"""Labels and placement shared by every manifest: bulkheads' ownership labels, the labels
Strimzi puts on the pods it runs (the one place NetworkPolicies, security group policies and
the policy pack select them by) and node-pool placement."""

from __future__ import annotations

from typing import Any

from bulkheads.connect.kube import is_label_value

LABEL_PREFIX = "bulkheads.io/"
NODE_POOL_KEY = LABEL_PREFIX + "node-pool"


def ownership_labels(
    owner: str, workload_class: str, pool: str, environment: str
) -> dict[str, str]:
    """The labels every runtime object carries; raises on a value Kubernetes refuses."""
    labels = {
        LABEL_PREFIX + "owner": owner,
        LABEL_PREFIX + "class": workload_class,
        LABEL_PREFIX + "pool": pool,
        LABEL_PREFIX + "environment": environment,
    }
    for key, value in labels.items():
        if not is_label_value(value):
            raise ValueError(
                f"label {key}={value!r} is not a valid Kubernetes label value: "
                "use at most 63 letters, digits, '-', '_' or '.'"
            )
    return labels


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


def node_pool_placement(node_pool: str) -> dict[str, Any]:
    """Pod affinity and toleration pinning pods to Kubernetes nodes of ``node_pool``.

    Label and taint key ``NODE_POOL_KEY``, for Connect workers and Kafka nodes alike.
    """
    return {
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {"key": NODE_POOL_KEY, "operator": "In", "values": [node_pool]}
                            ]
                        }
                    ]
                }
            }
        },
        "tolerations": [
            {"key": NODE_POOL_KEY, "operator": "Equal", "value": node_pool, "effect": "NoSchedule"}
        ],
    }


def kafka_cluster_pods(cluster: str) -> dict[str, str]:
    """Every pod Strimzi runs for the Kafka CR ``cluster`` (nodes, Kafka Exporter)."""
    return {"strimzi.io/cluster": cluster, "strimzi.io/kind": "Kafka"}
