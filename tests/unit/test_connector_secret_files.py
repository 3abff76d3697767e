"""A local connector's secrets reach its worker as files (DirectoryConfigProvider): Connect
gets only ``${dir:...}`` references, the files are private, a new value restarts the tasks,
and a reference still in place is no drift."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from bulkheads.connect import rest
from components.connect_provider import ConnectorProvider, rest_config

LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule required password="s3cr3t";'
KEY = "producer.override.sasl.jaas.config"
RUNNING = {"connector": {"state": "RUNNING"}, "tasks": []}


class FakeConnect:
    """Records what the provider sends to the Connect REST API."""

    def __init__(self) -> None:
        self.configs: dict[str, dict[str, str]] = {}
        self.restarts: list[tuple[str, bool]] = []

    def install(self, patch: pytest.MonkeyPatch) -> None:
        patch.setattr(rest, "create_connector", self.put)
        patch.setattr(rest, "put_config", lambda url, name, config: self.put(url, name, config))
        patch.setattr(rest, "get_config", lambda url, name: dict(self.configs.get(name, {})))
        patch.setattr(rest, "get_status", lambda url, name: RUNNING)
        patch.setattr(rest, "wait_for_state", lambda url, name, state: RUNNING)
        patch.setattr(rest, "delete_connector", lambda url, name: self.configs.pop(name))
        patch.setattr(
            rest,
            "restart",
            lambda url, name, only_failed=True: self.restarts.append((name, only_failed)),
        )

    def restart(self, url: str, name: str, only_failed: bool = True) -> None:
        self.restarts.append((name, only_failed))

    def put(self, url: str, name: str, config: dict[str, str], state: str = "") -> None:
        self.configs[name] = dict(config)


@pytest.fixture
def connect(monkeypatch: pytest.MonkeyPatch) -> FakeConnect:
    fake = FakeConnect()
    fake.install(monkeypatch)
    return fake


def props(secrets_dir: Path, login: str = LOGIN) -> dict[str, Any]:
    return {
        "name": "orders-archive",
        "rest_url": "http://127.0.0.1:18084",
        "config": {"connector.class": "FileStreamSink", "tasks.max": "1"},
        "secret_config": {KEY: login},
        "secrets_dir": str(secrets_dir),
        "state": "running",
    }


def test_connect_gets_a_reference_and_the_worker_a_private_file(
    connect: FakeConnect, tmp_path: Path
) -> None:
    ConnectorProvider().create(props(tmp_path))
    sent = connect.configs["orders-archive"]
    assert sent[KEY] == f"${{dir:{tmp_path}/orders-archive:{KEY}}}"
    assert "s3cr3t" not in str(sent)
    secret = tmp_path / "orders-archive" / KEY
    assert secret.read_text(encoding="utf-8") == LOGIN
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(secret.parent.stat().st_mode) == 0o700


def test_a_new_secret_value_rewrites_the_file_and_restarts_every_task(
    connect: FakeConnect, tmp_path: Path
) -> None:
    old = props(tmp_path)
    ConnectorProvider().create(old)
    ConnectorProvider().update("id", old, props(tmp_path, login="rotated"))
    assert (tmp_path / "orders-archive" / KEY).read_text(encoding="utf-8") == "rotated"
    assert connect.restarts == [("orders-archive", False)]


def test_a_reference_in_place_is_no_drift_and_a_value_written_over_it_is(
    connect: FakeConnect, tmp_path: Path
) -> None:
    declared = props(tmp_path)
    ConnectorProvider().create(declared)
    assert ConnectorProvider().read("id", declared).outs["secret_config"] == {KEY: LOGIN}
    connect.configs["orders-archive"][KEY] = "typed by hand"
    assert ConnectorProvider().read("id", declared).outs["secret_config"] == {KEY: "typed by hand"}


def test_a_connector_that_was_sent_its_values_moves_them_to_files_in_place(
    connect: FakeConnect, tmp_path: Path
) -> None:
    """The upgrade path: provisioned before secret files (no ``secrets_dir``), its next
    update writes the files first, then gives Connect references; never a replace."""
    old = {**props(tmp_path), "secrets_dir": ""}
    ConnectorProvider().create(old)
    assert connect.configs["orders-archive"][KEY] == LOGIN
    new = props(tmp_path)
    assert ConnectorProvider().diff("id", old, new).replaces == []
    ConnectorProvider().update("id", old, new)
    assert connect.configs["orders-archive"][KEY] == f"${{dir:{tmp_path}/orders-archive:{KEY}}}"
    assert (tmp_path / "orders-archive" / KEY).read_text(encoding="utf-8") == LOGIN
    assert ConnectorProvider().read("id", new).outs["secret_config"] == {KEY: LOGIN}


def test_delete_removes_the_files(connect: FakeConnect, tmp_path: Path) -> None:
    ConnectorProvider().create(props(tmp_path))
    ConnectorProvider().delete("id", props(tmp_path))
    assert not (tmp_path / "orders-archive").exists()


def test_without_a_secrets_dir_the_values_are_sent() -> None:
    assert rest_config({**props(Path("/x")), "secrets_dir": ""})[KEY] == LOGIN
