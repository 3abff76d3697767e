"""``bulkheads verify``'s pure comparisons: a platform that matches its plan passes, and each
kind of out-of-band change fails naming its boundary and the item."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bulkheads.plan.platform import PlatformPlan, plan_platform
from bulkheads.spec.loader import load_platform
from bulkheads.verify.credentials import passwords_in_state
from bulkheads.verify.drift import ObservedCluster, drift_findings, kafka_spelling, planned_acls
from bulkheads.verify.findings import verdict
from bulkheads.verify.observe import ObservedPool, _login_users
from bulkheads.verify.runtime import runtime_findings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan() -> PlatformPlan:
    return plan_platform(load_platform(ROOT / "stacks" / "Pulumi.local.yaml"), ROOT)


def as_planned(plan: PlatformPlan) -> ObservedCluster:
    cluster = plan.clusters["local"]
    return ObservedCluster(
        cluster="local",
        admin="admin",
        acls=planned_acls(cluster),
        scram_users=frozenset({"admin", *(p.username for p in cluster.principals)}),
        topics={t.name: (t.partitions, {**t.config, "segment.ms": "1"}) for t in cluster.topics},
        quotas={
            (q.entity_type, q.entity_name): {k: float(v) for k, v in q.config.items()}
            for q in cluster.quotas
        },
    )


def failures(rows: list) -> list[tuple[str, str, str, str]]:  # type: ignore[type-arg]
    return [(r.boundary, r.check, r.subject, r.evidence) for r in rows if r.outcome == "fail"]


def test_kafka_spelling_meets_the_admin_clients_enum_names() -> None:
    assert kafka_spelling("DescribeConfigs") == "DESCRIBE_CONFIGS"
    assert kafka_spelling("IdempotentWrite") == "IDEMPOTENT_WRITE"
    assert kafka_spelling("Cluster") == "BROKER"
    assert kafka_spelling("TransactionalID") == "TRANSACTIONAL_ID"
    assert kafka_spelling("Topic") == "TOPIC"


def test_a_platform_as_planned_has_no_drift(plan: PlatformPlan) -> None:
    rows = drift_findings(plan.clusters["local"], as_planned(plan))
    assert failures(rows) == []
    assert {r.check for r in rows} == {"acls", "scram-users", "topics", "entity"}
    assert verdict(rows)["ok"]


def test_an_acl_granted_by_hand_is_drift(plan: PlatformPlan) -> None:
    observed = as_planned(plan)
    by_hand = ("User:pipeline.orders-archive", "TOPIC", "derived.orders.rebuilt", "LITERAL",
               "WRITE", "*", "ALLOW")  # fmt: skip
    rows = drift_findings(plan.clusters["local"], replace(observed, acls=observed.acls | {by_hand}))
    assert failures(rows) == [
        ("drift", "acls",
         "ALLOW User:pipeline.orders-archive WRITE on TOPIC:derived.orders.rebuilt (LITERAL, "
         "host *)", "ACL present in the cluster but not planned")
    ]  # fmt: skip
    assert verdict(rows)["failing_boundaries"] == ["drift"]


def test_missing_users_topic_configs_and_quotas_are_drift(plan: PlatformPlan) -> None:
    observed = as_planned(plan)
    topics = dict(observed.topics)
    partitions, config = topics["raw.orders.events"]
    topics["raw.orders.events"] = (partitions + 1, {**config, "retention.ms": "1"})
    quotas = dict(observed.quotas)
    del quotas[("user", "pipeline.orders-rebuild")]
    quotas[("user", "intruder")] = {"producer_byte_rate": 1.0}
    changed = replace(
        observed,
        scram_users=observed.scram_users - {"pool.replay"} | {"intruder"},
        topics=topics,
        quotas=quotas,
    )
    planned_retention = next(
        t.config["retention.ms"] for t in plan.clusters["local"].topics
        if t.name == "raw.orders.events"
    )  # fmt: skip
    assert sorted(failures(drift_findings(plan.clusters["local"], changed))) == sorted([
        ("drift", "scram-users", "pool.replay", "planned SCRAM user missing from the cluster"),
        ("drift", "scram-users", "intruder", "SCRAM user present in the cluster but not planned"),
        ("drift", "topics", "raw.orders.events",
         f"{partitions + 1} partitions, planned {partitions}"),
        ("drift", "topic-config", "raw.orders.events",
         f"retention.ms='1', planned {planned_retention!r}"),
        ("quota", "entity", "user pipeline.orders-rebuild", "planned quota missing"),
        ("quota", "entity", "user intruder", "unplanned quota {'producer_byte_rate': 1.0}"),
    ])  # fmt: skip


def pool_as_planned(plan: PlatformPlan, pool: str) -> ObservedPool:
    connectors = [c for c in plan.connectors if c.pool == pool]
    return ObservedPool(
        pool=pool,
        states={c.connector: "RUNNING" for c in connectors},
        logins={c.connector: frozenset({c.username}) for c in connectors},
    )


def test_each_pool_runs_exactly_its_connectors_as_their_principals(plan: PlatformPlan) -> None:
    for pool in plan.pools:
        rows = runtime_findings(plan, pool.worker.pool, pool_as_planned(plan, pool.worker.pool))
        assert failures(rows) == [], pool.worker.pool


def test_a_connector_in_the_wrong_pool_or_login_fails_the_runtime_boundary(
    plan: PlatformPlan,
) -> None:
    observed = pool_as_planned(plan, "replay")
    wrong = replace(
        observed,
        states={**observed.states, "orders-archive": "RUNNING", "stray": "RUNNING"},
        logins={**observed.logins, "orders-rebuild": frozenset({"pool.replay"})},
    )
    assert sorted(failures(runtime_findings(plan, "replay", wrong))) == sorted([
        ("runtime", "connector-pool", "orders-archive",
         "runs in pool 'replay', declared in pool 'derived-sinks'"),
        ("runtime", "connector-pool", "stray", "runs in pool 'replay', declared nowhere"),
        ("runtime", "connector-login", "orders-rebuild",
         "logs in as ['pool.replay'], planned pipeline.orders-rebuild"),
    ])  # fmt: skip
    gone = replace(observed, states={}, logins={})
    assert failures(runtime_findings(plan, "replay", gone)) == [
        ("runtime", "connector-pool", "orders-rebuild",
         "declared in pool 'replay' but not running there")
    ]  # fmt: skip


def test_a_paused_connector_declared_running_fails(plan: PlatformPlan) -> None:
    observed = pool_as_planned(plan, "derived-sinks")
    paused = replace(observed, states={**observed.states, "orders-archive": "PAUSED"})
    assert failures(runtime_findings(plan, "derived-sinks", paused)) == [
        ("runtime", "connector-state", "orders-archive", "PAUSED, declared running")
    ]


def test_a_scheduled_replays_state_is_its_schedulers(plan: PlatformPlan) -> None:
    observed = pool_as_planned(plan, "replay")
    for state in ("RUNNING", "STOPPED", "PAUSED"):
        changed = replace(observed, states={"orders-rebuild": state})
        assert failures(runtime_findings(plan, "replay", changed)) == [], state


def test_login_users_never_keep_a_password() -> None:
    jaas = 'org.x.ScramLoginModule required username="pipeline.a" password="s3cret";'
    assert _login_users(jaas) == ["pipeline.a"]
    assert _login_users("${file:/run/secrets/login.properties:jaas}") == ["${...}"]


def test_passwords_come_from_the_exported_state_secrets() -> None:
    state = {"deployment": {"resources": [
        {"type": "kafka:index/userScramCredential:UserScramCredential",
         "inputs": {"username": "pool.a", "password": {"plaintext": '"pw-a"'}}},
        {"type": "kafka:index/acl:Acl", "inputs": {}},
    ]}}  # fmt: skip
    assert passwords_in_state(state) == {"pool.a": "pw-a"}
