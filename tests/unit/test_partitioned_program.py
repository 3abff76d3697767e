"""A partitioned estate under mocks: each partition's program in dependency order, reading
the outputs of the stacks before it through ``StackReference``. The union of what the
partition stacks register equals what the single stack registers (by type and name, with
the same inputs), none twice; only each stack's own root (its Platform component and
Kubernetes provider) repeats."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pulumi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulkheads import program
from bulkheads.cloud.from_spec import network_args
from bulkheads.plan.errors import PlanError
from bulkheads.plan.partitions import NETWORK, partition_estate, stack_of
from bulkheads.plan.platform import plan_platform
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import PlatformSpec
from bulkheads.stacks import PartitionRun
from components import tokens
from components.references import LOGINS, REFERENCES
from tests.policy.test_catalogue_agreement import NoLocalKafka
from tests.strategies import platform_specs
from tests.unit.cloud_harness import CloudHarness, Registered, run_stack_program
from tests.unit.test_platform_prod_program import prod_config

ROOT = Path(__file__).resolve().parents[2]
ESTATE = "estate"
KUBERNETES_PROVIDER = ("pulumi:providers:kubernetes", "kubernetes")


def config_of(spec: PlatformSpec) -> dict[str, str]:
    return {} if spec.environment == "local" else prod_config()


def single(spec: PlatformSpec) -> list[Registered]:
    """What the unpartitioned stack of ``spec`` registers."""
    harness = CloudHarness()
    run_stack_program(harness, spec.model_copy(update={"partition": None}), config_of(spec))
    return harness.resources


Published = dict[str, tuple[dict[str, Any], list[str]]]


def partitioned(spec: PlatformSpec) -> tuple[dict[str, list[Registered]], Published]:
    """What each partition stack registers, run wave by wave, and their outputs."""
    assert spec.partition is not None
    estate = partition_estate(plan_platform(spec, ROOT), spec.partition)
    outputs: Published = {}
    found: dict[str, list[Registered]] = {}
    for wave in estate.waves():
        for name in wave:
            harness = CloudHarness(stacks=outputs)
            run = PartitionRun(ESTATE, name)
            platform = run_stack_program(harness, spec, config_of(spec), run)
            references, _ = harness.resolve(pulumi.Output.from_input(platform.references))
            logins, secret = harness.resolve(pulumi.Output.from_input(platform.logins))
            assert secret or not logins, f"{name}: logins published in plain text"
            outputs[stack_of(ESTATE, name)] = ({REFERENCES: references, LOGINS: logins}, [LOGINS])
            found[name] = harness.resources
    return found, outputs


def key(resource: Registered) -> tuple[str, str]:
    return resource.typ, resource.name


def is_root(resource: Registered, environment: str) -> bool:
    return key(resource) in {(tokens.PLATFORM, environment), KUBERNETES_PROVIDER}


def check_union(spec: PlatformSpec) -> dict[str, list[Registered]]:
    whole = [r for r in single(spec) if not is_root(r, spec.environment)]
    parts, _ = partitioned(spec)
    union = [r for rs in parts.values() for r in rs if not is_root(r, spec.environment)]
    doubled = [k for k, n in Counter(map(key, union)).items() if n > 1]
    assert not doubled, f"registered by two partitions: {doubled[:5]}"
    assert Counter(map(key, union)) == Counter(map(key, whole))
    # the same resources, not only the same names: every input equal
    inputs = {key(r): r.inputs for r in whole}
    changed = [key(r) for r in union if r.inputs != inputs[key(r)]]
    assert not changed, f"inputs differ: {changed[:5]}"
    for rs in parts.values():  # each stack has its one Platform root
        assert sum(r.typ == tokens.PLATFORM for r in rs) == 1
    return parts


@pytest.fixture(autouse=True)
def no_local_kafka(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(program, "LocalPlatform", NoLocalKafka)
    monkeypatch.setattr(program, "ensure_plugin", lambda cache, plugin: None)


@pytest.fixture(scope="module")
def prod() -> PlatformSpec:
    return load_platform(ROOT / "stacks" / "Pulumi.prod.yaml")


@pytest.mark.parametrize("by", ["cluster", "cluster-owner"])
def test_prod_runs_partitioned_and_loses_nothing(prod: PlatformSpec, by: str) -> None:
    parts = check_union(prod.model_copy(update={"partition": by}))
    network = {r.typ for r in parts[NETWORK]}
    assert tokens.NETWORK in network and tokens.CLUSTER not in network
    assert all(tokens.NETWORK not in {r.typ for r in rs} for n, rs in parts.items() if n != NETWORK)


def test_prod_mirror_logs_in_across_the_boundary(prod: PlatformSpec) -> None:
    """The mirror on delivery reads ingest's bootstrap and its principal's password on
    ingest from the ingest stack's outputs, the password a secret there."""
    _, outputs = partitioned(prod.model_copy(update={"partition": "cluster"}))
    published, secret = outputs[stack_of(ESTATE, "ingest")]
    assert secret == [LOGINS]
    assert set(published[REFERENCES]["clusters"]) == {"ingest"}
    users = set(published[LOGINS]["ingest"])
    plan = plan_platform(prod, ROOT)
    readers = {c.username for c in plan.connectors if c.cluster != "ingest"}
    assert users and users <= readers  # only the principals others log in as
    network = outputs[stack_of(ESTATE, NETWORK)][0][REFERENCES]["network"]
    declared = network_args(prod)
    assert set(network["brokers"]) == {b.cluster for b in declared.brokers}
    assert set(network["workers"]) == {w.pool for w in declared.workers}
    assert len(network["subnet_ids"]) == prod.network.zones


def test_unpartitioned_run_of_a_partitioned_estate_is_refused(prod: PlatformSpec) -> None:
    spec = prod.model_copy(update={"partition": "cluster"})
    with pytest.raises(pulumi.RunError, match="up <stack> --all"):
        run_stack_program(CloudHarness(), spec, prod_config())


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=platform_specs(max_pipelines=6), by=st.sampled_from(["cluster", "cluster-owner"]))
def test_generated_estates_partition_without_loss(spec: PlatformSpec, by: str) -> None:
    spec = spec.model_copy(update={"partition": by})
    try:
        partition_estate(plan_platform(spec, ROOT), by)
    except PlanError:
        return  # mirrors both ways, refused by validate (tests/plan/test_partitions.py)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(program, "LocalPlatform", NoLocalKafka)
        patch.setattr(program, "ensure_plugin", lambda cache, plugin: None)
        check_union(spec)
