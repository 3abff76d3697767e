"""Metrics and alerting objects for Strimzi clusters and Kubernetes pools.

- :func:`metrics_config_map`: the JMX exporter configuration a Kafka or KafkaConnect CR's
  ``metricsConfig`` reads (``bulkheads.ops.metrics``);
- :func:`pod_monitor`: a prometheus-operator PodMonitor scraping the pods' metrics port and
  labelling every series with ``kafka_cluster`` (and ``pool``);
- :func:`prometheus_rule`: one plan :class:`~bulkheads.plan.alerts.AlertGroup` as a
  PrometheusRule, labelled ``bulkheads.io/alerts: "true"`` for the Prometheus
  ``ruleSelector``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from bulkheads.ops.metrics import CONFIG_KEY, METRICS_PORT, exporter_config, scrape_labels
from bulkheads.plan.alerts import AlertGroup, prometheus_groups
from components import tokens

ALERTS_LABEL = "bulkheads.io/alerts"


def metrics_config_map(
    name: str,
    config_map: str,
    namespace: pulumi.Input[str],
    rules: list[dict[str, Any]],
    labels: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> k8s.core.v1.ConfigMap:
    """The ConfigMap ``config_map`` holding a JMX exporter configuration of ``rules``."""
    return k8s.core.v1.ConfigMap(
        name,
        metadata={"name": config_map, "namespace": namespace, "labels": dict(labels)},
        data={CONFIG_KEY: exporter_config(rules)},
        opts=opts,
    )


def pod_monitor(
    name: str,
    monitor: str,
    namespace: pulumi.Input[str],
    pods: Mapping[str, str],
    labels: Mapping[str, str],
    opts: pulumi.ResourceOptions,
    cluster: str,
    pool: str | None = None,
) -> k8s.apiextensions.CustomResource:
    """PodMonitor ``monitor``: the metrics port of the ``pods`` in ``namespace``, labelled
    as ``cluster`` (and ``pool``)."""
    return k8s.apiextensions.CustomResource(
        name,
        api_version=tokens.MONITORING_API_VERSION,
        kind="PodMonitor",
        metadata={"name": monitor, "namespace": namespace, "labels": dict(labels)},
        spec={
            "selector": {"matchLabels": dict(pods)},
            "podMetricsEndpoints": [
                {"port": METRICS_PORT, "relabelings": scrape_labels(cluster, pool)}
            ],
        },
        opts=opts,
    )


def prometheus_rule(
    name: str,
    namespace: pulumi.Input[str],
    group: AlertGroup,
    labels: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> k8s.apiextensions.CustomResource:
    """The PrometheusRule of one alert group."""
    return k8s.apiextensions.CustomResource(
        name,
        api_version=tokens.MONITORING_API_VERSION,
        kind="PrometheusRule",
        metadata={
            "name": group.name.replace(".", "-"),
            "namespace": namespace,
            "labels": {**labels, ALERTS_LABEL: "true"},
        },
        spec={"groups": prometheus_groups((group,))},
        opts=opts,
    )
