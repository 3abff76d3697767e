"""What Strimzi's Prometheus JMX exporter exposes, and the labels the PodMonitors add:
exactly the metrics the alert rules (``bulkheads.plan.alerts``) read.

Brokers: under-replicated partitions and bytes in (cluster totals), and each principal's
throttle time per quota (``THROTTLE_METRIC``, what ``bulkheads status`` shows; the local
brokers serve the same rules on 127.0.0.1). Connect workers: failed
tasks per connector, rebalances, MirrorMaker 2 replication latency per topic. Consumer
group lag comes from the Kafka Exporter Strimzi runs beside the brokers (on MSK, from the
one ``bulkheads.plan.manifests.kafka_exporter`` deploys). Every scraped
series gets ``kafka_cluster`` (and ``pool`` on Connect workers) from its PodMonitor, so a
rule names where it fires without knowing Kubernetes names.
"""

from __future__ import annotations

from typing import Any

import yaml

CONFIG_KEY = "metrics-config.yml"
METRICS_PORT = "tcp-prometheus"
"""The container port Strimzi names for the JMX exporter and the Kafka Exporter."""

THROTTLE_METRIC = "kafka_server_quota_throttle_time"
"""A principal's average throttle time (ms) over the broker's quota window; labels
``resource`` (``produce``, ``fetch``, ``request``), ``user`` and, for a user and client-id
quota, ``client_id``. Kafka names its MBean ``type=Produce|Fetch|Request,user=...``."""

KAFKA_RULES: list[dict[str, Any]] = [
    {
        "pattern": "kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value",
        "name": "kafka_server_replicamanager_underreplicatedpartitions",
        "type": "GAUGE",
    },
    {
        "pattern": "kafka.server<type=BrokerTopicMetrics, name=(BytesIn|BytesOut)PerSec><>Count",
        "name": "kafka_server_brokertopicmetrics_$1_total",
        "type": "COUNTER",
    },
    {
        "pattern": "kafka.server<type=(Produce|Fetch|Request), user=(.+), client-id=(.+)>"
        "<>throttle-time",
        "name": THROTTLE_METRIC,
        "labels": {"resource": "$1", "user": "$2", "client_id": "$3"},
        "type": "GAUGE",
    },
    {
        "pattern": "kafka.server<type=(Produce|Fetch|Request), user=([^,]+)><>throttle-time",
        "name": THROTTLE_METRIC,
        "labels": {"resource": "$1", "user": "$2"},
        "type": "GAUGE",
    },
]

KAFKA_OBJECT_NAMES = [
    "kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions",
    "kafka.server:type=BrokerTopicMetrics,*",
    *(f"kafka.server:type={quota},*" for quota in ("Produce", "Fetch", "Request")),
]
"""The MBeans ``KAFKA_RULES`` read: a scrape queries only these (a broker has thousands)."""

CONNECT_RULES: list[dict[str, Any]] = [
    {
        "pattern": "kafka.connect<type=connect-worker-metrics, connector=(.+)>"
        "<>connector-(failed|running|total)-task-count",
        "name": "kafka_connect_worker_connector_$2_task_count",
        "labels": {"connector": "$1"},
        "type": "GAUGE",
    },
    {
        "pattern": "kafka.connect<type=connect-worker-rebalance-metrics>"
        "<>(completed-rebalances-total|rebalancing)",
        "name": "kafka_connect_worker_rebalance_$1",
        "type": "GAUGE",
    },
    {
        "pattern": "kafka.connect.mirror<type=MirrorSourceConnector, target=(.+), topic=(.+), "
        "partition=([0-9]+)><>(replication-latency-ms|record-age-ms)",
        "name": "kafka_connect_mirror_source_connector_$4",
        "labels": {"target": "$1", "topic": "$2", "partition": "$3"},
        "type": "GAUGE",
    },
]


def exporter_config(rules: list[dict[str, Any]], object_names: list[str] | None = None) -> str:
    """A JMX exporter configuration exposing only ``rules`` (names lower-cased), querying
    only the MBeans ``object_names`` match (default: every MBean)."""
    document: dict[str, Any] = {"lowercaseOutputName": True, "lowercaseOutputLabelNames": True}
    if object_names:
        document["includeObjectNames"] = object_names
    document["rules"] = rules
    return yaml.safe_dump(document, sort_keys=False)


def metrics_config(config_map: str) -> dict[str, Any]:
    """A Strimzi ``metricsConfig`` reading the exporter configuration from ``config_map``."""
    return {
        "type": "jmxPrometheusExporter",
        "valueFrom": {"configMapKeyRef": {"name": config_map, "key": CONFIG_KEY}},
    }


def scrape_labels(cluster: str, pool: str | None = None) -> list[dict[str, str]]:
    """PodMonitor relabelings that set ``kafka_cluster`` (and ``pool``) on every series."""
    labels = {"kafka_cluster": cluster, **({"pool": pool} if pool else {})}
    return [
        {"action": "replace", "targetLabel": key, "replacement": value}
        for key, value in labels.items()
    ]
