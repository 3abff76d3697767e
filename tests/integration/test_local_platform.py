"""The local platform for real: a SCRAM/ACL Kafka and a Connect worker on 127.0.0.1.

Kafka starts once per session (``local_platform`` in conftest.py). Principals and ACLs are
created with the admin client, as Pulumi does before a worker starts.
"""

from __future__ import annotations

import json
import stat
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from bulkheads.connect import plugin_configs, secret_files
from bulkheads.local import KafkaConnection, LocalPlatform, LocalPlatformError, WorkerSpec
from bulkheads.local.connection import jaas_config
from bulkheads.local.quotas import set_client_quotas
from bulkheads.local.scram import LoginRejected, scram_login
from bulkheads.ops.throttle import read_throttles
from bulkheads.spec.password_keys import probed_table

pytestmark = pytest.mark.integration

confluent_kafka = pytest.importorskip("confluent_kafka")
from confluent_kafka import Consumer, KafkaError, Producer  # noqa: E402
from confluent_kafka.admin import (  # noqa: E402
    AclBinding,
    AclOperation,
    AclPermissionType,
    NewTopic,
    ResourcePatternType,
    ResourceType,
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialUpsertion,
)

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter"


def create_user(admin: Any, username: str, password: str) -> None:
    credential = ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096)
    upsertion = UserScramCredentialUpsertion(username, credential, password.encode())
    for future in admin.alter_user_scram_credentials([upsertion]).values():
        future.result(timeout=30)


def allow(
    admin: Any, username: str, resource: ResourceType, name: str, operations: list[AclOperation]
) -> None:
    bindings = [
        AclBinding(
            resource,
            name,
            ResourcePatternType.LITERAL,
            f"User:{username}",
            "*",
            operation,
            AclPermissionType.ALLOW,
        )
        for operation in operations
    ]
    for future in admin.create_acls(bindings).values():
        future.result(timeout=30)


def create_topics(admin: Any, names: list[str], config: dict[str, str] | None = None) -> None:
    new_topics = [NewTopic(name, 1, 1, config=config or {}) for name in names]
    for future in admin.create_topics(new_topics).values():
        future.result(timeout=30)


def client_config(connection: KafkaConnection, username: str, password: str) -> dict[str, Any]:
    return {**connection.client_config(), "sasl.username": username, "sasl.password": password}


def produce_one(config: dict[str, Any], topic: str, value: bytes) -> KafkaError | None:
    """Produce one record; return its delivery error (None when delivered)."""
    reports: list[KafkaError | None] = []
    producer = Producer({**config, "message.timeout.ms": 15000})
    producer.produce(topic, value, on_delivery=lambda error, _message: reports.append(error))
    producer.flush(30)
    assert reports, "no delivery report within 30s"
    return reports[0]


def client_errors(config: dict[str, Any], timeout: float = 10.0) -> list[KafkaError]:
    """The errors librdkafka reports (``error_cb``) while a client tries to connect."""
    errors: list[KafkaError] = []
    producer = Producer({**config, "error_cb": errors.append, "log_level": 0})
    deadline = time.monotonic() + timeout
    while not errors and time.monotonic() < deadline:
        producer.poll(0.5)
    return errors


