"""``LocalPlatform``: a real Kafka (KRaft, SCRAM, ACLs) and Connect workers on 127.0.0.1.

State layout under ``state_dir`` (default ``.state/local``)::

    kafka/<cluster>/   connection.json (0600: ports + admin credential), server.properties,
                       data/, out.log, pid, metrics.yml + metrics_port (its /metrics)
    workers/<pool>/    worker.properties, out.log, pid

Every start is idempotent: a process that is already running with the same configuration is
reused. Processes outlive the Python that started them; ``down`` stops them by pid.
"""

from __future__ import annotations

import secrets
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bulkheads.local import broker, processes, worker
from bulkheads.local.connection import KafkaConnection
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.jars import ensure_jars, ensure_metrics_agent, kafka_home
from bulkheads.local.paths import default_cache_dir, default_state_dir, write_private_text
from bulkheads.local.ports import free_port
from bulkheads.local.scram import LoginRejected, scram_login
from bulkheads.local.worker import WorkerSpec
from bulkheads.ops.metrics import KAFKA_OBJECT_NAMES, KAFKA_RULES, exporter_config

DEFAULT_CLUSTER = "main"
ADMIN_USER = "admin"
METRICS_PORT_FILE = "metrics_port"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ProcessStatus:
    """One process the platform manages: ``kind`` is ``kafka`` or ``worker``."""

    kind: str
    name: str
    pid: int | None
    endpoint: str
    log: Path

    @property
    def alive(self) -> bool:
        return self.pid is not None


