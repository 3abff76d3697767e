"""Cloud cutovers (MSK -> AutoMQ on Strimzi) built by the whole program under mocks at
every phase, with the pack over them: ``tests/spec/fixtures/valid/cutover_cloud.yaml``
(dev's pack config) and the prod stack's worked example, ``experiments-to-lakehouse``
(prod's). The mirror is a KafkaConnect of the target's mirror pool with MirrorSource and
MirrorCheckpoint KafkaConnectors while it runs, and moved connectors land in their target
pool's namespace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bulkheads.cutover import phases
from bulkheads.spec.loader import load_platform, platform_from_mapping
from bulkheads.spec.model import CUTOVER_PHASES, CutoverPhase
from components import tokens
from tests.policy.builders import Pack
from tests.policy.test_prod_cloud_under_pack import _resources
from tests.policy.test_stack_data_planes_under_pack import findings, stack_config
from tests.unit.cloud_harness import CloudHarness, Registered, run_stack_program
from tests.unit.test_platform_prod_program import prod_config

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "tests/spec/fixtures/valid/cutover_cloud.yaml"
CUTOVER = "payments-to-automq"
PROD = ROOT / "stacks/Pulumi.prod.yaml"
PROD_CUTOVER = "experiments-to-lakehouse"
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


def _mirror_and_running(
    connectors: dict[str, dict[str, Any]], of: set[str]
) -> tuple[set[str], list[str]]:
    """The mirror's connectors, and the running ones among ``of`` (pipeline names)."""
    mirror = {k for k, v in connectors.items() if v["class"] in MIRROR_CLASSES}
    running = [
        n for n, v in connectors.items() if v["state"] == "running" and n.split("@")[0] in of
    ]
    return mirror, sorted(running)


@pytest.mark.parametrize("phase", CUTOVER_PHASES)
def test_the_prod_cutover_renders_each_phase_and_passes_the_pack(
    pack: Pack, phase: CutoverPhase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(phases.PHASES_ENV, phases.encode({PROD_CUTOVER: phase}))
    harness = CloudHarness()
    run_stack_program(harness, load_platform(PROD), prod_config())
    connectors = _connectors(harness)
    group = {"experiments-cdc", "experiments-s3-archive"}
    mirror, running = _mirror_and_running(connectors, group)
    declared_mirrors = {k for k in mirror if not k.startswith(PROD_CUTOVER)}
    assert mirror - declared_mirrors == (
        set()
        if phase == "done"
        else {
            "experiments-to-lakehouse-mirror@connect-lakehouse-mirror",
            "experiments-to-lakehouse-mirror-checkpoint@connect-lakehouse-mirror",
        }
    )
    expected = {
        "mirror": [
            "experiments-cdc@connect-lake-experiments-cdc",
            "experiments-s3-archive@connect-lake-sinks",
        ],
        "consumers": [
            "experiments-cdc@connect-lake-experiments-cdc",
            "experiments-s3-archive@connect-lakehouse-sinks",
        ],
        "producers": ["experiments-s3-archive@connect-lakehouse-sinks"],
        "done": [
            "experiments-cdc@connect-lakehouse-experiments-cdc",
            "experiments-s3-archive@connect-lakehouse-sinks",
        ],
    }
    assert running == expected[phase], connectors
    assert findings(pack, _resources(harness.resources), stack_config("prod")) == []


def cleaned_up(stack: Path, cutover: str) -> dict[str, Any]:
    """The platform mapping of ``stack`` once ``cutover`` is removed after ``done``: each
    moved pipeline declares its new pool (what the operator edits)."""
    data = yaml.safe_load(stack.read_text(encoding="utf-8"))["config"]["bulkheads:platform"]
    removed = data["cutovers"].pop(cutover)
    for pipeline in removed["pipelines"]:
        declared = data["pipelines"][pipeline]
        declared["pool"] = removed["pools"][declared["pool"]]
    return dict(data)


def test_removing_a_done_cutover_keeps_every_connector_urn_by_alias(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At ``done`` a moved connector is ``<pipeline>@<to>``; with the cutover removed it is
    ``<pipeline>`` again, aliased to its old name. Its children (the KafkaConnector, its
    Secret, Role and RoleBinding) are named after it, so the engine carries the alias to
    them: every URN is kept and nothing is replaced. Everything else is unchanged."""
    monkeypatch.setenv(phases.PHASES_ENV, phases.encode({CUTOVER: "done"}))
    done = CloudHarness()
    run_stack_program(done, load_platform(STACK), prod_config())
    monkeypatch.delenv(phases.PHASES_ENV)
    after = CloudHarness()
    run_stack_program(after, platform_from_mapping(cleaned_up(STACK, CUTOVER)), prod_config())

    def named(harness: CloudHarness) -> dict[tuple[str, str], Registered]:
        return {(r.typ, r.name): r for r in harness.resources}

    before, now = named(done), named(after)
    moved = {key for key in before if "@automq" in key[1]}
    assert len(moved) == 2 * 5  # two connectors: the component and its four children
    components = {key: r for key, r in now.items() if key[0] == tokens.CONNECTOR}
    assert {k[1]: r.aliases for k, r in components.items() if r.aliases} == {
        "dev-connector-payments-cdc": ["dev-connector-payments-cdc@automq"],
        "dev-connector-payments-s3": ["dev-connector-payments-s3@automq"],
    }
    # what the aliases carry to, named as before
    carried = {
        (typ, name.replace(parent, alias))
        for (typ, name), r in now.items()
        for (_, parent), component in components.items()
        for alias in component.aliases
        if name.startswith(parent) and (r is component or r.parent_urn == component.urn)
    }
    assert moved <= carried
    renamed = {(typ, name.replace("@automq", "")) for typ, name in moved}
    assert set(now) - renamed <= set(before) - moved
    # only the old topics on `from` leave the stack; the data topic is retained (it leaves
    # the state, not the cluster), the sink's dead-letter topic of its old home is deleted
    left = {key[1]: before[key].retain_on_delete for key in set(before) - moved - set(now)}
    assert left == {
        "dev-cluster-classic-data-topic-raw.payments.transactions": False,
        "dev-cluster-classic-data-topic-raw.payments.transactions-topic": True,
        "dev-cluster-classic-data-topic-dlq.payments-s3": False,
        "dev-cluster-classic-data-topic-dlq.payments-s3-topic": False,
    }
