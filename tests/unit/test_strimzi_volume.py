"""A Strimzi cluster's ``deploy.volume_gib`` sizes its brokers' volumes (default 20)."""

from __future__ import annotations

from pathlib import Path

from bulkheads.cloud.from_spec import CloudSettings, cluster_args
from bulkheads.spec.loader import load_platform
from tests.unit.cloud_harness import CA_CERT

SETTINGS = CloudSettings(cluster_ca_certs={"payments": CA_CERT})
PROD = Path(__file__).resolve().parents[2] / "stacks" / "Pulumi.prod.yaml"


def test_declared_volume_reaches_the_node_pool_settings() -> None:
    prod = load_platform(PROD)
    assert cluster_args(prod, "payments", SETTINGS).strimzi.storage_size == "2500Gi"


def test_default_volume_is_unchanged() -> None:
    prod = load_platform(PROD)
    clusters = {**prod.clusters}
    payments = clusters["payments"]
    deploy = payments.deploy.model_copy(update={"volume_gib": 20})
    clusters["payments"] = payments.model_copy(update={"deploy": deploy})
    spec = prod.model_copy(update={"clusters": clusters})
    assert cluster_args(spec, "payments", SETTINGS).strimzi.storage_size == "20Gi"
    assert type(payments.deploy).model_fields["volume_gib"].default == 20
