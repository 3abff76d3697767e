"""Connector config keys the plan owns, so a stack's ``config``/``secrets`` cannot defeat it.

Taken from what the plan itself sets (:func:`bulkheads.plan.platform.planned_config` and
``bulkheads.connect.config``): every connector's Kafka clients log in as its pipeline
principal (``<client>.override.sasl.jaas.config``, with its ``security.protocol`` and
``sasl.mechanism``); a sink consumes in its planned, granted group
(``consumer.override.group.id``); a MirrorMaker 2 connector gets its planned settings
(cluster aliases, identity replication policy, declared topics, converters, no syncing)
and its cluster logins (``<source|target>.cluster.*``).
"""

from __future__ import annotations

from bulkheads.connect.config import CLIENT_PREFIXES, JAAS_KEY
from bulkheads.plan import names
from bulkheads.plan.platform import planned_config
from bulkheads.spec.errors import Problem
from bulkheads.spec.model import PlatformSpec, SinkPipeline

LOGIN_SETTINGS = (JAAS_KEY, "security.protocol", "sasl.mechanism")
CLUSTER_LOGIN_SETTINGS = ("bootstrap.servers", *LOGIN_SETTINGS)


def protected_keys(spec: PlatformSpec, name: str) -> dict[str, str]:
    """Each key the plan sets on pipeline ``name``'s connector, and why it does."""
    keys = {
        f"{prefix}{setting}": "every connector logs in as its own pipeline principal"
        for prefix in CLIENT_PREFIXES
        for setting in LOGIN_SETTINGS
    }
    if isinstance(spec.pipelines[name], SinkPipeline):
        keys["consumer.override.group.id"] = (
            f"a sink consumes in its granted group {names.sink_group(name)!r}"
        )
    planned, logins = planned_config(spec, name)
    keys.update(
        dict.fromkeys(
            planned,
            "MirrorMaker 2 is planned: identity names, declared "
            "topics, bytes unconverted, no ACL/config syncing",
        )
    )
    for prefix, cluster in logins.items():
        for setting in CLUSTER_LOGIN_SETTINGS:
            keys[f"{prefix}.{setting}"] = f"the plan connects {prefix} to cluster {cluster!r}"
    return keys


def protected_key_problems(spec: PlatformSpec) -> list[Problem]:
    """Every ``config``/``secrets`` key of a pipeline that the plan owns."""
    problems: list[Problem] = []
    for name, pipeline in spec.pipelines.items():
        if pipeline.pool not in spec.pools or spec.cluster_of(name) not in spec.clusters:
            continue
        protected = protected_keys(spec, name)
        for section in ("config", "secrets"):
            for key in getattr(pipeline.connector, section):
                if key in protected:
                    problems.append(
                        Problem(
                            ("pipelines", name, "connector", section, key),
                            f"set by bulkheads ({protected[key]})",
                            "remove it",
                        )
                    )
    return problems
