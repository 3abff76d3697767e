"""Alert rules from the spec: each class's ``alerts`` and ``freshness_target`` (with a
pipeline's own ``alerts`` overrides), per pipeline, pool and cluster, routed to owners.

Every rule carries the labels Alertmanager routes on: ``oncall`` (the owner's on-call),
``owner``, ``severity`` (``page``, or ``ticket`` for what can wait: replay traffic and
capacity warnings) and where it fires (``environment``, ``kafka_cluster``, ``pool``,
``pipeline``, ``workload_class``). Its ``runbook`` annotation is the command that renders
the pipeline's runbook.

The metrics are those the Strimzi metrics configuration (``bulkheads.ops.metrics``)
exposes, with the labels its PodMonitors add: ``kafka_cluster`` on brokers, Kafka Exporter
and Connect workers, ``pool`` on Connect workers. The rules:

=================================  =====================================================
per pipeline                       fires when
=================================  =====================================================
``BulkheadsFailedTasks``           failed tasks >= ``alerts.failed_tasks`` (0: no rule)
``BulkheadsConsumerLag``           time lag > ``alerts.consumer_lag`` (sinks and
                                   MirrorMaker 2 connectors: mirrors, replays)
``BulkheadsFreshnessTargetMissed`` time lag > the class ``freshness_target``, when that is
                                   above ``alerts.consumer_lag`` (severity page)
per pool: ``BulkheadsWorkerRebalances``   more than 3 rebalances in 15 minutes
per Strimzi cluster:
``BulkheadsUnderReplicated``       under-replicated partitions for 5 minutes (page)
``BulkheadsBrokerDiskFull``        a broker volume over 80 % full (ticket)
``BulkheadsIngressNearQuotaCeiling``  bytes in above 80 % of the producer quotas'
                                   sum on the cluster (ticket)
=================================  =====================================================

Time lag of a consumer group (Kafka Exporter knows records, not time) is estimated as the
records behind divided by the write rate of its topics over 5 minutes (a backlog with no
writes counts as infinitely late); MirrorMaker 2 reports its replication latency itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bulkheads.plan import names
from bulkheads.plan.quotas import cluster_quotas
from bulkheads.spec.alert_bounds import has_consumer_lag
from bulkheads.spec.model import (
    MIRROR_SOURCE_CONNECTOR,
    PlatformSpec,
    StrimziDeploy,
    WorkloadClassName,
)
from bulkheads.spec.units import format_duration

Severity = Literal["page", "ticket"]
Scope = Literal["pipeline", "pool", "cluster"]

LAG_WINDOW = "5m"
REBALANCE_WINDOW = "15m"
MAX_REBALANCES = 3
DISK_FULL_RATIO = 0.8
INGRESS_CEILING_RATIO = 0.8
CAN_WAIT: frozenset[WorkloadClassName] = frozenset({"replay"})


@dataclass(frozen=True)
class AlertRule:
    """One Prometheus alerting rule; ``labels`` route it, ``threshold`` is shown to people."""

    alert: str
    expr: str
    for_: str
    scope: Scope
    subject: str
    threshold: str
    summary: str
    labels: dict[str, str]
    runbook: str

    @property
    def severity(self) -> str:
        return self.labels["severity"]


@dataclass(frozen=True)
class AlertGroup:
    """The rules of one pool (its pipelines' and its own) or of one cluster."""

    name: str
    cluster: str
    pool: str | None
    rules: tuple[AlertRule, ...]


def class_severity(workload_class: WorkloadClassName) -> Severity:
    """``ticket`` for traffic that can wait (replay), ``page`` otherwise."""
    return "ticket" if workload_class in CAN_WAIT else "page"


def runbook_command(environment: str, pipeline: str) -> str:
    """The command that renders a pipeline's runbook."""
    return f"bulkheads runbook {environment} {pipeline}"


def plan_alerts(spec: PlatformSpec) -> tuple[AlertGroup, ...]:
    """One group per pool (declaration order), then one per Strimzi cluster."""
    groups = [
        AlertGroup(f"bulkheads.{pool.cluster}.{name}", pool.cluster, name, _pool_rules(spec, name))
        for name, pool in spec.pools.items()
    ]
    groups += [
        AlertGroup(f"bulkheads.{name}", name, None, _cluster_rules(spec, name))
        for name, cluster in spec.clusters.items()
        if isinstance(cluster.deploy, StrimziDeploy)
    ]
    return tuple(groups)


def _pool_rules(spec: PlatformSpec, pool: str) -> tuple[AlertRule, ...]:
    rules: list[AlertRule] = []
    for name in (n for n, p in spec.pipelines.items() if p.pool == pool):
        rules += _pipeline_rules(spec, name)
    settings = spec.pools[pool]
    selector = f'kafka_cluster="{settings.cluster}",pool="{pool}"'
    rules.append(
        AlertRule(
            alert="BulkheadsWorkerRebalances",
            expr=(
                "max(increase(kafka_connect_worker_rebalance_completed_rebalances_total"
                f"{{{selector}}}[{REBALANCE_WINDOW}])) > {MAX_REBALANCES}"
            ),
            for_="0m",
            scope="pool",
            subject=pool,
            threshold=f"{MAX_REBALANCES} rebalances / {REBALANCE_WINDOW}",
            summary=f"worker pool {pool} keeps rebalancing: its connectors stall",
            labels=_labels(
                spec,
                settings.owner,
                class_severity(settings.workload_class),
                cluster=settings.cluster,
                pool=pool,
                workload_class=settings.workload_class,
            ),
            runbook=f"bulkheads status {spec.environment}",
        )
    )
    return tuple(rules)


def _pipeline_rules(spec: PlatformSpec, name: str) -> list[AlertRule]:
    pipeline = spec.pipelines[name]
    workload_class = spec.class_of(name)
    cluster = spec.cluster_of(name)
    alerts = spec.alerts_of(name)
    freshness = spec.classes.get(workload_class).freshness_target
    connector = names.connector_name(name)
    where = f'kafka_cluster="{cluster}",pool="{pipeline.pool}"'

    def rule(alert: str, expr: str, threshold: str, summary: str, severity: Severity) -> AlertRule:
        return AlertRule(
            alert=alert,
            expr=expr,
            for_="1m",
            scope="pipeline",
            subject=name,
            threshold=threshold,
            summary=summary,
            labels=_labels(
                spec,
                pipeline.owner,
                severity,
                cluster=cluster,
                pool=pipeline.pool,
                pipeline=name,
                workload_class=workload_class,
            ),
            runbook=runbook_command(spec.environment, name),
        )

    rules: list[AlertRule] = []
    severity = class_severity(workload_class)
    if alerts.failed_tasks > 0:
        rules.append(
            rule(
                "BulkheadsFailedTasks",
                f'sum(kafka_connect_worker_connector_failed_task_count{{{where},connector="{connector}"}})'
                f" >= {alerts.failed_tasks}",
                f"{alerts.failed_tasks} failed task(s)",
                f"{name}: Connect tasks failed",
                severity,
            )
        )
    if has_consumer_lag(spec, name):
        lag = time_lag_expr(spec, name)
        rules.append(
            rule(
                "BulkheadsConsumerLag",
                f"{lag} > {_seconds(alerts.consumer_lag)}",
                format_duration(alerts.consumer_lag),
                f"{name} is more than {format_duration(alerts.consumer_lag)} behind",
                severity,
            )
        )
        if freshness > alerts.consumer_lag:
            rules.append(
                rule(
                    "BulkheadsFreshnessTargetMissed",
                    f"{lag} > {_seconds(freshness)}",
                    format_duration(freshness),
                    f"{name} misses its {workload_class} freshness target "
                    f"{format_duration(freshness)}",
                    "page",
                )
            )
    return rules


def time_lag_expr(spec: PlatformSpec, name: str) -> str:
    """PromQL for how far behind (seconds) pipeline ``name`` reads its topics."""
    pipeline = spec.pipelines[name]
    cluster = spec.cluster_of(name)
    topics = _any_of(pipeline.reads)
    if pipeline.connector.connector_class == MIRROR_SOURCE_CONNECTOR:
        where = f'kafka_cluster="{cluster}",pool="{pipeline.pool}",topic=~"{topics}"'
        return (
            f"(max(kafka_connect_mirror_source_connector_replication_latency_ms{{{where}}}) / 1000)"
        )
    group = names.sink_group(name)
    behind = f'sum(kafka_consumergroup_lag{{kafka_cluster="{cluster}",consumergroup="{group}"}})'
    written = (
        f'sum(rate(kafka_topic_partition_current_offset{{kafka_cluster="{cluster}",'
        f'topic=~"{topics}"}}[{LAG_WINDOW}]))'
    )
    return f"({behind} / {written})"


def _cluster_rules(spec: PlatformSpec, cluster: str) -> tuple[AlertRule, ...]:
    settings = spec.clusters[cluster]
    assert isinstance(settings.deploy, StrimziDeploy)
    namespace = settings.deploy.namespace
    where = f'kafka_cluster="{cluster}"'
    ceiling = sum(
        int(quota.config.get("producer_byte_rate", 0)) for quota in cluster_quotas(spec, cluster)
    )
    volumes = (
        f'namespace="{namespace}",persistentvolumeclaim=~"data-0-{cluster}-{cluster}-nodes-.*"'
    )

    def rule(
        alert: str, expr: str, for_: str, threshold: str, summary: str, severity: Severity
    ) -> AlertRule:
        return AlertRule(
            alert=alert,
            expr=expr,
            for_=for_,
            scope="cluster",
            subject=cluster,
            threshold=threshold,
            summary=summary,
            labels=_labels(spec, settings.owner, severity, cluster=cluster),
            runbook=f"bulkheads status {spec.environment}",
        )

    rules = [
        rule(
            "BulkheadsUnderReplicated",
            f"max(kafka_server_replicamanager_underreplicatedpartitions{{{where}}}) > 0",
            "5m",
            "0 partitions",
            f"cluster {cluster} has under-replicated partitions",
            "page",
        ),
        rule(
            "BulkheadsBrokerDiskFull",
            f"max(kubelet_volume_stats_used_bytes{{{volumes}}} / "
            f"kubelet_volume_stats_capacity_bytes{{{volumes}}}) > {DISK_FULL_RATIO}",
            "10m",
            f"{DISK_FULL_RATIO:.0%} of a broker volume",
            f"a broker volume of cluster {cluster} is filling up",
            "ticket",
        ),
    ]
    if ceiling:
        rules.append(
            rule(
                "BulkheadsIngressNearQuotaCeiling",
                f"sum(rate(kafka_server_brokertopicmetrics_bytesin_total{{{where}}}[{LAG_WINDOW}]))"
                f" > {int(ceiling * INGRESS_CEILING_RATIO)}",
                "15m",
                f"{INGRESS_CEILING_RATIO:.0%} of {ceiling} B/s",
                f"cluster {cluster} takes in nearly all its producer quotas admit",
                "ticket",
            )
        )
    return tuple(rules)


def _labels(
    spec: PlatformSpec, owner: str, severity: Severity, **where: str | None
) -> dict[str, str]:
    labels = {
        "severity": severity,
        "owner": owner,
        "oncall": spec.owners[owner].oncall,
        "environment": spec.environment,
    }
    keys = {"cluster": "kafka_cluster"}
    labels.update({keys.get(key, key): value for key, value in where.items() if value})
    return labels


def _any_of(topics: list[str]) -> str:
    """A PromQL regex literal body matching exactly ``topics``."""
    return "|".join(re.escape(topic).replace("\\", "\\\\") for topic in topics)


def _seconds(ms: int) -> str:
    """Milliseconds as a PromQL number of seconds (``30``, ``0.5``)."""
    return f"{ms / 1000:g}"


def prometheus_groups(groups: tuple[AlertGroup, ...]) -> list[dict[str, object]]:
    """``groups`` in the Prometheus rules-file shape (also a PrometheusRule's
    ``spec.groups``)."""
    return [
        {"name": group.name, "rules": [_prometheus_rule(rule) for rule in group.rules]}
        for group in groups
    ]


def _prometheus_rule(rule: AlertRule) -> dict[str, object]:
    return {
        "alert": rule.alert,
        "expr": rule.expr,
        "for": rule.for_,
        "labels": dict(rule.labels),
        "annotations": {
            "summary": rule.summary,
            "threshold": rule.threshold,
            "runbook": rule.runbook,
        },
    }
