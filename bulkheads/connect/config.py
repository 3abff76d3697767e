"""Rendering of worker and connector config for the bulkheads isolation model.

Worker side (per pool): its own ``group.id`` and three internal topics, and
``connector.client.config.override.policy`` (default ``Principal``) so that each
connector may set only ``sasl.jaas.config``, ``sasl.mechanism`` and
``security.protocol`` on its clients.

Connector side: every connector's Kafka clients log in as its pipeline principal.
Connect builds three kinds of clients per connector and reads overrides for each:
``producer.override.*`` (source records; a sink's dead-letter queue producer),
``consumer.override.*`` (sink records) and ``admin.override.*`` (a sink's DLQ
topic check/creation, a source's topic creation, exactly-once fencing, and
``GET/PATCH/DELETE /connectors/{n}/offsets`` of a sink). Without the admin override
those calls would run as the worker principal, which has no rights on data topics,
so all three are always set.
"""

from __future__ import annotations

from collections.abc import Mapping

OVERRIDE_POLICY_DEFAULT = "Principal"
CLIENT_PREFIXES = ("producer.override.", "consumer.override.", "admin.override.")
JAAS_KEY = "sasl.jaas.config"
_SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule"


def scram_jaas_config(username: str, password: str) -> str:
    """A ``sasl.jaas.config`` value logging in as ``username`` with SCRAM."""
    for label, value in (("username", username), ("password", password)):
        if '"' in value or "\\" in value:
            raise ValueError(f"SCRAM {label} must not contain '\"' or '\\'")
    return f'{_SCRAM_MODULE} required username="{username}" password="{password}";'


def principal_override_keys() -> tuple[str, ...]:
    """The config keys :func:`principal_overrides` sets (one per client kind)."""
    return tuple(prefix + JAAS_KEY for prefix in CLIENT_PREFIXES)


def principal_overrides(username: str, password: str) -> dict[str, str]:
    """Client overrides making every Kafka client of a connector log in as ``username``."""
    jaas = scram_jaas_config(username, password)
    return dict.fromkeys(principal_override_keys(), jaas)


def connector_config(
    connector_class: str, tasks_max: int, config: Mapping[str, str]
) -> dict[str, str]:
    """The plain (non-secret) config of a connector: ``config`` plus class and tasks.

    ``connector.class`` and ``tasks.max`` are owned by the declaration: setting them
    inside ``config`` too is an error.
    """
    clashes = sorted({"connector.class", "tasks.max", "name"} & set(config))
    if clashes:
        raise ValueError(
            f"connector config sets {clashes}: declare the class and tasks_max as fields, "
            "the name is the connector's"
        )
    if tasks_max < 1:
        raise ValueError(f"tasks_max must be >= 1, got {tasks_max}")
    return {"connector.class": connector_class, "tasks.max": str(tasks_max), **config}


def worker_isolation_config(
    group_id: str,
    config_topic: str,
    offset_topic: str,
    status_topic: str,
    replication_factor: int,
    override_policy: str = OVERRIDE_POLICY_DEFAULT,
) -> dict[str, str]:
    """The worker keys that make a pool its own Connect group (strings throughout)."""
    replication = str(replication_factor)
    return {
        "group.id": group_id,
        "config.storage.topic": config_topic,
        "offset.storage.topic": offset_topic,
        "status.storage.topic": status_topic,
        "config.storage.replication.factor": replication,
        "offset.storage.replication.factor": replication,
        "status.storage.replication.factor": replication,
        "connector.client.config.override.policy": override_policy,
    }
