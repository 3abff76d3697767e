"""DataPlane and its components under Pulumi mocks: exact resources, inputs, parents, provider."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kafka
import pytest
from pulumi.runtime import rpc

from bulkheads.plan import plan_cluster
from bulkheads.plan.props import quota_config_strings
from bulkheads.plan.types import ClusterPlan
from bulkheads.spec.model import PlatformSpec
from components import tokens
from components.data_plane import DataPlane
from components.kafka_provider import KafkaConnection, kafka_provider
from tests.plan.specs import LOCAL_SPEC
from tests.unit.cloud_harness import CloudHarness

GENERATED_PASSWORD = "pulumi-python:dynamic/bulkheads:GeneratedPassword"


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


@pytest.fixture
def local_plan() -> ClusterPlan:
    return plan_cluster(PlatformSpec.model_validate(LOCAL_SPEC), "local")


def _deploy(harness: CloudHarness, plan: ClusterPlan, **kwargs: Any) -> DataPlane:
    """Build a DataPlane for ``plan`` and wait until every child is registered."""
    planes: list[DataPlane] = []

    def build() -> Any:
        provider = kafka_provider(
            "local-kafka",
            KafkaConnection(
                bootstrap_servers=["127.0.0.1:19092"],
                sasl_username="admin",
                sasl_password="admin-secret",
                tls_enabled=False,
            ),
        )
        plane = DataPlane("local-data", plan, provider, environment="local", **kwargs)
        planes.append(plane)
        leaves = [topic.topic.urn for topic in plane.topics.values()]
        leaves += [principal.credential.urn for principal in plane.principals.values()]
        leaves += [acl.urn for grant in plane.grants.values() for acl in grant.acls]
        leaves += [quota.quota.urn for quota in plane.quotas.values()]
        return pulumi.Output.all(*leaves)

    harness.run(build)
    return planes[0]


def _secret(value: Any) -> dict[str, Any]:
    """How a secret input reaches the engine (so the value is encrypted in state)."""
    return {rpc._special_sig_key: rpc._special_secret_sig, "value": value}


def test_exact_resource_set(harness: CloudHarness, local_plan: ClusterPlan) -> None:
    _deploy(harness, local_plan)

    acl_count = sum(len(grant.bindings) for grant in local_plan.grants)
    assert harness.counts() == {
        tokens.KAFKA_PROVIDER: 1,
        tokens.DATA_PLANE: 1,
        tokens.TOPIC_CONTRACT: 12,
        tokens.KAFKA_TOPIC: 12,
        tokens.PRINCIPAL: 6,
        GENERATED_PASSWORD: 6,
        tokens.KAFKA_SCRAM_CREDENTIAL: 6,
        tokens.ACCESS_GRANT: 6,
        tokens.KAFKA_ACL: acl_count,
        tokens.QUOTA: 6,
        tokens.KAFKA_QUOTA: 6,
    }
    assert acl_count == 3 * 13 + 2 + 5 + 5  # 3 workers, source, sink, replay
    assert harness.names(tokens.KAFKA_TOPIC) == sorted(
        f"local-data-topic-{topic.name}-topic" for topic in local_plan.topics
    )
    assert harness.names(tokens.KAFKA_SCRAM_CREDENTIAL) == [
        f"local-data-principal-{user}-scram"
        for user in (
            "pipeline.orders-archive",
            "pipeline.orders-cdc",
            "pipeline.orders-rebuild",
            "pool.derived-sinks",
            "pool.live-ingest",
            "pool.replay",
        )
    ]
    assert harness.names(tokens.KAFKA_QUOTA)[0] == (
        "local-data-quota-user-pipeline.orders-archive-quota"
    )


def test_every_kafka_resource_uses_the_cluster_provider_and_nests_under_the_plane(
    harness: CloudHarness, local_plan: ClusterPlan
) -> None:
    _deploy(harness, local_plan)

    provider = harness.one(tokens.KAFKA_PROVIDER)
    kafka_types = {
        tokens.KAFKA_TOPIC,
        tokens.KAFKA_ACL,
        tokens.KAFKA_QUOTA,
        tokens.KAFKA_SCRAM_CREDENTIAL,
    }
    kafka = [r for r in harness.resources if r.typ in kafka_types]
    assert kafka and all(r.provider.startswith(provider.urn + "::") for r in kafka)
    plane_urn = harness.one(tokens.DATA_PLANE, "local-data").urn
    for registered in harness.resources:
        if registered.typ in (tokens.KAFKA_PROVIDER, tokens.DATA_PLANE):
            continue
        assert registered.name.startswith("local-data-"), registered.name
        parent = harness.by_urn(registered.parent_urn)
        if parent.urn != plane_urn:  # a leaf: its component sits directly under the plane
            assert registered.typ in {*kafka_types, GENERATED_PASSWORD}, registered.name
            assert registered.name.startswith(parent.name + "-"), registered.name
            assert parent.parent_urn == plane_urn, registered.name


def test_topic_inputs_props_and_protection(harness: CloudHarness, local_plan: ClusterPlan) -> None:
    _deploy(harness, local_plan)

    raw = harness.one(tokens.KAFKA_TOPIC, "local-data-topic-raw.orders.events-topic")
    assert raw.inputs == {
        "name": "raw.orders.events",
        "partitions": 6,
        "replicationFactor": 1,
        "config": {
            "cleanup.policy": "delete",
            "retention.ms": "604800000",
            "min.insync.replicas": "1",
        },
    }
    assert (raw.retain_on_delete, raw.protect) == (True, False)
    rebuilt = harness.one(tokens.KAFKA_TOPIC, "local-data-topic-derived.orders.rebuilt-topic")
    assert (rebuilt.retain_on_delete, rebuilt.protect) == (False, False)
    contract = harness.one(tokens.TOPIC_CONTRACT, "local-data-topic-raw.orders.events")
    assert contract.inputs == {
        "topic": "raw.orders.events",
        "cluster": "local",
        "partitions": 6,
        "replication_factor": 1,
        "config": raw.inputs["config"],
        "contract": "raw",
        "workload_class": "live",
        "owner": "orders",
        "writer": "orders-cdc",
        "protected": True,
        "environment": "local",
    }


def test_protect_mode_is_overridable(harness: CloudHarness, local_plan: ClusterPlan) -> None:
    _deploy(harness, local_plan, protection="protect")

    raw = harness.one(tokens.KAFKA_TOPIC, "local-data-topic-raw.orders.events-topic")
    assert (raw.retain_on_delete, raw.protect) == (False, True)
    assert not harness.one(tokens.KAFKA_TOPIC, "local-data-topic-dlq.orders-archive-topic").protect


def test_principal_password_is_generated_secret(
    harness: CloudHarness, local_plan: ClusterPlan
) -> None:
    plane = _deploy(harness, local_plan)
    principal = plane.principals["pipeline.orders-archive"]

    password, is_secret = harness.resolve(principal.password)
    assert password == "generated-local-data-principal-pipeline.orders-archive-password"
    assert is_secret
    scram = harness.one(
        tokens.KAFKA_SCRAM_CREDENTIAL, "local-data-principal-pipeline.orders-archive-scram"
    )
    assert scram.inputs == {
        "username": "pipeline.orders-archive",
        "scramMechanism": "SCRAM-SHA-512",
        "password": _secret(password),
    }
    assert "password" in scram.additional_secret_outputs
    generated = harness.one(
        GENERATED_PASSWORD, "local-data-principal-pipeline.orders-archive-password"
    )
    assert generated.additional_secret_outputs == ["result"]
    assert (generated.inputs["length"], generated.inputs["rotation"]) == (32, "")
    props = harness.one(tokens.PRINCIPAL, "local-data-principal-pipeline.orders-archive")
    assert props.inputs == {
        "principal": "pipeline.orders-archive",
        "kind": "connector",
        "cluster": "local",
        "pool": "derived-sinks",
        "pipeline": "orders-archive",
        "pipeline_kind": "sink",
        "owner": "analytics",
        "workload_class": "derived",
        "environment": "local",
    }


def test_acls_one_per_binding_with_readable_names(
    harness: CloudHarness, local_plan: ClusterPlan
) -> None:
    _deploy(harness, local_plan)

    prefix = "local-data-grant-pipeline.orders-archive-"
    acls = {r.name: r for r in harness.of_type(tokens.KAFKA_ACL) if r.name.startswith(prefix)}
    assert sorted(name.removeprefix(prefix) for name in acls) == [
        "describe-topic-dlq.orders-archive-127.0.0.1",
        "describe-topic-raw.orders.events-127.0.0.1",
        "read-group-connect-orders-archive-127.0.0.1",
        "read-topic-raw.orders.events-127.0.0.1",
        "write-topic-dlq.orders-archive-127.0.0.1",
    ]
    assert acls[prefix + "write-topic-dlq.orders-archive-127.0.0.1"].inputs == {
        "aclPrincipal": "User:pipeline.orders-archive",
        "aclHost": "127.0.0.1",
        "aclOperation": "Write",
        "aclPermissionType": "Allow",
        "aclResourceType": "Topic",
        "aclResourceName": "dlq.orders-archive",
        "resourcePatternTypeFilter": "Literal",
    }
    grant = harness.one(tokens.ACCESS_GRANT, "local-data-grant-pipeline.orders-archive")
    assert grant.inputs["principal"] == "pipeline.orders-archive"
    assert grant.inputs["bindings"][2] == {
        "resource_type": "Group",
        "resource_name": "connect-orders-archive",
        "pattern_type": "Literal",
        "operation": "Read",
        "permission": "Allow",
        "host": "127.0.0.1",
    }
    assert (grant.inputs["owner"], grant.inputs["workload_class"]) == ("analytics", "derived")


def test_quota_inputs(harness: CloudHarness, local_plan: ClusterPlan) -> None:
    _deploy(harness, local_plan)

    quota = harness.one(tokens.KAFKA_QUOTA, "local-data-quota-user-pool.replay-quota")
    assert quota.inputs == {
        "entityType": "user",
        "entityName": "pool.replay",
        "config": {
            "consumer_byte_rate": "10485760",
            "controller_mutation_rate": "2",
            "producer_byte_rate": "10485760",
            "request_percentage": "10",
        },
    }
    props = harness.one(tokens.QUOTA, "local-data-quota-user-pool.replay").inputs
    assert (props["cluster"], props["owner"], props["workload_class"]) == (
        "local",
        "orders",
        "replay",
    )


def test_provider_inputs(harness: CloudHarness, local_plan: ClusterPlan) -> None:
    plane = _deploy(harness, local_plan)

    provider = harness.one(tokens.KAFKA_PROVIDER, "local-kafka")
    # provider inputs travel JSON-encoded; the admin password stays a secret
    assert provider.inputs == {
        "bootstrapServers": '["127.0.0.1:19092"]',
        "saslMechanism": "scram-sha512",
        "saslUsername": "admin",
        "saslPassword": _secret("admin-secret"),
        "tlsEnabled": "false",
        "skipTlsVerify": "false",
    }
    assert isinstance(plane.principals["pool.replay"].credential, pulumi_kafka.UserScramCredential)


def test_quota_values_render_as_the_provider_reads_them_back() -> None:
    assert quota_config_strings({"request_percentage": 12.5, "producer_byte_rate": 1048576.0}) == {
        "producer_byte_rate": "1048576",
        "request_percentage": "12.5",
    }
