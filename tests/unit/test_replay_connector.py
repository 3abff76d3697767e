"""A replay connector's running state belongs to the scheduler: the stack never moves it."""

from __future__ import annotations

from typing import Any

import pytest

from bulkheads.connect import rest
from components.connect_provider import ConnectorProvider

REPLAY: dict[str, Any] = {
    "name": "orders-rebuild",
    "rest_url": "http://127.0.0.1:18085",
    "config": {"connector.class": "MirrorSourceConnector", "tasks.max": "1"},
    "secret_config": {"consumer.override.sasl.jaas.config": "login"},
    "state": "stopped",
    "scheduled": True,
}
RUNNING = {"connector": {"state": "RUNNING"}, "tasks": [{"id": 0, "state": "RUNNING"}]}


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A worker where the scheduler has resumed the replay; records state requests."""
    requests: list[str] = []
    live = {**REPLAY["config"], **REPLAY["secret_config"], "name": "orders-rebuild"}
    monkeypatch.setattr(rest, "get_config", lambda url, name: dict(live))
    monkeypatch.setattr(rest, "get_status", lambda url, name: RUNNING)
    monkeypatch.setattr(rest, "put_config", lambda url, name, config: requests.append("config"))
    monkeypatch.setattr(rest, "request_state", lambda url, name, state: requests.append(state))
    monkeypatch.setattr(rest, "wait_for_state", lambda url, name, state: RUNNING)
    return requests


def test_refresh_after_the_scheduler_resumed_it_shows_no_drift(worker: list[str]) -> None:
    provider = ConnectorProvider()
    observed = provider.read("id", dict(REPLAY)).outs
    assert observed["state"] == "stopped" and observed["connector_state"] == "RUNNING"
    assert not provider.diff("id", observed, dict(REPLAY)).changes


def test_a_declared_state_change_of_a_replay_is_no_change() -> None:
    olds = {**REPLAY, "state": "running"}
    assert not ConnectorProvider().diff("id", olds, dict(REPLAY)).changes


def test_config_update_of_a_running_replay_leaves_it_running(worker: list[str]) -> None:
    news = {**REPLAY, "config": {**REPLAY["config"], "tasks.max": "2"}}
    diff = ConnectorProvider().diff("id", dict(REPLAY), news)
    assert diff.changes and diff.replaces == []
    outs = ConnectorProvider().update("id", dict(REPLAY), news).outs
    assert worker == ["config"] and outs["connector_state"] == "RUNNING"


def test_other_connectors_still_report_state_drift(worker: list[str]) -> None:
    declared = {**REPLAY, "scheduled": False}
    observed = ConnectorProvider().read("id", declared).outs
    assert observed["state"] == "running"
    assert ConnectorProvider().diff("id", observed, declared).changes


def test_turning_scheduling_on_is_a_change_in_place() -> None:
    diff = ConnectorProvider().diff("id", {**REPLAY, "scheduled": False}, dict(REPLAY))
    assert diff.changes and diff.replaces == []
