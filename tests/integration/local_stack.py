"""The ``local`` stack's spec moved onto free ports, for tests that run the real engine
beside a ``make up`` of the same stack without touching it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
LOCAL_SPEC = ROOT / "stacks" / "Pulumi.local.yaml"
TWO_POOLS = {"live-ingest", "derived-sinks"}
TWO_PIPELINES = {"orders-events", "orders-archive"}


def isolated_spec(directory: Path, free_port: Callable[[], int]) -> tuple[Path, int]:
    """A copy of the local stack file in ``directory``: its Kafka and every pool's REST on
    free ports, connector files under ``directory``. Returns the file and the Kafka port."""
    document = yaml.safe_load(LOCAL_SPEC.read_text())
    spec = document["config"]["bulkheads:platform"]
    port = free_port()
    spec["clusters"]["local"]["deploy"]["bootstrap"] = f"127.0.0.1:{port}"
    for pool in spec["pools"].values():
        pool["runtime"]["rest_port"] = free_port()
    for pipeline in spec["pipelines"].values():
        config = pipeline.get("connector", {}).get("config", {})
        if "file" in config:
            config["file"] = str(directory / "data" / Path(config["file"]).name)
    path = directory / "Pulumi.local.yaml"
    path.write_text(yaml.safe_dump(document))
    return path, port


def two_pool_spec(directory: Path, free_port: Callable[[], int]) -> tuple[Path, int]:
    """:func:`isolated_spec` kept to its pools ``live-ingest`` and ``derived-sinks`` and
    their pipelines ``orders-events`` (a live source) and ``orders-archive`` (a sink)."""
    path, port = isolated_spec(directory, free_port)
    document = yaml.safe_load(path.read_text())
    platform = document["config"]["bulkheads:platform"]
    platform["pools"] = {k: v for k, v in platform["pools"].items() if k in TWO_POOLS}
    platform["pipelines"] = {k: v for k, v in platform["pipelines"].items() if k in TWO_PIPELINES}
    path.write_text(yaml.safe_dump(document))
    return path, port


def stack_env(state: Path, spec: Path) -> dict[str, str]:
    """What a stack of its own under ``state`` needs in the environment: its local
    platform's and engine's state dirs, its spec file (values for ``os.environ`` or a
    subprocess)."""
    return {
        "BULKHEADS_STATE_DIR": str(state / "local"),
        "BULKHEADS_PULUMI_DIR": str(state / "pulumi"),
        "BULKHEADS_SPEC_FILE": str(spec),
    }
