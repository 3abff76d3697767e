"""Connector secrets as files a local worker reads through Kafka's DirectoryConfigProvider.

A local pool's worker declares the provider ``dir`` (``provider_properties``), allowed to
read its own secrets directory only. A connector's secret values are written there, one
file per key (``<secrets dir>/<connector>/<key>``, directory 0700, files 0600), and its
config sent to Connect holds only ``${dir:<secrets dir>/<connector>:<key>}`` references:
the REST API, the pool's config topic and the stack's connector config never carry the
value; the worker resolves it when it starts the connector's tasks.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

PROVIDER = "dir"
PROVIDER_CLASS = "org.apache.kafka.common.config.provider.DirectoryConfigProvider"


PROVIDER_DECLARATION = {
    "config.providers": PROVIDER,
    f"config.providers.{PROVIDER}.class": PROVIDER_CLASS,
}
"""The provider's declaration, also part of a local worker's inputs: a worker started before
it existed is replaced (restarted with it) before its connectors send references."""


def provider_properties(secrets_dir: Path) -> dict[str, str]:
    """The worker properties declaring the ``dir`` provider over ``secrets_dir`` only."""
    return {
        **PROVIDER_DECLARATION,
        f"config.providers.{PROVIDER}.param.allowed.paths": str(secrets_dir),
    }


def file_name(key: str) -> str:
    """The file holding config key ``key`` (``[-._a-zA-Z0-9]``, like a Secret's data key)."""
    return re.sub(r"[^-._a-zA-Z0-9]", "_", key)


def reference(secrets_dir: str, connector: str, key: str) -> str:
    """The config value that makes the worker read ``key`` of ``connector`` from its file."""
    return f"${{{PROVIDER}:{secrets_dir}/{connector}:{file_name(key)}}}"


def references(secrets_dir: str, connector: str, keys: Mapping[str, object]) -> dict[str, str]:
    """``reference`` for every key of ``keys``."""
    return {key: reference(secrets_dir, connector, key) for key in keys}


def write(secrets_dir: str, connector: str, values: Mapping[str, str]) -> None:
    """Write ``connector``'s secret files (only these: stale keys are removed)."""
    folder = Path(secrets_dir) / connector
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    wanted = {file_name(key): value for key, value in values.items()}
    for stale in folder.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    for name, value in wanted.items():
        descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(value)
        (folder / name).chmod(0o600)


def remove(secrets_dir: str, connector: str) -> None:
    """Delete ``connector``'s secret files."""
    shutil.rmtree(Path(secrets_dir) / connector, ignore_errors=True)
