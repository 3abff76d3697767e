"""The local stack's data-plane plan applied to a real Kafka: the boundaries hold.

No Pulumi engine here: the plan (topics, SCRAM users, ACLs, quotas) is applied with the
admin client, then real clients authenticate as the planned principals. This module starts
its own Kafka node (cluster ``dataplane``, free ports, temporary state dir) rather than the
session one, because it applies the whole local stack's topics and principals, whose names
other tests may also use.
"""

from __future__ import annotations

import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, KafkaError, Producer
from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
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

from bulkheads.local.connection import KafkaConnection
from bulkheads.local.jars import kafka_home
from bulkheads.local.platform import LocalPlatform
from bulkheads.plan import plan_cluster
from bulkheads.plan.types import ClusterPlan
from bulkheads.spec.loader import load_platform
from bulkheads.verify.throttle import produce_throttle_ms

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "pipeline.orders-events"  # live source, writes raw.orders.events
SINK = "pipeline.orders-archive"  # derived sink, reads raw.orders.events
REPLAY = "pipeline.orders-rebuild"  # replay, writes derived.orders.rebuilt at 1MiB/s
SINK_WORKER = "pool.derived-sinks"
DEADLINE = 20.0
TOPIC_DENIED = KafkaError.TOPIC_AUTHORIZATION_FAILED
GROUP_DENIED = KafkaError.GROUP_AUTHORIZATION_FAILED


@dataclass(frozen=True)
class AppliedPlan:
    """A running Kafka with the local stack's plan applied; passwords per principal."""

    connection: KafkaConnection
    plan: ClusterPlan
    passwords: dict[str, str]

    def client(self, username: str, **extra: Any) -> dict[str, Any]:
        return {
            **self.connection.client_config(),
            "sasl.username": username,
            "sasl.password": self.passwords[username],
            **extra,
        }


@pytest.fixture(scope="module")
def applied(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[AppliedPlan]:
    platform = LocalPlatform(state_dir=tmp_path_factory.mktemp("dataplane-state"))
    connection = platform.start_kafka(free_port(), free_port(), cluster="dataplane")
    try:
        plan = plan_cluster(load_platform(ROOT / "stacks" / "Pulumi.local.yaml"), "local")
        passwords = {p.username: secrets.token_urlsafe(24) for p in plan.principals}
        _apply(platform, connection, plan, passwords)
        yield AppliedPlan(connection, plan, passwords)
    finally:
        platform.stop_kafka("dataplane")


def _apply(
    platform: LocalPlatform,
    connection: KafkaConnection,
    plan: ClusterPlan,
    passwords: dict[str, str],
    quotas: bool = True,
) -> None:
    """What the DataPlane component makes Pulumi do, through the admin client (``quotas``:
    also the client quotas, one ConfigCommand run each)."""
    admin = AdminClient(connection.client_config())
    topics = [
        NewTopic(t.name, t.partitions, t.replication_factor, config=t.config) for t in plan.topics
    ]
    _wait_all(admin.create_topics(topics))
    scram = ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192)
    upserts = [
        UserScramCredentialUpsertion(user, scram, password.encode())
        for user, password in passwords.items()
    ]
    _wait_all(admin.alter_user_scram_credentials(upserts))
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
    if quotas:
        _alter_quotas(platform, connection, plan)


