"""Access rules: Kafka ACLs grant named principals exactly what their pipeline needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from bulkheads.plan.names import connector_principal
from components import tokens
from policies.rules.model import Category, Config, Finding, Resource, Rule, Stack, kafka_user

RAW_PREFIX = "raw."
WRITE_OPERATIONS = frozenset({"write", "all"})
NAMED_RESOURCE_TYPES = frozenset({"topic", "group", "transactionalid"})

ADMIN_PRINCIPALS_SCHEMA = {
    "type": "array",
    "items": {"type": "string"},
    "default": ["admin"],
    "description": "Kafka users (without `User:`) allowed broad grants: the platform admin.",
}


def _acl(resource: Resource) -> dict[str, Any]:
    """An ACL's fields under short names, case-normalised where Kafka ignores case."""
    return {
        "principal": resource.get("aclPrincipal", ""),
        "host": resource.get("aclHost", ""),
        "operation": str(resource.get("aclOperation", "")).lower(),
        "permission": str(resource.get("aclPermissionType", "")).lower(),
        "name": resource.get("aclResourceName", ""),
        "type": str(resource.get("aclResourceType", "")),
        "pattern": str(resource.get("resourcePatternTypeFilter") or "Literal"),
    }


def check_no_wildcards(resource: Resource, config: Config) -> Iterator[str]:
    """ACLs of non-admin principals name one principal, one host and one resource."""
    acl = _acl(resource)
    user = kafka_user(acl["principal"])
    if user in config["admin_principals"]:
        return
    if user == "*" or acl["principal"] == "*":
        yield (
            f"ACL principal '{acl['principal']}' matches every user; "
            "grant to one named principal (User:<name>)"
        )
        return
    if acl["host"] == "*" and not config["allow_any_host"]:
        yield (
            f"ACL for '{acl['principal']}' allows any host ('*'); set the client's address, "
            "or set allow_any_host in this stack's pack config where clients have no fixed address"
        )
    kind = acl["type"]
    if kind.lower() in NAMED_RESOURCE_TYPES:
        if acl["name"] == "*":
            yield (
                f"ACL for '{acl['principal']}' covers every {kind} ('*'); "
                f"name the {kind} the principal needs"
            )
        elif acl["name"] == "" and acl["pattern"].lower() == "prefixed":
            yield (
                f"ACL for '{acl['principal']}' covers every {kind} (empty Prefixed pattern); "
                f"name the {kind} the principal needs"
            )


def _grants_raw_write(acl: dict[str, Any]) -> bool:
    if acl["permission"] != "allow" or acl["operation"] not in WRITE_OPERATIONS:
        return False
    if acl["type"].lower() != "topic" or not isinstance(acl["name"], str):
        return False
    name = acl["name"]
    if acl["pattern"].lower() == "prefixed":
        return name.startswith(RAW_PREFIX) or RAW_PREFIX.startswith(name)
    return name.startswith(RAW_PREFIX)


NO_RAW_WRITERS = {
    "sink": (
        "a sink delivers out of Kafka: write a derived. or delivery. topic from a processor "
        "instead",
        "a sink reads its topics and writes only its dead-letter topic",
    ),
    "replay": (
        "a replay rebuilds from raw data, it never rewrites it: write a derived. or "
        "delivery. topic instead",
        "a replay writes only derived. or delivery. topics",
    ),
}


def check_sink_no_raw_write(stack: Stack, config: Config) -> Iterator[Finding]:
    """Sink and replay pipelines and their principals never write a ``raw.`` topic."""
    kinds = {
        c.get("pipeline"): c.get("kind")
        for c in stack.of_type(tokens.CONNECTOR)
        if c.get("kind") in NO_RAW_WRITERS
    }
    for connector in stack.of_type(tokens.CONNECTOR):
        kind = connector.get("kind")
        if kind not in NO_RAW_WRITERS:
            continue
        for topic in connector.get("writes", []):
            if isinstance(topic, str) and topic.startswith(RAW_PREFIX):
                yield Finding(
                    f"{kind} pipeline '{connector.get('pipeline')}' writes raw topic "
                    f"'{topic}'; {NO_RAW_WRITERS[kind][0]}",
                    connector.urn,
                )
    principals = {connector_principal(p): k for p, k in kinds.items() if isinstance(p, str)}
    principals |= {
        p.get("principal"): kinds[p.get("pipeline")]
        for p in stack.of_type(tokens.PRINCIPAL)
        if p.get("pipeline") in kinds
    }
    for resource in stack.of_type(tokens.KAFKA_ACL):
        acl = _acl(resource)
        kind = principals.get(kafka_user(acl["principal"]))
        if kind and _grants_raw_write(acl):
            yield Finding(
                f"{kind} principal '{acl['principal']}' is granted "
                f"{resource.get('aclOperation')} on topic '{acl['name']}' ({acl['pattern']}); "
                f"remove the grant: {NO_RAW_WRITERS[kind][1]}",
                resource.urn,
            )


RULES = (
    Rule(
        id="bulkheads-access-no-wildcards",
        title="Kafka ACLs of non-admin principals name one principal, host and resource",
        category=Category.SECURITY,
        severity=Severity.CRITICAL,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.KAFKA_ACL,),
        rationale=(
            "A wildcard principal grants every authenticated user, a wildcard resource grants "
            "topics and groups that do not exist yet, and a wildcard host accepts the grant "
            "from anywhere. Each one turns a least-privilege grant into a shared one."
        ),
        how_to_fix=(
            "Grant to `User:<name>` of the one principal, on the literal topic or group it "
            "needs. Set the host to the client's address; where clients have no fixed address "
            "(Kubernetes pods), set `allow_any_host: true` in that stack's pack config. Admin "
            "principals listed in `admin_principals` are exempt."
        ),
        resource_check=check_no_wildcards,
        config={
            "admin_principals": ADMIN_PRINCIPALS_SCHEMA,
            "allow_any_host": {
                "type": "boolean",
                "default": False,
                "description": "Accept host `*` (the principal stays the boundary).",
            },
        },
        suppressible=False,
    ),
    Rule(
        id="bulkheads-access-sink-no-raw-write",
        title="Sink and replay pipelines hold no WRITE on raw. topics",
        category=Category.ISOLATION,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.CONNECTOR, tokens.PRINCIPAL, tokens.KAFKA_ACL),
        rationale=(
            "`raw.` topics hold what source systems emitted, written by exactly one source "
            "pipeline. A sink or a replay that can write them can corrupt the record every "
            "other consumer and every replay rebuilds from."
        ),
        how_to_fix=(
            "Remove the `raw.` topic from the sink's or replay's `writes` and its WRITE grant. "
            "A replay writes `derived.` or `delivery.` topics. A sink "
            "reads topics and writes only its dead-letter topic (`dlq.<pipeline>`); derived "
            "data goes to a `derived.` or `delivery.` topic written by a processor."
        ),
        stack_check=check_sink_no_raw_write,
    ),
)
