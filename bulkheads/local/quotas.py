"""Client quotas (user and client-id entities) on a local cluster, all in one JVM
(``ClientQuotas.java`` beside this module: the Admin API's ``alterClientQuotas``;
librdkafka has no quota API, and Kafka's ConfigCommand alters one entity per JVM)."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from bulkheads.local.connection import SASL_MECHANISM, SECURITY_PROTOCOL, KafkaConnection
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.paths import write_private_text
from bulkheads.local.processes import java_executable

PROGRAM = Path(__file__).with_name("ClientQuotas.java")
TIMEOUT = 120.0


def set_client_quotas(
    libs: Path,
    connection: KafkaConnection,
    quotas: Mapping[tuple[str, str], Mapping[str, int | float]],
    work_dir: Path,
) -> None:
    """Set the quota keys (``producer_byte_rate`` ...) of each (entity type ``user`` or
    ``client-id``, name) as ``connection``'s admin; ``libs`` is the Kafka classpath dir,
    ``work_dir`` gets the 0600 admin properties file."""
    if not quotas:
        return
    properties = work_dir / "quota-admin.properties"
    write_private_text(
        properties,
        f"bootstrap.servers={connection.bootstrap}\nsecurity.protocol={SECURITY_PROTOCOL}\n"
        f"sasl.mechanism={SASL_MECHANISM}\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{connection.username}" password="{connection.password}";\n',
    )
    lines = "".join(
        f"{kind} {name} {','.join(f'{key}={value}' for key, value in sorted(config.items()))}\n"
        for (kind, name), config in quotas.items()
    )
    done = subprocess.run(
        [java_executable(), "-Xmx256m", "-cp", f"{libs}/*", str(PROGRAM), str(properties)],
        input=lines, capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise LocalPlatformError(f"setting client quotas failed: {done.stderr.strip()[-2000:]}")
