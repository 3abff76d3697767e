"""Connector: one pipeline's Kafka Connect connector (``bulkheads:runtime:Connector``).

Arguments: :class:`ConnectorArgs` (a plain frozen dataclass) — ``connector`` (its
name on the worker group), ``pipeline``, ``kind`` (source | sink | replay |
mirror), ``pool``, ``cluster``, ``workload_class``, ``owner``, ``environment``,
``reads`` / ``writes`` (topics), ``connector_class``, ``tasks_max`` (default 1),
``config`` (plain values), ``secret_config`` (values kept Pulumi secrets),
``username`` + ``password`` (the pipeline principal; the password an Output kept
secret), ``state`` (default ``running``), ``scheduled`` (default False; True for
replays: created in ``state``, after which the replay scheduler owns the running state and
the stack never moves it back) and ``target`` (the pool's
:class:`~components.worker_pool.ConnectTarget`).

Every Kafka client of the connector logs in as the pipeline principal through
``producer.override.`` / ``consumer.override.`` / ``admin.override.sasl.jaas.config``
(see :mod:`bulkheads.connect.config` for why all three).

- local runtime: a :class:`ConnectRestConnector` dynamic resource over the Connect
  REST API (:mod:`components.connect_provider`); config edits update in place.
- kubernetes runtime: a Strimzi ``KafkaConnector`` CR labelled
  ``strimzi.io/cluster=<pool>``. Secret values (the logins included) live in a
  per-connector Secret and reach the config as ``${secrets:<ns>/<secret>:<key>}``
  through Strimzi's KubernetesSecretConfigProvider; a Role + RoleBinding let only the
  pool's workers read that one Secret.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
from pulumi.dynamic import Resource

from bulkheads.connect.config import (
    connector_config,
    principal_override_keys,
    principal_overrides,
)
from bulkheads.plan.manifests import core, strimzi
from bulkheads.plan.manifests.labels import ownership_labels
from bulkheads.plan.replay import listed_offsets_config_map, state_config_map
from components import tokens
from components.connect_provider import ConnectorProvider
from components.manifests import register
from components.worker_pool import ConnectTarget

ConnectorState = Literal["running", "paused", "stopped"]
ConnectorKind = Literal["source", "sink", "replay", "mirror"]


@dataclass(frozen=True)
class ConnectorArgs:
    """One connector, its pipeline principal and the pool it runs in."""

    connector: str
    pipeline: str
    kind: ConnectorKind
    pool: str
    cluster: str
    workload_class: str
    owner: str
    environment: str
    connector_class: str
    username: str
    password: pulumi.Input[str]
    target: ConnectTarget
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    tasks_max: int = 1
    config: Mapping[str, str] = field(default_factory=dict)
    secret_config: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    state: ConnectorState = "running"
    scheduled: bool = False

    def __post_init__(self) -> None:
        if self.target.pool != self.pool:
            raise ValueError(
                f"connector {self.connector!r} is declared on pool {self.pool!r} "
                f"but placed on pool {self.target.pool!r}"
            )


class ConnectRestConnector(Resource, module="bulkheads", name="ConnectRestConnector"):
    """A connector on a worker group, managed through the Connect REST API."""

    connector_state: pulumi.Output[str]
    task_count: pulumi.Output[int]

    def __init__(
        self, name: str, props: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            ConnectorProvider(),
            name,
            {**props, "connector_state": None, "task_count": None},
            pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(additional_secret_outputs=["secret_config"])
            ),
        )


class Connector(pulumi.ComponentResource):
    """A pipeline's connector, placed in its pool and logged in as its own principal."""

    def __init__(
        self, name: str, args: ConnectorArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props = {
            tokens.PROP_ENVIRONMENT: args.environment,
            "connector": args.connector,
            "pipeline": args.pipeline,
            "kind": args.kind,
            tokens.PROP_POOL: args.pool,
            tokens.PROP_CLUSTER: args.cluster,
            tokens.PROP_CLASS: args.workload_class,
            tokens.PROP_OWNER: args.owner,
            "reads": list(args.reads),
            "writes": list(args.writes),
            "connector_class": args.connector_class,
            "tasks_max": args.tasks_max,
            "state": args.state,
        }
        super().__init__(tokens.CONNECTOR, name, props, opts)
        plain = connector_config(args.connector_class, args.tasks_max, args.config)
        secret: pulumi.Output[dict[str, str]] = pulumi.Output.secret(
            pulumi.Output.all(
                pulumi.Output.from_input(args.password),
                pulumi.Output.from_input(dict(args.secret_config)),
            ).apply(lambda both: {**both[1], **principal_overrides(args.username, both[0])})
        )
        child = pulumi.ResourceOptions(parent=self, depends_on=list(args.target.workers))
        if args.target.runtime == "local":
            self.resource: pulumi.CustomResource = ConnectRestConnector(
                f"{name}-rest",
                {
                    "name": args.connector,
                    "rest_url": args.target.rest_url,
                    "config": plain,
                    "secret_config": secret,
                    "state": args.state,
                    "scheduled": args.scheduled,
                },
                child,
            )
        else:
            self.resource = self._kubernetes(name, args, plain, secret, child)
        self.register_outputs({"connector": args.connector, "state": args.state})

    def _kubernetes(
        self,
        name: str,
        args: ConnectorArgs,
        plain: dict[str, str],
        secret: pulumi.Output[dict[str, str]],
        child: pulumi.ResourceOptions,
    ) -> pulumi.CustomResource:
        target = args.target
        namespace = target.namespace
        labels = ownership_labels(args.owner, args.workload_class, args.pool, args.environment)
        secret_name = strimzi.connector_config_secret(args.connector)
        mine = pulumi.ResourceOptions(parent=self)
        self.secret = register(
            f"{name}-secret",
            core.secret(
                secret_name,
                namespace,
                labels,
                secret.apply(lambda values: {_secret_key(k): v for k, v in values.items()}),
            ),
            mine,
        )
        self.role = register(
            f"{name}-secret-reader", core.secret_reader_role(secret_name, namespace, labels), mine
        )
        self.role_binding = register(
            f"{name}-secret-reader",
            core.role_binding(secret_name, namespace, labels, secret_name, target.service_account),
            mine,
        )
        secret_keys = sorted({*args.secret_config, *principal_override_keys()})
        config = {
            **{k: v for k, v in plain.items() if k not in ("connector.class", "tasks.max")},
            **{
                key: f"${{secrets:{namespace}/{secret_name}:{_secret_key(key)}}}"
                for key in secret_keys
            },
        }
        return register(
            f"{name}-connector",
            strimzi.kafka_connector(
                args.connector,
                namespace,
                labels,
                target.connect_name,
                args.connector_class,
                args.tasks_max,
                args.state,
                config,
                offsets=(
                    (state_config_map(args.connector), listed_offsets_config_map(args.connector))
                    if args.scheduled
                    else None
                ),
            ),
            pulumi.ResourceOptions.merge(
                child,
                pulumi.ResourceOptions(
                    depends_on=[self.secret, self.role_binding],
                    # the replay scheduler's CronJob owns a replay's running state
                    ignore_changes=["spec.state"] if args.scheduled else None,
                ),
            ),
        )


def _secret_key(config_key: str) -> str:
    """A Secret data key for a config key (Secret keys allow ``[-._a-zA-Z0-9]``)."""
    return re.sub(r"[^-._a-zA-Z0-9]", "_", config_key)