def _alter_quotas(platform: LocalPlatform, connection: KafkaConnection, plan: ClusterPlan) -> None:
    """Client quotas through Kafka's own ConfigCommand (librdkafka has no quota API)."""
    command_config = platform.kafka_dir("dataplane") / "admin-client.properties"
    command_config.write_text(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{connection.username}" password="{connection.password}";\n'
    )
    classpath = str(kafka_home(platform.cache_dir) / "libs" / "*")
    for quota in plan.quotas:
        values = ",".join(f"{key}={value}" for key, value in sorted(quota.config.items()))
        subprocess.run(
            ["java", "-Xmx256m", "-cp", classpath, "kafka.admin.ConfigCommand",
             "--bootstrap-server", connection.bootstrap, "--command-config", str(command_config),
             "--alter", "--entity-type", "users", "--entity-name", quota.entity_name,
             "--add-config", values],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip


def _wait_all(futures: Any) -> None:
    for future in futures.values() if isinstance(futures, dict) else futures:
        future.result(timeout=DEADLINE)


def _snake(operation: str) -> str:
    return "".join(f"_{c}" if c.isupper() else c for c in operation).lstrip("_").upper()


def _produce_error(
    applied: AppliedPlan, username: str, topic: str, value: bytes = b"probe"
) -> int | None:
    """Produce one record as ``username``; the error code, or None when it was written."""
    errors: list[int | None] = []
    producer = Producer(applied.client(username, **{"message.timeout.ms": 10_000}))
    producer.produce(topic, value, on_delivery=lambda err, _msg: errors.append(err and err.code()))
    producer.flush(DEADLINE)
    assert errors, f"no delivery report for {topic} as {username}"
    return errors[0]


def _consume(applied: AppliedPlan, username: str, topic: str, group: str) -> int | bytes:
    """Subscribe as ``username`` in ``group``: the first record's value or the error code."""
    consumer = Consumer(
        applied.client(username, **{"group.id": group, "auto.offset.reset": "earliest"})
    )
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                return int(message.error().code())
            return bytes(message.value())
        raise AssertionError(f"neither a record nor an error from {topic} as {username}")
    finally:
        consumer.close()


def test_planned_acls_are_in_kafka_and_name_no_wildcard(applied: AppliedPlan) -> None:
    admin = AdminClient(applied.connection.client_config())
    described = admin.describe_acls(
        AclBindingFilter(
            ResourceType.ANY, None, ResourcePatternType.ANY, None, None,
            AclOperation.ANY, AclPermissionType.ANY,
        )
    ).result(timeout=DEADLINE)  # fmt: skip
    planned = sum(len(grant.bindings) for grant in applied.plan.grants)
    assert len(described) == planned
    assert {acl.host for acl in described} == {"127.0.0.1"}
    assert all(acl.principal.startswith(("User:pool.", "User:pipeline.")) for acl in described)
    assert all("*" not in acl.name for acl in described)


def test_source_writes_its_topic_and_sink_reads_it(applied: AppliedPlan) -> None:
    assert _produce_error(applied, SOURCE, "raw.orders.events", b"order-1") is None
    assert _consume(applied, SINK, "raw.orders.events", "connect-orders-archive") == b"order-1"


def test_sink_is_denied_write_on_a_raw_topic(applied: AppliedPlan) -> None:
    assert _produce_error(applied, SINK, "raw.orders.events") == TOPIC_DENIED


def test_sink_is_denied_read_on_a_topic_it_did_not_declare(applied: AppliedPlan) -> None:
    code = _consume(applied, SINK, "derived.orders.rebuilt", "connect-orders-archive")
    assert code == TOPIC_DENIED


def test_sink_cannot_join_its_workers_group(applied: AppliedPlan) -> None:
    consumer = Consumer(applied.client(SINK, **{"group.id": "connect.derived-sinks"}))
    try:
        future = consumer.list_topics(timeout=DEADLINE)  # connection works
        assert "raw.orders.events" in future.topics
        consumer.subscribe(["raw.orders.events"])
        deadline = time.monotonic() + DEADLINE
        code = None
        while code is None and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and message.error():
                code = message.error().code()
        assert code == GROUP_DENIED
    finally:
        consumer.close()


@pytest.mark.parametrize(
    ("username", "group", "topic", "read_error"),
    [
        # another pool's internal topic; a source holds no group at all
        (SOURCE, "connect.derived-sinks", "_connect.derived-sinks.configs", GROUP_DENIED),
        # even its own pool's: internal topics belong to the worker principal only
        (SOURCE, "connect.live-ingest", "_connect.live-ingest.offsets", GROUP_DENIED),
        # workers never share them: a worker in its own group, on another pool's topic
        (SINK_WORKER, "connect.derived-sinks", "_connect.live-ingest.configs", TOPIC_DENIED),
    ],
)
def test_internal_topics_are_reachable_by_their_worker_only(
    applied: AppliedPlan, username: str, group: str, topic: str, read_error: int
) -> None:
    assert _describe_error(applied, username, topic) == TOPIC_DENIED
    assert _consume(applied, username, topic, group) == read_error
    assert _produce_error(applied, username, topic) == TOPIC_DENIED


def _describe_error(applied: AppliedPlan, username: str, topic: str) -> int | None:
    """The metadata error ``username`` gets for ``topic`` (None when it may see it)."""
    producer = Producer(applied.client(username))
    error = producer.list_topics(topic, timeout=DEADLINE).topics[topic].error
    return None if error is None else int(error.code())


def test_replay_quota_throttles_while_live_does_not(applied: AppliedPlan) -> None:
    quotas = {quota.entity_name: quota.config for quota in applied.plan.quotas}
    assert quotas[REPLAY]["producer_byte_rate"] == 1024 * 1024
    assert quotas[SOURCE]["producer_byte_rate"] == 50 * 1024 * 1024
    assert produce_throttle_ms(applied.client(REPLAY), "derived.orders.rebuilt") > 0
    assert produce_throttle_ms(applied.client(SOURCE), "raw.orders.events") == 0
