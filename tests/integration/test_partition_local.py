"""A partitioned local estate for real: ``bulkheads up <file> --all --yes --json`` brings up
the network stack and one stack per cluster (``partition: cluster``) on two local Kafka
clusters, and records cross the boundary through the declared mirror: written to a file on
``east``, mirrored by the ``west`` partition's MirrorMaker 2 (logged in on ``east`` with the
password ``east``'s stack published as a secret), and written out by ``west``'s sink.

Own state dirs, free ports, its own file backend; every wait is bounded (the ``up`` by the
engine, each data wait by ``DEADLINE``), the whole well under 5 minutes.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bulkheads.cli import main
from bulkheads.engine import Engine
from bulkheads.local import LocalPlatform

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
LOCAL_SPEC = ROOT / "stacks" / "Pulumi.local.yaml"
DEADLINE = 120.0
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
TOPIC = "raw.orders.events"


def estate_file(directory: Path, free_port: Callable[[], int]) -> Path:
    """Two local clusters, a source on ``east``, a mirror and a sink on ``west``."""
    data = directory / "data"
    local = yaml.safe_load(LOCAL_SPEC.read_text(encoding="utf-8"))

    def cluster(serves: str, owner: str) -> dict[str, Any]:
        bootstrap = f"127.0.0.1:{free_port()}"
        return {
            "engine": "kafka",
            "tenancy": "shared",
            "serves": [serves],
            "owner": owner,
            "deploy": {"kind": "local", "bootstrap": bootstrap},
        }

    platform = {
        "environment": "local",
        "partition": "cluster",
        "owners": local["config"]["bulkheads:platform"]["owners"],
        "classes": {
            c: {"replication_factor": 1, "min_insync_replicas": 1}
            for c in ("live", "derived", "replay")
        },
        "network": {"kind": "local"},
        "clusters": {"east": cluster("live", "orders"), "west": cluster("derived", "analytics")},
        "pools": {
            "east-ingest": {
                "cluster": "east",
                "class": "live",
                "owner": "orders",
                "runtime": {"kind": "local", "rest_port": free_port()},
            },
            "west-derived": {
                "cluster": "west",
                "class": "derived",
                "owner": "analytics",
                "runtime": {"kind": "local", "rest_port": free_port()},
            },
        },
        "pipelines": {
            "orders-events": {
                "kind": "source",
                "owner": "orders",
                "pool": "east-ingest",
                "connector": {
                    "class": FILE_SOURCE,
                    "config": {"file": str(data / "events.jsonl"), "topic": TOPIC},
                },
                "writes": [{"topic": TOPIC, "partitions": 1}],
            },
            "orders-to-west": {
                "kind": "mirror",
                "owner": "analytics",
                "pool": "west-derived",
                "source_cluster": "east",
                "reads": [TOPIC],
            },
            "orders-archive": {
                "kind": "sink",
                "owner": "analytics",
                "pool": "west-derived",
                "connector": {
                    "class": FILE_SINK,
                    "config": {"file": str(data / "archive.jsonl"), "topics": TOPIC},
                },
                "reads": [TOPIC],
            },
        },
    }
    document = {
        "config": {"bulkheads:platform": platform},
        "encryptionsalt": local["encryptionsalt"],
    }
    path = directory / "Pulumi.local.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def estate(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[tuple[Path, dict[str, Any]]]:
    state = tmp_path_factory.mktemp("partition-local")
    keys = ("BULKHEADS_STATE_DIR", "BULKHEADS_PULUMI_DIR", "BULKHEADS_SPEC_FILE")
    saved = {key: os.environ.get(key) for key in keys}
    os.environ["BULKHEADS_STATE_DIR"] = str(state / "local")
    os.environ["BULKHEADS_PULUMI_DIR"] = str(state / "pulumi")
    os.environ.pop("BULKHEADS_SPEC_FILE", None)
    harness = LocalPlatform(state_dir=state / "local")
    file = estate_file(state, free_port)
    try:
        yield file, up_all(file)
    finally:
        harness.down()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def up_all(file: Path) -> dict[str, Any]:
    """``bulkheads up <file> --all --yes --json``, its document (stdout captured here)."""
    out = file.parent / "up.json"
    with out.open("w") as handle, contextlib.redirect_stdout(handle):
        code = main(["up", str(file), "--all", "--yes", "--json"])
    document: dict[str, Any] = json.loads(out.read_text())
    document["exit"] = code
    return document


def test_up_all_brings_the_partitions_up_in_order(estate: tuple[Path, dict[str, Any]]) -> None:
    _, document = estate
    assert document["exit"] == 0, json.dumps(document["partitions"], indent=2)
    assert document["waves"] == [["network"], ["east"], ["west"]]
    statuses = {p["stack"]: p["status"] for p in document["partitions"]}
    assert statuses == {"local-network": "ok", "local-east": "ok", "local-west": "ok"}
    created = {p["partition"]: p["changes"].get("create", 0) for p in document["partitions"]}
    assert created["east"] > 0 and created["west"] > 0


def test_records_cross_the_boundary_through_the_mirror(
    estate: tuple[Path, dict[str, Any]],
) -> None:
    file, _ = estate
    data = file.parent / "data"
    lines = [json.dumps({"order": i}) for i in range(20)]
    with (data / "events.jsonl").open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    archive = data / "archive.jsonl"
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        got = archive.read_text().splitlines() if archive.exists() else []
        if set(lines) <= set(got):
            break
        time.sleep(2)
    assert set(lines) <= set(got), f"{len(got)} of {len(lines)} records arrived on west"


def test_the_west_stack_holds_no_east_resource(estate: tuple[Path, dict[str, Any]]) -> None:
    """East's data plane lives in east's stack only; west reads it through a reference."""
    engine = Engine.ensure()
    west = engine.stack("local-west", estate="local")
    resources = (west.export_stack().deployment or {}).get("resources", [])
    urns = [r["urn"] for r in resources]
    assert any("local-cluster-west" in urn for urn in urns)
    assert not any("local-cluster-east" in urn for urn in urns)
    assert any(r["type"] == "pulumi:pulumi:StackReference" for r in resources)
