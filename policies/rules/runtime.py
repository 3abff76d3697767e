"""Runtime rules: Connect workers are bounded, protected from eviction and keep principals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from components import tokens
from policies.rules.model import (
    Category,
    Config,
    Finding,
    Resource,
    Rule,
    Stack,
    as_list,
    dig,
    is_missing,
)

OVERRIDE_POLICY_KEY = "connector.client.config.override.policy"
LIMITS = ("cpu", "memory")


def _k8s_name(resource: Resource) -> str:
    name = dig(resource.props, "metadata", "name")
    return name if isinstance(name, str) else resource.name


def _missing_limits(resources: Any) -> list[str]:
    limits = dig(resources, "limits")
    return [k for k in LIMITS if is_missing(dig(limits, k))]


def check_pod_limits(resource: Resource, config: Config) -> Iterator[str]:
    """Every worker container has CPU and memory limits."""
    name = _k8s_name(resource)
    if resource.type == tokens.STRIMZI_KAFKA_CONNECT:
        missing = _missing_limits(dig(resource.props, "spec", "resources"))
        if missing:
            yield (
                f"KafkaConnect '{name}' sets no {' or '.join(missing)} limit; set "
                f"spec.resources.limits.{' and '.join(missing)}"
            )
        return
    containers = as_list(dig(resource.props, "spec", "template", "spec", "containers"))
    for container in containers:
        missing = _missing_limits(dig(container, "resources"))
        if missing:
            yield (
                f"Deployment '{name}' container '{dig(container, 'name')}' sets no "
                f"{' or '.join(missing)} limit; set resources.limits.{' and '.join(missing)}"
            )


def _selects(budget: Resource, deployment: Resource) -> bool:
    """True when the budget's matchLabels select the deployment's pods in its namespace."""
    namespace = dig(deployment.props, "metadata", "namespace")
    if dig(budget.props, "metadata", "namespace") != namespace:
        return False
    wanted = dig(budget.props, "spec", "selector", "matchLabels")
    labels = dig(deployment.props, "spec", "template", "metadata", "labels") or {}
    if not isinstance(wanted, dict) or not wanted or not isinstance(labels, dict):
        return False
    return all(labels.get(key) == value for key, value in wanted.items())


def check_pod_disruption_budget(stack: Stack, config: Config) -> Iterator[Finding]:
    """Every worker Deployment has a PodDisruptionBudget selecting its pods."""
    budgets = stack.of_type(tokens.K8S_POD_DISRUPTION_BUDGET)
    for deployment in stack.of_type(tokens.K8S_DEPLOYMENT):
        if not any(_selects(budget, deployment) for budget in budgets):
            yield Finding(
                f"Deployment '{_k8s_name(deployment)}' has no PodDisruptionBudget selecting its "
                "pods; add one with maxUnavailable: 1 and the pod labels as matchLabels",
                deployment.urn,
            )


def check_override_policy(resource: Resource, config: Config) -> Iterator[str]:
    """Connect workers do not let connectors override every client setting."""
    if resource.type == tokens.WORKER_POOL:
        subject = f"worker pool '{resource.get('pool', resource.name)}'"
        policy = resource.get("override_policy")
    else:
        subject = f"KafkaConnect '{_k8s_name(resource)}'"
        policy = dig(resource.props, "spec", "config", OVERRIDE_POLICY_KEY)
    if policy is None:
        yield (
            f"{subject} does not set {OVERRIDE_POLICY_KEY} (Kafka Connect's default is 'All'); "
            "set it to 'Principal'"
        )
    elif isinstance(policy, str) and policy.lower() == "all":
        yield (
            f"{subject} sets {OVERRIDE_POLICY_KEY} to '{policy}', so a connector can override "
            "any client setting, including who it logs in as; set it to 'Principal'"
        )


RULES = (
    Rule(
        id="bulkheads-runtime-pod-limits",
        title="Connect worker pods have CPU and memory limits",
        category=Category.ISOLATION,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.K8S_DEPLOYMENT, tokens.STRIMZI_KAFKA_CONNECT),
        rationale=(
            "Without limits one pool's runaway connector takes the node's CPU and memory "
            "from every other pool scheduled there: the compute bulkhead leaks."
        ),
        how_to_fix=(
            "Set the pool's `runtime.cpu` and `runtime.memory` in the stack; they become "
            "`resources.limits` of every worker container."
        ),
        resource_check=check_pod_limits,
    ),
    Rule(
        id="bulkheads-runtime-pod-disruption-budget",
        title="Connect worker Deployments have a PodDisruptionBudget",
        category=Category.OPERATIONS,
        severity=Severity.MEDIUM,
        enforcement=EnforcementLevel.ADVISORY,
        applies_to=(tokens.K8S_DEPLOYMENT, tokens.K8S_POD_DISRUPTION_BUDGET),
        rationale=(
            "A node drain may evict every worker of a pool at once, stopping all its "
            "connectors and forcing a full rebalance. Strimzi creates a budget for its "
            "KafkaConnect pools itself; plain Deployments need their own."
        ),
        how_to_fix=(
            "Add a `PodDisruptionBudget` in the Deployment's namespace with `maxUnavailable: "
            "1` whose `selector.matchLabels` are the pod template's labels."
        ),
        stack_check=check_pod_disruption_budget,
    ),
    Rule(
        id="bulkheads-runtime-override-policy",
        title="Connect override policy is not All",
        category=Category.SECURITY,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.WORKER_POOL, tokens.STRIMZI_KAFKA_CONNECT),
        rationale=(
            "With `connector.client.config.override.policy=All` (Kafka Connect's default) "
            "any connector config can replace the worker's client settings, including the "
            "SASL login: per-pipeline principals and their ACLs stop meaning anything."
        ),
        how_to_fix=(
            "Set `connector.client.config.override.policy` to `Principal` on the worker "
            "(the pool's `override_policy`), which lets a connector set only its own login."
        ),
        resource_check=check_override_policy,
        suppressible=False,
    ),
)
