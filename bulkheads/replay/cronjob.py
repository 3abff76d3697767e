"""The Kubernetes replay scheduler of one pool, as plain manifests (no Pulumi here).

A CronJob in the pool's namespace runs every five minutes (``SCHEDULE``, UTC) the two steps
of :mod:`bulkheads.replay.cronjob_script`: it applies each replay's declared start through
Strimzi's ``alterOffsets``, runs it only inside the replay window, restarts it when FAILED
and stops it for good once its listed offsets reach the slice's end (phase ``done``).
Its ServiceAccount's Role may only ``get`` and ``patch`` exactly the pool's replay
KafkaConnectors and their state ConfigMaps, and ``get`` and ``delete`` their listed-offsets
ConfigMaps. Patches carry their own field manager, so the stack (which ignores
``spec.state`` of replays and the state ConfigMaps' data) and the scheduler never
overwrite each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bulkheads.connect.config import JAAS_KEY as CLIENT_JAAS_KEY
from bulkheads.plan.manifests import Manifest
from bulkheads.plan.manifests.core import metadata
from bulkheads.plan.manifests.strimzi import KafkaLogin, connector_config_secret
from bulkheads.plan.platform import ScheduledReplay
from bulkheads.plan.replay import listed_offsets_config_map, state_config_map
from bulkheads.replay.cronjob_script import (
    CA_MOUNT,
    JAAS_FILE,
    LOGIN_MOUNT,
    STATE_MOUNT,
    WORK,
    positions_script,
    scheduler_script,
)
from bulkheads.spec.replay import parse_window

SCHEDULE = "*/5 * * * *"
KUBECTL_IMAGE = "bitnami/kubectl:1.31"
# the Kafka tools of the Strimzi release whose API the manifests are checked against
KAFKA_IMAGE = "quay.io/strimzi/kafka:0.50.0-kafka-4.1.0"
STRIMZI_GROUP = "kafka.strimzi.io"
JAAS_KEY = f"consumer.override.{CLIENT_JAAS_KEY}"  # a key of the connector Secret


def role_rules(connectors: tuple[str, ...]) -> list[dict[str, Any]]:
    """Least privilege: exactly the named KafkaConnectors and their two ConfigMaps each."""
    if not connectors:
        raise ValueError("a replay scheduler needs connectors (no names would grant all)")
    return [
        {
            "apiGroups": [STRIMZI_GROUP],
            "resources": ["kafkaconnectors"],
            "resourceNames": list(connectors),
            "verbs": ["get", "patch"],
        },
        {
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": [state_config_map(c) for c in connectors],
            "verbs": ["get", "patch"],
        },
        {
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": [listed_offsets_config_map(c) for c in connectors],
            "verbs": ["get", "delete"],
        },
    ]


_LOCKED_DOWN = {
    "runAsNonRoot": True,
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}


def _container(name: str, image: str, script: str, mounts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "image": image,
        "command": ["/bin/sh", "-c", script],
        "volumeMounts": [{"name": "work", "mountPath": WORK}, *mounts],
        "resources": {
            "requests": {"cpu": "50m", "memory": "128Mi"},
            "limits": {"cpu": "500m", "memory": "384Mi"},
        },
        "securityContext": dict(_LOCKED_DOWN),
    }


def pod_spec(
    service_account: str,
    window: str,
    namespace: str,
    replays: tuple[ScheduledReplay, ...],
    login: KafkaLogin,
) -> dict[str, Any]:
    """The Job's pod: the positions step (init container), then the scheduler step."""
    parsed = parse_window(window)
    protocol = "SASL_SSL" if login.tls else "SASL_PLAINTEXT"
    volumes: list[dict[str, Any]] = [{"name": "work", "emptyDir": {"medium": "Memory"}}]
    mounts: list[dict[str, Any]] = []
    for index, replay in enumerate(replays):
        c = replay.connector
        volumes += [
            {
                "name": f"state-{index}",
                "configMap": {"name": state_config_map(c), "optional": True},
            },
            {
                "name": f"login-{index}",
                "secret": {
                    "secretName": connector_config_secret(c),
                    "items": [{"key": JAAS_KEY, "path": JAAS_FILE}],
                },
            },
        ]
        mounts += [
            {"name": f"state-{index}", "mountPath": f"{STATE_MOUNT}/{c}", "readOnly": True},
            {"name": f"login-{index}", "mountPath": f"{LOGIN_MOUNT}/{c}", "readOnly": True},
        ]
    if login.ca_secret is not None:
        volumes.append({"name": "ca", "secret": {"secretName": login.ca_secret}})
        mounts.append({"name": "ca", "mountPath": CA_MOUNT, "readOnly": True})
    positions = _container(
        "positions",
        KAFKA_IMAGE,
        positions_script(parsed, replays, protocol, login.ca_secret is not None),
        mounts,
    )
    positions["env"] = [
        {"name": "BOOTSTRAP", "value": login.bootstrap_servers},
        {"name": "LOG_DIR", "value": f"{WORK}/logs"},
        {"name": "KAFKA_OPTS", "value": "-XX:-UsePerfData"},
    ]
    return {
        "serviceAccountName": service_account,
        "restartPolicy": "Never",
        "volumes": volumes,
        "initContainers": [positions],
        "containers": [
            _container("scheduler", KUBECTL_IMAGE, scheduler_script(parsed, namespace, replays), [])
        ],
    }


def cronjob_spec(pod: dict[str, Any]) -> dict[str, Any]:
    """The CronJob ``spec`` running ``pod``: one run at a time, small and unprivileged."""
    return {
        "schedule": SCHEDULE,
        "timeZone": "Etc/UTC",
        "concurrencyPolicy": "Forbid",
        "successfulJobsHistoryLimit": 1,
        "failedJobsHistoryLimit": 3,
        "jobTemplate": {
            "spec": {
                "backoffLimit": 1,
                "activeDeadlineSeconds": 240,
                "template": {"spec": pod},
            }
        },
    }


def service_account(name: str, namespace: str, labels: Mapping[str, str]) -> Manifest:
    """The scheduler's own ServiceAccount (no token for anything but its Role)."""
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": metadata(name, namespace, labels),
    }


def connector_patcher_role(
    name: str, namespace: str, labels: Mapping[str, str], connectors: tuple[str, ...]
) -> Manifest:
    """The Role of :func:`role_rules` over exactly ``connectors``."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": metadata(name, namespace, labels),
        "rules": role_rules(connectors),
    }


def state_config_map_manifest(
    connector: str, namespace: str, labels: Mapping[str, str]
) -> Manifest:
    """A replay's state ConfigMap, created empty: its data belongs to the scheduler."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(state_config_map(connector), namespace, labels),
    }


def cronjob(name: str, namespace: str, labels: Mapping[str, str], pod: dict[str, Any]) -> Manifest:
    """The CronJob running ``pod`` (see :func:`pod_spec`)."""
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": metadata(name, namespace, labels),
        "spec": cronjob_spec(pod),
    }
