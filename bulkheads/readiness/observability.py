"""Observability: lag and task health page the owner's on-call; brokers have capacity alerts.

- ``paging``: every owner of a pipeline or cluster has an on-call that is a paging route
  (``<service>:<target>``, e.g. ``pagerduty:payments``); a chat channel is yellow.
- ``thresholds``: each class's consumer-lag alert fires no later than its freshness
  target (later: red); a live class tolerating more than one failed task before paging
  is yellow.
- ``alert-rules``: the plan's alert rules (``PlatformPlan.alerts``) cover every
  pipeline of each cluster with a task-health rule (``failed_tasks: 0`` plans none:
  yellow) and, where it reads topics, a lag rule (missing: red), and the cluster with
  broker-capacity rules; bulkheads plans those for Strimzi clusters only, so an MSK or
  local cluster is yellow, with the alarm to add instead.
"""

from __future__ import annotations

import re

from bulkheads.readiness.facts import Check, Facts, green
from bulkheads.spec.alert_bounds import has_consumer_lag
from bulkheads.spec.model import MskDeploy
from bulkheads.spec.units import format_duration

PAGING_ROUTE = re.compile(r"^[a-z][a-z0-9-]*:\S+$")


def paging(facts: Facts) -> list[Check]:
    """Owners' on-calls are paging routes."""
    used = {p.owner for p in facts.spec.pipelines.values()}
    used |= {c.owner for c in facts.spec.clusters.values()}
    checks = []
    for name in sorted(used):
        oncall = facts.spec.owners[name].oncall
        where = f"owners.{name}.oncall"
        if PAGING_ROUTE.match(oncall):
            checks.append(green(where, oncall))
        else:
            checks.append(
                Check(
                    "yellow",
                    where,
                    f"{oncall!r} is not a paging route",
                    "write it as <service>:<target>, e.g. pagerduty:payments",
                )
            )
    return checks


def thresholds(facts: Facts) -> list[Check]:
    """Alert thresholds page before a class misses its freshness target."""
    classes = sorted({facts.spec.class_of(name) for name in facts.spec.pipelines})
    checks = []
    for name in classes:
        settings = facts.spec.classes.get(name)
        lag, target = settings.alerts.consumer_lag, settings.freshness_target
        where = f"classes.{name}.alerts"
        shown = f"lag alert {format_duration(lag)}, freshness {format_duration(target)}"
        if lag > target:
            checks.append(
                Check(
                    "red",
                    f"{where}.consumer_lag",
                    f"{shown}: pages only after the target is missed",
                    f"set consumer_lag to {format_duration(target)} or less",
                )
            )
        elif name == "live" and settings.alerts.failed_tasks > 1:
            checks.append(
                Check(
                    "yellow",
                    f"{where}.failed_tasks",
                    f"{settings.alerts.failed_tasks} failed live tasks before paging",
                    "page on the first failed live task (failed_tasks: 1)",
                )
            )
        else:
            checks.append(green(where, shown))
    return checks


def alert_rules(facts: Facts) -> list[Check]:
    """Pipelines have task-health and lag rules, brokers capacity rules, in the plan."""
    spec = facts.spec
    planned: dict[tuple[str, str], set[str]] = {}
    for group in facts.plan.alerts:
        for rule in group.rules:
            planned.setdefault((rule.scope, rule.subject), set()).add(rule.alert)
    checks = []
    for cluster, settings in spec.clusters.items():
        where = f"plan: clusters.{cluster}"
        on_it = [name for name in spec.pipelines if spec.cluster_of(name) == cluster]
        gaps = []
        for name in on_it:
            rules = planned.get(("pipeline", name), set())
            if has_consumer_lag(spec, name) and "BulkheadsConsumerLag" not in rules:
                checks.append(
                    Check(
                        "red",
                        f"plan: pipelines.{name}",
                        "it reads topics but no consumer-lag rule is planned",
                        "report it as a bug: the plan derives this rule from the class",
                    )
                )
            if "BulkheadsFailedTasks" not in rules:
                gaps.append(name)
        if gaps:
            checks.append(
                Check(
                    "yellow",
                    f"{where}: pipelines {', '.join(gaps)}",
                    "alerts.failed_tasks is 0: a failed task pages no one",
                    "set alerts.failed_tasks to 1 (page on the first failed task)",
                )
            )
        if "BulkheadsUnderReplicated" in planned.get(("cluster", cluster), set()):
            count = sum(len(planned.get(("pipeline", name), ())) for name in on_it)
            checks.append(green(where, f"{count} pipeline rules and broker-capacity rules"))
        else:
            checks.append(
                Check(
                    "yellow",
                    where,
                    f"no broker-capacity rules: bulkheads plans them for Strimzi clusters, "
                    f"this one is {settings.deploy.kind}",
                    _capacity_fix(settings.deploy),
                )
            )
    return checks


def _capacity_fix(deploy: object) -> str:
    if isinstance(deploy, MskDeploy):
        return (
            "alarm on MSK's CloudWatch metrics UnderReplicatedPartitions and "
            "KafkaDataLogsDiskUsed, routed to the cluster owner's on-call"
        )
    return "a local cluster is not monitored: run production on Strimzi or MSK"
