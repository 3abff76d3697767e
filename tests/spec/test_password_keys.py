"""Keys a connector's plugin types PASSWORD are secrets whatever their name: the checked-in
tables (probed from a real worker, or read from the connector's source; see
bulkheads/spec/password_keys.py) refuse them in plain ``config`` with the same fix as the
key-name rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulkheads.spec import connector_rules
from bulkheads.spec.connector_rules import connector_problems, is_secret_key
from bulkheads.spec.loader import load_platform
from bulkheads.spec.password_keys import password_table, probed_table, source_table

STACKS = Path(__file__).resolve().parents[2] / "stacks"

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
DEBEZIUM = "io.debezium.connector.postgresql.PostgresConnector"
MIRROR_SOURCE = "org.apache.kafka.connect.mirror.MirrorSourceConnector"


def test_the_probed_table_covers_every_class_the_local_workers_carry() -> None:
    from bulkheads.spec.plugins import BUILT_IN_CLASSES, LOCAL_CLASSES

    assert set(probed_table()) == BUILT_IN_CLASSES | LOCAL_CLASSES


def test_every_connector_class_of_the_shipped_stacks_has_its_password_keys() -> None:
    used = {
        pipeline.connector.connector_class
        for stack in sorted(STACKS.glob("Pulumi.*.yaml"))
        for pipeline in load_platform(stack).pipelines.values()
        if pipeline.kind != "mirror"
    }
    assert used - set(password_table()) == set()


def test_each_key_read_from_source_names_its_file_and_commit() -> None:
    for name, (keys, source) in source_table().items():
        assert keys and name not in probed_table(), name
        repository, _, rest = source.partition("@")
        commit, _, path = rest.partition(":")
        assert "/" in repository and len(commit) == 40 and ".java" in path, source


def test_the_table_knows_keys_the_names_do_not_give_away() -> None:
    """Read from a real worker: Debezium's ``database.sslpassword``, MirrorMaker's keystore."""
    assert "database.sslpassword" in password_table()[DEBEZIUM]
    assert "ssl.keystore.key" in password_table()[MIRROR_SOURCE]
    assert not is_secret_key("database.sslpassword")
    assert is_secret_key("database.sslpassword", DEBEZIUM)


def test_a_password_typed_key_is_a_secret_only_for_its_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = {FILE_SOURCE: frozenset({"batch.pin"})}
    monkeypatch.setattr(connector_rules, "password_keys", lambda cls: table.get(cls, frozenset()))
    assert is_secret_key("batch.pin", FILE_SOURCE)
    assert not is_secret_key("batch.pin", "org.example.Other")
    assert not is_secret_key("batch.size", FILE_SOURCE)


def test_a_password_typed_key_in_config_is_refused_with_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = load_platform(STACKS / "Pulumi.local.yaml")
    name, pipeline = next(
        (n, p) for n, p in spec.pipelines.items() if p.connector.connector_class == FILE_SOURCE
    )
    key = next(iter(pipeline.connector.config))
    monkeypatch.setattr(
        connector_rules,
        "password_keys",
        lambda cls: frozenset({key}) if cls == FILE_SOURCE else frozenset(),
    )
    problems = [p for p in connector_problems(spec) if p.path[-1] == key]
    assert [(p.path, p.message, p.fix) for p in problems] == [
        (
            ("pipelines", name, "connector", "config", key),
            "a secret in plain config (it would be stored and rendered in plain text)",
            f"move it to `secrets`: {{{key}: <secret name>}}, its value set with "
            "pulumi config set --secret",
        )
    ]
