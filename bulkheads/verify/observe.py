"""Reading what a live platform holds: a cluster as its admin, a pool through its REST API.

Kafka is read with the AdminClient (ACLs, SCRAM users, topics and their configs) and
Kafka's own ``ConfigCommand`` for client quotas (the AdminClient here has no quota API).
A pool's connectors are read from its Connect REST API; only the login user names are kept
from their configs, never a password.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulkheads.connect import rest
from bulkheads.connect.config import scram_jaas_config
from bulkheads.plan.types import ClusterPlan
from bulkheads.verify.drift import AclKey, ObservedCluster, QuotaKey

TIMEOUT = 30.0
LOGIN_KEYS = (
    "producer.override.sasl.jaas.config",
    "consumer.override.sasl.jaas.config",
    "admin.override.sasl.jaas.config",
)
_USERNAME = re.compile(r'username="([^"]*)"')
_QUOTA_LINE = re.compile(r"Quota configs for (user-principal|client-id) '([^']*)' are (.*)")
_ENTITY = {"user-principal": "user", "client-id": "client-id"}


@dataclass(frozen=True)
class ObservedPool:
    """A pool's connectors as its REST API lists them: state and login users of each."""

    pool: str
    states: dict[str, str]
    logins: dict[str, frozenset[str]]


def observe_cluster(
    plan: ClusterPlan, admin_config: dict[str, Any], kafka_libs: Path
) -> ObservedCluster:
    """Everything :func:`bulkheads.verify.drift.drift_findings` compares, read as the admin."""
    from confluent_kafka.admin import (
        AclBindingFilter,
        AclOperation,
        AclPermissionType,
        AdminClient,
        ConfigResource,
        ResourcePatternType,
        ResourceType,
    )

    admin: Any = AdminClient(admin_config)
    anything: list[Any] = [None, None, None]  # any name, principal and host
    everything = AclBindingFilter(
        ResourceType.ANY,
        anything[0],
        ResourcePatternType.ANY,
        anything[1],
        anything[2],
        AclOperation.ANY,
        AclPermissionType.ANY,
    )
    acls: set[AclKey] = {
        (
            b.principal,
            b.restype.name,
            b.name,
            b.resource_pattern_type.name,
            b.operation.name,
            b.host,
            b.permission_type.name,
        )
        for b in admin.describe_acls(everything).result(timeout=TIMEOUT)
    }
    users = admin.describe_user_scram_credentials().result(timeout=TIMEOUT)
    metadata = admin.list_topics(timeout=TIMEOUT).topics
    present = [t.name for t in plan.topics if t.name in metadata]
    resources = {name: ConfigResource(ResourceType.TOPIC, name) for name in present}
    described = admin.describe_configs(list(resources.values())) if resources else {}
    topics = {
        name: (
            len(metadata[name].partitions),
            {k: v.value for k, v in described[resources[name]].result(timeout=TIMEOUT).items()},
        )
        for name in present
    }
    return ObservedCluster(
        cluster=plan.cluster,
        admin=admin_config["sasl.username"],
        acls=frozenset(acls),
        scram_users=frozenset(users),
        topics=topics,
        quotas=describe_quotas(admin_config, kafka_libs),
    )


def describe_quotas(
    admin_config: dict[str, Any], kafka_libs: Path
) -> dict[QuotaKey, dict[str, float]]:
    """Every user and client-id quota of the cluster, read with Kafka's ``ConfigCommand``
    (the admin's login goes to a private temporary file, removed afterwards)."""
    jaas = scram_jaas_config(admin_config["sasl.username"], admin_config["sasl.password"])
    quotas: dict[QuotaKey, dict[str, float]] = {}
    with tempfile.NamedTemporaryFile("w", suffix=".properties") as login:
        login.write(
            f"security.protocol={admin_config['security.protocol']}\n"
            f"sasl.mechanism={admin_config['sasl.mechanism']}\nsasl.jaas.config={jaas}\n"
        )
        login.flush()
        for entity_type in ("users", "clients"):
            described = subprocess.run(
                [
                    "java",
                    "-Xmx256m",
                    "-cp",
                    str(kafka_libs / "*"),
                    "kafka.admin.ConfigCommand",
                    "--bootstrap-server",
                    admin_config["bootstrap.servers"],
                    "--command-config",
                    login.name,
                    "--describe",
                    "--entity-type",
                    entity_type,
                ],
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            ).stdout
            for match in _QUOTA_LINE.finditer(described):
                entity, name, pairs = match.groups()
                quotas[(_ENTITY[entity], name)] = {
                    key: float(value)
                    for key, value in (pair.split("=", 1) for pair in pairs.split(", "))
                }
    return quotas


def _login_users(jaas: str) -> list[str]:
    """The user names a ``sasl.jaas.config`` logs in as; ``${...}`` for a config-provider
    reference, whose user is not visible through REST."""
    return _USERNAME.findall(jaas) or (["${...}"] if "${" in jaas else [])


def observe_pool(pool: str, rest_url: str) -> ObservedPool:
    """The connectors a pool's workers run, their states and the users they log in as."""
    states: dict[str, str] = {}
    logins: dict[str, frozenset[str]] = {}
    for name in rest.list_connectors(rest_url):
        status = rest.get_status(rest_url, name)
        states[name] = rest.observed_state(status) if status else "UNKNOWN"
        config = rest.get_config(rest_url, name) or {}
        logins[name] = frozenset(
            user for key in LOGIN_KEYS for user in _login_users(config.get(key, ""))
        )
    return ObservedPool(pool=pool, states=states, logins=logins)
