"""Security groups for pods: an EKS ``SecurityGroupPolicy`` puts a boundary's security group
on the pods of a Strimzi ``Kafka`` or ``KafkaConnect``.

Without it the Network's broker and worker groups guard nothing on Kubernetes: pods would
use the nodes' group. It needs the Amazon VPC CNI with pod ENIs (``ENABLE_POD_ENI=true``)
and Nitro instances for the node pools; the policy's pods then get a branch ENI with
exactly the group named here.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_kubernetes as k8s

from components import tokens


def pod_security_group_policy(
    name: str,
    namespace: pulumi.Input[str],
    pod_labels: Mapping[str, str],
    security_group_id: pulumi.Input[str],
    labels: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> k8s.apiextensions.CustomResource:
    """The ``SecurityGroupPolicy`` ``name`` binding ``security_group_id`` to the pods of
    ``namespace`` that carry all of ``pod_labels``."""
    return k8s.apiextensions.CustomResource(
        name,
        api_version=tokens.EKS_VPC_RESOURCES_API_VERSION,
        kind="SecurityGroupPolicy",
        metadata={"name": name, "namespace": namespace, "labels": dict(labels)},
        spec={
            "podSelector": {"matchLabels": dict(pod_labels)},
            "securityGroups": {"groupIds": [security_group_id]},
        },
        opts=opts,
    )