def eventually(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what} not within {timeout:.0f}s"
        time.sleep(0.5)


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def put_json(url: str, body: dict[str, str]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="PUT",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


# -- Kafka ------------------------------------------------------------------------------


def test_admin_logs_in_with_scram(kafka_connection: KafkaConnection, kafka_admin: Any) -> None:
    scram_login("127.0.0.1", kafka_connection.port, "admin", kafka_connection.password)
    metadata = kafka_admin.list_topics(timeout=15)
    assert list(metadata.brokers) == [1]


def test_admin_credential_file_is_private(local_platform: LocalPlatform) -> None:
    path = local_platform.kafka_dir() / "connection.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["password"] == local_platform.connection().password


def test_wrong_password_is_rejected(kafka_connection: KafkaConnection) -> None:
    with pytest.raises(LoginRejected, match="invalid credentials"):
        scram_login("127.0.0.1", kafka_connection.port, "admin", "not-the-password")
    errors = client_errors(client_config(kafka_connection, "admin", "not-the-password"))
    assert any(error.code() == KafkaError._AUTHENTICATION for error in errors), errors


def test_unauthenticated_client_is_rejected(kafka_connection: KafkaConnection) -> None:
    errors = client_errors(
        {"bootstrap.servers": kafka_connection.bootstrap, "security.protocol": "PLAINTEXT"}
    )
    assert errors, "a PLAINTEXT client got no error from the SASL listener"
    assert {error.code() for error in errors} <= {
        KafkaError._TRANSPORT,
        KafkaError._ALL_BROKERS_DOWN,
    }


def test_acls_bind_a_non_admin_principal(
    kafka_connection: KafkaConnection, kafka_admin: Any
) -> None:
    create_topics(kafka_admin, ["raw.acl.probe"])
    create_user(kafka_admin, "acl-probe", "acl-probe-secret")
    config = client_config(kafka_connection, "acl-probe", "acl-probe-secret")

    denied = produce_one(config, "raw.acl.probe", b"before")
    assert denied is not None and denied.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED

    allow(kafka_admin, "acl-probe", ResourceType.TOPIC, "raw.acl.probe", [AclOperation.WRITE])
    assert produce_one(config, "raw.acl.probe", b"after") is None


def test_restarting_on_other_ports_names_the_fix(local_platform: LocalPlatform) -> None:
    with pytest.raises(LocalPlatformError, match=r"connection\.json: cluster 'main' was created"):
        local_platform.start_kafka(port=1, controller_port=2)


# -- Connect ----------------------------------------------------------------------------


def provision_pool(
    pool: str, kafka_connection: KafkaConnection, kafka_admin: Any, port: int
) -> WorkerSpec:
    """Pool ``pool``: its principal, ACLs and internal topics, as Pulumi creates them first."""
    internal = [f"connect.{pool}.configs", f"connect.{pool}.offsets", f"connect.{pool}.status"]
    create_topics(kafka_admin, internal, {"cleanup.policy": "compact"})
    # The worker's least privilege (see bulkheads/local/README.md): nothing on data topics.
    user = f"connect-{pool}"
    create_user(kafka_admin, user, f"{user}-secret")
    allow(kafka_admin, user, ResourceType.GROUP, user, [AclOperation.READ])
    for topic in internal:
        operations = [AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS]
        allow(kafka_admin, user, ResourceType.TOPIC, topic, operations)
    return WorkerSpec(
        pool=pool, rest_port=port, group_id=user,
        config_topic=internal[0], offset_topic=internal[1], status_topic=internal[2],
        username=user, password=f"{user}-secret", bootstrap=kafka_connection.bootstrap,
    )  # fmt: skip


@pytest.fixture
def worker_spec(
    local_platform: LocalPlatform,
    kafka_connection: KafkaConnection,
    kafka_admin: Any,
    free_port: Callable[[], int],
) -> Iterator[WorkerSpec]:
    """Pool ``it``; the worker is stopped at teardown even when the test fails."""
    yield provision_pool("it", kafka_connection, kafka_admin, free_port())
    local_platform.stop_worker("it")


@pytest.fixture
def secret_worker_spec(
    local_platform: LocalPlatform,
    kafka_connection: KafkaConnection,
    kafka_admin: Any,
    free_port: Callable[[], int],
) -> Iterator[WorkerSpec]:
    """Pool ``it-secret``, stopped at teardown."""
    yield provision_pool("it-secret", kafka_connection, kafka_admin, free_port())
    local_platform.stop_worker("it-secret")


def test_worker_runs_as_its_own_principal_and_connectors_as_theirs(
    local_platform: LocalPlatform,
    kafka_connection: KafkaConnection,
    kafka_admin: Any,
    worker_spec: WorkerSpec,
    tmp_path: Path,
) -> None:
    create_topics(kafka_admin, ["raw.it.lines"])
    create_user(kafka_admin, "file-lines", "file-lines-secret")
    writer = [AclOperation.WRITE, AclOperation.DESCRIBE]
    allow(kafka_admin, "file-lines", ResourceType.TOPIC, "raw.it.lines", writer)

    url = local_platform.start_worker(worker_spec)
    pid = local_platform.worker_pid("it")
    assert pid is not None
    assert get_json(f"{url}/health")["status"] == "healthy"
    assert local_platform.start_worker(worker_spec) == url
    assert local_platform.worker_pid("it") == pid, "an unchanged worker was restarted"

    lines = tmp_path / "lines.txt"
    lines.write_text("one\ntwo\nthree\n")
    base = {
        "connector.class": FILE_SOURCE, "tasks.max": "1", "file": str(lines),
        "topic": "raw.it.lines", "key.converter": STRING_CONVERTER,
        "value.converter": STRING_CONVERTER,
    }  # fmt: skip
    put_json(
        f"{url}/connectors/file-lines/config",
        {
            **base,
            "producer.override.sasl.jaas.config": jaas_config("file-lines", "file-lines-secret"),
        },
    )
    put_json(f"{url}/connectors/file-as-worker/config", base)

    def task_state(connector: str) -> str | None:
        try:  # 404 until the worker has written the connector's first status
            tasks = get_json(f"{url}/connectors/{connector}/status")["tasks"]
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise
        return tasks[0]["state"] if tasks else None

    eventually(lambda: task_state("file-lines") == "RUNNING", 60, "file-lines task RUNNING")
    # Without its own principal the connector writes as the worker, which may not.
    eventually(lambda: task_state("file-as-worker") == "FAILED", 90, "file-as-worker FAILED")
    trace = get_json(f"{url}/connectors/file-as-worker/status")["tasks"][0]["trace"]
    assert "TopicAuthorizationException" in trace

    consumer = Consumer(
        {
            **kafka_connection.client_config(),
            "group.id": "it-verify",
            "auto.offset.reset": "earliest",
        }
    )
    consumer.subscribe(["raw.it.lines"])
    received: list[str] = []

    def read_lines() -> bool:
        message = consumer.poll(1.0)
        if message is not None and message.error() is None:
            received.append(message.value().decode())
        return len(received) >= 3

    try:
        eventually(read_lines, 60, "three lines on raw.it.lines")
    finally:
        consumer.close()
    assert received == ["one", "two", "three"]

    assert local_platform.stop_worker("it") == pid
    assert not Path(f"/proc/{pid}").exists()


def test_a_connector_logs_in_through_a_secret_file_that_connect_never_shows(
    local_platform: LocalPlatform,
    kafka_connection: KafkaConnection,
    kafka_admin: Any,
    secret_worker_spec: WorkerSpec,
    tmp_path: Path,
) -> None:
    """The worker's DirectoryConfigProvider resolves ``${dir:...}`` in a connector's
    config: its login comes from a private file, and the REST API shows the reference."""
    create_topics(kafka_admin, ["raw.it.secret"])
    create_user(kafka_admin, "file-secret", "file-secret-password")
    writer = [AclOperation.WRITE, AclOperation.DESCRIBE]
    allow(kafka_admin, "file-secret", ResourceType.TOPIC, "raw.it.secret", writer)
    url = local_platform.start_worker(secret_worker_spec)
    lines = tmp_path / "lines.txt"
    lines.write_text("one\n")
    key = "producer.override.sasl.jaas.config"
    secrets = str(local_platform.secrets_dir("it-secret"))
    secret_files.write(
        secrets, "file-secret", {key: jaas_config("file-secret", "file-secret-password")}
    )
    put_json(
        f"{url}/connectors/file-secret/config",
        {
            "connector.class": FILE_SOURCE, "tasks.max": "1", "file": str(lines),
            "topic": "raw.it.secret", "key.converter": STRING_CONVERTER,
            "value.converter": STRING_CONVERTER,
            key: secret_files.reference(secrets, "file-secret", key),
        },
    )  # fmt: skip

    def task_state() -> str | None:
        try:
            tasks = get_json(f"{url}/connectors/file-secret/status")["tasks"]
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise
        return tasks[0]["state"] if tasks else None

    eventually(lambda: task_state() == "RUNNING", 60, "file-secret task RUNNING")
    shown = json.dumps(
        [
            get_json(f"{url}/connectors/file-secret/config"),
            get_json(f"{url}/connectors/file-secret/tasks"),
        ]
    )
    assert "file-secret-password" not in shown
    assert "${dir:" in shown

    assert plugin_configs.probe(url, probed_table()) == {
        name: sorted(keys) for name, keys in probed_table().items()
    }, "bulkheads/spec/password_keys.json is stale: python -m bulkheads.connect.plugin_configs"


def test_the_brokers_metrics_show_who_is_throttled_by_its_quota(
    local_platform: LocalPlatform, kafka_connection: KafkaConnection, kafka_admin: Any
) -> None:
    """A producer over its user's 64 KiB/s quota is throttled, another user's is not: the
    broker's /metrics (what ``bulkheads status`` reads) says so per user."""
    create_topics(kafka_admin, ["raw.throttle.probe"])
    for user in ("throttled-probe", "free-probe"):
        create_user(kafka_admin, user, f"{user}-secret")
        allow(kafka_admin, user, ResourceType.TOPIC, "raw.throttle.probe", [AclOperation.WRITE])
    set_client_quotas(
        local_platform.ensure_jars(), kafka_connection,
        {("user", "throttled-probe"): {"producer_byte_rate": 65536},
         ("user", "free-probe"): {"producer_byte_rate": 1 << 30}},
        local_platform.kafka_dir(),
    )  # fmt: skip
    for user in ("throttled-probe", "free-probe"):
        producer = Producer({**client_config(kafka_connection, user, f"{user}-secret"),
                             "linger.ms": 5, "batch.size": 65536})  # fmt: skip
        for _ in range(1024):  # 1 MiB: over what 64 KiB/s admits in its 10 s window
            producer.produce("raw.throttle.probe", b"x" * 1024)
            producer.poll(0)
        assert producer.flush(60) == 0
    throttles = read_throttles([local_platform.metrics_url()])
    assert throttles["throttled-probe"]["produce"] > 0, throttles
    assert throttles.get("free-probe", {}).get("produce", 0.0) == 0.0, throttles


# -- lifecycle (last: it restarts the session's Kafka) ----------------------------------


def test_down_stops_what_it_started_and_kafka_restarts_on_its_data(
    local_platform: LocalPlatform, kafka_connection: KafkaConnection
) -> None:
    running = [entry for entry in local_platform.status() if entry.alive]
    assert [entry.kind for entry in running] == ["kafka"]
    metrics = _serves_metrics_on_loopback_only(local_platform, running[0].pid)
    stopped = local_platform.down()
    assert [entry.pid for entry in stopped] == [entry.pid for entry in running]
    assert all(not Path(f"/proc/{entry.pid}").exists() for entry in stopped)
    assert not any(entry.alive for entry in local_platform.status())
    with pytest.raises(urllib.error.URLError):  # the metrics port went with the broker
        urllib.request.urlopen(metrics, timeout=5)

    restarted = local_platform.start_kafka(kafka_connection.port, kafka_connection.controller_port)
    assert restarted == kafka_connection
    scram_login("127.0.0.1", restarted.port, "admin", restarted.password)
    _serves_metrics_on_loopback_only(local_platform, local_platform.status()[0].pid)


def _serves_metrics_on_loopback_only(platform: LocalPlatform, pid: int | None) -> str:
    """The broker's recorded metrics port: its own listener on 127.0.0.1, serving the
    exporter's rules (throttle time included once a principal is throttled)."""
    url = platform.metrics_url()
    port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
    listeners = [c for c in psutil.Process(pid).net_connections() if c.status == "LISTEN"]
    assert [c.laddr.ip.removeprefix("::ffff:") for c in listeners if c.laddr.port == port] == [
        "127.0.0.1"
    ]
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read().decode()
    assert 'jmx_exporter_build_info{name="jmx_prometheus_javaagent"' in body
    assert "kafka_server_replicamanager_underreplicatedpartitions 0.0" in body
    return url
