"""The Kubernetes replay scheduler of one pool, as plain manifests (no Pulumi here).

A CronJob in the pool's namespace runs every five minutes (``SCHEDULE``, UTC) and sets
``spec.state`` of the pool's replay KafkaConnectors to ``running`` inside the replay
window and ``stopped`` outside it (level-triggered: a missed run is repaired by the next).
Its ServiceAccount's Role may only ``get`` and ``patch`` exactly those KafkaConnectors.
Patches carry their own field manager, so the stack (which ignores ``spec.state`` of
replays) and the scheduler never overwrite each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bulkheads.plan.manifests import Manifest
from bulkheads.plan.manifests.core import metadata
from bulkheads.spec.replay import Window, parse_window

SCHEDULE = "*/5 * * * *"
KUBECTL_IMAGE = "bitnami/kubectl:1.31"
FIELD_MANAGER = "bulkheads-replay-scheduler"
STRIMZI_GROUP = "kafka.strimzi.io"


def window_condition(window: Window) -> str:
    """A POSIX shell test that is true when ``$now`` (minute of the UTC day) is inside."""
    if window.start == window.end:
        return "true"
    joiner = "||" if window.crosses_midnight else "&&"
    return f'[ "$now" -ge {window.start} ] {joiner} [ "$now" -lt {window.end} ]'


def scheduler_script(window: str, namespace: str, connectors: tuple[str, ...]) -> str:
    """The CronJob's shell script: the window's state for every connector, one patch each."""
    lines = [
        "set -eu",
        "h=$(date -u +%H); m=$(date -u +%M); now=$(( ${h#0} * 60 + ${m#0} ))",
        f"if {window_condition(parse_window(window))}; then state=running; else state=stopped; fi",
    ]
    lines += [
        f"kubectl -n {namespace} patch kafkaconnector {name} --type merge "
        f'--field-manager={FIELD_MANAGER} -p "{{\\"spec\\":{{\\"state\\":\\"$state\\"}}}}"'
        for name in connectors
    ]
    return "\n".join(lines) + "\n"


def role_rules(connectors: tuple[str, ...]) -> list[dict[str, Any]]:
    """Least privilege: get and patch exactly the named KafkaConnectors."""
    if not connectors:
        raise ValueError("a replay scheduler needs connectors (no names would grant all)")
    return [
        {
            "apiGroups": [STRIMZI_GROUP],
            "resources": ["kafkaconnectors"],
            "resourceNames": list(connectors),
            "verbs": ["get", "patch"],
        }
    ]


def cronjob_spec(service_account: str, script: str) -> dict[str, Any]:
    """The CronJob ``spec``: one run at a time, small and unprivileged."""
    container = {
        "name": "scheduler",
        "image": KUBECTL_IMAGE,
        "command": ["/bin/sh", "-c", script],
        "resources": {
            "requests": {"cpu": "50m", "memory": "64Mi"},
            "limits": {"cpu": "200m", "memory": "128Mi"},
        },
        "securityContext": {
            "runAsNonRoot": True,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
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
                "template": {
                    "spec": {
                        "serviceAccountName": service_account,
                        "restartPolicy": "Never",
                        "containers": [container],
                    }
                },
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
    """The Role of :func:`role_rules`: get and patch exactly ``connectors``."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": metadata(name, namespace, labels),
        "rules": role_rules(connectors),
    }


def cronjob(
    name: str, namespace: str, labels: Mapping[str, str], window: str, connectors: tuple[str, ...]
) -> Manifest:
    """The CronJob running :func:`scheduler_script` as ServiceAccount ``name``."""
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": metadata(name, namespace, labels),
        "spec": cronjob_spec(name, scheduler_script(window, namespace, connectors)),
    }
