"""The embedded local platform: real Kafka and Kafka Connect processes on 127.0.0.1.

Entry point: ``LocalPlatform`` (start/stop/status of Kafka nodes and Connect workers),
``WorkerSpec`` (one pool's worker), ``KafkaConnection`` (bootstrap + admin credential).
"""

from bulkheads.local.connection import KafkaConnection, jaas_config
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.platform import LocalPlatform, ProcessStatus
from bulkheads.local.worker import WorkerSpec

__all__ = [
    "KafkaConnection",
    "LocalPlatform",
    "LocalPlatformError",
    "ProcessStatus",
    "WorkerSpec",
    "jaas_config",
]
