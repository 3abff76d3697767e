"""The local platform's pure parts: configs it writes, the pom it reads, pid ownership."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bulkheads.local import KafkaConnection, LocalPlatformError, WorkerSpec, processes
from bulkheads.local.broker import new_cluster_id, server_properties
from bulkheads.local.jars import kafka_version
from bulkheads.local.properties import render_properties
from bulkheads.local.worker import worker_properties

CONNECTION = KafkaConnection("main", 19092, 19093, "admin", "s3cret")


def parse(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines())


def spec(**changes: object) -> WorkerSpec:
    fields: dict[str, object] = {
        "pool": "live-cdc", "rest_port": 18083, "group_id": "connect-live-cdc",
        "config_topic": "c.cfg", "offset_topic": "c.off", "status_topic": "c.sts",
        "username": "svc-live-cdc", "password": "pw", "bootstrap": "127.0.0.1:19092",
    }  # fmt: skip
    return WorkerSpec(**{**fields, **changes})  # type: ignore[arg-type]


def test_broker_denies_by_default_and_runs_controller_traffic_as_admin() -> None:
    config = parse(server_properties(CONNECTION, Path("/data")))
    assert config["authorizer.class.name"].endswith("StandardAuthorizer")
    assert config["super.users"] == "User:admin"
    assert "allow.everyone.if.no.acl.found" not in config
    assert config["listener.security.protocol.map"] == (
        "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT"
    )
    assert config["sasl.mechanism.controller.protocol"] == "PLAIN"
    assert config["listeners"] == "SASL_PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert config["auto.create.topics.enable"] == "false"


def test_worker_logs_in_as_its_own_principal_for_every_client() -> None:
    config = parse(worker_properties(spec(), Path("/plugins"), Path("/secrets")))
    for prefix in ("", "producer.", "consumer.", "admin."):
        assert config[f"{prefix}security.protocol"] == "SASL_PLAINTEXT"
        assert config[f"{prefix}sasl.mechanism"] == "SCRAM-SHA-512"
        assert 'username="svc-live-cdc" password="pw"' in config[f"{prefix}sasl.jaas.config"]
    assert "admin" not in config["sasl.jaas.config"]
    assert config["connector.client.config.override.policy"] == "Principal"
    assert config["config.storage.replication.factor"] == "1"
    assert config["listeners"] == "http://127.0.0.1:18083"


def test_worker_reads_connector_secrets_only_from_its_secrets_dir() -> None:
    config = parse(worker_properties(spec(), Path("/plugins"), Path("/state/w/secrets")))
    assert config["config.providers"] == "dir"
    assert config["config.providers.dir.class"] == (
        "org.apache.kafka.common.config.provider.DirectoryConfigProvider"
    )
    assert config["config.providers.dir.param.allowed.paths"] == "/state/w/secrets"


def test_worker_extra_properties_win_over_defaults() -> None:
    config = parse(
        worker_properties(
            spec(extra_properties={"offset.flush.interval.ms": "60000"}), Path("/p"), Path("/s")
        )
    )
    assert config["offset.flush.interval.ms"] == "60000"


def test_worker_spec_hides_its_password_and_rejects_unsafe_pool_names() -> None:
    assert "pw" not in repr(spec())
    with pytest.raises(LocalPlatformError, match=r"'\.\./x' is not usable as a directory name"):
        spec(pool="../x")


def test_properties_escape_backslashes_and_newlines() -> None:
    assert render_properties({"a": "x\\y\nz"}) == "a=x\\\\y\\nz\n"


def test_cluster_ids_are_22_url_safe_characters() -> None:
    ids = {new_cluster_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 22 and not i.startswith("-") and "=" not in i for i in ids)


def test_kafka_version_comes_from_the_pom(tmp_path: Path) -> None:
    assert kafka_version().startswith("4.")
    broken = tmp_path / "pom.xml"
    broken.write_text('<project xmlns="http://maven.apache.org/POM/4.0.0"><properties/></project>')
    with pytest.raises(LocalPlatformError, match=r"kafka\.version is missing"):
        kafka_version(broken)


def test_connection_file_is_private_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "connection.json"
    CONNECTION.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KafkaConnection.load(path) == CONNECTION
    assert CONNECTION.client_config()["sasl.mechanism"] == "SCRAM-SHA-512"
    assert CONNECTION.pulumi_provider_args()["tls_enabled"] is False


def test_a_pid_counts_only_while_it_carries_the_instance_tag(tmp_path: Path) -> None:
    ours, other = tmp_path / "ours", tmp_path / "other"
    ours.mkdir()
    other.mkdir()
    tagged = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", processes.instance_tag(ours)]
    )
    try:
        (ours / processes.PID_FILE).write_text(f"{tagged.pid}\n")
        (other / processes.PID_FILE).write_text(f"{tagged.pid}\n")
        # Right after Popen returns, /proc may still show the forking Python's command line.
        deadline = time.monotonic() + 10
        while processes.tracked_pid(ours) is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert processes.tracked_pid(ours) == tagged.pid
        assert processes.tracked_pid(other) is None
        assert processes.stop(other) is None
        assert tagged.poll() is None, "stop() signalled a process that is not ours"
        assert processes.stop(ours) == tagged.pid
        assert tagged.wait(timeout=10) is not None
        assert not (ours / processes.PID_FILE).exists()
    finally:
        tagged.kill()
        tagged.wait()


def test_log_excerpt_quotes_the_first_error_and_its_exception(tmp_path: Path) -> None:
    exception = "org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized"
    (tmp_path / processes.LOG_FILE).write_text(
        "[t1] INFO starting\n"
        "[t2] ERROR Uncaught exception in herder work thread, exiting:\n"
        f"{exception}\n"
        "\tat org.apache.kafka.Some.frame(Some.java:1)\n"
        "[t3] ERROR a later error\n"
        "[t4] INFO Kafka Connect stopped\n"
    )
    excerpt = processes.log_excerpt(tmp_path, lines=1).splitlines()
    assert excerpt == [
        "first error:",
        "[t2] ERROR Uncaught exception in herder work thread, exiting:",
        exception,
        "...",
        "[t4] INFO Kafka Connect stopped",
    ]
