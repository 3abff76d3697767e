"""A cutover's mirror and gates on two real local Kafka clusters (no Pulumi engine).

Two KRaft clusters (``classic``, ``target``) get the data planes the cutover plan
(``tests/spec/fixtures/valid/cutover_local.yaml``) gives them at phase ``mirror``, applied
with the admin client. The mirror pool's worker runs the plan's MirrorSource and
MirrorCheckpoint connectors logged in as the mirror principal; records are produced on
``classic`` throughout and the sink's group commits there. Then:

- ``bulkheads cutover check`` says ``consumers`` is safe once the mirror caught up and the
  group's offsets were translated onto ``target``;
- the moved sink's group, started on ``target`` as its pipeline principal, starts at its
  translated offsets, which skip nothing it had not committed on ``classic``; the records
  it reads twice are counted, printed and bounded by one offset sync plus one checkpoint
  interval;
- with the mirror stopped, ``cutover check`` exits 1 naming the reason, and the rule
  ``bulkheads up`` applies refuses to advance.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from confluent_kafka import Consumer, Producer, TopicPartition

from bulkheads.connect import rest
from bulkheads.connect.config import (
    connector_config,
    principal_overrides,
    scram_jaas_config,
    worker_isolation_config,
)
from bulkheads.cutover.advance import refusals
from bulkheads.cutover.gates import gate
from bulkheads.cutover.live import observe
from bulkheads.isolation.apply import apply_data_plane
from bulkheads.local.connection import KafkaConnection
from bulkheads.local.platform import LocalPlatform
from bulkheads.ops.endpoints import Endpoints
from bulkheads.plan.cutover import CutoverPlan
from bulkheads.plan.platform import ConnectorPlan, PlatformPlan, plan_platform
from bulkheads.spec.loader import platform_from_mapping
from bulkheads.spec.model import PlatformSpec
from components.connect_provider import ConnectorProvider
from components.local_worker import LocalWorkerProvider

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests/spec/fixtures/valid/cutover_local.yaml"
CUTOVER = "orders-to-target"
TOPIC = "raw.orders.events"
GROUP = "connect-orders-archive"
RATE = 200  # records/s, produced on classic throughout
OFFSET_LAG_MAX = 100  # MirrorMaker's default: an offset sync at least every 100 records
CHECKPOINT_SECONDS = 5  # the cutover's checkpoint_interval


@dataclass
class Clusters:
    spec: PlatformSpec
    stack_file: Path
    plan: PlatformPlan
    cutover: CutoverPlan
    connections: dict[str, KafkaConnection]
    passwords: dict[str, str]
    mirror_url: str
    client_configs: dict[str, Path]
    worker_log: Path

    def client(self, cluster: str, username: str, **extra: Any) -> dict[str, Any]:
        return {
            **self.connections[cluster].client_config(),
            "sasl.username": username,
            "sasl.password": self.passwords[username],
            **extra,
        }

    def endpoints(self) -> Endpoints:
        return Endpoints(
            self.spec,
            connect_urls={self.cutover.mirror_pool: self.mirror_url},
            client_configs=self.client_configs,
        )


def _stack(ports: dict[str, int]) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    platform = data["config"]["bulkheads:platform"]
    for cluster, port in ports.items():
        platform["clusters"][cluster]["deploy"]["bootstrap"] = f"127.0.0.1:{port}"
    return data


@pytest.fixture(scope="module")
def clusters(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[Clusters]:
    state = tmp_path_factory.mktemp("cutover-local")
    platform = LocalPlatform(state_dir=state)
    ports = {"classic": free_port(), "target": free_port()}
    connections = {
        name: platform.start_kafka(port, free_port(), cluster=name, timeout=180)
        for name, port in ports.items()
    }
    worker: dict[str, Any] | None = None
    try:
        data = _stack(ports)
        stack_file = state / "Pulumi.cutover.yaml"
        stack_file.write_text(yaml.safe_dump(data), encoding="utf-8")
        spec = platform_from_mapping(data["config"]["bulkheads:platform"], source="cutover")
        plan = plan_platform(spec, state)
        usernames = {p.username for c in plan.clusters.values() for p in c.principals}
        passwords = {user: secrets.token_urlsafe(24) for user in usernames}
        for name, connection in connections.items():
            wanted = {p.username for p in plan.clusters[name].principals}
            mine = {u: pw for u, pw in passwords.items() if u in wanted}
            apply_data_plane(platform, connection, plan.clusters[name], mine, quotas=False)
        worker, url = _start_mirror(platform, connections, plan, passwords, free_port)
        configs = {}
        for name, connection in connections.items():
            path = state / f"{name}-admin.properties"
            path.write_text("".join(f"{k}={v}\n" for k, v in connection.client_config().items()))
            configs[name] = path
        (cutover,) = plan.cutovers
        log = platform.worker_dir(cutover.mirror_pool) / "out.log"
        yield Clusters(spec, stack_file, plan, cutover, connections, passwords, url, configs, log)
    finally:
        if worker is not None:
            LocalWorkerProvider().delete("", worker)
        for name in connections:
            platform.stop_kafka(name)


def _start_mirror(
    platform: LocalPlatform,
    connections: dict[str, KafkaConnection],
    plan: PlatformPlan,
    passwords: dict[str, str],
    free_port: Callable[[], int],
) -> tuple[dict[str, Any], str]:
    """The mirror pool's worker and the cutover's two MirrorMaker 2 connectors."""
    pool = next(p for p in plan.pools if p.worker.pool == "target-mirror").worker
    created = LocalWorkerProvider().create(
        {
            "pool": pool.pool,
            "worker_config": worker_isolation_config(
                pool.group_id, pool.config_topic, pool.offset_topic, pool.status_topic, 1
            ),
            "bootstrap_servers": connections["target"].bootstrap,
            "username": pool.principal,
            "password": passwords[pool.principal],
            "rest_port": free_port(),
            "state_dir": str(platform.state_dir),
        }
    )
    worker: dict[str, Any] = dict(created.outs or {})
    for connector in plan.connectors:
        if connector.pool == pool.pool:
            _create(worker["rest_url"], connector, connections, passwords)
    return worker, str(worker["rest_url"])


def _create(
    url: str,
    connector: ConnectorPlan,
    connections: dict[str, KafkaConnection],
    passwords: dict[str, str],
    extra: dict[str, str] | None = None,
) -> None:
    """What the Connector component creates: plain config plus the secret logins."""
    password = passwords[connector.username]
    logins: dict[str, str] = {}
    for prefix, cluster in connector.cluster_logins.items():
        logins |= {
            f"{prefix}.bootstrap.servers": connections[cluster].bootstrap,
            f"{prefix}.security.protocol": "SASL_PLAINTEXT",
            f"{prefix}.sasl.mechanism": "SCRAM-SHA-512",
        }
    secret = {
        **principal_overrides(connector.username, password),
        **{
            f"{prefix}.sasl.jaas.config": scram_jaas_config(connector.username, password)
            for prefix in connector.cluster_logins
        },
    }
    config = {**connector.config, **logins, **(extra or {})}
    ConnectorProvider().create(
        {
            "name": connector.connector,
            "rest_url": url,
            "config": connector_config(connector.connector_class, connector.tasks_max, config),
            "secret_config": secret,
            "state": connector.state,
            "scheduled": False,
        }
    )


class Source(threading.Thread):
    """The source pipeline: RATE records/s on classic, values ``<seq>``; remembers where
    each landed."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(daemon=True)
        self.producer = Producer({**config, "linger.ms": 5})
        self.landed: dict[int, dict[int, int]] = {}  # partition -> offset -> seq
        self.running = True

    def _delivered(self, error: Any, message: Any) -> None:
        if error is None:
            seq = int(message.value())
            self.landed.setdefault(message.partition(), {})[message.offset()] = seq

    def run(self) -> None:
        seq = 0
        while self.running:
            self.producer.produce(TOPIC, str(seq).encode(), on_delivery=self._delivered)
            self.producer.poll(0)
            seq += 1
            time.sleep(1 / RATE)
        self.producer.flush(30)


