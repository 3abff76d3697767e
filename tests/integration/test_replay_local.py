"""A replay on a real local Kafka and Connect worker, driven by the scheduler's tick with an
injected clock, while a live producer keeps producing (no Pulumi engine: the plan of a small
stack is applied with the admin client, as in ``test_data_plane_acls``).

What it shows: the replay connector (created stopped, as ``pulumi up`` creates it) copies
nothing while the clock is outside its window, starts at its declared ``from`` timestamp,
stops when the window closes and goes on when it reopens, stays at its byte-rate quota,
stops itself when caught up, and writes exactly the input slice. It prints the measured
replay rate and the live producer's p99 send latency with and without the replay.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer

from bulkheads.connect import rest
from bulkheads.connect.config import (
    connector_config,
    principal_overrides,
    scram_jaas_config,
    worker_isolation_config,
)
from bulkheads.isolation.apply import apply_data_plane
from bulkheads.local.connection import KafkaConnection
from bulkheads.local.platform import LocalPlatform
from bulkheads.plan.platform import PlatformPlan, plan_platform
from bulkheads.plan.replay import ReplayPlan, replay_plans
from bulkheads.replay.kafka_positions import KafkaPositions
from bulkheads.replay.progress_store import ProgressStore, ReplayRecord
from bulkheads.replay.scheduler import tick
from bulkheads.spec.loader import platform_from_mapping
from bulkheads.spec.replay import iso
from components.connect_provider import ConnectorProvider
from components.local_worker import LocalWorkerProvider

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = "dataplane"
QUOTA = 256 * 1024  # bytes/s, producer and consumer, of the replay class
RECORDS, FIRST, PAYLOAD = 12_000, 4_000, 480  # input records; the first one replayed
PARTITIONS = 3
LIVE_RATE = 100  # live records/s
DEADLINE = 300.0
REGEX_ROUTER = "org.apache.kafka.connect.transforms.RegexRouter"
WINDOW_SAMPLE = 11.0  # seconds: the broker's quota window (11 x 1 s samples)
# Clock instants around the window 22:00-04:00 (UTC)
BEFORE = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
OPENS = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
CLOSED = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)
REOPENS = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)


def stack(from_: str) -> dict[str, Any]:
    local = {"replication_factor": 1, "min_insync_replicas": 1}
    return {
        "environment": "local",
        "owners": {"orders": {"contact": "#orders", "oncall": "pagerduty:orders"}},
        "classes": {
            "live": local,
            "derived": local,
            "replay": {
                **local,
                "window": "22:00-04:00",
                "quota": {"producer_byte_rate": QUOTA, "consumer_byte_rate": QUOTA},
            },
        },
        "network": {"kind": "local"},
        "clusters": {
            "local": {
                "engine": "kafka",
                "tenancy": "shared",
                "owner": "orders",
                "serves": ["live", "derived", "replay"],
                "deploy": {"kind": "local", "bootstrap": "127.0.0.1:19092"},
            },
        },
        "pools": {
            "live-ingest": {
                "cluster": "local",
                "class": "live",
                "owner": "orders",
                "runtime": {"kind": "local", "rest_port": 18083},
            },
            "replay": {
                "cluster": "local",
                "class": "replay",
                "owner": "orders",
                "runtime": {"kind": "local", "rest_port": 18085},
            },
        },
        "pipelines": {
            "orders-history": _source("raw.orders.history"),
            "orders-live": _source("raw.orders.live"),
            "orders-rebuild": {
                "kind": "replay",
                "owner": "orders",
                "pool": "replay",
                "from": from_,
                "connector": {
                    "class": "org.apache.kafka.connect.mirror.MirrorSourceConnector",
                    "config": {
                        "transforms": "rebuild",
                        "transforms.rebuild.type": REGEX_ROUTER,
                        "transforms.rebuild.regex": r"raw\.orders\.history",
                        "transforms.rebuild.replacement": "derived.orders.rebuilt",
                        # small fetches: the quota is met fetch by fetch, not in one burst
                        "consumer.max.partition.fetch.bytes": 32768,
                        "consumer.fetch.max.bytes": 65536,
                    },
                },
                "reads": ["raw.orders.history"],
                "writes": [{"topic": "derived.orders.rebuilt", "partitions": PARTITIONS}],
            },
        },
    }


def _source(topic: str) -> dict[str, Any]:
    return {
        "kind": "source",
        "owner": "orders",
        "pool": "live-ingest",
        "connector": {"class": "org.apache.kafka.connect.file.FileStreamSourceConnector"},
        "writes": [{"topic": topic, "partitions": PARTITIONS}],
    }


@dataclass
class Replay:
    connection: KafkaConnection
    passwords: dict[str, str]
    plan: ReplayPlan
    from_ms: int
    store: ProgressStore
    records: dict[str, ReplayRecord] = field(default_factory=dict)

    def client(self, username: str) -> dict[str, Any]:
        return {
            **self.connection.client_config(),
            "sasl.username": username,
            "sasl.password": self.passwords[username],
        }

    def tick(self, now: datetime) -> str:
        positions = KafkaPositions(self.connection.client_config())
        (outcome,) = tick((self.plan,), self.records, now, lambda _cluster: positions)
        self.store.save(self.records)
        self.records = self.store.load()  # what the next process would read
        return outcome.phase

    def state(self) -> str:
        assert self.plan.rest_url is not None
        status = rest.get_status(self.plan.rest_url, self.plan.connector)
        assert status is not None
        return rest.observed_state(status)


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory, free_port: Any) -> Iterator[Replay]:
    state = tmp_path_factory.mktemp("replay-local")
    platform = LocalPlatform(state_dir=state)
    connection = platform.start_kafka(free_port(), free_port(), cluster=CLUSTER, timeout=180)
    worker: dict[str, Any] | None = None
    try:
        base_ms = int(time.time() * 1000) - 3_600_000
        from_ms = base_ms + FIRST * 100
        from_ = iso(datetime.fromtimestamp(from_ms / 1000, UTC))
        spec = platform_from_mapping(stack(from_), source="test_replay_local")
        plan = plan_platform(spec, ROOT)
        passwords = {
            p.username: secrets.token_urlsafe(24) for p in plan.clusters["local"].principals
        }
        apply_data_plane(platform, connection, plan.clusters["local"], passwords)
        _produce_history(connection, base_ms)
        worker, replay_plan = _start_replay_pool(
            platform, connection, plan, passwords, spec, free_port
        )
        yield Replay(connection, passwords, replay_plan, from_ms, ProgressStore("local", state))
    finally:
        if worker is not None:
            LocalWorkerProvider().delete("", worker)
        platform.stop_kafka(CLUSTER)


def _produce_history(connection: KafkaConnection, base_ms: int) -> None:
    """RECORDS records, one every 100 ms of event time an hour ago, round robin."""
    producer = Producer({**connection.client_config(), "linger.ms": 20})
    for i in range(RECORDS):
        value = f"{i:06d}".encode() + b"x" * (PAYLOAD - 6)
        producer.produce("raw.orders.history", value, key=f"k{i}".encode(),
                         partition=i % PARTITIONS, timestamp=base_ms + i * 100)  # fmt: skip
        if i % 1000 == 0:
            producer.poll(0)
    assert producer.flush(60) == 0


def _start_replay_pool(
    platform: LocalPlatform,
    connection: KafkaConnection,
    plan: PlatformPlan,
    passwords: dict[str, str],
    spec: Any,
    free_port: Any,
) -> tuple[dict[str, Any], ReplayPlan]:
    """The replay pool's worker and its connector, created stopped (what `pulumi up` does)."""

    pool = next(p for p in plan.pools if p.worker.pool == "replay").worker
    created = LocalWorkerProvider().create(
        {
            "pool": pool.pool,
            "worker_config": worker_isolation_config(
                pool.group_id, pool.config_topic, pool.offset_topic, pool.status_topic, 1
            ),
            "bootstrap_servers": connection.bootstrap,
            "username": pool.principal,
            "password": passwords[pool.principal],
            "rest_port": free_port(),
            "state_dir": str(platform.state_dir),
        }
    )
    worker = created.outs
    connector = next(c for c in plan.connectors if c.pipeline == "orders-rebuild")
    login = scram_jaas_config(connector.username, passwords[connector.username])
    logins = {
        f"{prefix}.{key}": value
        for prefix in connector.cluster_logins
        for key, value in (
            ("bootstrap.servers", connection.bootstrap),
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "SCRAM-SHA-512"),
        )
    }
    secret = {
        **principal_overrides(connector.username, passwords[connector.username]),
        **{f"{prefix}.sasl.jaas.config": login for prefix in connector.cluster_logins},
    }
    ConnectorProvider().create(
        {
            "name": connector.connector,
            "rest_url": worker["rest_url"],
            "config": connector_config(
                connector.connector_class, connector.tasks_max, {**connector.config, **logins}
            ),
            "secret_config": secret,
            "state": connector.state,
            "scheduled": connector.scheduled,
        }
    )
    (replay_plan,) = replay_plans(spec, plan)
    return worker, replace(replay_plan, rest_url=worker["rest_url"])


