"""The broker readiness probe: one SASL/SCRAM-SHA-512 login with librdkafka
(``confluent_kafka``), proven by a metadata request.

A wrong credential (or a broker that does not offer the mechanism) is ``LoginRejected``
with librdkafka's message; a broker that does not answer within ``timeout`` is ``OSError``.
"""

from __future__ import annotations

from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient

MECHANISM = "SCRAM-SHA-512"


class LoginRejected(Exception):
    """The broker answered and refused the credential (or the mechanism)."""


def scram_login(host: str, port: int, username: str, password: str, timeout: float = 5.0) -> None:
    """Log in once and read the cluster's metadata; return on success, raise
    ``LoginRejected`` or ``OSError``."""
    heard: list[KafkaError] = []
    config: dict[str, Any] = {
        "bootstrap.servers": f"{host}:{port}",
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": MECHANISM,
        "sasl.username": username,
        "sasl.password": password,
        "error_cb": heard.append,
        "log_level": 0,  # refused connections while the broker starts are expected
    }
    client = AdminClient(config)
    try:
        client.list_topics(timeout=timeout)
        return
    except KafkaException as error:
        heard.append(error.args[0])
    client.poll(0.1)  # serve the error callbacks queued meanwhile (a refused login's)
    rejected = [e for e in heard if e.code() == KafkaError._AUTHENTICATION]
    if rejected:
        raise LoginRejected(rejected[0].str())
    raise OSError(heard[0].str())