def _commit_some(clusters: Clusters, records: int) -> dict[int, int]:
    """The old sink's group reads ``records`` records on classic and commits."""
    consumer = Consumer(
        clusters.client(
            "classic", "pipeline.orders-archive",
            **{"group.id": GROUP, "auto.offset.reset": "earliest", "enable.auto.commit": False},
        )
    )  # fmt: skip
    consumer.subscribe([TOPIC])
    seen = 0
    deadline = time.monotonic() + 60
    while seen < records and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and message.error() is None:
            seen += 1
    consumer.commit(asynchronous=False)
    committed = {tp.partition: tp.offset for tp in consumer.committed(
        [TopicPartition(TOPIC, p) for p in range(3)], timeout=10
    )}  # fmt: skip
    consumer.close()
    assert seen >= records, f"the old sink read only {seen} records"
    return committed


def _check(clusters: Clusters, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "bulkheads.cli", "cutover", "check", CUTOVER,
        "--stack", str(clusters.stack_file), "--json",
        "--connect-url", f"{clusters.cutover.mirror_pool}={clusters.mirror_url}",
        *[f"--client-config={c}={p}" for c, p in clusters.client_configs.items()], *extra,
    ]  # fmt: skip
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def _wait_for_gate(clusters: Clusters, timeout: float = 150) -> None:
    deadline = time.monotonic() + timeout
    verdict = None
    while time.monotonic() < deadline:
        verdict = gate(CUTOVER, "consumers", observe(clusters.cutover, clusters.endpoints()), 400)
        if verdict.ok:
            return
        time.sleep(2)
    log = clusters.worker_log.read_text(errors="replace").splitlines()
    noted = [line for line in log if " WARN " in line or " ERROR " in line or "Checkpoint" in line]
    print("\n".join(noted[-40:]))
    raise AssertionError(f"the consumers gate never passed: {verdict and verdict.reasons}")


