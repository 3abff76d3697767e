"""One Kafka Connect distributed worker per pool: its spec and its worker.properties.

The worker logs in as its pool's own principal (never the admin), at the top level and
again for its producer, consumer and admin clients. Connectors may replace the principal of
their clients (``connector.client.config.override.policy``, default ``Principal``).
connect-file and connect-mirror sit on the worker classpath; ``plugin.path`` is the cache's
``plugins/`` dir for anything else (e.g. Debezium).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bulkheads.connect.secret_files import provider_properties
from bulkheads.local.broker import LOG4J2_CONFIG
from bulkheads.local.connection import SASL_MECHANISM, SECURITY_PROTOCOL, jaas_config
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.properties import render_properties

JVM_OPTIONS = [
    "-Xms128m",
    "-Xmx384m",
    "-XX:+UseG1GC",
    "-Djava.awt.headless=true",
    f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}",
]
MAIN_CLASS = "org.apache.kafka.connect.cli.ConnectDistributed"
_POOL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class WorkerSpec:
    """A pool's worker: plain values, so a Pulumi dynamic provider can pass it through.

    ``override_policy`` defaults to ``Principal``; ``extra_properties`` are written last and
    win over the defaults (e.g. ``client.id``, ``offset.flush.interval.ms``).
    """

    pool: str
    rest_port: int
    group_id: str
    config_topic: str
    offset_topic: str
    status_topic: str
    username: str
    password: str = field(repr=False)
    bootstrap: str
    override_policy: str = "Principal"
    extra_properties: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _POOL_NAME.fullmatch(self.pool):
            raise LocalPlatformError(
                f"worker pool name {self.pool!r} is not usable as a directory name; "
                "use letters, digits, '.', '_' and '-'"
            )

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.rest_port}"


def worker_properties(spec: WorkerSpec, plugin_path: Path, secrets_dir: Path) -> str:
    """The worker configuration; replication factors of 1 and fast rebalances (local);
    connector secrets come from files in ``secrets_dir`` (``secret_files``)."""
    login = {
        "security.protocol": SECURITY_PROTOCOL,
        "sasl.mechanism": SASL_MECHANISM,
        "sasl.jaas.config": jaas_config(spec.username, spec.password),
    }
    settings = {
        "bootstrap.servers": spec.bootstrap,
        "group.id": spec.group_id,
        "config.storage.topic": spec.config_topic,
        "offset.storage.topic": spec.offset_topic,
        "status.storage.topic": spec.status_topic,
        "config.storage.replication.factor": "1",
        "offset.storage.replication.factor": "1",
        "status.storage.replication.factor": "1",
        "offset.storage.partitions": "1",
        "status.storage.partitions": "1",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "listeners": f"http://127.0.0.1:{spec.rest_port}",
        "rest.advertised.host.name": "127.0.0.1",
        "rest.advertised.port": str(spec.rest_port),
        "plugin.path": str(plugin_path),
        "plugin.discovery": "service_load",
        "connector.client.config.override.policy": spec.override_policy,
        "scheduled.rebalance.max.delay.ms": "1000",
        "offset.flush.interval.ms": "1000",
        **login,
        **{f"{client}.{key}": value for client in ("producer", "consumer", "admin")
           for key, value in login.items()},
        **provider_properties(secrets_dir),
        **spec.extra_properties,
    }  # fmt: skip
    return render_properties(settings)
