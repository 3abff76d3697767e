"""How clients reach a local Kafka: bootstrap address and SASL/SCRAM credentials."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bulkheads.connect.config import scram_jaas_config as jaas_config
from bulkheads.local.paths import write_private_text

SECURITY_PROTOCOL = "SASL_PLAINTEXT"
SASL_MECHANISM = "SCRAM-SHA-512"
__all__ = ["SASL_MECHANISM", "SECURITY_PROTOCOL", "KafkaConnection", "jaas_config"]


@dataclass(frozen=True)
class KafkaConnection:
    """A local cluster's listener ports and its admin (super-user) credential."""

    cluster: str
    port: int
    controller_port: int
    username: str
    password: str = field(repr=False)
    host: str = "127.0.0.1"

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def client_config(self) -> dict[str, str]:
        """Admin settings for librdkafka clients (``confluent_kafka.admin.AdminClient``)."""
        return {
            "bootstrap.servers": self.bootstrap,
            "security.protocol": SECURITY_PROTOCOL,
            "sasl.mechanism": SASL_MECHANISM,
            "sasl.username": self.username,
            "sasl.password": self.password,
        }

    def pulumi_provider_args(self) -> dict[str, object]:
        """Keyword arguments of ``pulumi_kafka.Provider`` for this cluster."""
        return {
            "bootstrap_servers": [self.bootstrap],
            "sasl_mechanism": "scram-sha512",
            "sasl_username": self.username,
            "sasl_password": self.password,
            "tls_enabled": False,
        }

    def save(self, path: Path) -> None:
        """Write as JSON readable by the owner only (0600): it holds the admin password."""
        write_private_text(path, json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> KafkaConnection:
        return cls(**json.loads(path.read_text()))
