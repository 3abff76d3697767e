"""Alert rules from the spec: pinned rules of the prod stack, routing to every owner's
on-call, class severities and overrides, and ``promtool check rules`` on every stack."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bulkheads.cli import main
from bulkheads.plan.alerts import AlertRule, plan_alerts, prometheus_groups
from bulkheads.spec.loader import load_platform, platform_from_mapping
from bulkheads.spec.model import PlatformSpec

ROOT = Path(__file__).resolve().parents[2]
STACKS = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))


@pytest.fixture(scope="module")
def prod() -> PlatformSpec:
    return load_platform(ROOT / "stacks" / "Pulumi.prod.yaml")


def rules_of(spec: PlatformSpec, subject: str) -> dict[str, AlertRule]:
    return {
        rule.alert: rule
        for group in plan_alerts(spec)
        for rule in group.rules
        if rule.subject == subject
    }


def test_the_customer_facing_search_sink_pages_sooner_than_its_class(prod: PlatformSpec) -> None:
    rules = rules_of(prod, "orders-search-index")
    behind = (
        '(sum(kafka_consumergroup_lag{kafka_cluster="delivery",'
        'consumergroup="connect-orders-search-index"}) / '
        'sum(rate(kafka_topic_partition_current_offset{kafka_cluster="delivery",'
        'topic=~"raw\\\\.orders\\\\.orders"}[5m])))'
    )
    assert {name: (r.expr, r.for_, r.threshold) for name, r in rules.items()} == {
        "BulkheadsFailedTasks": (
            'sum(kafka_connect_worker_connector_failed_task_count{kafka_cluster="delivery",'
            'pool="search-sinks",connector="orders-search-index"}) >= 1',
            "1m",
            "1 failed task(s)",
        ),
        "BulkheadsConsumerLag": (f"{behind} > 300", "1m", "5m"),
        "BulkheadsFreshnessTargetMissed": (f"{behind} > 900", "1m", "15m"),
    }
    assert rules["BulkheadsConsumerLag"].labels == {
        "severity": "page",
        "owner": "search",
        "oncall": "pagerduty:search",
        "environment": "prod",
        "kafka_cluster": "delivery",
        "pool": "search-sinks",
        "pipeline": "orders-search-index",
        "workload_class": "derived",
    }
    assert rules["BulkheadsConsumerLag"].runbook == "bulkheads runbook prod orders-search-index"
    # a sibling without an override keeps the class threshold: one lag rule at 15m
    sibling = rules_of(prod, "products-search-index")
    assert sibling["BulkheadsConsumerLag"].threshold == "15m"
    assert "BulkheadsFreshnessTargetMissed" not in sibling


def test_mirrors_alert_on_mirrormaker_replication_latency(prod: PlatformSpec) -> None:
    mirror = next(n for n, p in prod.pipelines.items() if p.kind == "mirror")
    pipeline = prod.pipelines[mirror]
    (lag,) = [r for r in rules_of(prod, mirror).values() if r.alert == "BulkheadsConsumerLag"]
    assert lag.expr.startswith(
        "(max(kafka_connect_mirror_source_connector_replication_latency_ms{"
        f'kafka_cluster="{prod.cluster_of(mirror)}",pool="{pipeline.pool}",topic=~"'
    )
    seconds = prod.alerts_of(mirror).consumer_lag / 1000
    assert lag.expr.endswith(f"}}) / 1000) > {seconds:g}")


def test_replay_traffic_can_wait_but_live_and_derived_page(prod: PlatformSpec) -> None:
    for group in plan_alerts(prod):
        for rule in group.rules:
            if rule.alert in ("BulkheadsConsumerLag", "BulkheadsFailedTasks"):
                expected = "ticket" if rule.labels["workload_class"] == "replay" else "page"
                assert rule.severity == expected, (rule.alert, rule.subject)


def test_every_rule_routes_to_its_owners_oncall(prod: PlatformSpec) -> None:
    groups = plan_alerts(prod)
    for group in groups:
        for rule in group.rules:
            owner = rule.labels["owner"]
            assert rule.labels["oncall"] == prod.owners[owner].oncall
            if rule.scope == "pipeline":
                assert owner == prod.pipelines[rule.subject].owner
            elif rule.scope == "pool":
                assert owner == prod.pools[rule.subject].owner
            else:
                assert owner == prod.clusters[rule.subject].owner
    pipelines = {r.subject for g in groups for r in g.rules if r.scope == "pipeline"}
    assert pipelines == set(prod.pipelines)
    assert [g.name for g in groups if g.pool is None] == [
        "bulkheads.ingest",
        "bulkheads.payments",
        "bulkheads.lakehouse",
    ]


def test_strimzi_clusters_get_capacity_rules_from_their_quotas(prod: PlatformSpec) -> None:
    rules = rules_of(prod, "payments")
    assert sorted(rules) == [
        "BulkheadsBrokerDiskFull",
        "BulkheadsIngressNearQuotaCeiling",
        "BulkheadsUnderReplicated",
    ]
    assert rules["BulkheadsUnderReplicated"].severity == "page"
    assert rules["BulkheadsBrokerDiskFull"].expr == (
        'max(kubelet_volume_stats_used_bytes{namespace="kafka-payments",'
        'persistentvolumeclaim=~"data-0-payments-payments-nodes-.*"} / '
        'kubelet_volume_stats_capacity_bytes{namespace="kafka-payments",'
        'persistentvolumeclaim=~"data-0-payments-payments-nodes-.*"}) > 0.8'
    )
    # 80 % of the producer quotas of the cluster's principals: 3 CDC sources (one at
    # 30MiB, two at the live 50MiB), the pool's worker (50MiB) and the mirror reading it
    # (derived, 20MiB)
    ceiling = int((30 + 3 * 50 + 20) * 2**20 * 0.8)
    assert rules["BulkheadsIngressNearQuotaCeiling"].expr.endswith(f"> {ceiling}")


def test_a_class_without_failed_task_alerts_gets_no_such_rule() -> None:
    document = yaml.safe_load((ROOT / "stacks" / "Pulumi.local.yaml").read_text())
    platform = document["config"]["bulkheads:platform"]
    platform["classes"]["derived"]["alerts"] = {"failed_tasks": 0}
    spec = platform_from_mapping(platform, source="local-variant")
    assert "BulkheadsFailedTasks" not in rules_of(spec, "orders-archive")
    assert "BulkheadsFailedTasks" in rules_of(spec, "orders-events")


def test_the_rules_file_is_what_the_plan_says(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["alerts", "prod"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed == {
        "groups": prometheus_groups(
            plan_alerts(load_platform(ROOT / "stacks" / "Pulumi.prod.yaml"))
        )
    }


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian: prometheus)")
@pytest.mark.parametrize("stack", STACKS, ids=lambda p: p.stem)
def test_promtool_accepts_the_rules_file(
    stack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["alerts", str(stack)]) == 0
    rules = tmp_path / "rules.yaml"
    rules.write_text(capsys.readouterr().out)
    checked = subprocess.run(
        ["promtool", "check", "rules", str(rules)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    count = sum(len(group.rules) for group in plan_alerts(load_platform(stack)))
    assert f"SUCCESS: {count} rules found" in checked.stdout
