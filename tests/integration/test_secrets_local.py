"""No secret in plain text in the real local stack: after a real ``bulkheads up`` (its own
Kafka on free ports, its own engine state, two pools and a source and a sink connector),
every secret value the stack holds — each principal's generated SCRAM password, the
cluster's admin login, a connector secret set with ``pulumi config set --secret`` — is
searched for in ``pulumi stack export``, in every file of the
engine's state, in every record of each pool's Connect config topic, and in what Connect's
REST API answers (``/connectors?expand=info``, each connector's ``config`` and ``tasks``).
None is found. The local platform's own files are searched too; the only ones allowed to
hold a secret are the ones that exist to: a pool's ``secrets/`` files (0600, read by its
worker's config provider), a worker's and the broker's login config and the cluster's
connection file (each 0600)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bulkheads.engine import Engine
from bulkheads.local import KafkaConnection, LocalPlatform
from bulkheads.plan import names
from bulkheads.plan.platform import PlatformPlan, plan_platform
from bulkheads.spec.loader import load_platform
from bulkheads.verify.credentials import passwords_in_state
from tests.integration.local_stack import ROOT, stack_env, two_pool_spec

pytestmark = pytest.mark.integration
kafka = pytest.importorskip("confluent_kafka")
TIMEOUT = 600
SECRET_KEY, SECRET_NAME = "archive.token", "archive-token"  # a connector secret of the sink
SECRET_VALUE = "archive-token-7f3c9a2e51d84b06"
LOGIN_FILES = {"worker.properties", "server.properties", "connection.json"}


@dataclass
class UpStack:
    state: Path
    env: dict[str, str]
    plan: PlatformPlan
    connection: KafkaConnection
    engine: Engine

    def pulumi(self, *args: str) -> str:
        return self.engine.run(*args, "--stack", "local", capture=True).stdout

    def secrets(self) -> dict[str, str]:
        """What must never show: every SCRAM password in the state, the admin login."""
        state = json.loads(self.pulumi("stack", "export", "--show-secrets"))
        found = {f"password of {user}": pw for user, pw in passwords_in_state(state).items()}
        return {**found, "admin password": self.connection.password, SECRET_NAME: SECRET_VALUE}


@pytest.fixture(scope="module")
def up_stack(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[UpStack]:
    """A two-pool local stack of its own (its sink given a connector secret) after
    ``bulkheads up <its file> --yes``; destroyed and stopped at the end."""
    state = tmp_path_factory.mktemp("secrets-local")
    spec, port = two_pool_spec(state, free_port)
    document = yaml.safe_load(spec.read_text())
    sink = document["config"]["bulkheads:platform"]["pipelines"]["orders-archive"]
    sink["connector"]["secrets"] = {SECRET_KEY: SECRET_NAME}
    spec.write_text(yaml.safe_dump(document))
    values = stack_env(state, spec)
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PULUMI_BACKEND_URL", None)
    harness = LocalPlatform(state_dir=state / "local")
    engine: Engine | None = None
    try:
        connection = harness.start_kafka(port=port, controller_port=port + 1, cluster="local")
        engine = Engine.ensure()
        engine.select_stack("local")
        setting = (f"bulkheads:secrets.{SECRET_NAME}", SECRET_VALUE, "--config-file", str(spec))
        engine.run("config", "set", "--secret", "--path", *setting, "--stack", "local")
        up = subprocess.run(  # the stack named by its file: its config is that file's
            [sys.executable, "-m", "bulkheads.cli", "up", str(spec), "--yes", "--json"],
            env=env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            check=False, timeout=TIMEOUT,
        )  # fmt: skip
        assert up.returncode == 0, up.stderr[-3000:]
        plan = plan_platform(load_platform(spec), ROOT)
        yield UpStack(state, env, plan, connection, engine)
    finally:
        if engine is not None:
            engine.run("destroy", "--yes", "--skip-preview", "--stack", "local",
                       "--config-file", str(spec), check=False)  # fmt: skip
        harness.down()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _leaks(where: str, text: str, secrets: dict[str, str]) -> list[str]:
    return [f"{what} in {where}" for what, value in secrets.items() if value in text]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode("utf-8"))


def _config_records(connection: KafkaConnection, topic: str) -> list[str]:
    """Every record (key and value) of a compacted Connect config topic, from the start."""
    consumer = kafka.Consumer(
        {**connection.client_config(), "group.id": "secrets-probe", "enable.partition.eof": True}
    )
    consumer.assign([kafka.TopicPartition(topic, 0, kafka.OFFSET_BEGINNING)])
    records: list[str] = []
    try:
        while True:
            message = consumer.poll(30)
            assert message is not None, f"no end of {topic} within 30 s"
            if message.error():
                assert message.error().code() == kafka.KafkaError._PARTITION_EOF, message.error()
                return records
            records.append(f"{message.key()!r} {message.value()!r}")
    finally:
        consumer.close()


def _files(root: Path) -> Iterator[Path]:
    return (path for path in sorted(root.rglob("*")) if path.is_file())


def _holds_credentials(path: Path, state: Path) -> bool:
    """The local platform's files whose job is to hold a login (each 0600)."""
    relative = path.relative_to(state).parts
    return "secrets" in relative[:-1] or path.name in LOGIN_FILES


