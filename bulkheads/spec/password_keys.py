"""Connector config keys their plugin declares as ``PASSWORD``, per connector class.

``password_keys.json`` beside this file is derived from real workers: for each connector
class the local harness carries, the keys whose definition in ``PUT
/connector-plugins/<class>/config/validate`` has type ``PASSWORD``
(``python -m bulkheads.connect.plugin_configs`` writes it; an integration test checks it
against a running worker). Classes not in the table have no known definition: only the
key-name rule (``connector_rules``) applies to them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("password_keys.json")


@cache
def password_table() -> dict[str, frozenset[str]]:
    """Connector class -> its PASSWORD keys (the checked-in table)."""
    loaded: dict[str, list[str]] = json.loads(TABLE.read_text(encoding="utf-8"))
    return {name: frozenset(keys) for name, keys in loaded.items()}


def password_keys(connector_class: str) -> frozenset[str]:
    """The PASSWORD keys of ``connector_class`` (none when its definition is unknown)."""
    return password_table().get(connector_class, frozenset())
