"""Every Kubernetes manifest the dev and prod programs render, checked against the real
schemas: Strimzi resources against Strimzi's own model (``io.strimzi:api``, strictly), core
objects against the Kubernetes OpenAPI schemas (``kubernetes-validate``, strict), EKS's
SecurityGroupPolicy against a strict JSON Schema written from its CRD."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime import rpc

from bulkheads.spec.loader import load_platform
from tests.schemas import eks_vpc_resources, kubernetes_core, strimzi_model
from tests.unit.cloud_harness import CloudHarness, run_stack_program
from tests.unit.test_platform_prod_program import prod_config

STACKS = Path(__file__).resolve().parents[2] / "stacks"
STRIMZI_GROUP = "kafka.strimzi.io"
CORE_KINDS = {
    "Namespace", "Secret", "NetworkPolicy", "Role", "RoleBinding",
    "ConfigMap", "ServiceAccount", "CronJob", "Deployment", "PodDisruptionBudget",
}  # fmt: skip
EKS_KINDS = {"SecurityGroupPolicy"}  # tests/schemas/security-group-policy.json
# kinds no schema source covers: prometheus-operator's CRDs
UNCOVERED_KINDS = {"PodMonitor", "PrometheusRule"}
STRIMZI_KINDS = {"Kafka", "KafkaNodePool", "KafkaUser", "KafkaConnect", "KafkaConnector"}


def plain(value: Any) -> Any:
    """``value`` as the provider would apply it: secrets unwrapped, and whole numbers
    integers again (the engine carries every number as a double)."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return plain(value["value"])
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def rendered(env: str) -> list[dict[str, Any]]:
    """The manifests of every Kubernetes resource the ``env`` program registers."""
    harness = CloudHarness()
    run_stack_program(harness, load_platform(STACKS / f"Pulumi.{env}.yaml"), prod_config())
    return [
        plain(r.inputs)
        for r in harness.resources
        if r.typ.startswith("kubernetes:") and not r.typ.startswith("pulumi:")
    ]


@pytest.fixture(scope="module")
def manifests() -> dict[str, list[dict[str, Any]]]:
    return {env: rendered(env) for env in ("dev", "prod")}


def broken_copies(manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A KafkaConnect with a misspelt field and a KafkaConnector with a string for a number:
    the checker must refuse both, or it checks nothing."""
    connect = copy.deepcopy(next(m for m in manifests if m["kind"] == "KafkaConnect"))
    connect["metadata"]["name"] = "broken-connect"
    connect["spec"]["replica"] = connect["spec"].pop("replicas")
    connector = copy.deepcopy(next(m for m in manifests if m["kind"] == "KafkaConnector"))
    connector["metadata"]["name"] = "broken-connector"
    connector["spec"]["tasksMax"] = "1"
    return [connect, connector]


def test_every_strimzi_resource_passes_strimzis_model(
    manifests: dict[str, list[dict[str, Any]]],
) -> None:
    strimzi = {
        env: [m for m in found if m["apiVersion"].startswith(STRIMZI_GROUP)]
        for env, found in manifests.items()
    }
    for env, found in strimzi.items():
        assert {m["kind"] for m in found} == STRIMZI_KINDS, env
    everything = [*strimzi["dev"], *strimzi["prod"]]
    verdicts = strimzi_model.check([*everything, *broken_copies(everything)])
    assert len(verdicts) == len(everything) + 2
    *checked, (connect, connect_verdict), (connector, connector_verdict) = verdicts
    assert [(label, verdict) for label, verdict in checked if verdict != "OK"] == []
    assert connect == "KafkaConnect/broken-connect"
    assert "unknown properties .spec.replica" in connect_verdict
    assert connector == "KafkaConnector/broken-connector"
    assert "Cannot coerce String value" in connector_verdict


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_core_object_passes_the_kubernetes_schema(
    manifests: dict[str, list[dict[str, Any]]], env: str
) -> None:
    core = [m for m in manifests[env] if m["kind"] in CORE_KINDS]
    assert {m["kind"] for m in core} == CORE_KINDS
    refused = {f"{m['kind']}/{m['metadata']['name']}": kubernetes_core.problems(m) for m in core}
    assert {name: found for name, found in refused.items() if found} == {}


def test_the_kubernetes_schema_refuses_an_unknown_field(
    manifests: dict[str, list[dict[str, Any]]],
) -> None:
    policy = copy.deepcopy(next(m for m in manifests["prod"] if m["kind"] == "NetworkPolicy"))
    policy["spec"]["egres"] = policy["spec"].pop("egress")
    assert kubernetes_core.problems(policy) == [
        "spec: Additional properties are not allowed ('egres' was unexpected)"
    ]


def test_only_known_kinds_are_rendered(manifests: dict[str, list[dict[str, Any]]]) -> None:
    kinds = {m["kind"] for found in manifests.values() for m in found}
    assert kinds == CORE_KINDS | STRIMZI_KINDS | EKS_KINDS | UNCOVERED_KINDS


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_security_group_policy_passes_its_crd_schema(
    manifests: dict[str, list[dict[str, Any]]], env: str
) -> None:
    policies = [m for m in manifests[env] if m["kind"] == "SecurityGroupPolicy"]
    assert policies
    refused = {m["metadata"]["name"]: eks_vpc_resources.problems(m) for m in policies}
    assert {name: found for name, found in refused.items() if found} == {}


def test_the_security_group_policy_schema_refuses_a_broken_copy(
    manifests: dict[str, list[dict[str, Any]]],
) -> None:
    policy = copy.deepcopy(next(m for m in manifests["prod"] if m["kind"] == "SecurityGroupPolicy"))
    spec = policy["spec"]
    spec["securityGroups"]["groupId"] = spec["securityGroups"].pop("groupIds")  # misspelt
    spec["podSelector"]["matchExpressions"] = [{"key": "app", "operator": "in"}]
    del policy["metadata"]["namespace"]
    assert eks_vpc_resources.problems(policy) == [
        "metadata: 'namespace' is a required property",
        "spec.podSelector.matchExpressions.0.operator: 'in' is not one of "
        "['In', 'NotIn', 'Exists', 'DoesNotExist']",
        "spec.securityGroups: 'groupIds' is a required property",
        "spec.securityGroups: Additional properties are not allowed ('groupId' was unexpected)",
    ]
