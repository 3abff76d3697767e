"""A small estate whose monthly cost the tests compute by hand.

``ingest`` (AutoMQ, EBS WAL, 3 brokers) takes in orders at 4MiB/s, split 3:1 over two
topics; ``delivery`` (MSK, 3 brokers of 2500 GiB) gets one topic mirrored and a replay rebuilding it
at 2MiB/s in the 4h window. Three Kubernetes pools.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def estate() -> dict[str, Any]:
    """The ``bulkheads:platform`` value."""
    return {
        "environment": "dev",
        "owners": {"orders": {"contact": "#orders", "oncall": "pagerduty:orders"}},
        "network": {"kind": "aws", "region": "eu-west-1", "cidr": "10.40.0.0/16"},
        "clusters": {
            "ingest": {
                "engine": "automq",
                "tenancy": "dedicated",
                "serves": ["live"],
                "owner": "orders",
                "deploy": {"kind": "strimzi", "brokers": 3},
                "storage": {"bucket_prefix": "orders-ingest", "wal": "ebs"},
            },
            "delivery": {
                "engine": "kafka",
                "tenancy": "shared",
                "serves": ["derived", "replay"],
                "owner": "orders",
                "deploy": {"kind": "msk", "brokers": 3, "volume_gib": 2500},
            },
        },
        "pools": {
            "cdc": {
                **pool("ingest", "live", replicas=2, cpu="2", memory="4Gi"),
                "plugins": {
                    "debezium-postgres": {
                        "artifacts": ["io.debezium:debezium-connector-postgres:3.6.1.Final"],
                        "classes": ["io.debezium.connector.postgresql.PostgresConnector"],
                    },
                    "debezium-mysql": {
                        "artifacts": ["io.debezium:debezium-connector-mysql:3.6.1.Final"],
                        "classes": ["io.debezium.connector.mysql.MySqlConnector"],
                    },
                },
            },
            "mirror": pool("delivery", "derived", replicas=1, cpu="500m", memory="1024Mi"),
            "backfill": pool("delivery", "replay", replicas=1, cpu="1", memory="2Gi"),
        },
        "pipelines": {
            "orders-cdc": {
                "kind": "source",
                "owner": "orders",
                "pool": "cdc",
                "connector": {"class": "io.debezium.connector.postgresql.PostgresConnector"},
                "writes": [
                    {"topic": "raw.orders.events", "partitions": 3},
                    {"topic": "raw.orders.items", "partitions": 1},
                ],
                "throughput": {"average": "4MiB", "peak": "8MiB"},
            },
            "orders-mirror": {
                "kind": "mirror",
                "owner": "orders",
                "pool": "mirror",
                "source_cluster": "ingest",
                "reads": ["raw.orders.events"],
            },
            "orders-rebuild": {
                "kind": "replay",
                "owner": "orders",
                "pool": "backfill",
                "connector": {"class": "org.apache.kafka.connect.mirror.MirrorSourceConnector"},
                "reads": ["raw.orders.events"],
                "writes": [{"topic": "derived.orders.rebuilt", "partitions": 3, "retention": "1d"}],
                "throughput": {"average": "2MiB"},
            },
        },
    }


def pool(cluster: str, workload_class: str, **runtime: Any) -> dict[str, Any]:
    """A Kubernetes pool of ``workload_class`` on ``cluster``, owned by orders."""
    return {
        "cluster": cluster,
        "class": workload_class,
        "owner": "orders",
        "runtime": {"kind": "kubernetes", **runtime},
    }


def write_stack(path: Path, platform: dict[str, Any], **config: Any) -> Path:
    """A stack file with ``platform`` and other config keys (``prices=`` -> bulkheads:prices)."""
    document = {"config": {"bulkheads:platform": platform}}
    document["config"].update({f"bulkheads:{key}": value for key, value in config.items()})
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path
