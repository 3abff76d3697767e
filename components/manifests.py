"""Register a manifest of :mod:`bulkheads.plan.manifests` as a Pulumi resource, unchanged.

Typed kinds (Namespace, ServiceAccount, ConfigMap, CronJob, Deployment,
PodDisruptionBudget, Secret, NetworkPolicy, Role, RoleBinding) become their
pulumi-kubernetes resources, every other kind (Strimzi, EKS) an
``apiextensions.CustomResource``. Values only known at deploy time
(Outputs) sit inside the manifest as they are; its top-level fields stay plain, so
previews show names.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from bulkheads.plan.manifests import Manifest

# kind -> (resource class, {manifest field: keyword argument}) besides ``metadata``.
_TYPED: dict[str, tuple[Any, dict[str, str]]] = {
    "Namespace": (k8s.core.v1.Namespace, {}),
    "ServiceAccount": (k8s.core.v1.ServiceAccount, {}),
    "ConfigMap": (k8s.core.v1.ConfigMap, {"data": "data"}),
    "CronJob": (k8s.batch.v1.CronJob, {"spec": "spec"}),
    "Deployment": (k8s.apps.v1.Deployment, {"spec": "spec"}),
    "PodDisruptionBudget": (k8s.policy.v1.PodDisruptionBudget, {"spec": "spec"}),
    "Secret": (k8s.core.v1.Secret, {"type": "type", "stringData": "string_data"}),
    "NetworkPolicy": (k8s.networking.v1.NetworkPolicy, {"spec": "spec"}),
    "Role": (k8s.rbac.v1.Role, {"rules": "rules"}),
    "RoleBinding": (k8s.rbac.v1.RoleBinding, {"roleRef": "role_ref", "subjects": "subjects"}),
}


def register(name: str, manifest: Manifest, opts: pulumi.ResourceOptions) -> pulumi.CustomResource:
    """Register ``manifest`` as resource ``name``."""
    kind = manifest["kind"]
    if kind in _TYPED:
        resource_class, fields = _TYPED[kind]
        kwargs = {argument: manifest[key] for key, argument in fields.items() if key in manifest}
        resource: pulumi.CustomResource = resource_class(
            name, metadata=manifest["metadata"], opts=opts, **kwargs
        )
        return resource
    return k8s.apiextensions.CustomResource(
        name,
        api_version=manifest["apiVersion"],
        kind=kind,
        metadata=manifest["metadata"],
        spec=manifest["spec"],
        opts=opts,
    )
