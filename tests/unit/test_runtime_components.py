"""WorkerPool and Connector under Pulumi mocks: resource types, inputs, parentage, secrets."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc

from bulkheads.connect.config import principal_override_keys
from bulkheads.connect.kube import is_dns_label, is_label_value, parse_quantity
from bulkheads.plan.types import WorkerPoolPlan
from components import tokens
from components.connector import Connector, ConnectorArgs
from components.worker_pool import (
    ConnectTarget,
    EgressPeer,
    KubernetesRuntime,
    LocalRuntime,
    WorkerPool,
    WorkerPoolArgs,
)
from tests.unit.cloud_harness import CloudHarness

PASSWORD = "worker-secret-pw"
PIPELINE_PASSWORD = "pipeline-secret-pw"


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


def secret_value(value: Any) -> Any:
    """The value inside a Pulumi secret; fails if ``value`` was sent in the clear."""
    assert rpc.is_rpc_secret(value), f"not a secret: {value!r}"
    return rpc.unwrap_rpc_secret(value)


def worker_plan(pool: str = "live-cdc") -> WorkerPoolPlan:
    return WorkerPoolPlan(
        pool=pool,
        cluster="ingest",
        workload_class="live",
        owner="payments",
        group_id=f"connect-{pool}",
        config_topic=f"_connect.{pool}.configs",
        offset_topic=f"_connect.{pool}.offsets",
        status_topic=f"_connect.{pool}.status",
        principal=f"worker-{pool}",
        internal_replication_factor=3,
    )


BROKERS = (EgressPeer(ports=(9096,), cidr="10.40.0.0/16"),)


def kubernetes_pool(**runtime: Any) -> WorkerPool:
    settings: dict[str, Any] = {"brokers": BROKERS, "replicas": 3, "node_pool": "connect-live"}
    settings.update(runtime)
    return WorkerPool(
        "live-cdc",
        WorkerPoolArgs(
            worker=worker_plan(),
            environment="prod",
            bootstrap_servers="b-1.ingest:9096",
            password=pulumi.Output.secret(PASSWORD),
            runtime=KubernetesRuntime(**settings),
        ),
    )


def local_pool() -> WorkerPool:
    return WorkerPool(
        "live-cdc",
        WorkerPoolArgs(
            worker=worker_plan(),
            environment="local",
            bootstrap_servers="127.0.0.1:19092",
            password=pulumi.Output.secret(PASSWORD),
            runtime=LocalRuntime(rest_port=18083),
        ),
    )


def connector_args(target: ConnectTarget, **changes: Any) -> ConnectorArgs:
    args = ConnectorArgs(
        connector="payments-cdc",
        pipeline="payments-cdc",
        kind="source",
        pool="live-cdc",
        cluster="ingest",
        workload_class="live",
        owner="payments",
        environment="prod",
        connector_class="org.apache.kafka.connect.file.FileStreamSourceConnector",
        username="pipeline-payments-cdc",
        password=pulumi.Output.secret(PIPELINE_PASSWORD),
        target=target,
        writes=("raw.payments.transactions",),
        tasks_max=2,
        config={"topic": "raw.payments.transactions", "file": "/tmp/in.txt"},
        secret_config={"database.password": pulumi.Output.secret("db-pw")},
        state="paused",
    )
    return dataclasses.replace(args, **changes)


# -- WorkerPool: kubernetes ---------------------------------------------------------------


def test_kubernetes_pool_registers_its_objects_under_the_component(harness: CloudHarness) -> None:
    harness.run(kubernetes_pool)

    pool = harness.one(tokens.WORKER_POOL)
    assert pool.inputs == {
        "environment": "prod",
        "pool": "live-cdc",
        "cluster": "ingest",
        "workload_class": "live",
        "owner": "payments",
        "runtime": "kubernetes",
        "group_id": "connect-live-cdc",
        "config_topic": "_connect.live-cdc.configs",
        "offset_topic": "_connect.live-cdc.offsets",
        "status_topic": "_connect.live-cdc.status",
        "override_policy": "Principal",
        "replicas": 3,
    }
    children = [r for r in harness.resources if r.typ != tokens.WORKER_POOL]
    assert sorted(r.typ for r in children) == sorted(
        [
            tokens.K8S_NAMESPACE,
            tokens.K8S_SECRET,
            tokens.STRIMZI_KAFKA_CONNECT,
            tokens.K8S_NETWORK_POLICY,
            tokens.K8S_CONFIG_MAP,
            tokens.POD_MONITOR,
        ]
    )
    for child in children:
        assert child.parent_type == tokens.WORKER_POOL
        assert child.name.startswith("live-cdc-")


def test_kafka_connect_is_its_own_group_with_principal_override_policy(
    harness: CloudHarness,
) -> None:
    harness.run(kubernetes_pool)

    connect = harness.one(tokens.STRIMZI_KAFKA_CONNECT).inputs
    assert connect["apiVersion"] == "kafka.strimzi.io/v1beta2"
    assert connect["kind"] == "KafkaConnect"
    assert connect["metadata"]["annotations"] == {
        "strimzi.io/use-connector-resources": "true",
        # connectors wait until Strimzi reports the workers (and their build) Ready
        "pulumi.com/waitFor": "condition=Ready",
        "pulumi.com/timeoutSeconds": "1800",
    }
    assert connect["metadata"]["namespace"] == "connect-live-cdc"
    spec = connect["spec"]
    assert spec["replicas"] == 3
    assert spec["bootstrapServers"] == "b-1.ingest:9096"
    config = spec["config"]
    assert config["group.id"] == "connect-live-cdc"
    assert config["config.storage.topic"] == "_connect.live-cdc.configs"
    assert config["offset.storage.topic"] == "_connect.live-cdc.offsets"
    assert config["status.storage.topic"] == "_connect.live-cdc.status"
    for kind in ("config", "offset", "status"):
        assert config[f"{kind}.storage.replication.factor"] == "3"
    assert config["connector.client.config.override.policy"] == "Principal"
    assert spec["authentication"] == {
        "type": "scram-sha-512",
        "username": "worker-live-cdc",
        "passwordSecret": {"secretName": "live-cdc-worker-principal", "password": "password"},
    }


def test_worker_password_lives_only_in_a_secret(harness: CloudHarness) -> None:
    harness.run(kubernetes_pool)

    secret = harness.one(tokens.K8S_SECRET).inputs
    assert secret_value(secret["stringData"]) == {"password": PASSWORD}
    assert secret["metadata"]["name"] == "live-cdc-worker-principal"
    connect = harness.one(tokens.STRIMZI_KAFKA_CONNECT).inputs
    assert PASSWORD not in repr(connect)


def test_worker_pods_have_limits_dedicated_nodes_and_a_disruption_budget(
    harness: CloudHarness,
) -> None:
    harness.run(kubernetes_pool)

    spec = harness.one(tokens.STRIMZI_KAFKA_CONNECT).inputs["spec"]
    resources = spec["resources"]
    for bound in ("requests", "limits"):
        assert set(resources[bound]) == {"cpu", "memory"}
        for quantity in resources[bound].values():
            parse_quantity(quantity)
    assert parse_quantity(resources["requests"]["cpu"]) <= parse_quantity(
        resources["limits"]["cpu"]
    )
    pod = spec["template"]["pod"]
    term = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    expression = term["nodeSelectorTerms"][0]["matchExpressions"][0]
    assert expression == {
        "key": "bulkheads.io/node-pool",
        "operator": "In",
        "values": ["connect-live"],
    }
    assert pod["tolerations"] == [
        {
            "key": "bulkheads.io/node-pool",
            "operator": "Equal",
            "value": "connect-live",
            "effect": "NoSchedule",
        }
    ]
    assert spec["template"]["podDisruptionBudget"] == {"maxUnavailable": 1}


def test_every_pool_object_has_valid_ownership_labels(harness: CloudHarness) -> None:
    harness.run(kubernetes_pool)

    expected = {
        "bulkheads.io/owner": "payments",
        "bulkheads.io/class": "live",
        "bulkheads.io/pool": "live-cdc",
        "bulkheads.io/environment": "prod",
    }
    for child in harness.resources:
        if child.typ == tokens.WORKER_POOL:
            continue
        metadata = child.inputs["metadata"]
        assert is_dns_label(metadata["name"]), metadata["name"]
        assert expected.items() <= metadata["labels"].items()
        assert all(is_label_value(value) for value in metadata["labels"].values())
    pod_labels = harness.one(tokens.STRIMZI_KAFKA_CONNECT).inputs["spec"]["template"]["pod"]
    assert expected.items() <= pod_labels["metadata"]["labels"].items()


def test_network_policy_allows_egress_only_to_dns_pool_brokers_and_declared(
    harness: CloudHarness,
) -> None:
    api_server = EgressPeer(ports=(443,), cidr="10.0.0.1/32")
    harness.run(lambda: kubernetes_pool(declared_egress=(api_server,)))

    policy = harness.one(tokens.K8S_NETWORK_POLICY).inputs["spec"]
    assert policy["policyTypes"] == ["Egress"]
    assert policy["podSelector"] == {
        "matchLabels": {"strimzi.io/cluster": "live-cdc", "strimzi.io/kind": "KafkaConnect"}
    }
    rules = policy["egress"]
    assert len(rules) == 4
    dns, same_pool, brokers, declared = rules
    assert dns["to"][0]["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}
    assert {p["port"] for p in dns["ports"]} == {53}
    assert same_pool["to"][0]["podSelector"] == policy["podSelector"]
    assert brokers == {
        "to": [{"ipBlock": {"cidr": "10.40.0.0/16"}}],
        "ports": [{"protocol": "TCP", "port": 9096}],
    }
    assert declared["to"] == [{"ipBlock": {"cidr": "10.0.0.1/32"}}]
    assert all("to" in rule and rule["to"] for rule in rules), "an empty 'to' allows everything"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"cpu_request": "2", "cpu_limit": "1"}, "cpu request 2 exceeds its limit 1"),
        ({"memory_limit": "4 GB"}, "'4 GB' is not a Kubernetes quantity"),
        ({"brokers": ()}, "needs its cluster's brokers"),
        ({"replicas": 0}, "replicas must be >= 1"),
    ],
)
def test_kubernetes_runtime_refuses_bad_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        KubernetesRuntime(**{"brokers": BROKERS, **settings})


def test_egress_peer_names_exactly_one_destination() -> None:
    with pytest.raises(ValueError, match="exactly one of cidr or namespace"):
        EgressPeer(ports=(9092,), cidr="10.0.0.0/8", namespace="kafka")
    with pytest.raises(ValueError, match="exactly one of cidr or namespace"):
        EgressPeer(ports=(9092,))


# -- WorkerPool: local --------------------------------------------------------------------


def test_local_pool_starts_a_worker_as_its_own_principal(harness: CloudHarness) -> None:
    harness.run(local_pool)

    assert harness.one(tokens.WORKER_POOL).inputs["runtime"] == "local"
    worker = harness.one(tokens.LOCAL_WORKER)
    assert worker.parent_type == tokens.WORKER_POOL
    assert worker.name == "live-cdc-worker"
    assert worker.inputs["username"] == "worker-live-cdc"
    assert secret_value(worker.inputs["password"]) == PASSWORD
    assert worker.inputs["rest_port"] == 18083
    assert worker.inputs["worker_config"]["group.id"] == "connect-live-cdc"
    assert worker.inputs["worker_config"]["connector.client.config.override.policy"] == (
        "Principal"
    )
    # part of the inputs, so a worker started before the secret-file provider is replaced
    assert worker.inputs["worker_config"]["config.providers"] == "dir"
    assert "__provider" in worker.inputs, "the provider must serialize (dill) into the inputs"


# -- Connector ----------------------------------------------------------------------------


def test_local_connector_is_a_rest_resource_logged_in_as_its_pipeline(
    harness: CloudHarness,
) -> None:
    def build() -> None:
        pool = local_pool()
        Connector("payments-cdc", connector_args(pool.target))

    harness.run(build)

    component = harness.one(tokens.CONNECTOR)
    assert component.parent_type == "pulumi:pulumi:Stack"
    assert component.inputs == {
        "environment": "prod",
        "connector": "payments-cdc",
        "pipeline": "payments-cdc",
        "kind": "source",
        "pool": "live-cdc",
        "cluster": "ingest",
        "workload_class": "live",
        "owner": "payments",
        "reads": [],
        "writes": ["raw.payments.transactions"],
        "connector_class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks_max": 2,
        "state": "paused",
    }
    rest = harness.one(tokens.CONNECT_REST_CONNECTOR)
    assert rest.parent_type == tokens.CONNECTOR
    assert rest.name == "payments-cdc-rest"
    assert rest.inputs["name"] == "payments-cdc"
    assert rest.inputs["rest_url"] == "http://127.0.0.1:18083"
    assert rest.inputs["state"] == "paused"
    assert rest.inputs["config"] == {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "2",
        "topic": "raw.payments.transactions",
        "file": "/tmp/in.txt",
    }
    secret = secret_value(rest.inputs["secret_config"])
    assert secret["database.password"] == "db-pw"
    jaas = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="pipeline-payments-cdc" password="{PIPELINE_PASSWORD}";'
    )
    assert {key: secret[key] for key in principal_override_keys()} == dict.fromkeys(
        ("producer.override.sasl.jaas.config", "consumer.override.sasl.jaas.config",
         "admin.override.sasl.jaas.config"),
        jaas,
    )  # fmt: skip
    assert PIPELINE_PASSWORD not in repr(rest.inputs["config"])


def test_credentials_and_secret_config_stay_pulumi_secrets(harness: CloudHarness) -> None:
    flags: dict[str, bool] = {}

    def build() -> Any:
        pool = local_pool()
        resource = Connector("payments-cdc", connector_args(pool.target)).resource

        async def record() -> None:
            flags["worker password"] = await pool.worker.password.is_secret()  # type: ignore[attr-defined]
            flags["secret_config"] = await resource.secret_config.is_secret()  # type: ignore[attr-defined]
            flags["config"] = await resource.config.is_secret()  # type: ignore[attr-defined]

        return asyncio.ensure_future(record())

    harness.run(build)
    assert flags == {"worker password": True, "secret_config": True, "config": False}


def test_kubernetes_connector_is_a_kafka_connector_cr_with_secret_references(
    harness: CloudHarness,
) -> None:
    def build() -> None:
        pool = kubernetes_pool()
        Connector("payments-cdc", connector_args(pool.target))

    harness.run(build)

    cr = harness.one(tokens.STRIMZI_KAFKA_CONNECTOR)
    assert cr.parent_type == tokens.CONNECTOR
    inputs = cr.inputs
    assert inputs["metadata"]["labels"]["strimzi.io/cluster"] == "live-cdc"
    assert inputs["metadata"]["namespace"] == "connect-live-cdc"
    spec = inputs["spec"]
    assert spec["class"] == "org.apache.kafka.connect.file.FileStreamSourceConnector"
    assert spec["tasksMax"] == 2
    assert spec["state"] == "paused"
    prefix = "${secrets:connect-live-cdc/payments-cdc-connector-config:"
    assert spec["config"] == {
        "topic": "raw.payments.transactions",
        "file": "/tmp/in.txt",
        "database.password": prefix + "database.password}",
        "producer.override.sasl.jaas.config": prefix + "producer.override.sasl.jaas.config}",
        "consumer.override.sasl.jaas.config": prefix + "consumer.override.sasl.jaas.config}",
        "admin.override.sasl.jaas.config": prefix + "admin.override.sasl.jaas.config}",
    }
    assert PIPELINE_PASSWORD not in repr(inputs)

    secret = harness.one(tokens.K8S_SECRET, parent_type=tokens.CONNECTOR).inputs
    assert secret["metadata"]["name"] == "payments-cdc-connector-config"
    data = secret_value(secret["stringData"])
    assert data["database.password"] == "db-pw"
    assert PIPELINE_PASSWORD in data["consumer.override.sasl.jaas.config"]

    role = harness.one(tokens.K8S_ROLE).inputs
    assert role["rules"] == [
        {
            "apiGroups": [""],
            "resources": ["secrets"],
            "resourceNames": ["payments-cdc-connector-config"],
            "verbs": ["get"],
        }
    ]
    binding = harness.one(tokens.K8S_ROLE_BINDING).inputs
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "live-cdc-connect", "namespace": "connect-live-cdc"}
    ]


def test_connector_refuses_a_target_of_another_pool(harness: CloudHarness) -> None:
    def build() -> None:
        pool = local_pool()
        with pytest.raises(ValueError, match="declared on pool 'backfill'"):
            connector_args(pool.target, pool="backfill")

    harness.run(build)


def test_connector_refuses_class_or_tasks_inside_config(harness: CloudHarness) -> None:
    def build() -> None:
        pool = local_pool()
        with pytest.raises(ValueError, match=r"\['tasks.max'\]"):
            Connector("bad", connector_args(pool.target, config={"tasks.max": "3"}))

    harness.run(build)
