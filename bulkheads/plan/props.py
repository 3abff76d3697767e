"""The props each bulkheads component carries, as plain dicts: one function per component.

Components pass these to ``ComponentResource.__init__`` and the rule catalogue
(``policies.rules.catalogue``) builds the planned stack from the same functions, so the
pack's rules read the same props over the plan (``bulkheads validate``) as over the
registered resources (``pulumi preview``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Protocol, TypedDict

from bulkheads.plan.types import AccessPlan, PrincipalPlan, QuotaPlan, WorkerPoolPlan

Props = dict[str, object]


class ConnectorFields(Protocol):
    """What a connector's props are made of (a ``ConnectorPlan`` or ``ConnectorArgs``)."""

    @property
    def connector(self) -> str: ...
    @property
    def pipeline(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def pool(self) -> str: ...
    @property
    def cluster(self) -> str: ...
    @property
    def workload_class(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def reads(self) -> Sequence[str]: ...
    @property
    def writes(self) -> Sequence[str]: ...
    @property
    def connector_class(self) -> str: ...
    @property
    def tasks_max(self) -> int: ...
    @property
    def state(self) -> str: ...


def cluster_props(
    *,
    cluster: str,
    engine: str,
    tenancy: str,
    deploy: str,
    serves: Sequence[str],
    regulated: bool,
    owner: str,
    environment: str,
) -> Props:
    """A Cluster component's props."""
    return {
        "cluster": cluster,
        "engine": engine,
        "tenancy": tenancy,
        "deploy": deploy,
        "serves": list(serves),
        "regulated": regulated,
        "owner": owner,
        "environment": environment,
    }


def principal_props(plan: PrincipalPlan, environment: str) -> Props:
    """A Principal component's props."""
    return {
        "principal": plan.username,
        "kind": plan.kind,
        "cluster": plan.cluster,
        "pool": plan.pool,
        "pipeline": plan.pipeline,
        "pipeline_kind": plan.pipeline_kind,
        "owner": plan.owner,
        "workload_class": plan.workload_class,
        "environment": environment,
    }


def grant_props(plan: AccessPlan, environment: str) -> Props:
    """An AccessGrant component's props."""
    principal = plan.principal
    return {
        "principal": principal.username,
        "cluster": principal.cluster,
        "bindings": [asdict(binding) for binding in plan.bindings],
        "owner": principal.owner,
        "workload_class": principal.workload_class,
        "environment": environment,
    }


def quota_props(plan: QuotaPlan, environment: str) -> Props:
    """A Quota component's props."""
    return {
        "entity_type": plan.entity_type,
        "entity_name": plan.entity_name,
        "cluster": plan.cluster,
        "config": dict(plan.config),
        "owner": plan.owner,
        "workload_class": plan.workload_class,
        "environment": environment,
    }


class QuotaInputs(TypedDict):
    """The ``pulumi_kafka.Quota`` arguments of a quota."""

    entity_type: str
    entity_name: str
    config: dict[str, str]


def quota_inputs(plan: QuotaPlan) -> QuotaInputs:
    """The ``pulumi_kafka.Quota`` arguments of a quota."""
    return {
        "entity_type": plan.entity_type,
        "entity_name": plan.entity_name,
        "config": quota_config_strings(plan.config),
    }


def quota_config_strings(config: Mapping[str, int | float]) -> dict[str, str]:
    """Quota values as the strings pulumi-kafka takes (``50.0`` -> ``"50"``)."""
    return {key: _number(value) for key, value in sorted(config.items())}


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def pool_props(
    worker: WorkerPoolPlan, environment: str, runtime: str, replicas: int, override_policy: str
) -> Props:
    """A WorkerPool component's props; ``runtime`` is ``kubernetes`` or ``local``."""
    return {
        "environment": environment,
        "pool": worker.pool,
        "cluster": worker.cluster,
        "workload_class": worker.workload_class,
        "owner": worker.owner,
        "runtime": runtime,
        "group_id": worker.group_id,
        "config_topic": worker.config_topic,
        "offset_topic": worker.offset_topic,
        "status_topic": worker.status_topic,
        "override_policy": override_policy,
        "replicas": replicas,
    }


def connector_props(connector: ConnectorFields, environment: str) -> Props:
    """A Connector component's props."""
    return {
        "environment": environment,
        "connector": connector.connector,
        "pipeline": connector.pipeline,
        "kind": connector.kind,
        "pool": connector.pool,
        "cluster": connector.cluster,
        "workload_class": connector.workload_class,
        "owner": connector.owner,
        "reads": list(connector.reads),
        "writes": list(connector.writes),
        "connector_class": connector.connector_class,
        "tasks_max": connector.tasks_max,
        "state": connector.state,
    }
