"""The prod program's metrics and alerting objects under Pulumi mocks: every Strimzi cluster
and Kubernetes pool exposes its metrics (JMX exporter ConfigMap + ``metricsConfig``, Kafka
Exporter, PodMonitor) and gets the PrometheusRule of its alert group, exactly as planned."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from bulkheads.ops.metrics import CONNECT_RULES, KAFKA_RULES
from bulkheads.plan.alerts import plan_alerts, prometheus_groups
from bulkheads.plan.platform import plan_platform
from bulkheads.spec.model import PlatformSpec
from components import tokens
from tests.unit.cloud_harness import CloudHarness
from tests.unit.test_platform_prod_program import ROOT, harness, prod, program

__all__ = ["harness", "prod", "program"]

KAFKA_EXPORTER_METRICS = {"kafka_consumergroup_lag", "kafka_topic_partition_current_offset"}
KUBELET_METRICS = {"kubelet_volume_stats_used_bytes", "kubelet_volume_stats_capacity_bytes"}


def by_name(program: CloudHarness, typ: str) -> dict[str, dict[str, Any]]:
    return {r.inputs["metadata"]["name"]: r.inputs for r in program.of_type(typ)}


def test_each_kubernetes_pool_and_strimzi_cluster_has_its_planned_rules(
    program: CloudHarness, prod: PlatformSpec
) -> None:
    rules = by_name(program, tokens.PROMETHEUS_RULE)
    # the plan's: at its cutover's phase (the mirror's principal counts toward lakehouse)
    plan = plan_platform(prod, ROOT)
    groups = {group.name.replace(".", "-"): group for group in plan.alerts}
    assert set(rules) == set(groups)  # every prod pool runs on Kubernetes
    search = rules["bulkheads-delivery-search-sinks"]
    assert search["metadata"]["namespace"] == "connect-search-sinks"
    assert search["metadata"]["labels"] == {
        "bulkheads.io/environment": "prod",
        "bulkheads.io/alerts": "true",
    }
    for name, rule in rules.items():
        assert rule["apiVersion"] == "monitoring.coreos.com/v1", name
        assert rule["spec"] == {"groups": prometheus_groups((groups[name],))}, name
    assert rules["bulkheads-payments"]["metadata"]["namespace"] == "kafka-payments"


def test_strimzi_clusters_expose_broker_and_consumer_group_metrics(program: CloudHarness) -> None:
    kafka = by_name(program, tokens.STRIMZI_KAFKA)["payments"]["spec"]
    assert kafka["kafka"]["metricsConfig"] == {
        "type": "jmxPrometheusExporter",
        "valueFrom": {
            "configMapKeyRef": {"name": "payments-kafka-metrics", "key": "metrics-config.yml"}
        },
    }
    assert kafka["kafkaExporter"] == {"topicRegex": ".*", "groupRegex": ".*"}
    config_maps = by_name(program, tokens.K8S_CONFIG_MAP)
    exporter = yaml.safe_load(config_maps["payments-kafka-metrics"]["data"]["metrics-config.yml"])
    assert exporter["rules"] == KAFKA_RULES
    assert config_maps["payments-kafka-metrics"]["metadata"]["namespace"] == "kafka-payments"
    monitor = by_name(program, tokens.POD_MONITOR)["payments-kafka"]["spec"]
    assert monitor == {
        "selector": {"matchLabels": {"strimzi.io/cluster": "payments", "strimzi.io/kind": "Kafka"}},
        "podMetricsEndpoints": [
            {
                "port": "tcp-prometheus",
                "relabelings": [
                    {"action": "replace", "targetLabel": "kafka_cluster", "replacement": "payments"}
                ],
            }
        ],
    }


def test_connect_pools_expose_task_rebalance_and_mirror_metrics(program: CloudHarness) -> None:
    connect = by_name(program, tokens.STRIMZI_KAFKA_CONNECT)["search-sinks"]["spec"]
    reference = connect["metricsConfig"]["valueFrom"]["configMapKeyRef"]
    assert reference == {"name": "search-sinks-connect-metrics", "key": "metrics-config.yml"}
    config_map = by_name(program, tokens.K8S_CONFIG_MAP)["search-sinks-connect-metrics"]
    assert config_map["metadata"]["namespace"] == "connect-search-sinks"
    assert yaml.safe_load(config_map["data"]["metrics-config.yml"])["rules"] == CONNECT_RULES
    monitor = by_name(program, tokens.POD_MONITOR)["search-sinks-connect"]["spec"]
    assert monitor["selector"]["matchLabels"] == {
        "strimzi.io/cluster": "search-sinks",
        "strimzi.io/kind": "KafkaConnect",
    }
    labels = {
        r["targetLabel"]: r["replacement"] for r in monitor["podMetricsEndpoints"][0]["relabelings"]
    }
    assert labels == {"kafka_cluster": "delivery", "pool": "search-sinks"}


def exported_names(rules: list[dict[str, Any]]) -> set[str]:
    """The series names JMX exporter ``rules`` produce: each ``$n`` of a name takes every
    alternative of the pattern's n-th group, then the exporter's lower-casing and ``_``."""
    names: set[str] = set()
    for rule in rules:
        candidates = {rule["name"]}
        for index, group in enumerate(re.findall(r"\(([^()]*)\)", rule["pattern"]), start=1):
            candidates = {
                name.replace(f"${index}", option)
                for name in candidates
                for option in group.split("|")
            }
        names |= {re.sub(r"[^a-z0-9_]", "_", name.lower()) for name in candidates}
    return names


def test_every_metric_an_alert_reads_is_exported(prod: PlatformSpec) -> None:
    exported = exported_names(KAFKA_RULES + CONNECT_RULES) | KAFKA_EXPORTER_METRICS
    exported |= KUBELET_METRICS
    used = {
        name
        for group in plan_alerts(prod)
        for rule in group.rules
        for name in re.findall(r"([a-z_]+)\{", rule.expr)
    }
    assert used and used <= exported, used - exported


def test_msk_clusters_get_a_kafka_exporter_with_a_describe_only_role(
    program: CloudHarness, prod: PlatformSpec
) -> None:
    """Each of prod's MSK clusters gets an exporter logging in with IAM, its role trusted
    by exactly its ServiceAccount and allowed to describe only, scraped as that cluster."""
    msk = sorted(n for n, c in prod.clusters.items() if c.deploy.kind == "msk")
    exporters = program.of_type(tokens.KAFKA_EXPORTER)
    assert sorted(e.inputs["cluster"] for e in exporters) == msk and len(msk) == 2
    delivery = msk[0]
    deployments = program.of_type(tokens.K8S_DEPLOYMENT)
    assert len(deployments) == len(msk)
    (deployment,) = [
        d for d in deployments if d.inputs["metadata"]["namespace"] == f"kafka-exporter-{delivery}"
    ]
    meta, spec = deployment.inputs["metadata"], deployment.inputs["spec"]
    assert meta["name"] == "kafka-exporter"
    pod = spec["template"]["spec"]
    (container,) = pod["containers"]
    assert pod["serviceAccountName"] == "kafka-exporter"
    assert container["ports"] == [{"name": "tcp-prometheus", "containerPort": 9308}]
    flags = container["args"]
    assert {"--sasl.mechanism=awsiam", "--tls.enabled", "--sasl.enabled"} <= set(flags)
    assert any(f.startswith("--kafka.server=") for f in flags)
    assert any(f.startswith("--sasl.aws-region=") and f != "--sasl.aws-region=" for f in flags)
    (account,) = [
        r for r in program.of_type(tokens.K8S_SERVICE_ACCOUNT)
        if r.inputs["metadata"].get("namespace") == f"kafka-exporter-{delivery}"
    ]  # fmt: skip
    assert "eks.amazonaws.com/role-arn" in account.inputs["metadata"]["annotations"]
    (role,) = [
        r for r in program.of_type(tokens.AWS_IAM_ROLE) if f"kafka-exporter-{delivery}" in r.name
    ]
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Condition"]
    account_id = f"system:serviceaccount:kafka-exporter-{delivery}:kafka-exporter"
    assert account_id in json.dumps(trust)
    (policy,) = [
        r
        for r in program.of_type(tokens.AWS_IAM_ROLE_POLICY)
        if f"kafka-exporter-{delivery}" in r.name
    ]
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Action"] == [
        "kafka-cluster:Connect",
        "kafka-cluster:DescribeCluster",
        "kafka-cluster:DescribeTopic",
        "kafka-cluster:DescribeGroup",
    ]
    monitors = [
        r for r in program.of_type(tokens.POD_MONITOR)
        if r.inputs["metadata"]["namespace"] == f"kafka-exporter-{delivery}"
    ]  # fmt: skip
    (monitor,) = monitors
    assert monitor.inputs["spec"]["selector"]["matchLabels"] == {
        "app.kubernetes.io/name": "kafka-exporter",
        "bulkheads.io/cluster": delivery,
    }
    assert {"action": "replace", "targetLabel": "kafka_cluster", "replacement": delivery} in (
        monitor.inputs["spec"]["podMetricsEndpoints"][0]["relabelings"]
    )
