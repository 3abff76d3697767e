"""The Kubernetes provider a stack's Strimzi resources go through.

Two targets, read from stack config (namespace ``bulkheads``):

- ``kubeconfig`` (secret) and optional ``kubeContext``: apply to that existing cluster;
- ``renderYamlToDirectory``: write the manifests to that directory for review and apply
  nothing (the provider's ``render_yaml_to_directory``).

Both set is a mistake; neither means the ambient kubeconfig.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

CONFIG_NAMESPACE = "bulkheads"


@dataclass(frozen=True)
class KubernetesTarget:
    """Where manifests go: a cluster (``kubeconfig``/``context``) or ``render_dir``."""

    kubeconfig: pulumi.Input[str] | None = None
    context: str | None = None
    render_dir: str | None = None

    def __post_init__(self) -> None:
        if self.render_dir and self.kubeconfig is not None:
            raise ValueError(
                "kubernetes target: both renderYamlToDirectory and kubeconfig are set; "
                "keep one (render for review, kubeconfig to apply)"
            )


def target_from_config(config: pulumi.Config | None = None) -> KubernetesTarget:
    """Read the target from stack config ``bulkheads:kubeconfig`` etc."""
    config = config or pulumi.Config(CONFIG_NAMESPACE)
    return KubernetesTarget(
        kubeconfig=config.get_secret("kubeconfig"),
        context=config.get("kubeContext"),
        render_dir=config.get("renderYamlToDirectory"),
    )


def kubernetes_provider(
    name: str, target: KubernetesTarget, opts: pulumi.ResourceOptions | None = None
) -> k8s.Provider:
    """An explicit provider for ``target`` (server-side apply when applying)."""
    if target.render_dir:
        return k8s.Provider(name, render_yaml_to_directory=target.render_dir, opts=opts)
    return k8s.Provider(
        name,
        kubeconfig=target.kubeconfig,
        context=target.context,
        enable_server_side_apply=True,
        opts=opts,
    )
