"""Data contracts: raw/derived/delivery separation, owners, declared reads, routing.

- ``separation``: ``raw.`` topics are written by sources (or copied by mirrors),
  ``derived.``/``delivery.`` by replays (or mirrors); a ``delivery.`` topic is shaped for
  one consumer, so a second sink reading it is yellow.
- ``owners``: every planned topic's owner is a declared owner.
- ``declared-reads``: a sink's ``topics`` config names only its ``reads`` (the doctrine
  refuses anything else, so this is evidence); direct clients read topics the spec does
  not list (yellow: their ACLs are granted outside the platform).
- ``routing``: what a connector produces (``routing.landings``) lands on topics it
  declares; its schema-history and dead-letter topics are planned; red otherwise, yellow
  when the landing cannot be computed from the config. (The doctrine already refuses a
  spec routing records, by RegexRouter or Debezium topic names, to topics it does not
  write; this is evidence over the plan as built.)
"""

from __future__ import annotations

from collections import Counter

from bulkheads.cost.traffic import SCHEMA_HISTORY_KEY
from bulkheads.plan.cutover import MIRROR_CHECKPOINT_CONNECTOR
from bulkheads.readiness.facts import Check, Facts, green
from bulkheads.readiness.routing import landings

WRITER_KINDS = {"raw": {"source", "mirror"}, "derived": {"replay", "mirror"}}
WRITER_KINDS["delivery"] = WRITER_KINDS["derived"]


def separation(facts: Facts) -> list[Check]:
    """Topic contracts match their writers; delivery topics have one consumer."""
    checks = []
    consumers = Counter(
        name
        for connector in facts.plan.connectors
        if connector.kind == "sink"
        for name in connector.reads
        if name.startswith("delivery.")
    )
    for cluster, plan in facts.plan.clusters.items():
        wrong = []
        for topic in plan.topics:
            if topic.contract not in WRITER_KINDS:
                continue
            kind = facts.running.pipelines[topic.writer].kind
            if kind not in WRITER_KINDS[topic.contract]:
                wrong.append(f"{topic.name} (written by {kind} {topic.writer})")
        if wrong:
            checks.append(
                Check(
                    "red",
                    f"plan: clusters.{cluster}.topics",
                    f"contract broken: {', '.join(wrong)}",
                    "sources write raw., replays derived. or delivery.; rename the topic",
                )
            )
        else:
            checks.append(green(f"plan: clusters.{cluster}.topics", "contracts match writers"))
    for name, count in sorted(consumers.items()):
        if count > 1:
            checks.append(
                Check(
                    "yellow",
                    f"topic {name}",
                    f"{count} sinks read one delivery topic",
                    "give each consumer its own delivery. topic",
                )
            )
    return checks


def owners(facts: Facts) -> list[Check]:
    """Every planned topic has a declared owner."""
    checks = []
    for cluster, plan in facts.plan.clusters.items():
        orphans = [t.name for t in plan.topics if t.owner not in facts.spec.owners]
        where = f"plan: clusters.{cluster}.topics"
        if orphans:
            checks.append(
                Check("red", where, f"no owner: {', '.join(orphans)}", "declare their owners")
            )
        else:
            owned = sorted({t.owner for t in plan.topics})
            checks.append(green(where, f"{len(plan.topics)} topics owned by {', '.join(owned)}"))
    return checks


def declared_reads(facts: Facts) -> list[Check]:
    """Consumers read only topics they declare."""
    sinks = [c.pipeline for c in facts.plan.connectors if c.kind == "sink"]
    checks = [
        green(
            "pipelines.*.reads",
            f"{len(sinks)} sinks name only their declared reads (validated by the doctrine)",
        )
    ]
    for cluster_name, cluster in facts.spec.clusters.items():
        for name in cluster.clients:
            checks.append(
                Check(
                    "yellow",
                    f"clusters.{cluster_name}.clients.{name}",
                    "its topics are not declared: its ACLs are granted outside the platform",
                    "run it as a pipeline, or keep its grants reviewed with its owner",
                )
            )
    return checks


def routing(facts: Facts) -> list[Check]:
    """What connectors produce lands on declared topics only."""
    checks = []
    topics = {c: {t.name for t in plan.topics} for c, plan in facts.plan.clusters.items()}
    for connector in facts.plan.connectors:
        where = f"pipelines.{connector.pipeline}.connector.config"
        declared = set(connector.reads if connector.kind == "mirror" else connector.writes)
        if connector.connector_class == MIRROR_CHECKPOINT_CONNECTOR:
            declared = topics[connector.cluster]  # MirrorMaker's own, planned on its cluster
        problems = []
        history = connector.config.get(SCHEMA_HISTORY_KEY)
        if history is not None and history not in declared:
            problems.append(f"schema history to {history}")
        dlq = connector.config.get("errors.deadletterqueue.topic.name")
        if dlq is not None and dlq not in topics[connector.cluster]:
            problems.append(f"dead letters to {dlq}")
        if connector.kind != "sink":
            landed = landings(connector)
            if landed is None:
                checks.append(
                    Check(
                        "yellow",
                        where,
                        "where its records land cannot be computed from its config",
                        "route explicitly (RegexRouter) or name the topic in the config",
                    )
                )
                continue
            problems += [
                f"{produced} lands on {topic}"
                for topic, produced in sorted(landed.items())
                if topic not in declared
            ]
        if problems:
            checks.append(
                Check(
                    "red",
                    where,
                    f"undeclared: {'; '.join(problems)}",
                    "route it to a declared topic, declare the topic, or turn the side "
                    "output off (e.g. include.schema.changes: false)",
                )
            )
        else:
            checks.append(green(where, "lands on declared topics only"))
    return checks