class Output:
    """Consumes the replay's output as it arrives: records per partition, arrival times."""

    def __init__(self, connection: KafkaConnection) -> None:
        self.by_partition: dict[int, list[tuple[bytes, bytes, int]]] = {}
        self.arrivals: list[tuple[float, int]] = []
        self._consumer = Consumer(
            {**connection.client_config(), "group.id": f"check-{secrets.token_hex(4)}",
             "auto.offset.reset": "earliest", "enable.auto.commit": False}
        )  # fmt: skip
        self._consumer.subscribe(["derived.orders.rebuilt"])

    def drain(self, seconds: float) -> int:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            message = self._consumer.poll(0.2)
            if message is None or message.error() is not None:
                continue
            records = self.by_partition.setdefault(message.partition(), [])
            records.append((message.key(), message.value(), message.timestamp()[1]))
            self.arrivals.append((time.monotonic(), len(message.value()) + len(message.key())))
        return self.count

    @property
    def count(self) -> int:
        return sum(map(len, self.by_partition.values()))

    def close(self) -> None:
        self._consumer.close()


class LiveProducer(threading.Thread):
    """Produces LIVE_RATE records/s as the live pipeline; send latency per record (ms)."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(daemon=True)
        self.producer = Producer({**config, "linger.ms": 0})
        self.latencies: list[tuple[float, float]] = []  # (sent at, ms)
        self.running = True

    def run(self) -> None:
        while self.running:
            sent = time.monotonic()
            self.producer.produce(
                "raw.orders.live", b"y" * PAYLOAD,
                on_delivery=lambda err, _m, sent=sent: err is None and self.latencies.append(
                    (sent, (time.monotonic() - sent) * 1000)
                ),
            )  # fmt: skip
            self.producer.poll(0)
            time.sleep(max(0.0, 1 / LIVE_RATE - (time.monotonic() - sent)))
        self.producer.flush(30)

    def p99(self, start: float, end: float) -> float:
        window = sorted(ms for at, ms in self.latencies if start <= at < end)
        assert window, "no live records in that interval"
        return window[min(len(window) - 1, int(len(window) * 0.99))]


def test_replay_runs_in_its_window_from_its_start_at_its_quota_until_caught_up(
    replay: Replay,
) -> None:
    live = LiveProducer(replay.client("pipeline.orders-live"))
    live.start()
    output = Output(replay.connection)
    try:
        _run(replay, live, output)
    finally:
        live.running = False
        live.join(30)
        output.close()


def _run(replay: Replay, live: LiveProducer, output: Output) -> None:
    # outside the window: the connector stays stopped and writes nothing
    baseline_start = time.monotonic()
    assert replay.tick(BEFORE) == "waiting"
    assert replay.state() == "STOPPED"
    assert output.drain(10) == 0
    baseline_end = time.monotonic()

    # the window opens: offsets go to the declared start and the replay runs
    assert replay.tick(OPENS) == "running"
    assert replay.state() == "RUNNING"
    started = time.monotonic()
    deadline = started + DEADLINE
    while output.drain(1) < 1000:
        assert time.monotonic() < deadline, "the replay wrote nothing"

    # the window closes mid-way: it stops, and nothing more arrives
    assert replay.tick(CLOSED) == "outside-window"
    assert replay.state() == "STOPPED"
    paused = time.monotonic()
    paused_at = output.drain(3)
    assert output.drain(5) == paused_at, "records arrived while outside the window"
    total = RECORDS - FIRST
    assert paused_at < total

    # it reopens and goes on where it stopped, until caught up: then it stops itself
    now = REOPENS
    phase = replay.tick(now)
    pause = time.monotonic() - paused
    while phase != "done":
        assert time.monotonic() < deadline, f"not done after {DEADLINE}s: {output.count}"
        output.drain(2)
        now += timedelta(minutes=1)
        phase = replay.tick(now)
    finished = time.monotonic()
    assert replay.state() == "STOPPED"
    output.drain(3)

    # exactly the slice: per partition, the input records at or after `from`, in order
    expected: dict[int, list[int]] = {}
    for i in range(FIRST, RECORDS):
        expected.setdefault(i % PARTITIONS, []).append(i)
    for partition, records in output.by_partition.items():
        got = [int(value[:6]) for _key, value, _ts in records]
        assert got == expected[partition], f"partition {partition}"
        assert records[0][2] >= replay.from_ms  # the first written is the first at/after
    assert output.count == total
    record = replay.records["orders-rebuild"]
    assert record.phase == "done" and record.done_at is not None

    bytes_total = sum(size for _at, size in output.arrivals)
    rate = bytes_total / (output.arrivals[-1][0] - output.arrivals[0][0] - pause)
    window = _max_window_rate(output.arrivals)
    live_without = live.p99(baseline_start, baseline_end)
    live_with = live.p99(started, finished)
    print(
        f"\nreplay: {total} records, {bytes_total} bytes in {finished - started - pause:.1f}s "
        f"running; rate {rate / 1024:.0f} KiB/s overall, at most {window / 1024:.0f} KiB/s "
        f"over any {WINDOW_SAMPLE:.0f}s; quota {QUOTA / 1024:.0f} KiB/s"
        f"\nlive producer p99 send latency: {live_without:.1f} ms without replay, "
        f"{live_with:.1f} ms during replay"
    )
    assert window <= QUOTA * 1.2, f"{window / 1024:.0f} KiB/s over the quota"


def _max_window_rate(arrivals: list[tuple[float, int]]) -> float:
    """The most bytes/s seen over any WINDOW_SAMPLE seconds of arrivals."""
    best, first, inside = 0.0, 0, 0
    for at, size in arrivals:
        inside += size
        while arrivals[first][0] < at - WINDOW_SAMPLE:
            inside -= arrivals[first][1]
            first += 1
        best = max(best, inside / WINDOW_SAMPLE)
    return best
