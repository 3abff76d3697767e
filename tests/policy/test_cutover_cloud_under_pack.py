"""A cloud cutover (MSK -> AutoMQ on Strimzi, ``tests/spec/fixtures/valid/cutover_cloud.yaml``)
built by the whole program under mocks at every phase, with the pack over it (dev's pack
config): the mirror is a KafkaConnect of the target's mirror pool with MirrorSource and
MirrorCheckpoint KafkaConnectors while it runs, and moved connectors land in their target
pool's namespace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bulkheads.cutover import phases
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import CUTOVER_PHASES, CutoverPhase
from components import tokens
from tests.policy.builders import Pack
from tests.policy.test_prod_cloud_under_pack import _resources
from tests.policy.test_stack_data_planes_under_pack import findings, stack_config
from tests.unit.cloud_harness import CloudHarness, run_stack_program
from tests.unit.test_platform_prod_program import prod_config

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "tests/spec/fixtures/valid/cutover_cloud.yaml"
CUTOVER = "payments-to-automq"
MIRROR_CLASSES = {
    "org.apache.kafka.connect.mirror.MirrorSourceConnector",
    "org.apache.kafka.connect.mirror.MirrorCheckpointConnector",
}


def _connectors(harness: CloudHarness) -> dict[str, dict[str, Any]]:
    """KafkaConnector manifests by name: namespace, class, state."""
    found = {}
    for res in harness.of_type(tokens.STRIMZI_KAFKA_CONNECTOR):
        meta, spec = res.inputs["metadata"], res.inputs["spec"]
        found[meta["name"] + "@" + meta["namespace"]] = {
            "class": spec["class"],
            "state": spec["state"],
        }
    return found


@pytest.mark.parametrize("phase", CUTOVER_PHASES)
def test_the_cloud_cutover_renders_each_phase_and_passes_the_pack(
    pack: Pack, phase: CutoverPhase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(phases.PHASES_ENV, phases.encode({CUTOVER: phase}))
    harness = CloudHarness()
    run_stack_program(harness, load_platform(STACK), prod_config())
    connectors = _connectors(harness)
    mirror = {k: v for k, v in connectors.items() if v["class"] in MIRROR_CLASSES}
    if phase == "done":
        assert mirror == {}
    else:
        assert set(mirror) == {
            "payments-to-automq-mirror@connect-automq-mirror",
            "payments-to-automq-mirror-checkpoint@connect-automq-mirror",
        }
    running = sorted(
        n for n, v in connectors.items() if v["state"] == "running" and n not in mirror
    )
    expected = {
        "mirror": ["payments-cdc@connect-classic-cdc", "payments-s3@connect-classic-sinks"],
        "consumers": ["payments-cdc@connect-classic-cdc", "payments-s3@connect-automq-sinks"],
        "producers": ["payments-s3@connect-automq-sinks"],  # sources stopped on both sides
        "done": ["payments-cdc@connect-automq-cdc", "payments-s3@connect-automq-sinks"],
    }
    assert running == expected[phase], connectors
    assert findings(pack, _resources(harness.resources), stack_config("dev")) == []
