"""The one list of rules, and how it becomes the CrossGuard pack's policies.

Both the pack (``policies/__main__.py``) and the rule page (``policies/RULES.md``, written
by ``python -m policies.docs``) are built from :func:`all_rules`.

Two facts of the engine shape the wiring:

- A stack rule sees each resource's *outputs*; a component's outputs are only what it
  registered. The per-resource pass sees inputs, so each resource policy records the props
  of bulkheads components and stack rules read them from :class:`PackState`.
- ``pulumi_policy`` hands each policy its own copy of a call's resources; the rules share
  one conversion per call instead (:mod:`policies.rules.per_call`).
- Enforcement is per policy, so a suppressed finding cannot be lowered in place. It is
  collected instead, and the advisory ``bulkheads-meta-suppressed`` rule (last in the pack)
  reports it with its suppression.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.rules import (
    access,
    cloud,
    ownership,
    per_call,
    placement,
    quotas,
    runtime,
    topics,
)
from policies.rules.model import Category, Config, Finding, Resource, Rule, Stack
from policies.rules.suppressions import Suppression, SuppressionSource, suppressible_map

PACK_NAME = "bulkheads"
COMPONENT_PREFIX = "bulkheads:"

RULES: tuple[Rule, ...] = (
    *access.RULES,
    *topics.RULES,
    *quotas.RULES,
    *placement.RULES,
    *runtime.RULES,
    *cloud.RULES,
    *ownership.RULES,
)


@dataclass
class PackState:
    """What one pack process remembers between the per-resource and the stack pass."""

    suppressions: SuppressionSource
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    suppressed: dict[tuple[str, str | None, str], Suppression] = field(default_factory=dict)

    def remember(self, resource: Resource) -> None:
        """Keep a bulkheads component's input props for the stack rules."""
        if resource.type.startswith(COMPONENT_PREFIX):
            self.inputs[resource.urn] = resource.props


def _meta_rules(state: PackState | None) -> tuple[Rule, ...]:
    """The rules about suppressions themselves (``state`` None: for documentation only)."""

    def check_suppressions(stack: Stack, config: Config) -> Iterator[Finding]:
        if state is not None:
            yield from (Finding(problem) for problem in state.suppressions.load().problems)

    def report_suppressed(stack: Stack, config: Config) -> Iterator[Finding]:
        if state is None:
            return
        for (rule, urn, message), entry in sorted(state.suppressed.items(), key=str):
            yield Finding(
                f"{rule} suppressed until {entry.expires.isoformat()} (owner {entry.owner}: "
                f"{entry.reason}): {message}",
                urn,
            )
        state.suppressed.clear()

    return (
        Rule(
            id="bulkheads-meta-suppressions",
            title="Every suppression is well-formed, explained, owned and unexpired",
            category=Category.OPERATIONS,
            severity=Severity.HIGH,
            enforcement=EnforcementLevel.MANDATORY,
            applies_to=(),
            rationale=(
                "A suppression is a reviewed exception with an owner and an end date. An "
                "expired, unexplained or malformed one would silently hide findings, so it "
                "is not applied and fails the check instead."
            ),
            how_to_fix=(
                "Fix the entry the message names in the suppressions file: a suppressible "
                "rule id, `match` (`urn` glob, or `type` and `name`), a `reason` of at least "
                "20 characters, an `owner`, and an `expires` date not in the past."
            ),
            stack_check=check_suppressions,
            suppressible=False,
        ),
        Rule(
            id="bulkheads-meta-suppressed",
            title="Suppressed findings, reported as advisory",
            category=Category.OPERATIONS,
            severity=Severity.LOW,
            enforcement=EnforcementLevel.ADVISORY,
            applies_to=(),
            rationale=(
                "A suppression lowers a finding to advisory; it does not hide it. Every "
                "suppressed finding stays visible in each preview with who accepted it and "
                "until when."
            ),
            how_to_fix=(
                "Nothing to do until the suppression expires; then fix the finding or renew "
                "the entry."
            ),
            stack_check=report_suppressed,
            suppressible=False,
        ),
    )


def all_rules() -> tuple[Rule, ...]:
    """Every rule of the pack, in pack order (documentation view)."""
    return (*RULES, *_meta_rules(None))


def _schema(rule: Rule) -> PolicyConfigSchema | None:
    if not rule.config:
        return None
    return PolicyConfigSchema(properties={k: dict(v) for k, v in rule.config.items()})


def _covering(
    rule: Rule, state: PackState, urn: str | None, target: Resource | None
) -> Suppression | None:
    """The active suppression covering a finding of ``rule``, if the rule allows one."""
    if not rule.suppressible:
        return None
    return state.suppressions.load().covering(
        rule.id, urn, target.type if target else None, target.name if target else None
    )


def _resource_policy(rule: Rule, state: PackState) -> Policy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        resource = per_call.memo(("resource", args.urn), lambda: Resource.from_args(args))
        state.remember(resource)
        messages = rule.check_resource(resource, args.get_config())
        if not messages:
            return
        for message in messages:
            entry = _covering(rule, state, resource.urn, resource)
            if entry:
                state.suppressed[(rule.id, resource.urn, message)] = entry
            else:
                report(message, None)

    return ResourceValidationPolicy(validate=validate, **_policy_fields(rule))


def _policy_fields(rule: Rule) -> dict[str, Any]:
    """What a CrossGuard policy takes from a rule, resource and stack rules alike."""
    return {
        "name": rule.id,
        "description": rule.title,
        "enforcement_level": rule.enforcement,
        "config_schema": _schema(rule),
        "severity": rule.severity,
        "tags": [str(rule.category)],
        "remediation_steps": rule.how_to_fix,
    }


def _stack_policy(rule: Rule, state: PackState) -> Policy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        stack = per_call.memo("stack", lambda: Stack.from_args(args, state.inputs))
        findings = rule.check_stack(stack, args.get_config())
        for finding in findings:
            entry = _covering(rule, state, finding.urn, stack.by_urn.get(finding.urn or ""))
            if entry:
                state.suppressed[(rule.id, finding.urn, finding.message)] = entry
            else:
                report(finding.message, finding.urn)

    return StackValidationPolicy(validate=validate, **_policy_fields(rule))


def build_policies(
    suppressions_path: Path | None = None, state: PackState | None = None
) -> list[Policy]:
    """The pack's policies, in order, sharing one :class:`PackState`.

    ``suppressions_path`` overrides the file location (default: see
    ``policies.rules.suppressions``); ``state`` lets tests inspect what the pack remembers.
    """
    if state is None:
        state = PackState(SuppressionSource(suppressible_map(all_rules()), suppressions_path))
    rules = (*RULES, *_meta_rules(state))
    return [
        _resource_policy(rule, state) if rule.kind == "resource" else _stack_policy(rule, state)
        for rule in rules
    ]
