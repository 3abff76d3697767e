"""The pack's rules evaluated offline, over the plan: what ``bulkheads validate`` runs.

A rule is *planned* when every resource type it applies to is one whose props the plan
decides (``PLANNED_TYPES``: the bulkheads components, whose props come from
``bulkheads.plan.props``, and the ACLs and quotas, from ``AclBinding.acl_inputs`` and
``quota_inputs``). ``validate`` then runs the very same check function over the planned
stack, with the stack's pack config (``policies/config/<stack>.json``), so the two verdicts
cannot differ; each finding is placed at the spec path of the entry that planned its
resource. Every other rule is *pack-only*: it needs what only registered resources show
(providers, Kubernetes and AWS resources, outputs, hand-written resources that bypass the
spec), and runs in the CrossGuard pack alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi_policy import EnforcementLevel

from bulkheads.plan.platform import KubernetesPoolRuntime, PlatformPlan, plan_platform
from bulkheads.plan.props import (
    cluster_props,
    connector_props,
    grant_props,
    pool_props,
    principal_props,
    quota_inputs,
    quota_props,
)
from bulkheads.plan.types import PrincipalPlan, TopicPlan
from bulkheads.spec.errors import Path as SpecPath
from bulkheads.spec.errors import Problem
from bulkheads.spec.model import CutoverPhase, PlatformSpec
from components import tokens
from policies.rules.model import Config, Finding, Resource, Rule, Stack
from policies.rules.registry import RULES

PLANNED_TYPES = frozenset(
    {
        tokens.CLUSTER,
        tokens.TOPIC_CONTRACT,
        tokens.PRINCIPAL,
        tokens.ACCESS_GRANT,
        tokens.QUOTA,
        tokens.WORKER_POOL,
        tokens.CONNECTOR,
        tokens.KAFKA_ACL,
        tokens.KAFKA_QUOTA,
    }
)
CONFIG_DIR = Path(__file__).resolve().parents[1] / "config"
PROJECT_ROOT = CONFIG_DIR.parents[1]


def is_planned(rule: Rule) -> bool:
    """Whether ``validate`` evaluates ``rule`` over the plan (else it is pack-only)."""
    return bool(rule.applies_to) and set(rule.applies_to) <= PLANNED_TYPES


def planned_rules() -> tuple[Rule, ...]:
    """The rules ``validate`` evaluates, in pack order."""
    return tuple(rule for rule in RULES if is_planned(rule))


def stack_name(stack_file: str | Path) -> str:
    """``stacks/Pulumi.prod.yaml`` -> ``prod`` (any other file name: its stem)."""
    return Path(stack_file).stem.removeprefix("Pulumi.")


def pack_config(stack: str, environment: str | None = None) -> dict[str, Any]:
    """The stack's pack config: ``policies/config/<stack>.json``, else (a stack file of
    another name) ``policies/config/<environment>.json``; none: every default."""
    for name in (stack, environment):
        path = CONFIG_DIR / f"{name}.json"
        if name and path.exists():
            loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return loaded
    return {}


@dataclass(frozen=True)
class PlannedStack:
    """The resources the plan of a spec registers, as the pack sees them, and for each
    resource (by URN) the spec path of the entry that planned it."""

    stack: Stack
    paths: Mapping[str, SpecPath]


def planned_stack(
    spec: PlatformSpec, phases: Mapping[str, CutoverPhase] | None = None
) -> PlannedStack:
    """The planned stack of ``spec`` (its cutovers at ``phases``, default their declared
    phase): every resource of a ``PLANNED_TYPES`` type."""
    return _Planner(spec, plan_platform(spec, PROJECT_ROOT, phases)).run()


class _Planner:
    def __init__(self, spec: PlatformSpec, plan: PlatformPlan) -> None:
        self.spec = spec
        self.plan = plan
        self.env = plan.environment
        self.resources: list[Resource] = []
        self.paths: dict[str, SpecPath] = {}

    def add(
        self, type_: str, name: str, props: Mapping[str, Any], path: SpecPath, parent: str = ""
    ) -> str:
        urn = f"planned::{type_}::{name}"
        self.resources.append(Resource(type_, name, urn, dict(props), parent or None))
        self.paths[urn] = path
        return urn

    def run(self) -> PlannedStack:
        spec = self.spec
        for name, cluster in spec.clusters.items():
            props = cluster_props(
                cluster=name,
                engine=cluster.engine,
                tenancy=cluster.tenancy,
                deploy=cluster.deploy.kind,
                serves=cluster.serves,
                regulated=cluster.regulated,
                owner=cluster.owner,
                environment=self.env,
            )
            self.add(tokens.CLUSTER, name, props, ("clusters", name))
        for cluster_name, plan in self.plan.clusters.items():
            for topic in plan.topics:
                self.add(
                    tokens.TOPIC_CONTRACT,
                    f"{cluster_name}::{topic.name}",
                    topic.props(self.env),
                    self._topic_path(topic),
                )
            by_user = {p.username: p for p in plan.principals}
            for principal in plan.principals:
                path = self._principal_path(principal)
                self.add(
                    tokens.PRINCIPAL,
                    f"{cluster_name}::{principal.username}",
                    principal_props(principal, self.env),
                    path,
                )
            for grant in plan.grants:
                user = grant.principal.username
                path = self._principal_path(grant.principal)
                parent = self.add(
                    tokens.ACCESS_GRANT,
                    f"{cluster_name}::{user}",
                    grant_props(grant, self.env),
                    path,
                )
                for index, binding in enumerate(grant.bindings):
                    inputs = binding.acl_inputs(grant.principal.kafka_principal)
                    self.add(
                        tokens.KAFKA_ACL,
                        f"{cluster_name}::{user}::{index}",
                        _camel(inputs),
                        path,
                        parent,
                    )
            for quota in plan.quotas:
                known = by_user.get(quota.entity_name)
                path = self._principal_path(known) if known else ("clusters", cluster_name)
                key = f"{cluster_name}::{quota.entity_type}::{quota.entity_name}"
                parent = self.add(tokens.QUOTA, key, quota_props(quota, self.env), path)
                self.add(tokens.KAFKA_QUOTA, key, _camel(quota_inputs(quota)), path, parent)
        for pool in self.plan.pools:
            runtime = pool.runtime
            kubernetes = isinstance(runtime, KubernetesPoolRuntime)
            props = pool_props(
                pool.worker,
                self.env,
                "kubernetes" if kubernetes else "local",
                runtime.replicas if isinstance(runtime, KubernetesPoolRuntime) else 1,
                pool.override_policy,
            )
            self.add(tokens.WORKER_POOL, pool.worker.pool, props, ("pools", pool.worker.pool))
        for connector in self.plan.connectors:
            props = connector_props(connector, self.env)
            self.add(tokens.CONNECTOR, connector.pipeline, props, ("pipelines", connector.pipeline))
        return PlannedStack(Stack(tuple(self.resources)), self.paths)

    def _topic_path(self, topic: TopicPlan) -> SpecPath:
        """The write (or, for a mirror's copy, the read) that plans ``topic``."""
        pipeline = self.spec.pipelines.get(topic.writer)
        if topic.contract == "internal" or pipeline is None:
            return ("pools", topic.writer)
        for index, write in enumerate(pipeline.writes):
            if write.topic == topic.name:
                return ("pipelines", topic.writer, "writes", index, "topic")
        if topic.name in pipeline.reads:
            return ("pipelines", topic.writer, "reads", pipeline.reads.index(topic.name))
        return ("pipelines", topic.writer)

    @staticmethod
    def _principal_path(principal: PrincipalPlan) -> SpecPath:
        if principal.pipeline:
            return ("pipelines", principal.pipeline)
        return ("pools", principal.pool)


def _camel(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """``acl_host`` -> ``aclHost``: the names the engine gives a provider's inputs."""
    return {
        head + "".join(part.title() for part in rest): value
        for (head, *rest), value in ((key.split("_"), value) for key, value in inputs.items())
    }


@dataclass(frozen=True)
class PlannedFinding:
    """A planned rule's finding on the plan, at the spec ``path`` of the entry behind it
    (``()``: the stack); ``mandatory`` under the stack's pack config."""

    rule_id: str
    message: str
    mandatory: bool
    path: SpecPath = ()


def findings(spec: PlatformSpec, config: Mapping[str, Config]) -> list[PlannedFinding]:
    """Every planned rule's finding on the plan of ``spec`` (rules disabled by ``config``
    are skipped), in pack order."""
    planned = planned_stack(spec)
    found: list[PlannedFinding] = []
    for rule in planned_rules():
        given = config.get(rule.id) or {}
        level = str(given.get("enforcementLevel", rule.enforcement.value))
        if level == EnforcementLevel.DISABLED.value:
            continue
        mandatory = level == EnforcementLevel.MANDATORY.value
        if rule.kind == "resource":
            hits = [
                Finding(message, resource.urn)
                for resource in planned.stack.resources
                for message in rule.check_resource(resource, given)
            ]
        else:
            hits = rule.check_stack(planned.stack, given)
        found += [
            PlannedFinding(rule.id, hit.message, mandatory, planned.paths.get(hit.urn or "", ()))
            for hit in hits
        ]
    return found


def problems(found: list[PlannedFinding]) -> list[Problem]:
    """The mandatory findings as spec problems, each once: the rule id and what is wrong,
    then the fix (a rule's message reads ``<what is wrong>; <fix>``)."""
    made: dict[Problem, None] = {}
    for finding in found:
        if finding.mandatory:
            wrong, _, fix = finding.message.rpartition("; ")
            if not wrong:
                wrong, fix = fix, f"see policies/RULES.md#{finding.rule_id}"
            made[Problem(finding.path, f"{finding.rule_id} (mandatory): {wrong}", fix)] = None
    return list(made)


def validate_rules(
    stack: str, advisories: list[PlannedFinding] | None = None
) -> Callable[[PlatformSpec], list[Problem]]:
    """What ``bulkheads validate`` checks over a spec of ``stack`` besides its doctrine
    (``load_platform(..., rules=...)``): the planned rules' mandatory findings, under the
    stack's pack config; the advisory ones go into ``advisories``."""

    def check(spec: PlatformSpec) -> list[Problem]:
        found = findings(spec, pack_config(stack, spec.environment))
        if advisories is not None:
            advisories[:] = [f for f in found if not f.mandatory]
        return problems(found)

    return check