class LocalPlatform:
    """One state dir's platform; defaults: ``.state/local``, jars in ``~/.cache/bulkheads``."""

    def __init__(
        self,
        state_dir: Path | None = None,
        cache_dir: Path | None = None,
        progress: Progress = lambda _: None,
    ) -> None:
        self.state_dir = (state_dir or default_state_dir()).resolve()
        self.cache_dir = (cache_dir or default_cache_dir()).resolve()
        self._progress = progress

    # -- jars -----------------------------------------------------------------------------

    def ensure_jars(self) -> Path:
        """The libs dir (classpath) of the pinned Kafka, fetched from Maven Central once."""
        return ensure_jars(self.cache_dir, self._progress)

    # -- kafka ----------------------------------------------------------------------------

    def kafka_dir(self, cluster: str = DEFAULT_CLUSTER) -> Path:
        return self.state_dir / "kafka" / cluster

    def start_kafka(
        self,
        port: int = 19092,
        controller_port: int = 19093,
        cluster: str = DEFAULT_CLUSTER,
        timeout: float = 120.0,
    ) -> KafkaConnection:
        """Format (once) and start the node of ``cluster``; wait until a SCRAM login works."""
        libs = self.ensure_jars()
        node_dir = self.kafka_dir(cluster)
        node_dir.mkdir(parents=True, exist_ok=True)
        connection = self._kafka_connection(node_dir, cluster, port, controller_port)
        config = node_dir / "server.properties"
        data_dir = node_dir / "data"
        if processes.tracked_pid(node_dir) is None:
            write_private_text(config, broker.server_properties(connection, data_dir))
            if not broker.is_formatted(data_dir):
                self._progress(f"formatting KRaft storage of cluster {cluster!r} in {data_dir}")
                broker.format_storage(libs, config, connection)
            for taken in (port, controller_port):
                _require_free_port(taken, f"Kafka cluster {cluster!r}")
            options = [*broker.JVM_OPTIONS, self._metrics_agent_option(node_dir)]
            processes.start_java(node_dir, libs, options, "kafka.Kafka", [str(config)])
        self._wait_for_broker(node_dir, connection, timeout)
        return connection

    def connection(self, cluster: str = DEFAULT_CLUSTER) -> KafkaConnection:
        """Bootstrap address and admin credential of a started cluster."""
        path = self.kafka_dir(cluster) / "connection.json"
        if not path.is_file():
            raise LocalPlatformError(
                f"{path}: no local Kafka cluster {cluster!r} here; "
                "start it with `bulkheads local up`"
            )
        return KafkaConnection.load(path)

    def metrics_url(self, cluster: str = DEFAULT_CLUSTER) -> str:
        """The broker's Prometheus ``/metrics`` (JMX exporter agent) on 127.0.0.1."""
        path = self.kafka_dir(cluster) / METRICS_PORT_FILE
        if not path.is_file():
            raise LocalPlatformError(
                f"{path}: cluster {cluster!r} records no metrics port (not started, or "
                "started by an older bulkheads); restart it: bulkheads local down, then up"
            )
        return f"http://127.0.0.1:{int(path.read_text())}/metrics"

    def existing_topics(self, cluster: str = DEFAULT_CLUSTER, timeout: float = 30.0) -> set[str]:
        """The names of the topics a started cluster holds (asked as its admin)."""
        from confluent_kafka.admin import AdminClient

        config: dict[str, str | int | float | bool] = {**self.connection(cluster).client_config()}
        return set(AdminClient(config).list_topics(timeout=timeout).topics)

    def stop_kafka(self, cluster: str = DEFAULT_CLUSTER) -> int | None:
        """Stop the node of ``cluster``; return the pid stopped, if it was running."""
        return processes.stop(self.kafka_dir(cluster))

    # -- connect workers ------------------------------------------------------------------

    def worker_dir(self, pool: str) -> Path:
        return self.state_dir / "workers" / pool

    def secrets_dir(self, pool: str) -> Path:
        """Where the pool's connectors' secret files go (the worker may read only these)."""
        return self.worker_dir(pool) / "secrets"

    def start_worker(self, spec: WorkerSpec, timeout: float = 180.0) -> str:
        """Start (or reuse, if its config is unchanged) the pool's worker; return its REST URL.

        A worker running with another configuration is restarted.
        """
        libs = self.ensure_jars()
        worker_dir = self.worker_dir(spec.pool)
        worker_dir.mkdir(parents=True, exist_ok=True)
        secrets = self.secrets_dir(spec.pool)
        secrets.mkdir(mode=0o700, exist_ok=True)
        config = worker_dir / "worker.properties"
        plugins = kafka_home(self.cache_dir) / "plugins"
        wanted = worker.worker_properties(spec, plugins, secrets)
        running = processes.tracked_pid(worker_dir) is not None
        if running and (not config.is_file() or config.read_text() != wanted):
            self._progress(f"restarting worker {spec.pool!r}: its configuration changed")
            processes.stop(worker_dir)
            running = False
        if not running:
            _require_free_port(spec.rest_port, f"worker {spec.pool!r}")
            write_private_text(config, wanted)
            processes.start_java(
                worker_dir, libs, worker.JVM_OPTIONS, worker.MAIN_CLASS, [str(config)]
            )
        self._wait_for_worker(worker_dir, spec, timeout)
        return spec.rest_url

    def worker_pid(self, pool: str) -> int | None:
        """The pid of the pool's worker if it runs (and is the process this platform started)."""
        return processes.tracked_pid(self.worker_dir(pool))

    def stop_worker(self, pool: str) -> int | None:
        """Stop the pool's worker; return the pid stopped, if it was running."""
        return processes.stop(self.worker_dir(pool))

    # -- everything -----------------------------------------------------------------------

    def status(self) -> list[ProcessStatus]:
        """Every Kafka node and worker this state dir knows, alive or not."""
        found: list[ProcessStatus] = []
        for path in sorted((self.state_dir / "kafka").glob("*/connection.json")):
            connection = KafkaConnection.load(path)
            found.append(
                ProcessStatus(
                    "kafka", connection.cluster, processes.tracked_pid(path.parent),
                    connection.bootstrap, path.parent / processes.LOG_FILE,
                )
            )  # fmt: skip
        for config in sorted((self.state_dir / "workers").glob("*/worker.properties")):
            port = _property(config, "rest.advertised.port")
            found.append(
                ProcessStatus(
                    "worker", config.parent.name, processes.tracked_pid(config.parent),
                    f"http://127.0.0.1:{port}", config.parent / processes.LOG_FILE,
                )
            )  # fmt: skip
        return found

    def down(self) -> list[ProcessStatus]:
        """Stop every worker, then every Kafka node; return what was running."""
        stopped = [entry for entry in self.status() if entry.alive]
        for entry in sorted(stopped, key=lambda e: e.kind != "worker"):
            self._progress(f"stopping {entry.kind} {entry.name!r} (pid {entry.pid})")
            directory = (
                self.worker_dir(entry.name)
                if entry.kind == "worker"
                else self.kafka_dir(entry.name)
            )
            processes.stop(directory)
        return stopped

    # -- internals ------------------------------------------------------------------------

    def _metrics_agent_option(self, node_dir: Path) -> str:
        """``-javaagent`` serving the broker's metrics (``KAFKA_RULES``) on a free loopback
        port, recorded in ``metrics_port``."""
        agent = ensure_metrics_agent(self.cache_dir, self._progress)
        config = node_dir / "metrics.yml"
        config.write_text(exporter_config(KAFKA_RULES, KAFKA_OBJECT_NAMES))
        port = free_port()
        (node_dir / METRICS_PORT_FILE).write_text(f"{port}\n")
        return f"-javaagent:{agent}=127.0.0.1:{port}:{config}"

    def _kafka_connection(
        self, node_dir: Path, cluster: str, port: int, controller_port: int
    ) -> KafkaConnection:
        path = node_dir / "connection.json"
        if not path.is_file():
            created = KafkaConnection(
                cluster, port, controller_port, ADMIN_USER, secrets.token_urlsafe(24)
            )
            created.save(path)
            return created
        saved = KafkaConnection.load(path)
        if (saved.port, saved.controller_port) != (port, controller_port):
            raise LocalPlatformError(
                f"{path}: cluster {cluster!r} was created on ports {saved.port}/"
                f"{saved.controller_port}, not {port}/{controller_port}; start it on the same "
                f"ports, or stop it and delete {node_dir} to recreate it"
            )
        return saved

    def _wait_for_broker(self, node_dir: Path, connection: KafkaConnection, timeout: float) -> None:
        def login() -> None:
            scram_login(connection.host, connection.port, connection.username, connection.password)

        self._wait_until_ready(
            node_dir,
            f"Kafka cluster {connection.cluster!r}",
            f"broker on {connection.bootstrap}",
            f"did not accept a SCRAM login on {connection.bootstrap}",
            login,
            timeout,
        )

    def _wait_for_worker(self, worker_dir: Path, spec: WorkerSpec, timeout: float) -> None:
        def healthy() -> None:
            # /health answers 200 only once the worker has read its internal topics and
            # joined its group; / and /connectors answer long before that.
            try:
                with urllib.request.urlopen(spec.rest_url + "/health", timeout=5) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                body = error.read().decode(errors="replace")
                raise OSError(f"/health {error.code}: {body}") from None

        self._wait_until_ready(
            worker_dir,
            f"worker {spec.pool!r}",
            f"worker {spec.pool!r} on {spec.rest_url}",
            f"was not healthy on {spec.rest_url}",
            healthy,
            timeout,
        )

    def _wait_until_ready(
        self,
        process_dir: Path,
        what: str,
        subject: str,
        failure: str,
        probe: Callable[[], None],
        timeout: float,
    ) -> None:
        """Call ``probe`` every 0.5 s until it returns, with progress lines; fail with the
        process log when the process exits or ``timeout`` passes first."""
        self._progress(f"waiting for {subject} ...")
        started = time.monotonic()
        last_error = "no answer yet"
        while time.monotonic() - started < timeout:
            _require_alive(process_dir, what)
            try:
                probe()
            except (OSError, LoginRejected) as error:
                last_error = str(error)
                time.sleep(0.5)
                continue
            self._progress(f"{subject} ready in {time.monotonic() - started:.1f}s")
            return
        raise _failure(process_dir, f"{what} {failure} within {timeout:.0f}s (last: {last_error})")


def _require_alive(process_dir: Path, what: str) -> None:
    if processes.tracked_pid(process_dir) is None:
        raise _failure(process_dir, f"{what} exited during start-up")


def _failure(process_dir: Path, headline: str) -> LocalPlatformError:
    log = process_dir / processes.LOG_FILE
    return LocalPlatformError(f"{headline}; log {log}:\n{processes.log_excerpt(process_dir)}")


def _require_free_port(port: int, what: str) -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise LocalPlatformError(
                f"port {port} on 127.0.0.1, wanted by {what}, is taken by another process; "
                "stop it or choose another port"
            )


def _property(config: Path, key: str) -> str:
    for line in config.read_text().splitlines():
        name, _, value = line.partition("=")
        if name == key:
            return value
    return "?"
