"""Shared fixtures of the integration tier: one real local Kafka for the whole session.

``local_platform`` starts a KRaft node (SCRAM-SHA-512, StandardAuthorizer, admin super user)
on free loopback ports in a temporary state dir, once per session, and stops everything it
started at the end. Tests that need their own principals create them with ``kafka_admin``.
"""

from __future__ import annotations

import random
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bulkheads.local import KafkaConnection, LocalPlatform


def _ephemeral_range() -> range:
    """The kernel's range for clients' source ports (Linux default 32768-60999)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


_EPHEMERAL = _ephemeral_range()
_CANDIDATES = [port for port in range(20000, 32768) if port not in _EPHEMERAL]
_handed_out: set[int] = set()


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    """A loopback port that binds now, outside the ephemeral range and never handed out
    before in this session.

    A port from ``bind(0)`` is an ephemeral one: between the probe and a broker's bind,
    any client socket of the suite may take it as its source port ("Address already in
    use"). Ports below that range are only ever taken by listeners.
    """
    for port in random.sample(_CANDIDATES, len(_CANDIDATES)):
        if port not in _handed_out and _bindable(port):
            _handed_out.add(port)
            return port
    raise RuntimeError("no free loopback port below the ephemeral range")


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """A function returning a loopback port that is free right now."""
    return _free_port


@pytest.fixture(scope="session")
def local_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPlatform]:
    """A started local Kafka (cluster ``main``); ``down()`` at the end of the session."""
    platform = LocalPlatform(state_dir=tmp_path_factory.mktemp("local-platform"))
    try:
        platform.start_kafka(port=_free_port(), controller_port=_free_port(), timeout=180)
        yield platform
    finally:
        platform.down()


@pytest.fixture(scope="session")
def kafka_connection(local_platform: LocalPlatform) -> KafkaConnection:
    return local_platform.connection()


@pytest.fixture(scope="session")
def kafka_admin(kafka_connection: KafkaConnection) -> Any:
    """A ``confluent_kafka.admin.AdminClient`` logged in as the admin super user."""
    admin = pytest.importorskip("confluent_kafka.admin")
    return admin.AdminClient(kafka_connection.client_config())
