"""Generated local estates of any size, for benchmarks and tests.

``local_estate(n)`` is the spec (the ``bulkheads:platform`` mapping) of one local cluster
with three pools and ``n`` pipelines in groups of three: a FileStream source declaring
``TOPICS_PER_SOURCE`` topics ``raw.estate-<g>.dataset-<t>`` (3 partitions; its connector writes the
first) and two FileStream sinks reading them all (each with its dead-letter topic), so
every pipeline brings about 2.3 topics, a SCRAM user, 12 ACLs and a quota — the mix of
the 173-pipeline estate of issue 18 (414 topics, 176 users, 2,114 ACLs, 176 quotas).
``write_local_estate`` writes it as a stack file that ``BULKHEADS_SPEC_FILE`` (or
``load_platform``) reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bulkheads.spec.loader import CONFIG_KEY

SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
POOLS = ("live-ingest", "derived-sinks-a", "derived-sinks-b")
TOPICS_PER_SOURCE = 5


def local_estate(
    pipelines: int,
    bootstrap: str = "127.0.0.1:19092",
    rest_ports: tuple[int, int, int] = (18083, 18084, 18085),
    data_dir: Path = Path(".state/local/data"),
) -> dict[str, Any]:
    """A local platform of ``pipelines`` pipelines (see the module docstring)."""
    one = {"replication_factor": 1, "min_insync_replicas": 1}
    pools = {
        name: {
            "cluster": "local",
            "class": "live" if name == "live-ingest" else "derived",
            "owner": "orders" if name == "live-ingest" else "analytics",
            "runtime": {"kind": "local", "rest_port": port},
        }
        for name, port in zip(POOLS, rest_ports, strict=True)
    }
    return {
        "environment": "local",
        "owners": {
            "orders": {"contact": "#orders-data", "oncall": "pagerduty:orders"},
            "analytics": {"contact": "#analytics", "oncall": "pagerduty:analytics"},
        },
        "classes": {"live": one, "derived": one, "replay": one},
        "network": {"kind": "local"},
        "clusters": {
            "local": {
                "engine": "kafka",
                "tenancy": "shared",
                "serves": ["live", "derived"],
                "owner": "orders",
                "deploy": {"kind": "local", "bootstrap": bootstrap},
            }
        },
        "pools": pools,
        "pipelines": dict(_pipelines(pipelines, data_dir)),
    }


def _pipelines(count: int, data_dir: Path) -> Any:
    for index in range(count):
        group, role = divmod(index, 3)
        topics = [f"raw.estate-{group}.dataset-{t}" for t in range(TOPICS_PER_SOURCE)]
        if role == 0:
            yield (
                f"source-{group}",
                {
                    "kind": "source",
                    "owner": "orders",
                    "pool": "live-ingest",
                    "connector": {
                        "class": SOURCE,
                        "config": {
                            "file": str(data_dir / f"source-{group}.jsonl"),
                            "topic": topics[0],
                        },
                    },
                    "writes": [{"topic": topic, "partitions": 3} for topic in topics],
                },
            )
        else:
            name = f"sink-{group}-{role}"
            yield (
                name,
                {
                    "kind": "sink",
                    "owner": "analytics",
                    "pool": POOLS[role],
                    "connector": {
                        "class": SINK,
                        "config": {
                            "file": str(data_dir / f"{name}.jsonl"),
                            "topics": ",".join(topics),
                        },
                    },
                    "reads": topics,
                },
            )


def write_local_estate(path: Path, pipelines: int, **options: Any) -> Path:
    """Write ``local_estate(pipelines, **options)`` to the stack file ``path``."""
    document = {"config": {CONFIG_KEY: local_estate(pipelines, **options)}}
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path
