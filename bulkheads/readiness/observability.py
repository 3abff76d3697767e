"""Observability: lag and task health page the owner's on-call; brokers have capacity alerts.

- ``paging``: every owner of a pipeline or cluster has an on-call that is a paging route
  (``<service>:<target>``, e.g. ``pagerduty:payments``); a chat channel is yellow.
- ``thresholds``: each class's consumer-lag alert fires no later than its freshness
  target (later: red); a live class tolerating more than one failed task before paging
  is yellow.
- ``alert-rules``: the plan renders no alert rules yet (lag, task health, broker
  capacity), so the thresholds page no one (yellow per cluster).
"""

from __future__ import annotations

import re

from bulkheads.readiness.facts import Check, Facts, green
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
    """Lag, task-health and broker-capacity alert rules exist per cluster (none planned)."""
    return [
        Check(
            "yellow",
            f"plan: clusters.{name}",
            "no lag, task-health or broker-capacity alert rules are planned",
            "provision alert rules from the class thresholds, routed to each owner's on-call",
        )
        for name in facts.spec.clusters
    ]
