"""The runtime providers against a real local Kafka and real Connect workers (no engine).

The LocalWorker and Connector dynamic providers are called directly, as the engine would.
Every principal, internal topic and ACL is created first with the admin client, as Pulumi
does before a worker starts (least privilege, see ``bulkheads.plan.access``).
"""

from __future__ import annotations

import os
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bulkheads.connect import rest, secret_files
from bulkheads.connect.config import (
    connector_config,
    principal_overrides,
    worker_isolation_config,
)
from bulkheads.local.connection import KafkaConnection
from bulkheads.local.platform import LocalPlatform
from bulkheads.plan import names
from components.connect_provider import ConnectorProvider
from components.local_worker import LocalWorkerProvider

pytestmark = pytest.mark.integration

confluent = pytest.importorskip("confluent_kafka")
kafka_admin = pytest.importorskip("confluent_kafka.admin")

HOST = "127.0.0.1"
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Platform:
    local: LocalPlatform
    connection: KafkaConnection
    admin: Any
    state_dir: Path
    workers: list[dict[str, Any]]


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    state_dir = tmp_path_factory.mktemp("runtime-local")
    local = LocalPlatform(state_dir=state_dir)
    connection = local.start_kafka(port=free_port(), controller_port=free_port(), timeout=180)
    try:
        yield Platform(
            local, connection, kafka_admin.AdminClient(connection.client_config()), state_dir, []
        )
    finally:
        local.down()


@pytest.fixture(autouse=True)
def stop_workers(platform: Platform) -> Iterator[None]:
    """Each test stops the workers it started (two cores: keep few JVMs alive)."""
    yield
    while platform.workers:
        LocalWorkerProvider().delete("", platform.workers.pop())


def _wait(futures: dict[Any, Any]) -> None:
    for future in futures.values():
        future.result(timeout=30)


def add_user(platform: Platform, username: str) -> str:
    password = uuid.uuid4().hex
    credential = kafka_admin.ScramCredentialInfo(kafka_admin.ScramMechanism.SCRAM_SHA_512, 8192)
    _wait(
        platform.admin.alter_user_scram_credentials(
            [kafka_admin.UserScramCredentialUpsertion(username, credential, password.encode())]
        )
    )
    return password


def allow(platform: Platform, username: str, grants: list[tuple[Any, str, Any]]) -> None:
    bindings = [
        kafka_admin.AclBinding(
            kind, name, kafka_admin.ResourcePatternType.LITERAL, f"User:{username}", HOST,
            operation, kafka_admin.AclPermissionType.ALLOW,
        )
        for kind, name, operation in grants
    ]  # fmt: skip
    _wait(platform.admin.create_acls(bindings))


def create_topic(platform: Platform, name: str, compacted: bool = False) -> None:
    config = {"cleanup.policy": "compact"} if compacted else {}
    _wait(platform.admin.create_topics([kafka_admin.NewTopic(name, 1, 1, config=config)]))


def start_pool(platform: Platform, pool: str) -> dict[str, Any]:
    """Provision a pool's principal, topics and ACLs, then start its worker (provider)."""
    username = names.worker_principal(pool)
    password = add_user(platform, username)
    for topic in names.internal_topics(pool):
        create_topic(platform, topic, compacted=True)
    ops = kafka_admin.AclOperation
    topic_ops = (ops.READ, ops.WRITE, ops.DESCRIBE, ops.DESCRIBE_CONFIGS)
    allow(
        platform,
        username,
        [(kafka_admin.ResourceType.GROUP, names.worker_group(pool), kafka_admin.AclOperation.READ)]
        + [
            (kafka_admin.ResourceType.TOPIC, t, op)
            for t in names.internal_topics(pool)
            for op in topic_ops
        ],
    )
    props = {
        "pool": pool,
        "worker_config": worker_isolation_config(
            names.worker_group(pool), *names.internal_topics(pool), replication_factor=1
        ),
        "bootstrap_servers": platform.connection.bootstrap,
        "username": username,
        "password": password,
        "rest_port": free_port(),
        "state_dir": str(platform.state_dir),
    }
    created = LocalWorkerProvider().create(props)
    assert created.outs is not None
    platform.workers.append(created.outs)
    return created.outs


