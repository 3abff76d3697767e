"""A single combined KRaft node: its server.properties and the one-time storage format.

Client listener SASL_PLAINTEXT with SCRAM-SHA-512; the controller listener uses SASL/PLAIN
with the admin credential, so controller traffic runs as ``User:admin`` (a super user)
rather than ``User:ANONYMOUS``. ``StandardAuthorizer`` denies whatever no ACL allows.
"""

from __future__ import annotations

import base64
import subprocess
import uuid
from pathlib import Path

from bulkheads.local.connection import KafkaConnection, jaas_config
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.processes import java_executable
from bulkheads.local.properties import render_properties

LOG4J2_CONFIG = Path(__file__).with_name("log4j2.properties")
JVM_OPTIONS = [
    "-Xms256m",
    "-Xmx512m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-Djava.awt.headless=true",
    f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}",
]
NODE_ID = 1


def server_properties(connection: KafkaConnection, data_dir: Path) -> str:
    """The broker configuration of one local node (replication factors of 1)."""
    host, user, password = connection.host, connection.username, connection.password
    plain_jaas = (
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="{user}" password="{password}" user_{user}="{password}";'
    )
    settings = {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        "controller.quorum.bootstrap.servers": f"{host}:{connection.controller_port}",
        "listeners": (
            f"SASL_PLAINTEXT://{host}:{connection.port},CONTROLLER://{host}:{connection.controller_port}"
        ),
        "advertised.listeners": f"SASL_PLAINTEXT://{host}:{connection.port}",
        "listener.security.protocol.map": "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config": jaas_config(user, password),
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": plain_jaas,
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "super.users": f"User:{user}",
        "log.dirs": str(data_dir),
        "num.partitions": "1",
        "auto.create.topics.enable": "false",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "5",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "5",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
    }
    return render_properties(settings)


def new_cluster_id() -> str:
    """A Kafka cluster id: a random UUID in URL-safe base64, never starting with '-'."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def is_formatted(data_dir: Path) -> bool:
    return (data_dir / "meta.properties").is_file()


def format_storage(libs: Path, config: Path, connection: KafkaConnection) -> None:
    """Format the node's log dir once, bootstrapping the admin SCRAM credential."""
    scram = f"SCRAM-SHA-512=[name={connection.username},password={connection.password}]"
    command = [
        java_executable(), *JVM_OPTIONS, "-cp", f"{libs}/*", "kafka.tools.StorageTool",
        "format", "-c", str(config), "-t", new_cluster_id(), "--standalone", "--add-scram", scram,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().replace(connection.password, "***")
        raise LocalPlatformError(
            f"{config}: formatting the Kafka storage failed (exit {result.returncode}); "
            f"delete {config.parent} to start from scratch.\n{output}"
        )
