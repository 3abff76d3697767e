"""What a first real ``pulumi up`` of the prod stack needs, pinned under mocks: each Connect
pool's plugin build, the IRSA role of each pool that uses S3 (and no other), the readiness
chain in front of every cluster's Kafka provider, and auto-restart of every connector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bulkheads.plan.platform import plan_platform
from bulkheads.plan.plugins import plugins_digest
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import PlatformSpec
from components import tokens
from tests.unit.cloud_harness import CloudHarness, Registered, run_stack_program
from tests.unit.test_platform_prod_program import REGISTRY, prod_config

ROOT = Path(__file__).resolve().parents[2]
WAIT_FOR_READY = {"pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "1800"}


@pytest.fixture(scope="module")
def prod() -> PlatformSpec:
    return load_platform(ROOT / "stacks" / "Pulumi.prod.yaml")


@pytest.fixture(scope="module")
def program(prod: PlatformSpec) -> CloudHarness:
    harness = CloudHarness()
    run_stack_program(harness, prod, prod_config())
    return harness


def connects(program: CloudHarness) -> dict[str, Registered]:
    return {r.inputs["metadata"]["name"]: r for r in program.of_type(tokens.STRIMZI_KAFKA_CONNECT)}


def test_pools_with_plugins_build_them_into_their_own_image(
    program: CloudHarness, prod: PlatformSpec
) -> None:
    plans = {pool.worker.pool: pool for pool in plan_platform(prod, ROOT).pools}
    for pool, connect in connects(program).items():
        spec = connect.inputs["spec"]
        if not prod.pools[pool].plugins:
            assert "build" not in spec, pool
            continue
        digest = plugins_digest(plans[pool].plugins)
        assert spec["build"]["output"] == {
            "type": "docker",
            "image": f"{REGISTRY}/connect-{pool}:{digest}",
        }
        assert [p["name"] for p in spec["build"]["plugins"]] == sorted(prod.pools[pool].plugins)
    commerce = connects(program)["live-commerce"].inputs["spec"]["build"]["plugins"]
    assert commerce[1] == {
        "name": "debezium-mysql",
        "artifacts": [
            {
                "type": "maven",
                "group": "io.debezium",
                "artifact": "debezium-connector-mysql",
                "version": "3.6.1.Final",
            }
        ],
    }
    jdbc = connects(program)["warehouse-sinks"].inputs["spec"]["build"]["plugins"][0]
    assert jdbc["name"] == "jdbc"
    assert {a["repository"] for a in jdbc["artifacts"]} == {
        "https://artifacts.acme.internal/maven/confluent"
    }


def test_only_pools_that_declare_s3_get_a_role_scoped_to_exactly_those_locations(
    program: CloudHarness, prod: PlatformSpec
) -> None:
    roles = program.of_type(tokens.AWS_IAM_ROLE)
    pool_roles = [r for r in roles if r.parent_type == tokens.WORKER_POOL]
    assert [r.name for r in pool_roles] == ["prod-pool-lake-sinks-role"]
    trust = json.loads(pool_roles[0].inputs["assumeRolePolicy"])["Statement"][0]["Condition"]
    assert (
        trust["StringEquals"]["oidc.eks.eu-west-1.amazonaws.com/id/P:sub"]
        == "system:serviceaccount:connect-lake-sinks:lake-sinks-connect"
    )
    policy = json.loads(
        program.one(tokens.AWS_IAM_ROLE_POLICY, "prod-pool-lake-sinks-role").inputs["policy"]
    )
    objects = {
        resource
        for statement in policy["Statement"]
        if statement["Sid"].startswith("Objects")
        for resource in statement["Resource"]
    }
    declared = {
        f"arn:aws:s3:::{a.bucket}/{a.prefix}*"
        for p in prod.pipelines.values()
        if p.pool == "lake-sinks"
        for a in p.s3
    }
    assert objects == declared and len(declared) == 7
    everything = json.dumps(policy)
    assert '"*"' not in everything and "s3:*" not in everything
    for pool, connect in connects(program).items():
        template = connect.inputs["spec"]["template"]
        if pool == "lake-sinks":
            assert template["serviceAccount"] == {
                "metadata": {
                    "annotations": {
                        "eks.amazonaws.com/role-arn": f"arn:aws:mock:::{tokens.AWS_IAM_ROLE}/"
                        "prod-pool-lake-sinks-role"
                    }
                }
            }
        else:
            assert "serviceAccount" not in template, pool


def test_every_clusters_provider_waits_for_the_cluster_to_be_ready(
    program: CloudHarness, prod: PlatformSpec
) -> None:
    for cluster, spec in prod.clusters.items():
        provider = program.one(tokens.KAFKA_PROVIDER, f"prod-cluster-{cluster}-kafka")
        if spec.deploy.kind == "strimzi":  # AutoMQ (ingest) and Kafka (payments)
            kafka = program.one(tokens.STRIMZI_KAFKA, f"prod-cluster-{cluster}-kafka")
            user = program.one(tokens.STRIMZI_KAFKA_USER, f"prod-cluster-{cluster}-admin-user")
            assert {kafka.urn, user.urn} <= set(provider.dependencies), cluster
            for awaited in (kafka, user):
                annotations = awaited.inputs["metadata"]["annotations"]
                assert WAIT_FOR_READY.items() <= annotations.items()
        else:
            attachment = program.one(
                tokens.AWS_IAM_ROLE_POLICY_ATTACHMENT, f"prod-cluster-{cluster}-admin"
            )
            assert attachment.urn in provider.dependencies, cluster
        # and the data plane goes through that provider
        topics = [
            t
            for t in program.of_type(tokens.KAFKA_TOPIC)
            if t.name.startswith(f"prod-cluster-{cluster}-")
        ]
        assert topics
        assert all(f"prod-cluster-{cluster}-kafka" in t.provider for t in topics)


def test_connectors_wait_for_ready_workers_and_restart_when_they_fail(
    program: CloudHarness,
) -> None:
    for pool, connect in connects(program).items():
        assert WAIT_FOR_READY.items() <= connect.inputs["metadata"]["annotations"].items(), pool
    connectors = program.of_type(tokens.STRIMZI_KAFKA_CONNECTOR)
    assert len(connectors) == 35 + 2  # every pipeline, the experiments cutover's two mirrors
    by_urn = {c.urn: c for c in program.of_type(tokens.STRIMZI_KAFKA_CONNECT)}
    for connector in connectors:
        assert connector.inputs["spec"]["autoRestart"] == {"enabled": True}
        assert any(urn in by_urn for urn in connector.dependencies), connector.name
