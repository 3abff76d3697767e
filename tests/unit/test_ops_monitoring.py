"""The prod program's metrics and alerting objects under Pulumi mocks: every Strimzi cluster
and Kubernetes pool exposes its metrics (JMX exporter ConfigMap + ``metricsConfig``, Kafka
Exporter, PodMonitor) and gets the PrometheusRule of its alert group, exactly as planned."""

from __future__ import annotations

import re
from typing import Any

import yaml

from bulkheads.ops.metrics import CONNECT_RULES, KAFKA_RULES
from bulkheads.plan.alerts import plan_alerts, prometheus_groups
from bulkheads.spec.model import PlatformSpec
from components import tokens
from tests.unit.cloud_harness import CloudHarness
from tests.unit.test_platform_prod_program import harness, prod, program

__all__ = ["harness", "prod", "program"]

KAFKA_EXPORTER_METRICS = {"kafka_consumergroup_lag", "kafka_topic_partition_current_offset"}
KUBELET_METRICS = {"kubelet_volume_stats_used_bytes", "kubelet_volume_stats_capacity_bytes"}


def by_name(program: CloudHarness, typ: str) -> dict[str, dict[str, Any]]:
    return {r.inputs["metadata"]["name"]: r.inputs for r in program.of_type(typ)}


def test_each_kubernetes_pool_and_strimzi_cluster_has_its_planned_rules(
    program: CloudHarness, prod: PlatformSpec
) -> None:
    rules = by_name(program, tokens.PROMETHEUS_RULE)
    groups = {group.name.replace(".", "-"): group for group in plan_alerts(prod)}
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
