"""Pure runtime helpers: connector diff, config rendering, status logic, provider check/diff."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pulumi.runtime.rpc import UNKNOWN

from bulkheads.connect.config import connector_config, principal_overrides, scram_jaas_config
from bulkheads.connect.diff import changed_keys, replaced_keys
from bulkheads.connect.kube import is_dns_label, is_label_value, parse_quantity
from bulkheads.connect.rest import failure_of, is_settled
from components.connect_provider import ConnectorProvider
from components.local_worker import LocalWorkerProvider

BASE: dict[str, Any] = {
    "name": "payments-cdc",
    "rest_url": "http://127.0.0.1:18083",
    "config": {"connector.class": "FileStreamSource", "tasks.max": "1", "topic": "raw.a.b"},
    "secret_config": {"producer.override.sasl.jaas.config": "login-1"},
    "state": "running",
}


def changed(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def test_identical_inputs_have_no_changes() -> None:
    assert changed_keys(BASE, dict(BASE)) == []
    assert not ConnectorProvider().diff("id", BASE, dict(BASE)).changes


def test_config_edits_name_exactly_the_keys_and_update_in_place() -> None:
    news = changed(config={**BASE["config"], "topic": "raw.a.c", "batch.size": "10"})
    keys = changed_keys(BASE, news)
    assert keys == ["config.batch.size", "config.topic"]
    diff = ConnectorProvider().diff("id", BASE, news)
    assert diff.changes is True
    assert diff.replaces == []


def test_removed_config_key_and_state_change_are_in_place() -> None:
    config = {k: v for k, v in BASE["config"].items() if k != "topic"}
    news = changed(config=config, state="paused")
    assert changed_keys(BASE, news) == ["config.topic", "state"]
    assert ConnectorProvider().diff("id", BASE, news).replaces == []


def test_secret_change_is_named_by_key() -> None:
    news = changed(secret_config={"producer.override.sasl.jaas.config": "login-2"})
    assert changed_keys(BASE, news) == ["secret_config.producer.override.sasl.jaas.config"]


@pytest.mark.parametrize("key", ["name", "rest_url"])
def test_name_or_worker_endpoint_change_replaces(key: str) -> None:
    news = changed(**{key: "http://127.0.0.1:18084" if key == "rest_url" else "other"})
    diff = ConnectorProvider().diff("id", BASE, news)
    assert diff.changes is True
    assert diff.replaces == [key]


def test_unknown_values_in_a_preview_count_as_changed() -> None:
    assert changed_keys(BASE, changed(rest_url=UNKNOWN)) == ["rest_url"]
    assert changed_keys(BASE, changed(secret_config=UNKNOWN)) == ["secret_config"]
    assert replaced_keys(["rest_url", "config.topic"]) == ["rest_url"]


def test_outputs_only_keys_do_not_show_as_changes() -> None:
    olds = {**BASE, "connector_state": "RUNNING", "task_count": 1}
    assert changed_keys(olds, dict(BASE)) == []


def test_check_accepts_valid_inputs_and_unknowns() -> None:
    provider = ConnectorProvider()
    assert provider.check({}, dict(BASE)).failures == []
    assert provider.check({}, changed(rest_url=UNKNOWN, secret_config=UNKNOWN)).failures == []


def test_check_reports_each_bad_input() -> None:
    news = changed(
        name="a/b",
        rest_url="127.0.0.1:18083",
        state="running-ish",
        config={"topic": "x", "producer.override.sasl.jaas.config": "plain"},
    )
    failures = {(f.property, f.reason) for f in ConnectorProvider().check({}, news).failures}
    assert failures == {
        ("name", "'a/b': must be non-empty, without '/'"),
        ("rest_url", "'127.0.0.1:18083': must be an http(s) URL"),
        ("state", "'running-ish': must be one of ['paused', 'running', 'stopped']"),
        ("config", "missing 'connector.class'"),
        ("config", "missing 'tasks.max'"),
        ("secret_config", "'producer.override.sasl.jaas.config' is set both plain and secret"),
    }


def test_principal_overrides_cover_producer_consumer_and_admin() -> None:
    overrides = principal_overrides("pipe-a", "pw")
    assert sorted(overrides) == [
        "admin.override.sasl.jaas.config",
        "consumer.override.sasl.jaas.config",
        "producer.override.sasl.jaas.config",
    ]
    assert set(overrides.values()) == {
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="pipe-a" '
        'password="pw";'
    }


def test_jaas_refuses_quotes_that_would_break_the_login() -> None:
    with pytest.raises(ValueError, match="SCRAM password must not contain"):
        scram_jaas_config("user", 'pw"; evil')


def test_connector_config_adds_class_and_tasks_and_refuses_clashes() -> None:
    assert connector_config("Cls", 3, {"topic": "t"}) == {
        "connector.class": "Cls",
        "tasks.max": "3",
        "topic": "t",
    }
    with pytest.raises(ValueError, match=r"\['connector.class', 'name'\]"):
        connector_config("Cls", 1, {"connector.class": "X", "name": "n"})
    with pytest.raises(ValueError, match="tasks_max must be >= 1, got 0"):
        connector_config("Cls", 0, {})


def status(connector: str, *tasks: str, trace: str = "") -> dict[str, Any]:
    return {
        "connector": {"state": connector, "trace": trace},
        "tasks": [{"id": i, "state": state, "trace": trace} for i, state in enumerate(tasks)],
    }


@pytest.mark.parametrize(
    ("answer", "state", "settled"),
    [
        (status("RUNNING", "RUNNING", "RUNNING"), "running", True),
        (status("RUNNING", "RUNNING", "UNASSIGNED"), "running", False),
        (status("RUNNING"), "running", True),
        (status("PAUSED", "PAUSED"), "paused", True),
        (status("PAUSED"), "paused", True),
        (status("PAUSED", "RUNNING"), "paused", False),
        (status("STOPPED"), "stopped", True),
        (status("STOPPED", "RUNNING"), "stopped", False),
    ],
)
def test_settled_means_connector_and_every_task(
    answer: dict[str, Any], state: str, settled: bool
) -> None:
    assert is_settled(answer, state) is settled


def test_failure_reports_the_first_trace_line() -> None:
    answer = status("RUNNING", "FAILED", trace="org.Boom: no access\n\tat x.y")
    assert failure_of(answer) == "org.Boom: no access"
    assert failure_of(status("RUNNING", "RUNNING")) is None


@pytest.mark.parametrize(
    ("quantity", "value"),
    [
        ("500m", Decimal("0.5")),
        ("2", Decimal(2)),
        ("4Gi", Decimal(4 * 2**30)),
        ("1.5G", Decimal("1.5e9")),
    ],
)
def test_quantities_parse(quantity: str, value: Decimal) -> None:
    assert parse_quantity(quantity) == value


@pytest.mark.parametrize("bad", ["", "2 cores", "4GB", "-1", "1e3"])
def test_bad_quantities_are_refused_with_a_fix(bad: str) -> None:
    with pytest.raises(ValueError, match=r"is not a Kubernetes quantity: use e\.g\."):
        parse_quantity(bad)


def test_label_values_and_names() -> None:
    assert is_label_value("payments") and is_label_value("") and is_label_value("a.b_c-d")
    assert not is_label_value("#payments") and not is_label_value("a" * 64)
    assert is_dns_label("connect-live-cdc")
    assert not is_dns_label("Connect") and not is_dns_label("a_b") and not is_dns_label("-a")


def test_local_worker_replaces_on_any_change_stopping_the_old_first() -> None:
    olds = {"pool": "p", "rest_port": 18083, "worker_config": {"group.id": "g"}, "pid": 10}
    provider = LocalWorkerProvider()
    assert not provider.diff("p", olds, {**olds, "pid": None}).changes
    diff = provider.diff("p", olds, {**olds, "worker_config": {"group.id": "h"}})
    assert diff.changes is True
    assert diff.replaces == ["worker_config"]
    assert diff.delete_before_replace is True
