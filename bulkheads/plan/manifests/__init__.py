"""Every Kubernetes manifest bulkheads applies, as a pure function of plain values.

``labels`` (ownership labels, Strimzi's pod labels, node-pool placement), ``core``
(Namespace, Secret, NetworkPolicy, Role, RoleBinding, EKS SecurityGroupPolicy) and
``strimzi`` (Kafka, KafkaNodePool, KafkaUser, KafkaConnect, KafkaConnector). Each returns a
whole manifest (``apiVersion``, ``kind``, ``metadata``, body); components only register
them (``components.manifests.register``), tests validate them against the real schemas.
No Pulumi imports.
"""

from __future__ import annotations

from typing import Any

Manifest = dict[str, Any]
# A value only known at deploy time (a password, an ARN, an MSK bootstrap address): the
# functions place it into the manifest as it is, the caller's engine resolves it.
Deferred = Any

__all__ = ["Deferred", "Manifest"]
