"""The whole pack over the whole ``prod`` and ``dev`` programs (spec -> plan -> Platform
under mocks): network, clusters, data planes, worker pools and connectors together, with
each stack's pack config, the way ``pulumi preview --policy-pack policies`` would see them."""

from __future__ import annotations

import pytest

from components import tokens
from tests.policy.builders import Pack
from tests.policy.test_prod_cloud_under_pack import _resources
from tests.policy.test_stack_data_planes_under_pack import findings, stack_config
from tests.unit.cloud_harness import CloudHarness
from tests.unit.test_cloud_prod_stack import prod  # noqa: F401  (fixture)
from tests.unit.test_platform_prod_program import build_dev_program
from tests.unit.test_platform_prod_program import program as build_program

program = pytest.fixture(build_program.__wrapped__)  # type: ignore[attr-defined]
PODS_GROUP = "bulkheads-network-pods-security-group"


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


def test_prod_program_passes_the_pack(pack: Pack, program: CloudHarness) -> None:
    resources = _resources(program.resources)
    assert {tokens.STRIMZI_KAFKA_CONNECT, tokens.KAFKA_ACL, tokens.AWS_VPC} <= {
        res.type for res in resources
    }
    assert findings(pack, resources, stack_config("prod")) == []


def test_dev_program_passes_the_pack(pack: Pack, harness: CloudHarness) -> None:
    build_dev_program(harness)
    resources = _resources(harness.resources)
    assert tokens.STRIMZI_KAFKA_CONNECT in {res.type for res in resources}
    assert findings(pack, resources, stack_config("dev")) == []


def test_a_pool_without_its_security_group_policy_fails(pack: Pack, program: CloudHarness) -> None:
    resources = [
        res
        for res in _resources(program.resources)
        if not (res.type == tokens.EKS_SECURITY_GROUP_POLICY and "search-sinks" in res.name)
    ]
    assert [message for rule_id, message in findings(pack, resources, stack_config("prod"))] == [
        "KafkaConnect 'search-sinks' has no SecurityGroupPolicy putting a security group on "
        "its pods, so they use the nodes' group and its network boundary does not apply; add "
        "one in its namespace selecting its pods with the boundary's group"
    ]
