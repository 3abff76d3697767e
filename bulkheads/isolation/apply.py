"""A plan provisioned on a fresh local Kafka without the engine: what the DataPlane,
LocalWorker and Connector components make Pulumi do, done with the admin client, the
local harness and the Connect REST API (seconds instead of an engine run).

``apply_data_plane`` creates one cluster's topics, SCRAM users, ACLs and client quotas;
``AppliedStack.start`` does that for a one-cluster plan on its own Kafka node, starts every
pool's worker (in parallel) and creates connectors on demand; ``close`` stops what it
started.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulkheads.connect import rest, secret_files
from bulkheads.connect.config import connector_config, principal_overrides, scram_jaas_config
from bulkheads.local.connection import SASL_MECHANISM, SECURITY_PROTOCOL, KafkaConnection
from bulkheads.local.platform import LocalPlatform
from bulkheads.local.quotas import set_client_quotas
from bulkheads.local.worker import WorkerSpec
from bulkheads.plan.platform import ConnectorPlan, LocalPoolRuntime, PlatformPlan
from bulkheads.plan.types import ClusterPlan

ADMIN_TIMEOUT = 30.0
START_TIMEOUT = 240.0


def apply_data_plane(
    platform: LocalPlatform,
    connection: KafkaConnection,
    plan: ClusterPlan,
    passwords: dict[str, str],
    quotas: bool = True,
) -> None:
    """Topics, SCRAM users (``passwords`` by username), ACLs and (``quotas``, default
    True) the client quotas of ``plan``."""
    from confluent_kafka.admin import (
        AclBinding,
        AclOperation,
        AclPermissionType,
        AdminClient,
        NewTopic,
        ResourcePatternType,
        ResourceType,
        ScramCredentialInfo,
        ScramMechanism,
        UserScramCredentialUpsertion,
    )

    admin = AdminClient(dict(connection.client_config()))
    topics = [
        NewTopic(t.name, t.partitions, t.replication_factor, config=t.config) for t in plan.topics
    ]
    _wait_all(admin.create_topics(topics))
    scram = ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192)
    _wait_all(
        admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(u, scram, p.encode()) for u, p in passwords.items()]
        )
    )
    bindings = [
        AclBinding(
            ResourceType[b.resource_type.upper()],
            b.resource_name,
            ResourcePatternType[b.pattern_type.upper()],
            grant.principal.kafka_principal,
            b.host,
            AclOperation[_snake(b.operation)],
            AclPermissionType[b.permission.upper()],
        )
        for grant in plan.grants
        for b in grant.bindings
    ]
    _wait_all(admin.create_acls(bindings))
    if not quotas:
        return
    entities: dict[tuple[str, str], Mapping[str, int | float]] = {
        (q.entity_type, q.entity_name): q.config for q in plan.quotas
    }
    set_client_quotas(
        platform.ensure_jars(), connection, entities, platform.kafka_dir(connection.cluster)
    )


@dataclass
class AppliedStack:
    """A one-cluster plan running on its own Kafka node and workers."""

    platform: LocalPlatform
    connection: KafkaConnection
    plan: PlatformPlan
    passwords: dict[str, str]

    @classmethod
    def start(
        cls, plan: PlatformPlan, state_dir: Path, port: int, controller_port: int
    ) -> AppliedStack:
        """Start Kafka on ``port`` (the spec's bootstrap) and ``controller_port``, apply the
        data plane, start every pool's worker; no connector yet (see :meth:`create`)."""
        (cluster,) = plan.clusters.values()
        platform = LocalPlatform(state_dir=state_dir)
        connection = platform.start_kafka(
            port, controller_port, cluster=cluster.cluster, timeout=START_TIMEOUT
        )
        stack = cls(platform, connection, plan, {})
        try:
            stack.passwords = {p.username: secrets.token_urlsafe(24) for p in cluster.principals}
            apply_data_plane(platform, connection, cluster, stack.passwords)
            stack.start_workers()
        except BaseException:
            stack.close()
            raise
        return stack

    def start_workers(self) -> None:
        """Start every pool's worker, side by side (the data plane must be there)."""
        with ThreadPoolExecutor(len(self.plan.pools)) as pool:
            list(pool.map(self._start_worker, self.plan.pools))

    def _start_worker(self, pool: Any) -> None:
        worker = pool.worker
        self.platform.start_worker(
            WorkerSpec(
                pool=worker.pool,
                rest_port=_rest_port(pool.runtime),
                group_id=worker.group_id,
                config_topic=worker.config_topic,
                offset_topic=worker.offset_topic,
                status_topic=worker.status_topic,
                username=worker.principal,
                password=self.passwords[worker.principal],
                bootstrap=self.connection.bootstrap,
                override_policy=pool.override_policy,
            ),
            timeout=START_TIMEOUT,
        )

    def connector(self, pipeline: str) -> ConnectorPlan:
        return next(c for c in self.plan.connectors if c.pipeline == pipeline)

    def rest_url(self, pipeline: str) -> str:
        """The REST URL of the pool that runs ``pipeline``."""
        pool = self.connector(pipeline).pool
        runtime = next(p.runtime for p in self.plan.pools if p.worker.pool == pool)
        return f"http://127.0.0.1:{_rest_port(runtime)}"

    def worker_log(self, pipeline: str) -> Path:
        """The log of the worker that runs ``pipeline``."""
        return self.platform.worker_dir(self.connector(pipeline).pool) / "out.log"

    def client(self, username: str, **extra: Any) -> dict[str, Any]:
        """librdkafka settings logging in as ``username`` (a planned principal)."""
        return {
            **self.connection.client_config(),
            "sasl.username": username,
            "sasl.password": self.passwords[username],
            **extra,
        }

    def login_of(self, pipeline: str) -> str:
        """The principal ``pipeline``'s connector clients log in as."""
        return self.connector(pipeline).username

    def create(self, pipeline: str, state: str | None = None) -> None:
        """Create ``pipeline``'s connector as the Connector component does (its own login
        where the pool lets connectors choose one, sent as references to the pool's secret
        files), in ``state`` (default: planned)."""
        plan = self.connector(pipeline)
        password = self.passwords[plan.username]
        pool = next(p for p in self.plan.pools if p.worker.pool == plan.pool)
        logins: dict[str, str] = {}
        for prefix in plan.cluster_logins:
            logins |= {
                f"{prefix}.bootstrap.servers": self.connection.bootstrap,
                f"{prefix}.security.protocol": SECURITY_PROTOCOL,
                f"{prefix}.sasl.mechanism": SASL_MECHANISM,
                f"{prefix}.sasl.jaas.config": scram_jaas_config(plan.username, password),
            }
        if pool.override_policy == "Principal":
            logins |= principal_overrides(plan.username, password)
        secrets_dir = str(self.platform.secrets_dir(plan.pool))
        secret_files.write(secrets_dir, plan.connector, logins)
        config = connector_config(
            plan.connector_class,
            plan.tasks_max,
            {**plan.config, **secret_files.references(secrets_dir, plan.connector, logins)},
        )
        rest.create_connector(self.rest_url(pipeline), plan.connector, config, state or plan.state)

    def delete(self, pipeline: str) -> None:
        rest.delete_connector(self.rest_url(pipeline), self.connector(pipeline).connector)

    def close(self) -> None:
        """Stop every worker and the Kafka node this stack started."""
        self.platform.down()


def _rest_port(runtime: Any) -> int:
    assert isinstance(runtime, LocalPoolRuntime), "only local pools run here"
    return runtime.rest_port


def _wait_all(futures: Any) -> None:
    for future in futures.values() if isinstance(futures, dict) else futures:
        future.result(timeout=ADMIN_TIMEOUT)


def _snake(operation: str) -> str:
    return "".join(f"_{c}" if c.isupper() else c for c in operation).lstrip("_").upper()
