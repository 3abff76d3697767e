"""Quota rules: replay is throttled, and no quota silently becomes everyone's default."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from bulkheads.plan.names import connector_principal
from components import tokens
from policies.rules.model import Category, Config, Finding, Resource, Rule, Stack, is_missing

BYTE_RATE_KEYS = ("producer_byte_rate", "consumer_byte_rate")


def check_entity_named(resource: Resource, config: Config) -> Iterator[str]:
    """A Kafka quota names its entity unless it is a declared default."""
    if not is_missing(resource.get("entityName")) or resource.name in config["declared_defaults"]:
        return
    entity_type = resource.get("entityType", "entity")
    yield (
        f"quota '{resource.name}' has no entity name, so it is the default for every "
        f"{entity_type}; name the {entity_type}, or list '{resource.name}' in "
        "declared_defaults if a default is intended"
    )


def _user_quota_keys(stack: Stack) -> dict[str, set[str]]:
    """Per user entity, the quota keys set on it by Kafka quotas or Quota components."""
    keys: dict[str, set[str]] = {}
    for quota in stack.of_type(tokens.KAFKA_QUOTA):
        if quota.get("entityType") == "user" and isinstance(quota.get("entityName"), str):
            keys.setdefault(quota.get("entityName"), set()).update(quota.get("config", {}))
    for quota in stack.of_type(tokens.QUOTA):
        if quota.get("entity_type") == "user" and isinstance(quota.get("entity_name"), str):
            configured = {k for k, v in quota.get("config", {}).items() if v is not None}
            keys.setdefault(quota.get("entity_name"), set()).update(configured)
    return keys


def _replay_principals(stack: Stack) -> dict[str, str]:
    """Each replay principal's user name -> the URN the finding belongs to."""
    replay_connectors = [
        c
        for c in stack.of_type(tokens.CONNECTOR)
        if c.get("kind") == "replay" or c.get("workload_class") == "replay"
    ]
    replay_pipelines = {c.get("pipeline") for c in replay_connectors}
    found = {
        connector_principal(c.get("pipeline")): c.urn
        for c in replay_connectors
        if isinstance(c.get("pipeline"), str)
    }
    for principal in stack.of_type(tokens.PRINCIPAL):
        name = principal.get("principal")
        replay = principal.get("workload_class") == "replay"
        if isinstance(name, str) and (replay or principal.get("pipeline") in replay_pipelines):
            found[name] = principal.urn
    return found


def check_replay_byte_rate(stack: Stack, config: Config) -> Iterator[Finding]:
    """Every replay principal has a producer and a consumer byte-rate quota."""
    quota_keys = _user_quota_keys(stack)
    for principal, urn in sorted(_replay_principals(stack).items()):
        if principal not in quota_keys:
            yield Finding(
                f"replay principal '{principal}' has no quota; give it a user quota with "
                "producer_byte_rate and consumer_byte_rate (the replay class quota)",
                urn,
            )
            continue
        for key in BYTE_RATE_KEYS:
            if key not in quota_keys[principal]:
                yield Finding(
                    f"replay principal '{principal}' has a quota without {key}; set {key} "
                    "(the replay class quota)",
                    urn,
                )


RULES = (
    Rule(
        id="bulkheads-quota-entity-named",
        title="Every Kafka quota names its entity unless declared as a default",
        category=Category.ISOLATION,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.KAFKA_QUOTA,),
        rationale=(
            "A quota without an entity name is the default for every user or client-id "
            "without its own quota: one pipeline's throttle silently applies to all others."
        ),
        how_to_fix=(
            "Set `entity_name` to the principal (or client-id) the quota is for. If a default "
            "quota is intended, list the resource's name in `declared_defaults` in the stack's "
            "pack config."
        ),
        resource_check=check_entity_named,
        config={
            "declared_defaults": {
                "type": "array",
                "items": {"type": "string"},
                "default": [],
                "description": "Resource names of quotas that are intended defaults.",
            },
        },
    ),
    Rule(
        id="bulkheads-quota-replay-byte-rate",
        title="Every replay principal has a producer and consumer byte-rate quota",
        category=Category.ISOLATION,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.PRINCIPAL, tokens.CONNECTOR, tokens.QUOTA, tokens.KAFKA_QUOTA),
        rationale=(
            "Replay reads and rewrites history as fast as brokers allow. Without byte-rate "
            "quotas a backfill takes the broker bandwidth the live path needs."
        ),
        how_to_fix=(
            "Give each replay principal (workload class `replay`, or the principal of a "
            "`replay` pipeline) a user quota with `producer_byte_rate` and "
            "`consumer_byte_rate`; the replay class `quota:` in the stack provides them."
        ),
        stack_check=check_replay_byte_rate,
    ),
)
