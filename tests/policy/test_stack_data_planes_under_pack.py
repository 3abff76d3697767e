"""The whole pack over the data plane of the real ``local`` and ``prod`` stacks, under mocks.

The plan of each cluster in ``stacks/Pulumi.<env>.yaml`` is deployed as a DataPlane (topics,
principals, grants, quotas — the real components). The recording harness of the unit tests
(``tests/unit/cloud_harness.py``) keeps what the engine would receive: each resource's type,
name, parent, provider and inputs (component props included). Every resource rule runs on
every resource and every stack rule on all of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi_policy import StackValidationPolicy

from bulkheads.plan import plan_clusters
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import PlatformSpec
from components.data_plane import DataPlane
from components.kafka_provider import KafkaConnection, kafka_provider
from tests.policy.builders import Pack, Res
from tests.unit.cloud_harness import CloudHarness, Registered

STACKS = Path(__file__).resolve().parents[2] / "stacks"
CONFIGS = Path(__file__).resolve().parents[2] / "policies" / "config"


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


def stack_members(registered: list[Registered]) -> list[Res]:
    """Each registration as a stack member, props as sent (camelCase for providers)."""
    made = {r.urn: Res(r.typ, r.name, _plain(r.inputs), provider=r.provider) for r in registered}
    for r in registered:
        made[r.urn].parent = made.get(r.parent_urn)
    return list(made.values())


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    """Drop Pulumi's secret wrappers (``{"4dabf18193072939515e22adb298388d": ...}``)."""
    text = json.dumps(props)
    return dict(json.loads(text, object_hook=lambda d: d.get("value", d) if _secret(d) else d))


def _secret(value: dict[str, Any]) -> bool:
    return value.get("4dabf18193072939515e22adb298388d") == "1b47061264138c4ac30d75fd1eb44270"


def deploy(harness: CloudHarness, env: str) -> list[Res]:
    return deploy_spec(harness, load_platform(STACKS / f"Pulumi.{env}.yaml"))


def deploy_spec(harness: CloudHarness, spec: PlatformSpec) -> list[Res]:
    """Every cluster's data plane of ``spec``, registered under mocks, as stack members."""
    env = spec.environment

    def build() -> Any:
        leaves = []
        for cluster, plan in plan_clusters(spec).items():
            provider = kafka_provider(
                f"{cluster}-kafka",
                KafkaConnection(
                    bootstrap_servers=["127.0.0.1:19092"],
                    sasl_username="admin",
                    sasl_password="admin-secret",
                    tls_enabled=False,
                ),
            )
            plane = DataPlane(f"{cluster}-data", plan, provider, environment=env)
            leaves += [t.topic.urn for t in plane.topics.values()]
            leaves += [acl.urn for grant in plane.grants.values() for acl in grant.acls]
            leaves += [q.quota.urn for q in plane.quotas.values()]
        return pulumi.Output.all(*leaves)

    harness.run(build)
    return stack_members(harness.resources)


def findings(pack: Pack, resources: list[Res], config: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for rule_id, policy in pack.policies.items():
        given = config.get(rule_id)
        if isinstance(policy, StackValidationPolicy):
            found += [(rule_id, m) for m, _ in pack.stack(rule_id, resources, given)]
            continue
        for res in resources:
            found += [
                (rule_id, m) for m in pack.resource(rule_id, res.type, res.name, res.props, given)
            ]
    return found


def stack_config(env: str) -> dict[str, Any]:
    path = CONFIGS / f"{env}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@pytest.mark.parametrize("env", ["local", "prod"])
def test_stack_data_plane_passes_the_pack(pack: Pack, harness: CloudHarness, env: str) -> None:
    resources = deploy(harness, env)
    kinds = {res.type for res in resources}
    assert {"kafka:index/acl:Acl", "bulkheads:topic:TopicContract"} <= kinds
    assert findings(pack, resources, stack_config(env)) == []


def test_prod_without_its_config_fails_on_wildcard_hosts(pack: Pack, harness: CloudHarness) -> None:
    found = findings(pack, deploy(harness, "prod"), {})
    assert {rule_id for rule_id, _ in found} == {"bulkheads-access-no-wildcards"}