def test_the_sink_moves_at_its_translated_offset_and_a_stopped_mirror_fails_the_gate(
    clusters: Clusters,
) -> None:
    source = Source(clusters.client("classic", "pipeline.orders-events"))
    source.start()
    try:
        committed = _commit_some(clusters, 600)
        _wait_for_gate(clusters)
        checked = _check(clusters, "--max-lag", "400")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        document = json.loads(checked.stdout)
        assert (document["phase"], document["ok"]) == ("consumers", True)
        translated = {g.partition: g.translated for g in _groups(clusters)}
        print(f"\ncommitted on classic {committed}; translated on target {translated}")
        started = _move_sink(clusters)
        duplicates = {}
        for partition, offset in committed.items():
            at = translated[partition]
            assert at is not None and at <= offset, (partition, offset, at)  # nothing skipped
            assert started.get(partition) == at, (partition, at, started)  # starts right there
            duplicates[partition] = offset - at
        bound = OFFSET_LAG_MAX + RATE * CHECKPOINT_SECONDS
        print(f"sink on target started at {started}; duplicates {duplicates} (bound {bound})")
        assert all(count <= bound for count in duplicates.values()), duplicates

        rest.request_state(clusters.mirror_url, clusters.cutover.mirror, "stopped")
        rest.wait_for_state(clusters.mirror_url, clusters.cutover.mirror, "stopped")
        failed = _check(clusters)
        assert failed.returncode == 1, failed.stdout + failed.stderr
        reasons = json.loads(failed.stdout)["reasons"]
        assert "mirror source connector: is STOPPED, not RUNNING" in reasons, reasons
        spec = clusters.spec
        declared = spec.cutovers[CUTOVER].model_copy(update={"phase": "consumers"})
        advancing = spec.model_copy(update={"cutovers": {CUTOVER: declared}})
        refused = refusals(
            advancing, {CUTOVER: "mirror"}, lambda p: observe(p, clusters.endpoints()), 400
        )
        assert any("is STOPPED, not RUNNING" in reason for reason in refused), refused
    finally:
        source.running = False
        source.join(30)


def _groups(clusters: Clusters) -> list[Any]:
    return list(observe(clusters.cutover, clusters.endpoints()).groups)


def _move_sink(clusters: Clusters) -> dict[int, int]:
    """The moved sink's first read per partition on ``target``: a consumer of its group
    logged in as its principal there, as Connect's sink task would."""
    consumer = Consumer(
        clusters.client(
            "target", "pipeline.orders-archive",
            **{"group.id": GROUP, "auto.offset.reset": "earliest", "enable.auto.commit": False},
        )
    )  # fmt: skip
    consumer.subscribe([TOPIC])
    first: dict[int, int] = {}
    deadline = time.monotonic() + 60
    while len(first) < 3 and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and message.error() is None:
            first.setdefault(int(message.partition() or 0), int(message.offset() or 0))
    consumer.close()
    return first
