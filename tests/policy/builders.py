"""Builders of real pulumi_policy argument objects, and the pack under test.

Tests call the pack's own policy objects (from ``build_policies``) with
``ResourceValidationArgs`` / ``StackValidationArgs`` built here and collect what they report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)

from bulkheads.plan import names
from components import tokens
from policies.rules.registry import PackState, all_rules, build_policies
from policies.rules.suppressions import SuppressionSource, suppressible_map

TODAY = date(2026, 6, 1)
STACK_URN_PREFIX = "urn:pulumi:test::bulkheads::"


def urn(type_: str, name: str) -> str:
    return f"{STACK_URN_PREFIX}{type_}::{name}"


def options(parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


@dataclass
class Res:
    """A resource to put in a stack: type, name, props and how it links to others."""

    type: str
    name: str
    props: dict[str, Any]
    parent: Res | None = None
    dependencies: Sequence[Res] = ()
    property_dependencies: Mapping[str, Sequence[Res]] = field(default_factory=dict)
    provider: str | None = None

    @property
    def urn(self) -> str:
        return urn(self.type, self.name)


def stack_args(
    resources: Sequence[Res], config: Mapping[str, Any] | None = None
) -> StackValidationArgs:
    built: dict[str, PolicyResource] = {}
    for res in resources:
        provider = (
            PolicyProviderResource("pulumi:providers:kafka", {}, res.provider, "p")
            if res.provider
            else None
        )
        built[res.urn] = PolicyResource(
            res.type,
            res.props,
            res.urn,
            res.name,
            options(res.parent.urn if res.parent else None),
            provider,
            None,
            [],
            {},
        )
    for res in resources:
        target = built[res.urn]
        target.parent = built[res.parent.urn] if res.parent else None
        target.dependencies = [built[d.urn] for d in res.dependencies]
        target.property_dependencies = {
            key: [built[d.urn] for d in deps] for key, deps in res.property_dependencies.items()
        }
    return StackValidationArgs(list(built.values()), config)


class Pack:
    """The pack's policies with a suppressions file under a temporary directory."""

    def __init__(self, suppressions: Path) -> None:
        self.suppressions_path = suppressions
        suppressions.write_text("suppressions: []\n", encoding="utf-8")
        source = SuppressionSource(suppressible_map(all_rules()), suppressions, lambda: TODAY)
        self.state = PackState(source)
        self.policies: dict[str, Any] = {p.name: p for p in build_policies(state=self.state)}

    def resource(
        self,
        rule_id: str,
        type_: str,
        name: str,
        props: Mapping[str, Any],
        config: Mapping[str, Any] | None = None,
    ) -> list[str]:
        """Messages ``rule_id`` reports for one resource (its inputs ``props``)."""
        reported: list[str] = []
        args = ResourceValidationArgs(type_, props, urn(type_, name), name, options(), None, config)
        self.policies[rule_id].validate(args, lambda message, _urn=None: reported.append(message))
        return reported

    def stack(
        self,
        rule_id: str,
        resources: Sequence[Res],
        config: Mapping[str, Any] | None = None,
    ) -> list[tuple[str, str | None]]:
        """(message, urn) pairs ``rule_id`` reports for a stack of ``resources``."""
        reported: list[tuple[str, str | None]] = []
        args = stack_args(resources, config)
        self.policies[rule_id].validate(
            args, lambda message, at=None: reported.append((message, at))
        )
        return reported


def topic_contract(topic: str, **props: Any) -> Res:
    """A TopicContract component (prod, live, raw, written by payments-cdc) with overrides."""
    base = {
        "topic": topic,
        "cluster": "ingest",
        "contract": topic.split(".", 1)[0],
        "workload_class": "live",
        "owner": "payments",
        "writer": "payments-cdc",
        "partitions": 12,
        "replication_factor": 3,
        "config": {"min.insync.replicas": "2", "retention.ms": str(7 * 86_400_000)},
        "protected": True,
        "environment": "prod",
    }
    return Res(tokens.TOPIC_CONTRACT, topic, {**base, **props})


def worker_pool(pool: str, **props: Any) -> Res:
    """A WorkerPool component named by the plan's conventions, with overrides."""
    base = {
        "pool": pool,
        "cluster": "ingest",
        "workload_class": "live",
        "owner": "payments",
        "runtime": "kubernetes",
        "group_id": names.worker_group(pool),
        "config_topic": names.config_topic(pool),
        "offset_topic": names.offset_topic(pool),
        "status_topic": names.status_topic(pool),
        "override_policy": "Principal",
        "replicas": 2,
        "environment": "prod",
    }
    return Res(tokens.WORKER_POOL, pool, {**base, **props})


def connector(pipeline: str, **props: Any) -> Res:
    """A Connector component (a live source on pool live-cdc), with overrides."""
    base = {
        "connector": pipeline,
        "pipeline": pipeline,
        "kind": "source",
        "pool": "live-cdc",
        "cluster": "ingest",
        "workload_class": "live",
        "owner": "payments",
        "reads": [],
        "writes": [],
        "connector_class": "io.debezium.connector.postgresql.PostgresConnector",
        "tasks_max": 1,
        "state": "running",
        "environment": "prod",
    }
    return Res(tokens.CONNECTOR, pipeline, {**base, **props})


def principal(username: str, **props: Any) -> Res:
    """A Principal component (a live connector principal), with overrides."""
    base = {
        "principal": username,
        "kind": "connector",
        "cluster": "ingest",
        "pool": "live-cdc",
        "pipeline": username.removeprefix(names.CONNECTOR_PRINCIPAL_PREFIX),
        "owner": "payments",
        "workload_class": "live",
        "environment": "prod",
    }
    return Res(tokens.PRINCIPAL, username, {**base, **props})


def acl(name: str, principal_name: str, topic: str, operation: str = "Write", **props: Any) -> Res:
    """A pulumi-kafka Acl (Allow, literal topic, host 127.0.0.1), with overrides."""
    base = {
        "aclPrincipal": f"User:{principal_name}",
        "aclHost": "127.0.0.1",
        "aclOperation": operation,
        "aclPermissionType": "Allow",
        "aclResourceName": topic,
        "aclResourceType": "Topic",
        "resourcePatternTypeFilter": "Literal",
    }
    return Res(tokens.KAFKA_ACL, name, {**base, **props})


def kafka_quota(name: str, entity: str | None, **config: int) -> Res:
    """A pulumi-kafka user Quota."""
    props: dict[str, Any] = {"entityType": "user", "config": dict(config)}
    if entity is not None:
        props["entityName"] = entity
    return Res(tokens.KAFKA_QUOTA, name, props)


def cluster(name: str, **props: Any) -> Res:
    """A Cluster component (dedicated, not regulated), with overrides."""
    base = {
        "cluster": name,
        "engine": "automq",
        "tenancy": "dedicated",
        "deploy": "strimzi",
        "serves": ["live"],
        "regulated": False,
        "owner": "payments",
        "environment": "prod",
    }
    return Res(tokens.CLUSTER, name, {**base, **props})
