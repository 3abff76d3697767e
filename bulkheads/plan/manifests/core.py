"""Kubernetes core objects: Namespace, Secret, NetworkPolicy, Role, RoleBinding, and the EKS
``SecurityGroupPolicy`` that puts a boundary's security group on a set of pods.

A SecurityGroupPolicy needs the Amazon VPC CNI with pod ENIs (``ENABLE_POD_ENI=true``) and
Nitro node pools; without it the Network's groups guard nothing on Kubernetes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bulkheads.cloud.args import CONNECT_REST_PORT
from bulkheads.plan.manifests import Deferred, Manifest
from bulkheads.plan.manifests.labels import connect_pods

EKS_VPC_RESOURCES_API_VERSION = "vpcresources.k8s.aws/v1beta1"
RBAC_API_GROUP = "rbac.authorization.k8s.io"


@dataclass(frozen=True)
class EgressPeer:
    """A destination pool workers may reach: a CIDR, or pods (by labels) in a namespace."""

    ports: tuple[int, ...]
    cidr: str | None = None
    namespace: str | None = None
    pod_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.cidr is None) == (self.namespace is None):
            raise ValueError("an egress peer names exactly one of cidr or namespace")


def metadata(
    name: str,
    namespace: str | None,
    labels: Mapping[str, str],
    annotations: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``metadata`` of an object: name, namespace (None: cluster-scoped), labels, annotations."""
    meta: dict[str, Any] = {"name": name, "labels": dict(labels)}
    if namespace is not None:
        meta["namespace"] = namespace
    if annotations:
        meta["annotations"] = dict(annotations)
    return meta


def namespace(name: str, labels: Mapping[str, str]) -> Manifest:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata(name, None, labels)}


def secret(
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    string_data: Mapping[str, Deferred] | Deferred,
    annotations: Mapping[str, str] | None = None,
) -> Manifest:
    """An Opaque Secret; ``string_data`` (key -> value) or its values may be deferred."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata(name, namespace, labels, annotations),
        "type": "Opaque",
        "stringData": string_data,
    }


def secret_reader_role(name: str, namespace: str, labels: Mapping[str, str]) -> Manifest:
    """A Role allowing ``get`` on exactly the Secret ``name``."""
    return {
        "apiVersion": f"{RBAC_API_GROUP}/v1",
        "kind": "Role",
        "metadata": metadata(name, namespace, labels),
        "rules": [
            {"apiGroups": [""], "resources": ["secrets"], "resourceNames": [name], "verbs": ["get"]}
        ],
    }


def role_binding(
    name: str, namespace: str, labels: Mapping[str, str], role: str, service_account: str
) -> Manifest:
    """Bind Role ``role`` to ``service_account`` of the same namespace."""
    return {
        "apiVersion": f"{RBAC_API_GROUP}/v1",
        "kind": "RoleBinding",
        "metadata": metadata(name, namespace, labels),
        "roleRef": {"apiGroup": RBAC_API_GROUP, "kind": "Role", "name": role},
        "subjects": [{"kind": "ServiceAccount", "name": service_account, "namespace": namespace}],
    }


def _peer_rule(peer: EgressPeer) -> dict[str, Any]:
    if peer.cidr is not None:
        target: dict[str, Any] = {"ipBlock": {"cidr": peer.cidr}}
    else:
        target = {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": peer.namespace}},
            "podSelector": {"matchLabels": dict(peer.pod_labels)},
        }
    return {"to": [target], "ports": [{"protocol": "TCP", "port": port} for port in peer.ports]}


def connect_egress_policy(
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    connect_name: str,
    peers: tuple[EgressPeer, ...],
) -> Manifest:
    """Egress of a KafkaConnect's worker pods: DNS, each other (REST), and ``peers``."""
    pool_pods = connect_pods(connect_name)
    dns = {
        "to": [
            {
                "namespaceSelector": {
                    "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                },
                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
            }
        ],
        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
    }
    same_pool = {
        "to": [{"podSelector": {"matchLabels": pool_pods}}],
        "ports": [{"protocol": "TCP", "port": CONNECT_REST_PORT}],
    }
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(name, namespace, labels),
        "spec": {
            "podSelector": {"matchLabels": pool_pods},
            "policyTypes": ["Egress"],
            "egress": [dns, same_pool, *(_peer_rule(peer) for peer in peers)],
        },
    }


def security_group_policy(
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    pod_labels: Mapping[str, str],
    security_group_id: Deferred,
) -> Manifest:
    """Put ``security_group_id`` on the pods of ``namespace`` carrying all of ``pod_labels``."""
    return {
        "apiVersion": EKS_VPC_RESOURCES_API_VERSION,
        "kind": "SecurityGroupPolicy",
        "metadata": metadata(name, namespace, labels),
        "spec": {
            "podSelector": {"matchLabels": dict(pod_labels)},
            "securityGroups": {"groupIds": [security_group_id]},
        },
    }