def test_the_stack_holds_secrets_to_search_for(up_stack: UpStack) -> None:
    """Every connector principal's password, and the sink's secret, which reached its
    worker as a private file and Connect as a reference."""
    secrets = up_stack.secrets()
    secret_file = up_stack.state / "local/workers/derived-sinks/secrets/orders-archive"
    assert (secret_file / SECRET_KEY).read_text(encoding="utf-8") == SECRET_VALUE
    connector_users = {c.pipeline for c in up_stack.plan.connectors}
    assert {f"password of {names.connector_principal(p)}" for p in connector_users} <= set(secrets)
    assert all(len(value) >= 16 for value in secrets.values())


def test_no_secret_in_the_exported_state_or_the_engines_files(up_stack: UpStack) -> None:
    """The state (its backend's checkpoints, history and backups), the handover file and
    the engine's own home, plugin binaries aside."""
    secrets = up_stack.secrets()
    leaks = _leaks("pulumi stack export", up_stack.pulumi("stack", "export"), secrets)
    engine = up_stack.state / "pulumi"
    for path in _files(engine):
        if path.is_relative_to(engine / "home" / "plugins"):
            continue  # the engine's plugin binaries
        leaks += _leaks(str(path), path.read_bytes().decode("utf-8", "replace"), secrets)
    assert leaks == []


def test_no_secret_in_connect_rest_answers_or_config_topics(up_stack: UpStack) -> None:
    secrets = up_stack.secrets()
    leaks: list[str] = []
    connectors = {c.pipeline: c for c in up_stack.plan.connectors}
    for pool in up_stack.plan.pools:
        url = f"http://127.0.0.1:{pool.runtime.rest_port}"  # type: ignore[union-attr]
        listing = _get(f"{url}/connectors?expand=info&expand=status")
        leaks += _leaks(f"{url}/connectors?expand=info", listing, secrets)
        for name in json.loads(listing):
            assert name in connectors
            for part in ("config", "tasks"):
                answer = f"{url}/connectors/{name}/{part}"
                leaks += _leaks(answer, _get(answer), secrets)
        topic = names.internal_topics(pool.worker.pool)[0]
        records = _config_records(up_stack.connection, topic)
        assert records, f"{topic} holds no connector config"
        leaks += _leaks(f"topic {topic}", "\n".join(records), secrets)
    assert leaks == []


def test_no_secret_in_the_local_platforms_other_files(up_stack: UpStack) -> None:
    """The search finds the secrets where they are meant to be (the control), and nowhere
    else."""
    secrets = up_stack.secrets()
    local = up_stack.state / "local"
    leaks: list[str] = []
    held: list[str] = []
    for path in _files(local):
        found = _leaks(str(path), path.read_bytes().decode("utf-8", "replace"), secrets)
        if _holds_credentials(path, local):
            assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"
            held += found
        else:
            leaks += found
    assert leaks == []
    assert any(hit.startswith(SECRET_NAME) for hit in held)
    assert any(hit.startswith("admin password") for hit in held)
