"""The ``local`` stack's spec moved onto free ports, for tests that run the real engine
beside a ``make up`` of the same stack without touching it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
LOCAL_SPEC = ROOT / "stacks" / "Pulumi.local.yaml"


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
