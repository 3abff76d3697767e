"""The pure cloud helpers (CIDR split, AutoMQ settings) and the Kubernetes provider wiring."""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Callable, Iterator

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulkheads.cloud.automq import automq_storage_config, bucket_names
from bulkheads.cloud.cidr import private_subnet_cidrs
from components import tokens
from components.kubernetes_provider import (
    KubernetesTarget,
    kubernetes_provider,
    target_from_config,
)
from tests.unit.cloud_harness import CloudHarness


@given(
    base=st.integers(min_value=0, max_value=2**32 - 1),
    prefix=st.integers(min_value=8, max_value=26),
    zones=st.integers(min_value=3, max_value=8),
)
def test_subnets_are_disjoint_inside_the_vpc(base: int, prefix: int, zones: int) -> None:
    vpc = ipaddress.IPv4Network((base, prefix), strict=False)
    try:
        cidrs = private_subnet_cidrs(str(vpc), zones)
    except ValueError as error:
        assert "too small" in str(error)
        return
    subnets = [ipaddress.IPv4Network(c) for c in cidrs]
    assert len(subnets) == zones
    assert all(s.subnet_of(vpc) and s.prefixlen <= 28 for s in subnets)
    assert len({s.prefixlen for s in subnets}) == 1
    assert not any(a.overlaps(b) for a, b in itertools.combinations(subnets, 2))


def test_subnet_split_of_a_slash_16() -> None:
    assert private_subnet_cidrs("10.40.0.0/16", 3) == [
        "10.40.0.0/18",
        "10.40.64.0/18",
        "10.40.128.0/18",
    ]


@pytest.mark.parametrize(
    ("cidr", "zones", "message"),
    [
        ("10.40.0.0/33", 3, "network cidr '10.40.0.0/33' is not an IPv4 network"),
        ("10.40.0.1/16", 3, "network cidr '10.40.0.1/16' is not an IPv4 network"),
        ("10.40.0.0/16", 2, "network zones 2 is below 3"),
        ("10.40.0.0/27", 3, "network cidr '10.40.0.0/27' is too small for 3 zones"),
    ],
)
def test_bad_network_values_are_named(cidr: str, zones: int, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        private_subnet_cidrs(cidr, zones)


def test_automq_settings_name_each_bucket_once_with_distinct_ids() -> None:
    config = automq_storage_config(bucket_names("pay", "dev"), "us-east-2")
    uris = [config[k] for k in ("s3.data.buckets", "s3.ops.buckets", "s3.wal.path")]
    assert [u.split("@")[0] for u in uris] == ["0", "1", "2"]
    assert [u.split("//")[1].split("?")[0] for u in uris] == [
        "pay-dev-data",
        "pay-dev-ops",
        "pay-dev-wal",
    ]
    assert all(
        u.endswith("?region=us-east-2&endpoint=https://s3.us-east-2.amazonaws.com") for u in uris
    )


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


def test_render_target_writes_manifests_only(harness: CloudHarness) -> None:
    harness.run(lambda: kubernetes_provider("k8s", KubernetesTarget(render_dir="out/manifests")))
    inputs = harness.one(tokens.K8S_PROVIDER, "k8s").inputs
    assert inputs["renderYamlToDirectory"] == "out/manifests"
    assert "kubeconfig" not in inputs


def test_cluster_target_applies_with_the_given_kubeconfig(harness: CloudHarness) -> None:
    target = KubernetesTarget(kubeconfig="apiVersion: v1\nkind: Config", context="prod-eks")
    harness.run(lambda: kubernetes_provider("k8s", target))
    inputs = harness.one(tokens.K8S_PROVIDER, "k8s").inputs
    assert inputs["kubeconfig"] == "apiVersion: v1\nkind: Config"
    assert inputs["context"] == "prod-eks"
    assert inputs["enableServerSideApply"] == "true"
    assert "renderYamlToDirectory" not in inputs


@pytest.fixture
def stack_config(harness: CloudHarness) -> Iterator[Callable[[dict[str, str]], None]]:
    previous = dict(pulumi.runtime.config.CONFIG.get())
    yield pulumi.runtime.set_all_config
    pulumi.runtime.set_all_config(previous)


def test_target_from_stack_config(stack_config: Callable[[dict[str, str]], None]) -> None:
    stack_config({"bulkheads:renderYamlToDirectory": "rendered"})
    assert target_from_config() == KubernetesTarget(render_dir="rendered")
    stack_config({"bulkheads:kubeContext": "prod-eks"})
    assert target_from_config() == KubernetesTarget(context="prod-eks")


def test_render_and_kubeconfig_together_is_refused() -> None:
    with pytest.raises(ValueError, match="both renderYamlToDirectory and kubeconfig are set"):
        KubernetesTarget(kubeconfig="x", render_dir="out")
