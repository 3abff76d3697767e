"""Ownership rule: every bulkheads component says who owns it and which class it serves."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from components import tokens
from policies.rules.model import Category, Config, Resource, Rule, is_missing

OWNED = (tokens.CLUSTER,)
OWNED_AND_CLASSED = (
    tokens.TOPIC_CONTRACT,
    tokens.PRINCIPAL,
    tokens.ACCESS_GRANT,
    tokens.QUOTA,
    tokens.WORKER_POOL,
    tokens.CONNECTOR,
)


def check_ownership(resource: Resource, config: Config) -> Iterator[str]:
    """Components carry ``owner`` (and ``workload_class`` where the props contract has it)."""
    keys = [tokens.PROP_OWNER]
    if resource.type in OWNED_AND_CLASSED:
        keys.append(tokens.PROP_CLASS)
    missing = [key for key in keys if is_missing(resource.get(key))]
    if missing:
        kind = resource.type.rsplit(":", 1)[-1]
        yield (
            f"{kind} '{resource.name}' carries no {' and no '.join(missing)}; pass "
            f"{' and '.join(missing)} from the stack's declaration to the component"
        )


RULES = (
    Rule(
        id="bulkheads-ops-ownership",
        title="Every bulkheads component carries its owner and workload class",
        category=Category.OPERATIONS,
        severity=Severity.MEDIUM,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(*OWNED, *OWNED_AND_CLASSED),
        rationale=(
            "Alerts, runbooks and incident routing go to the owner, and quotas, retention "
            "and alert thresholds come from the workload class. A component without them "
            "pages nobody and gets nobody's limits."
        ),
        how_to_fix=(
            "Declare `owner` on the pipeline (or pool, cluster) in the stack; the plan layer "
            "passes `owner` and `workload_class` into every component's props."
        ),
        resource_check=check_ownership,
    ),
)
