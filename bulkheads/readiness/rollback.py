"""Rollback: a change can be reversed without data ambiguity.

- ``retained``: every live-class topic is retained on delete in the plan (a removed or
  destroyed topic keeps its data and is adopted again).
- ``one-writer``: every topic name originates in one pipeline (mirrors copy it under the
  same name, never back): two origins are two writers (red). A pipeline a cutover moves
  has its topics on both clusters; ``cutovers`` checks it writes on one at a time.
- ``cutovers``: each declared cutover, planned at every phase from ``mirror`` to its
  declared one (the way back is the same phases in reverse), leaves every topic one
  writer per cluster and one producer across clusters, a mirror that is a cluster's only
  writer of a topic (the cutover's or a declared one: a copy) aside (else red). No cutover
  declared is green: nothing is moving.
"""

from __future__ import annotations

from collections import defaultdict

from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.plan import names
from bulkheads.plan.platform import plan_platform
from bulkheads.readiness.facts import Check, Facts, green
from bulkheads.spec.model import CUTOVER_PHASES, CutoverPhase


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
    origins: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for cluster, plan in facts.plan.clusters.items():
        for topic in plan.topics:
            writer = facts.running.pipelines.get(topic.writer)
            if writer is not None and writer.kind != "mirror":
                origins[topic.name][topic.writer].append(cluster)
    doubled = {
        name: [f"{w} on {' and '.join(on)}" for w, on in sorted(writers.items())]
        for name, writers in origins.items()
        if len(writers) > 1
    }
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
    """Each cutover keeps one writer per topic at every phase it passes, both ways."""
    if not facts.spec.cutovers:
        return [green("cutovers", "none declared: no pipeline is moving")]
    checks = []
    declared = {n for n, p in facts.spec.pipelines.items() if p.kind == "mirror"}
    for plan in facts.plan.cutovers:
        mirrors = {names.connector_principal(n) for n in {plan.mirror, *declared}}
        path = CUTOVER_PHASES[: CUTOVER_PHASES.index(plan.phase) + 1]
        where = f"cutovers.{plan.cutover}.phase"
        clashes = [
            f"{phase}: {topic} written by {', '.join(sorted(principals))}"
            for phase in path
            for topic, principals in _producers(facts, plan.cutover, phase, mirrors).items()
            if len(principals) > 1
        ]
        if clashes:
            checks.append(
                Check(
                    "red",
                    where,
                    "two writers on one topic: " + "; ".join(clashes),
                    "report it as a bug: every phase must leave one writer per topic",
                )
            )
        else:
            checks.append(
                green(
                    where,
                    f"at {plan.phase}: one writer per topic at "
                    + (f"each of {', '.join(path)}, forward and back" if path[1:] else "it"),
                )
            )
    return checks


def _producers(
    facts: Facts, cutover: str, phase: CutoverPhase, mirrors: set[str]
) -> dict[str, set[str]]:
    """Topic -> who writes it at ``phase`` of ``cutover``, on any one cluster or (a
    mirror that is a cluster's only writer of it aside) across clusters."""
    plan = plan_platform(facts.spec, PROJECT_ROOT, {cutover: phase})
    found: dict[str, set[str]] = defaultdict(set)
    for (_, topic), principals in plan.topic_writers().items():
        found[topic] |= principals - mirrors if len(principals) == 1 else principals
    return found
