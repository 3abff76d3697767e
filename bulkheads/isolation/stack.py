"""The scenario estate: one local cluster, three pools (live, derived, replay) and the
pipelines the four scenarios exercise.

- ``orders-events`` (live, ``live-ingest``): a FileStream source tailing ``events.txt``;
- ``orders-archive`` (derived, ``derived-sinks``): a FileStream sink of its topic into
  ``archive.txt`` (the sink whose target fails);
- ``orders-enrich`` (derived, ``derived-sinks``): a sink whose target is a directory, so
  every task it starts fails (the crashing connector);
- ``orders-history`` (live): the topic a replay reads (loaded directly, no connector);
- ``orders-rebuild`` (replay, ``replay``): MirrorMaker re-reading the history into
  ``derived.orders.rebuilt`` at the replay quota (``REPLAY_QUOTA``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

CLUSTER = "local"
LIVE_POOL = "live-ingest"
LIVE_SOURCE = "orders-events"
SINK = "orders-archive"
CRASHER = "orders-enrich"
HISTORY = "orders-history"
REPLAY = "orders-rebuild"
LIVE_TOPIC = "raw.orders.events"
HISTORY_TOPIC = "raw.orders.history"
REBUILT_TOPIC = "derived.orders.rebuilt"
REPLAY_QUOTA = 1024 * 1024  # bytes/s, producer and consumer
PARTITIONS = 3
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
REGEX_ROUTER = "org.apache.kafka.connect.transforms.RegexRouter"
MIRROR_SOURCE = "org.apache.kafka.connect.mirror.MirrorSourceConnector"


def scenario_stack(directory: Path, free_port: Callable[[], int]) -> dict[str, Any]:
    """The estate's spec mapping: Kafka and every pool on free ports, files in
    ``directory`` (the crashing sink's target is the directory ``directory/enrich``)."""
    local = {"replication_factor": 1, "min_insync_replicas": 1}
    return {
        "environment": "local",
        "owners": {
            "orders": {"contact": "#orders", "oncall": "pagerduty:orders"},
            "analytics": {"contact": "#analytics", "oncall": "pagerduty:analytics"},
        },
        "classes": {
            "live": local,
            "derived": local,
            "replay": {
                **local,
                "window": "00:00-23:59",
                "quota": {"producer_byte_rate": REPLAY_QUOTA, "consumer_byte_rate": REPLAY_QUOTA},
            },
        },
        "network": {"kind": "local"},
        "clusters": {
            CLUSTER: {
                "engine": "kafka",
                "tenancy": "shared",
                "owner": "orders",
                "serves": ["live", "derived", "replay"],
                "deploy": {"kind": "local", "bootstrap": f"127.0.0.1:{free_port()}"},
            },
        },
        "pools": {
            pool: {
                "cluster": CLUSTER,
                "class": workload_class,
                "owner": owner,
                "runtime": {"kind": "local", "rest_port": free_port()},
            }
            for pool, workload_class, owner in (
                (LIVE_POOL, "live", "orders"),
                ("derived-sinks", "derived", "analytics"),
                ("replay", "replay", "analytics"),
            )
        },
        "pipelines": {
            LIVE_SOURCE: {
                "kind": "source",
                "owner": "orders",
                "pool": LIVE_POOL,
                "connector": {
                    "class": FILE_SOURCE,
                    "config": {"file": str(directory / "events.txt"), "topic": LIVE_TOPIC},
                },
                "writes": [{"topic": LIVE_TOPIC, "partitions": PARTITIONS}],
            },
            HISTORY: {
                "kind": "source",
                "owner": "orders",
                "pool": LIVE_POOL,
                "connector": {"class": FILE_SOURCE},
                "writes": [{"topic": HISTORY_TOPIC, "partitions": PARTITIONS}],
            },
            SINK: _sink(directory / "archive.txt"),
            CRASHER: _sink(directory / "enrich"),
            REPLAY: {
                "kind": "replay",
                "owner": "analytics",
                "pool": "replay",
                "connector": {
                    "class": MIRROR_SOURCE,
                    "config": {
                        "transforms": "rebuild",
                        "transforms.rebuild.type": REGEX_ROUTER,
                        "transforms.rebuild.regex": r"raw\.orders\.history",
                        "transforms.rebuild.replacement": REBUILT_TOPIC,
                        # small fetches: the quota is met fetch by fetch, not in one burst
                        "consumer.max.partition.fetch.bytes": 65536,
                        "consumer.fetch.max.bytes": 131072,
                    },
                },
                "reads": [HISTORY_TOPIC],
                "writes": [{"topic": REBUILT_TOPIC, "partitions": PARTITIONS}],
            },
        },
    }


def _sink(path: Path) -> dict[str, Any]:
    return {
        "kind": "sink",
        "owner": "analytics",
        "pool": "derived-sinks",
        "connector": {"class": FILE_SINK, "config": {"file": str(path), "topics": LIVE_TOPIC}},
        "reads": [LIVE_TOPIC],
    }
