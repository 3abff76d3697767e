"""Connector config keys their plugin declares as ``PASSWORD``, per connector class.

Two tables beside this file, each key a ``ConfigDef`` key of type ``PASSWORD``:

- ``password_keys.json``, probed from real workers: for each connector class the local
  harness carries, the keys whose definition in ``PUT
  /connector-plugins/<class>/config/validate`` has type ``PASSWORD`` (``python -m
  bulkheads.connect.plugin_configs`` writes it; an integration test checks it against a
  running worker);
- ``password_keys_from_source.json``, read from the connector's source for every other
  class the shipped stacks and examples use (Snowflake, Elasticsearch, JDBC, S3, Debezium
  MySQL and MongoDB): each entry names the repository, commit and file its keys are defined
  in. A class in both takes the probed keys.

Classes in neither have no known definition: only the key-name rule (``connector_rules``)
applies to them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("password_keys.json")
FROM_SOURCE = Path(__file__).with_name("password_keys_from_source.json")


def probed_table() -> dict[str, frozenset[str]]:
    """Connector class -> its PASSWORD keys, as a real worker answered (``TABLE``)."""
    loaded: dict[str, list[str]] = json.loads(TABLE.read_text(encoding="utf-8"))
    return {name: frozenset(keys) for name, keys in loaded.items()}


def source_table() -> dict[str, tuple[frozenset[str], str]]:
    """Connector class -> its PASSWORD keys and where in its source they are defined."""
    loaded: dict[str, object] = json.loads(FROM_SOURCE.read_text(encoding="utf-8"))
    return {
        name: (frozenset(entry["keys"]), str(entry["source"]))
        for name, entry in loaded.items()
        if isinstance(entry, dict)
    }


@cache
def password_table() -> dict[str, frozenset[str]]:
    """Connector class -> its PASSWORD keys: the source table, then the probed one over it."""
    return {**{n: keys for n, (keys, _) in source_table().items()}, **probed_table()}


def password_keys(connector_class: str) -> frozenset[str]:
    """The PASSWORD keys of ``connector_class`` (none when its definition is unknown)."""
    return password_table().get(connector_class, frozenset())
