"""Rollback: a change can be reversed without data ambiguity.

- ``retained``: every live-class topic is retained on delete in the plan (a removed or
  destroyed topic keeps its data and is adopted again).
- ``one-writer``: every topic name originates in one pipeline on one cluster (mirrors
  copy it under the same name, never back): two origins are two writers (red).
- ``cutovers``: the spec declares no cutovers yet, so no topology change has a planned,
  reversible path (yellow).
"""

from __future__ import annotations

from collections import defaultdict

from bulkheads.readiness.facts import Check, Facts, green


def retained(facts: Facts) -> list[Check]:
    """Live topics survive their removal from the stack."""
    checks = []
    for cluster, plan in facts.plan.clusters.items():
        live = [t for t in plan.topics if t.workload_class == "live"]
        exposed = [t.name for t in live if not t.protected]
        where = f"plan: clusters.{cluster}.topics"
        if exposed:
            checks.append(
                Check(
                    "red",
                    where,
                    f"live topics deleted with the stack: {', '.join(exposed)}",
                    "plan live topics with retain_on_delete",
                )
            )
        elif live:
            checks.append(green(where, f"{len(live)} live topics retained on delete"))
    return checks


def one_writer(facts: Facts) -> list[Check]:
    """No topic has two origins."""
    origins: dict[str, set[str]] = defaultdict(set)
    for cluster, plan in facts.plan.clusters.items():
        for topic in plan.topics:
            writer = facts.spec.pipelines.get(topic.writer)
            if writer is not None and writer.kind != "mirror":
                origins[topic.name].add(f"{topic.writer} on {cluster}")
    doubled = {name: sorted(writers) for name, writers in origins.items() if len(writers) > 1}
    if not doubled:
        return [green("plan: topics", f"{len(origins)} topics, one writer each")]
    return [
        Check(
            "red",
            f"topic {name}",
            f"written by {' and '.join(writers)}",
            "keep one writer; let the other cluster mirror it",
        )
        for name, writers in sorted(doubled.items())
    ]


def cutovers(facts: Facts) -> list[Check]:
    """A topology change has a declared cutover and rollback (not in the spec yet)."""
    return [
        Check(
            "yellow",
            "cutovers",
            "no cutover is declared: moving a pipeline has no planned, reversible path",
            "declare the cutover's phases and which path writes in each",
        )
    ]