def source_inputs(
    platform: Platform, worker: dict[str, Any], pipeline: str, path: Path, **config: str
) -> dict[str, Any]:
    """A FileStream source logged in as its own pipeline principal, writing ``raw.<p>``."""
    topic = f"raw.{pipeline}.events"
    username = names.connector_principal(pipeline)
    password = add_user(platform, username)
    create_topic(platform, topic)
    allow(
        platform,
        username,
        [(kafka_admin.ResourceType.TOPIC, topic, kafka_admin.AclOperation.WRITE),
         (kafka_admin.ResourceType.TOPIC, topic, kafka_admin.AclOperation.DESCRIBE)],
    )  # fmt: skip
    path.touch()
    return {
        "name": names.connector_name(pipeline),
        "rest_url": worker["rest_url"],
        "config": connector_config(
            FILE_SOURCE,
            1,
            {"file": str(path), "topic": topic, "value.converter": STRING_CONVERTER, **config},
        ),
        "secret_config": principal_overrides(username, password),
        "secrets_dir": worker["secrets_dir"],
        "state": "running",
    }


def topic_values(platform: Platform, topic: str, expected: int, timeout: float = 60) -> list[str]:
    """Every value in ``topic`` once ``expected`` arrived (then 2 s more, to see extras)."""
    consumer = confluent.Consumer(
        {
            **platform.connection.client_config(),
            "group.id": f"check-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    values: list[str] = []
    deadline = time.monotonic() + timeout
    settle_until: float | None = None
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and message.error() is None:
                values.append(message.value().decode())
            if len(values) >= expected and settle_until is None:
                settle_until = time.monotonic() + 2
            if settle_until is not None and time.monotonic() > settle_until:
                break
    finally:
        consumer.close()
    return values


def append_lines(path: Path, lines: list[str]) -> None:
    with path.open("a") as file:
        file.writelines(f"{line}\n" for line in lines)


def committed_position(rest_url: str, name: str, timeout: float = 30) -> int:
    """The source offset the worker committed for ``name`` (FileStream: file position)."""
    deadline = time.monotonic() + timeout
    while True:
        offsets = rest.get_offsets(rest_url, name)
        if offsets:
            return int(offsets[0]["offset"]["position"])
        assert time.monotonic() < deadline, f"{name}: no committed offsets"
        time.sleep(0.5)


def task_starts(platform: Platform, pool: str, connector: str) -> int:
    log = platform.local.worker_dir(pool) / "out.log"
    return log.read_text().count(f"Creating task {connector}-0")


def test_connector_lifecycle_create_update_in_place_pause_resume_delete(
    platform: Platform, tmp_path: Path
) -> None:
    worker = start_pool(platform, "live-cdc")
    url = worker["rest_url"]
    provider = ConnectorProvider()
    path = tmp_path / "payments.txt"
    inputs = source_inputs(platform, worker, "payments", path, **{"batch.size": "100"})
    name, topic = inputs["name"], inputs["config"]["topic"]
    append_lines(path, ["a1", "a2", "a3"])

    assert provider.check({}, inputs).failures == []
    created = provider.create(inputs)
    assert created.outs is not None
    assert created.outs["connector_state"] == "RUNNING"
    assert created.outs["task_count"] == 1
    assert name in rest.list_connectors(url)
    assert topic_values(platform, topic, 3) == ["a1", "a2", "a3"]
    position = committed_position(url, name)
    assert position == len("a1\na2\na3\n")

    # A config edit: the diff names only that key and updates in place.
    edited = {**inputs, "config": {**inputs["config"], "batch.size": "50"}}
    diff = provider.diff(created.id, created.outs, edited)
    assert (diff.changes, diff.replaces) == (True, [])
    updated = provider.update(created.id, created.outs, edited)
    assert updated.outs is not None and updated.outs["connector_state"] == "RUNNING"
    # The login reaches the worker as files: Connect holds only references to them.
    live = rest.get_config(url, name)
    assert live == {
        "name": name,
        **edited["config"],
        **secret_files.references(worker["secrets_dir"], name, edited["secret_config"]),
    }
    assert not any(value in str(live) for value in edited["secret_config"].values())
    assert committed_position(url, name) >= position, "offsets were reset by the update"
    append_lines(path, ["a4"])
    assert topic_values(platform, topic, 4) == ["a1", "a2", "a3", "a4"], "re-read: offsets lost"

    # Pause, then resume: nothing flows while paused; everything after resume, once.
    paused = provider.update(created.id, updated.outs, {**edited, "state": "paused"})
    assert paused.outs is not None and paused.outs["connector_state"] == "PAUSED"
    append_lines(path, ["a5"])
    time.sleep(3)
    assert topic_values(platform, topic, 4, timeout=5) == ["a1", "a2", "a3", "a4"]
    resumed = provider.update(created.id, paused.outs, edited)
    assert resumed.outs is not None and resumed.outs["connector_state"] == "RUNNING"
    assert topic_values(platform, topic, 5) == ["a1", "a2", "a3", "a4", "a5"]

    # Stopped: the connector stays (config and offsets kept) but runs no task.
    stopped = provider.update(created.id, resumed.outs, {**edited, "state": "stopped"})
    assert stopped.outs is not None
    assert (stopped.outs["connector_state"], stopped.outs["task_count"]) == ("STOPPED", 0)
    restarted = provider.update(created.id, stopped.outs, edited)
    assert restarted.outs is not None and restarted.outs["connector_state"] == "RUNNING"

    # Drift: read reports a config edited behind Pulumi's back, and the key it changed.
    rest.put_config(url, name, {**rest.get_config(url, name), "batch.size": "7"})  # type: ignore[dict-item]
    rest.wait_for_state(url, name, "running")
    read = provider.read(created.id, restarted.outs)
    assert read.outs is not None and read.outs["config"]["batch.size"] == "7"
    assert read.outs["secret_config"] == edited["secret_config"]
    assert provider.diff(created.id, read.outs, edited).replaces == []
    assert "config.batch.size" in _changed(read.outs, edited)

    provider.delete(created.id, restarted.outs)
    assert name not in rest.list_connectors(url)
    assert rest.get_config(url, name) is None
    assert provider.read(created.id, restarted.outs).id is None


def _changed(olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
    from bulkheads.connect.diff import changed_keys

    return changed_keys(olds, news)


def test_create_in_paused_state_never_runs_a_task(platform: Platform, tmp_path: Path) -> None:
    worker = start_pool(platform, "backfill")
    path = tmp_path / "replay.txt"
    append_lines(path, ["r1"])
    inputs = {**source_inputs(platform, worker, "replay", path), "state": "paused"}
    created = ConnectorProvider().create(inputs)
    assert created.outs is not None and created.outs["connector_state"] == "PAUSED"
    assert topic_values(platform, inputs["config"]["topic"], 0, timeout=4) == []
    ConnectorProvider().delete(created.id, created.outs)


def test_killing_one_pools_worker_leaves_other_pools_running_and_unrestarted(
    platform: Platform, tmp_path: Path
) -> None:
    live = start_pool(platform, "live-b")
    derived = start_pool(platform, "derived-b")
    provider = ConnectorProvider()
    live_path, derived_path = tmp_path / "live.txt", tmp_path / "derived.txt"
    live_in = source_inputs(platform, live, "orders", live_path)
    derived_in = source_inputs(platform, derived, "search", derived_path)
    live_out = provider.create(live_in).outs
    derived_out = provider.create(derived_in).outs
    assert live_out is not None and derived_out is not None

    # Each connector lives in its own pool's group only.
    assert rest.list_connectors(live["rest_url"]) == [live_in["name"]]
    assert rest.list_connectors(derived["rest_url"]) == [derived_in["name"]]

    append_lines(live_path, ["o1"])
    assert topic_values(platform, live_in["config"]["topic"], 1) == ["o1"]
    starts_before = task_starts(platform, "live-b", live_in["name"])
    status_before = rest.get_status(live["rest_url"], live_in["name"])
    assert starts_before == 1

    os.kill(derived["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while LocalWorkerProvider().read("derived-b", derived).id is not None:
        assert time.monotonic() < deadline, "the killed worker still reads as present"
        time.sleep(0.2)

    append_lines(live_path, ["o2"])
    assert topic_values(platform, live_in["config"]["topic"], 2) == ["o1", "o2"]
    time.sleep(3)  # a rebalance triggered by the kill would show within this
    assert rest.get_status(live["rest_url"], live_in["name"]) == status_before
    assert task_starts(platform, "live-b", live_in["name"]) == starts_before

    LocalWorkerProvider().delete("live-b", live)
    assert LocalWorkerProvider().read("live-b", live).id is None
