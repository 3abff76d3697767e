"""Shared fixtures of the integration tier: one real local Kafka for the whole session.

``local_platform`` starts a KRaft node (SCRAM-SHA-512, StandardAuthorizer, admin super user)
on free loopback ports in a temporary state dir, once per session, and stops everything it
started at the end. Tests that need their own principals create them with ``kafka_admin``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bulkheads.local import KafkaConnection, LocalPlatform
from bulkheads.local.ports import free_port as _free_port


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
