"""Diffing of connector desired state: which keys change, which force a replace.

A connector is identified by its name on one worker group (``rest_url``); only a
change of either replaces it. Everything else (config, secret config, state)
updates in place, so the connector keeps its offsets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REPLACE_KEYS = ("name", "rest_url")
MAP_KEYS = ("config", "secret_config")
SCALAR_KEYS = ("name", "rest_url", "secrets_dir", "state")


def changed_keys(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """Property paths that differ between two connector input sets, sorted.

    Map properties are compared key by key (``config.topics``); a value that is
    not yet known (any non-string placeholder in a preview) counts as changed.
    """
    changed = [key for key in SCALAR_KEYS if olds.get(key) != news.get(key)]
    for key in MAP_KEYS:
        old_map, new_map = olds.get(key) or {}, news.get(key) or {}
        if not isinstance(old_map, Mapping) or not isinstance(new_map, Mapping):
            if old_map != new_map:
                changed.append(key)
            continue
        for sub in sorted(set(old_map) | set(new_map)):
            if old_map.get(sub) != new_map.get(sub):
                changed.append(f"{key}.{sub}")
    return sorted(changed)


def replaced_keys(changed: list[str]) -> list[str]:
    """The subset of ``changed`` that forces a replace (name or worker endpoint)."""
    return [key for key in changed if key in REPLACE_KEYS]
