"""The pack's rules evaluated offline, over the plan: what ``bulkheads validate`` runs.

A rule is *planned* when the resources it applies to are ones whose props the plan decides
(``PLANNED_TYPES``: a topic's props are ``TopicPlan.props``, an ACL's inputs
``AclBinding.acl_inputs``): ``validate`` then runs
the very same check function over the planned resources, with the stack's pack config
(``policies/config/<stack>.json``), so the two verdicts cannot differ. Every other rule is
*pack-only*: it needs what only registered resources show (providers, outputs, hand-written
resources that bypass the spec), and runs in the CrossGuard pack alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi_policy import EnforcementLevel

from bulkheads.plan import plan_clusters
from bulkheads.spec.model import PlatformSpec
from components import tokens
from policies.rules.model import Config, Resource, Rule
from policies.rules.registry import RULES

PLANNED_TYPES = frozenset({tokens.TOPIC_CONTRACT, tokens.KAFKA_ACL})
CONFIG_DIR = Path(__file__).resolve().parents[1] / "config"


def is_planned(rule: Rule) -> bool:
    """Whether ``validate`` evaluates ``rule`` over the plan (else it is pack-only)."""
    return rule.resource_check is not None and set(rule.applies_to) <= PLANNED_TYPES


def planned_rules() -> tuple[Rule, ...]:
    """The rules ``validate`` evaluates, in pack order."""
    return tuple(rule for rule in RULES if is_planned(rule))


def stack_name(stack_file: str | Path) -> str:
    """``stacks/Pulumi.prod.yaml`` -> ``prod`` (any other file name: its stem)."""
    return Path(stack_file).stem.removeprefix("Pulumi.")


def pack_config(stack: str) -> dict[str, Any]:
    """The stack's pack config (``policies/config/<stack>.json``; none: every default)."""
    path = CONFIG_DIR / f"{stack}.json"
    if not path.exists():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def planned_resources(spec: PlatformSpec) -> list[Resource]:
    """The planned resources the planned rules apply to, as the pack sees them (a
    provider resource's inputs under the engine's camelCase names)."""
    resources: list[Resource] = []
    for cluster, plan in plan_clusters(spec).items():
        resources += [
            Resource(
                tokens.TOPIC_CONTRACT,
                topic.name,
                f"planned::{cluster}::topic::{topic.name}",
                topic.props(spec.environment),
            )
            for topic in plan.topics
        ]
        resources += [
            Resource(
                tokens.KAFKA_ACL,
                grant.principal.username,
                f"planned::{cluster}::acl::{grant.principal.username}::{index}",
                _camel_case(binding.acl_inputs(grant.principal.kafka_principal)),
            )
            for grant in plan.grants
            for index, binding in enumerate(grant.bindings)
        ]
    return resources


def _camel_case(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """``acl_host`` -> ``aclHost``: the names the engine gives a provider's inputs."""
    return {
        head + "".join(part.title() for part in rest): value
        for (head, *rest), value in ((key.split("_"), value) for key, value in inputs.items())
    }


@dataclass(frozen=True)
class PlannedFinding:
    """A planned rule's finding on the plan; ``mandatory`` under the stack's pack config."""

    rule_id: str
    message: str
    mandatory: bool


def findings(spec: PlatformSpec, config: Mapping[str, Config]) -> list[PlannedFinding]:
    """Every planned rule's finding on the plan of ``spec`` (rules disabled by ``config``
    are skipped)."""
    resources = planned_resources(spec)
    found: list[PlannedFinding] = []
    for rule in planned_rules():
        given = config.get(rule.id) or {}
        level = str(given.get("enforcementLevel", rule.enforcement.value))
        if level == EnforcementLevel.DISABLED.value:
            continue
        mandatory = level == EnforcementLevel.MANDATORY.value
        found += [
            PlannedFinding(rule.id, message, mandatory)
            for resource in resources
            for message in rule.check_resource(resource, given)
        ]
    return found
