"""The whole pack over the prod stack's cloud layer, built by the real components under mocks.

The program is the cloud tier's (``tests/unit/test_cloud_prod_stack.py``): network and every
cluster of ``stacks/Pulumi.prod.yaml``. Each recorded resource goes through every resource
rule (inputs), then the stack rules run over all of them, the way the engine calls the pack.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import StackValidationPolicy

from components import tokens
from policies.rules.model import Stack
from tests.policy.builders import Pack, Res, stack_args
from tests.unit.cloud_harness import CloudHarness, Registered
from tests.unit.test_cloud_prod_stack import SETTINGS, prod  # noqa: F401  (fixture)
from tests.unit.test_cloud_prod_stack import program as build_prod

program = pytest.fixture(build_prod.__wrapped__)  # type: ignore[attr-defined]


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


def _resources(registered: list[Registered]) -> list[Res]:
    """Recorded resources as stack members; ``<name>-id`` inputs become dependencies.

    Mock ids are ``<name>-id`` and a bucket's parts share its name, so an id means the first
    resource registered under that name (the bucket itself).
    """
    by_id: dict[str, Registered] = {}
    for r in registered:
        by_id.setdefault(f"{r.name}-id", r)
    made: dict[str, Res] = {}
    for r in registered:
        made[r.urn] = Res(r.typ, r.name, r.inputs)
    for r in registered:
        res = made[r.urn]
        res.parent = made.get(r.parent_urn)
        res.property_dependencies = {
            key: [made[by_id[value].urn]]
            for key, value in r.inputs.items()
            if isinstance(value, str) and value in by_id
        }
    return list(made.values())


def _findings(pack: Pack, resources: list[Res]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for rule_id, policy in pack.policies.items():
        if isinstance(policy, StackValidationPolicy):
            found += [(rule_id, message) for message, _ in pack.stack(rule_id, resources)]
            continue
        for res in resources:
            found += [(rule_id, m) for m in pack.resource(rule_id, res.type, res.name, res.props)]
    return found


def test_prod_cloud_layer_passes_the_pack(pack: Pack, program: CloudHarness) -> None:
    resources = _resources(program.resources)
    stack = Stack.from_args(stack_args(resources))
    assert len(stack.of_type(tokens.AWS_S3_BUCKET)) == 6  # AutoMQ ingest and lakehouse
    assert len(stack.of_type(tokens.AWS_MSK_CLUSTER)) == 2
    assert _findings(pack, resources) == []


def test_an_opened_security_group_in_the_prod_program_fails(
    pack: Pack, program: CloudHarness
) -> None:
    resources = _resources(program.resources)
    rule = next(r for r in resources if r.type == tokens.AWS_SECURITY_GROUP_INGRESS_RULE)
    rule.props = {**rule.props, "cidrIpv4": "0.0.0.0/0"}
    msk = next(r for r in resources if r.type == tokens.AWS_MSK_CLUSTER)
    auth: dict[str, Any] = {"sasl": {"scram": False, "iam": False}}
    msk.props = {**msk.props, "clientAuthentication": auth}
    assert sorted(rule_id for rule_id, _ in _findings(pack, resources)) == [
        "bulkheads-cluster-msk-secure",
        "bulkheads-network-no-public-ingress",
    ]
