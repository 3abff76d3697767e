"""Benchmark: validate a generated 2,000-pipeline spec (a script, not a test).

Run: ``.venv/bin/python bench/validate_bench.py``. Prints the best and median time of
several runs for (a) ``platform_from_mapping`` (shape + doctrine) and (b) ``load_platform``
on the same spec written as a stack file (YAML parsing and line indexing included), each
as seconds per 500 pipelines and as a ratio to the budget of 1 s per 500 pipelines.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bulkheads.spec.loader import CONFIG_KEY, load_platform, platform_from_mapping

PIPELINES = 2_000
RUNS = 7
BUDGET_PER_500 = 1.0
DOMAINS = 50


def generate(pipelines: int = PIPELINES) -> dict[str, Any]:
    """An aws platform: ingest (live) -> mirrors -> delivery (derived, replay)."""
    kube = {"kind": "kubernetes", "replicas": 2}
    debezium = {
        "debezium-postgres": {
            "artifacts": ["io.debezium:debezium-connector-postgres:3.6.1.Final"],
            "classes": ["io.debezium.connector.postgresql.PostgresConnector"],
        }
    }
    s3 = {
        "s3": {
            "artifacts": ["io.confluent:kafka-connect-s3:10.6.7"],
            "classes": ["io.confluent.connect.s3.S3SinkConnector"],
            "repository": "https://artifacts.example.internal/maven/confluent",
        }
    }
    pools = {
        f"live-{d}": {
            "cluster": "ingest",
            "class": "live",
            "owner": f"team-{d % 8}",
            "runtime": kube,
            "plugins": debezium,
        }
        for d in range(DOMAINS // 5)
    }
    pools.update(
        {
            f"sinks-{d}": {
                "cluster": "delivery",
                "class": "derived",
                "owner": f"team-{d % 8}",
                "runtime": kube,
                "plugins": s3,
            }
            for d in range(10)
        }
    )
    pools["mirror"] = {
        "cluster": "delivery",
        "class": "derived",
        "owner": "team-0",
        "runtime": kube,
    }
    pools["backfill"] = {
        "cluster": "delivery",
        "class": "replay",
        "owner": "team-0",
        "runtime": kube,
    }
    sources = pipelines * 2 // 5
    result: dict[str, Any] = {}
    raw = [f"raw.domain{i % DOMAINS}.dataset-{i}" for i in range(sources)]
    for i, topic in enumerate(raw):
        result[f"source-{i}"] = {
            "kind": "source",
            "owner": f"team-{i % 8}",
            "pool": f"live-{i % (DOMAINS // 5)}",
            "connector": {
                "class": "io.debezium.connector.postgresql.PostgresConnector",
                "config": {"database.hostname": f"db-{i}.internal"},
                "secrets": {"database.password": f"db-{i}-password"},
            },
            "writes": [{"topic": topic, "partitions": 6}],
        }
    for m in range(0, sources, 20):
        result[f"mirror-{m}"] = {
            "kind": "mirror",
            "owner": "team-0",
            "pool": "mirror",
            "source_cluster": "ingest",
            "reads": raw[m : m + 20],
        }
    i = 0
    while len(result) < pipelines:
        topic = raw[i % sources]
        if i % 10 == 0:
            result[f"replay-{i}"] = {
                "kind": "replay",
                "owner": f"team-{i % 8}",
                "pool": "backfill",
                "connector": {"class": "org.apache.kafka.connect.mirror.MirrorSourceConnector"},
                "reads": [topic],
                "writes": [f"derived.rebuild.dataset-{i}"],
            }
        else:
            result[f"sink-{i}"] = {
                "kind": "sink",
                "owner": f"team-{i % 8}",
                "pool": f"sinks-{i % 10}",
                "connector": {
                    "class": "io.confluent.connect.s3.S3SinkConnector",
                    "config": {"topics": topic},
                },
                "reads": [topic],
            }
        i += 1
    return {
        "environment": "prod",
        "owners": {
            f"team-{t}": {"contact": f"#team-{t}", "oncall": f"pagerduty:team-{t}"}
            for t in range(8)
        },
        "network": {"kind": "aws", "region": "eu-west-1", "cidr": "10.40.0.0/16"},
        "clusters": {
            "ingest": {
                "engine": "automq",
                "tenancy": "dedicated",
                "serves": ["live"],
                "owner": "team-0",
                "deploy": {"kind": "strimzi"},
                "storage": {"bucket_prefix": "ingest"},
            },
            "delivery": {
                "engine": "kafka",
                "tenancy": "shared",
                "serves": ["derived", "replay"],
                "owner": "team-0",
                "deploy": {"kind": "msk", "brokers": 6},
            },
        },
        "pools": pools,
        "pipelines": result,
    }


def timed(action: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float], pipelines: int) -> None:
    per_500 = [t * 500 / pipelines for t in times]
    best, median = min(per_500), statistics.median(per_500)
    print(
        f"{label:<28} best {best:.4f} s/500  median {median:.4f} s/500  ratio to 1 s budget: "
        f"best {best / BUDGET_PER_500:.3f}  median {median / BUDGET_PER_500:.3f}"
    )


def main() -> None:
    data = generate()
    count = len(platform_from_mapping(data).pipelines)
    print(f"spec: {count} pipelines, {len(data['pools'])} pools, {RUNS} runs each")
    report("platform_from_mapping", timed(lambda: platform_from_mapping(data)), count)
    with tempfile.TemporaryDirectory() as tmp:
        stack = Path(tmp) / "Pulumi.bench.yaml"
        stack.write_text(yaml.safe_dump({"config": {CONFIG_KEY: data}}, sort_keys=False))
        report("load_platform (YAML file)", timed(lambda: load_platform(stack)), count)


if __name__ == "__main__":
    main()
