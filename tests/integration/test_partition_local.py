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
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bulkheads.cli import main
from bulkheads.engine import Engine
from bulkheads.local import LocalPlatform
from tests.integration.test_stack_local import eventually
from tests.integration.test_up_faults_local import UP_TIMEOUT, _started_by_engine

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
LOCAL_SPEC = ROOT / "stacks" / "Pulumi.local.yaml"
DEADLINE = 120.0
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
TOPIC = "raw.orders.events"
REFUNDS = "raw.orders.refunds"


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


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """``bulkheads ARGV`` in its own process (this module's state dirs), output captured."""
    return subprocess.run(
        [sys.executable, "-m", "bulkheads.cli", *argv], cwd=ROOT, capture_output=True,
        text=True, timeout=UP_TIMEOUT, check=False,
    )  # fmt: skip


def test_an_up_all_killed_in_a_partition_is_recovered_by_the_next(
    estate: tuple[Path, dict[str, Any]],
) -> None:
    """SIGKILL an ``up --all`` while it applies east's new pipeline: the next ``up --all``
    clears the state lock the killed engine left on ``local-east`` (no manual ``pulumi
    cancel``), converges, and a preview then shows nothing to change."""
    file, _ = estate
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    pipelines = document["config"]["bulkheads:platform"]["pipelines"]
    pipelines["orders-refunds"] = {
        **pipelines["orders-events"],
        "connector": {
            "class": FILE_SOURCE,
            "config": {"file": str(file.parent / "data" / "refunds.jsonl"), "topic": REFUNDS},
        },
        "writes": [{"topic": REFUNDS, "partitions": 1}],
    }
    file.write_text(yaml.safe_dump(document), encoding="utf-8")
    harness = LocalPlatform(state_dir=Path(os.environ["BULKHEADS_STATE_DIR"]))
    locks = Path(os.environ["BULKHEADS_PULUMI_DIR"]) / "backend" / ".pulumi" / "locks"
    killed = subprocess.Popen(
        [sys.executable, "-m", "bulkheads.cli", "up", str(file), "--all", "--yes"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + UP_TIMEOUT
    while not (
        list(locks.rglob("local-east/*.json")) and REFUNDS in harness.existing_topics("east")
    ):
        assert killed.poll() is None, "the up --all ended before applying east"
        assert time.monotonic() < deadline, "the up --all never started applying east"
        time.sleep(0.2)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    home = str(Path(os.environ["BULKHEADS_PULUMI_DIR"]) / "home")
    eventually(lambda: not _started_by_engine(home), "the killed engine's plugins to exit")
    assert list(locks.rglob("local-east/*.json")), "the killed engine left no state lock"
    leftover = ROOT / "stacks" / "Pulumi.local-east.yaml"  # the partition salt's file
    assert leftover.is_file(), "SIGKILL came before east's engine ran"

    again = cli("up", str(file), "--all", "--yes", "--json")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "[local-east] recovered: removed the state lock" in again.stderr, again.stderr
    assert not leftover.exists(), "the killed run's salt file was left in stacks/"
    preview = cli("preview", str(file), "--all", "--json")
    assert preview.returncode == 0, preview.stderr[-3000:]
    for part in json.loads(preview.stdout)["partitions"]:
        assert set(part["changes"]) <= {"same"}, part


def destroy_all(file: Path, *flags: str) -> dict[str, Any]:
    """``bulkheads destroy <file> --all --json FLAGS``, its document and exit code."""
    out = file.parent / "destroy.json"
    with out.open("w") as handle, contextlib.redirect_stdout(handle):
        code = main(["destroy", str(file), "--all", "--json", *flags])
    document: dict[str, Any] = json.loads(out.read_text())
    document["exit"] = code
    return document


def test_destroy_all_goes_dependents_first_and_keeps_live_topics(
    estate: tuple[Path, dict[str, Any]],
) -> None:
    """Last in this module: it tears the estate down. The preview deletes nothing; the
    destroy empties every partition stack, west before east before the network, stops the
    workers and leaves east's live topic (retain_on_delete) with its records on east."""
    file, _ = estate
    harness = LocalPlatform(state_dir=Path(os.environ["BULKHEADS_STATE_DIR"]))
    preview = destroy_all(file, "--preview-only")
    assert preview["exit"] == 0, json.dumps(preview["partitions"], indent=2)
    assert preview["waves"] == [["west"], ["east"], ["network"]]
    by_stack = {p["stack"]: p for p in preview["partitions"]}
    assert list(by_stack) == ["local-west", "local-east", "local-network"]
    assert by_stack["local-west"]["delete"] > 0 and by_stack["local-east"]["delete"] > 0
    assert by_stack["local-network"]["delete"] == 0  # a local network is components only
    assert TOPIC in {k["topic"] for k in by_stack["local-east"]["kept"]}
    assert harness.worker_pid("west-derived") is not None  # the preview deleted nothing

    document = destroy_all(file, "--yes")
    assert document["exit"] == 0, json.dumps(document["partitions"], indent=2)
    engine = Engine.ensure()
    for partition in ("network", "east", "west"):
        stack = engine.stack(f"local-{partition}", estate="local")
        left = (stack.export_stack().deployment or {}).get("resources") or []
        assert left == [], f"local-{partition} still holds {[r['urn'] for r in left]}"
    assert harness.worker_pid("east-ingest") is None
    assert harness.worker_pid("west-derived") is None
    assert TOPIC in harness.existing_topics("east")
