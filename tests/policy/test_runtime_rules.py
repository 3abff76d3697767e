"""Runtime rules: worker limits, disruption budgets, the Connect override policy."""

from typing import Any

from components import tokens
from tests.policy.builders import Pack, Res, worker_pool

LIMITS = "bulkheads-runtime-pod-limits"
PDB = "bulkheads-runtime-pod-disruption-budget"
OVERRIDE = "bulkheads-runtime-override-policy"
LABELS = {"app": "connect", "bulkheads.io/pool": "live-cdc"}


def deployment(*containers: dict[str, Any], namespace: str = "connect") -> Res:
    props = {
        "metadata": {"name": "live-cdc-workers", "namespace": namespace},
        "spec": {
            "replicas": 2,
            "template": {"metadata": {"labels": LABELS}, "spec": {"containers": list(containers)}},
        },
    }
    return Res(tokens.K8S_DEPLOYMENT, "live-cdc-workers", props)


def container(name: str = "worker", **limits: str) -> dict[str, Any]:
    return {"name": name, "image": "kafka:4", "resources": {"limits": limits}}


def kafka_connect(**spec: Any) -> Res:
    props = {"metadata": {"name": "live-cdc"}, "spec": {"replicas": 2, **spec}}
    return Res(tokens.STRIMZI_KAFKA_CONNECT, "live-cdc", props)


def run(pack: Pack, rule: str, res: Res) -> list[str]:
    return pack.resource(rule, res.type, res.name, res.props)


def test_limited_workers_pass(pack: Pack) -> None:
    assert run(pack, LIMITS, deployment(container(cpu="2", memory="4Gi"))) == []
    limited = kafka_connect(resources={"limits": {"cpu": "2", "memory": "4Gi"}})
    assert run(pack, LIMITS, limited) == []


def test_deployment_container_without_limits(pack: Pack) -> None:
    res = deployment(container(cpu="2", memory="4Gi"), container("sidecar", cpu="100m"))
    assert run(pack, LIMITS, res) == [
        "Deployment 'live-cdc-workers' container 'sidecar' sets no memory limit; "
        "set resources.limits.memory"
    ]


def test_kafka_connect_without_limits(pack: Pack) -> None:
    assert run(pack, LIMITS, kafka_connect()) == [
        "KafkaConnect 'live-cdc' sets no cpu or memory limit; "
        "set spec.resources.limits.cpu and memory"
    ]


def budget(labels: dict[str, str], namespace: str = "connect") -> Res:
    props = {
        "metadata": {"name": "live-cdc-workers", "namespace": namespace},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels}},
    }
    return Res(tokens.K8S_POD_DISRUPTION_BUDGET, "live-cdc-workers-pdb", props)


def test_deployment_with_matching_budget_passes(pack: Pack) -> None:
    resources = [deployment(container()), budget({"bulkheads.io/pool": "live-cdc"})]
    assert pack.stack(PDB, resources) == []


def test_deployment_without_budget(pack: Pack) -> None:
    workers = deployment(container())
    expected = [
        (
            "Deployment 'live-cdc-workers' has no PodDisruptionBudget selecting its pods; add "
            "one with maxUnavailable: 1 and the pod labels as matchLabels",
            workers.urn,
        )
    ]
    assert pack.stack(PDB, [workers]) == expected
    assert pack.stack(PDB, [workers, budget({"bulkheads.io/pool": "other"})]) == expected
    assert pack.stack(PDB, [workers, budget(LABELS, namespace="default")]) == expected


def test_principal_override_policy_passes(pack: Pack) -> None:
    assert run(pack, OVERRIDE, worker_pool("live-cdc")) == []
    policy = {"connector.client.config.override.policy": "Principal"}
    assert run(pack, OVERRIDE, kafka_connect(config=policy)) == []


def test_pool_with_override_policy_all(pack: Pack) -> None:
    assert run(pack, OVERRIDE, worker_pool("live-cdc", override_policy="All")) == [
        "worker pool 'live-cdc' sets connector.client.config.override.policy to 'All', so a "
        "connector can override any client setting, including who it logs in as; set it to "
        "'Principal'"
    ]


def test_kafka_connect_without_override_policy(pack: Pack) -> None:
    assert run(pack, OVERRIDE, kafka_connect(config={})) == [
        "KafkaConnect 'live-cdc' does not set connector.client.config.override.policy (Kafka "
        "Connect's default is 'All'); set it to 'Principal'"
    ]
