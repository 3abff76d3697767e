"""Offsets: who owns each connector's progress, and whether recovery needs hand edits.

- ``source-offsets``: a source connector (source, mirror, replay) keeps its offsets in its
  pool's own offsets topic; a connector ``offsets.storage.topic`` moves them out: red.
- ``sink-offsets``: a sink commits as its own group ``connect-<pipeline>``, readable by
  its principal alone; ``consumer.override.group.id`` or another reader: red. (The
  doctrine already refuses the override in a spec, since the plan sets the group; this
  is evidence over the plan as built.)
- ``no-hand-edits``: a sink routes bad records to its dead-letter topic; with
  ``errors.tolerance=all`` and no DLQ they vanish (yellow); otherwise a poison record
  stops the task until someone moves the group's offset by hand (red).
- ``replay-start``: a replay's ``from`` (default ``earliest``) is applied by tooling when a
  run starts: on a local pool by ``bulkheads replay tick``, on Kubernetes by the pool's
  replay CronJob (green); a replay declared stopped or paused has no scheduler, so a run
  started by hand resumes from its stored offsets (yellow).
"""

from __future__ import annotations

from collections.abc import Iterator

from bulkheads.plan import names
from bulkheads.plan.platform import ConnectorPlan
from bulkheads.readiness.facts import Check, Facts, green
from bulkheads.spec.model import LocalDeploy, ReplayPipeline

OFFSETS_TOPIC_KEY = "offsets.storage.topic"
GROUP_OVERRIDE_KEY = "consumer.override.group.id"


def source_offsets(facts: Facts) -> list[Check]:
    """Each source connector's offsets are in its own pool's offsets topic."""
    pools = {pool.worker.pool: pool.worker for pool in facts.plan.pools}
    checks = []
    for connector in facts.plan.connectors:
        if connector.kind == "sink":
            continue
        where = f"pipelines.{connector.pipeline}"
        moved = connector.config.get(OFFSETS_TOPIC_KEY)
        if moved is not None:
            checks.append(
                Check(
                    "red",
                    f"{where}.connector.config[{OFFSETS_TOPIC_KEY}]",
                    f"offsets kept in {moved}, outside pool {connector.pool}'s offsets topic",
                    f"remove {OFFSETS_TOPIC_KEY}; the pool's offsets topic owns them",
                )
            )
            continue
        topic = pools[connector.pool].offset_topic
        checks.append(green(where, f"offsets in {topic} (pool {connector.pool} alone)"))
    return checks


def _sinks(facts: Facts) -> Iterator[ConnectorPlan]:
    return (connector for connector in facts.plan.connectors if connector.kind == "sink")


def sink_offsets(facts: Facts) -> list[Check]:
    """Each sink commits as its own consumer group, which only it may read."""
    checks = []
    for connector in _sinks(facts):
        where = f"pipelines.{connector.pipeline}"
        override = connector.config.get(GROUP_OVERRIDE_KEY)
        group = names.sink_group(connector.pipeline)
        readers = _group_readers(facts, connector.cluster, group)
        if override is not None:
            checks.append(
                Check(
                    "red",
                    f"{where}.connector.config[{GROUP_OVERRIDE_KEY}]",
                    f"commits as group {override}, not its own {group}",
                    f"remove {GROUP_OVERRIDE_KEY}",
                )
            )
        elif readers != {connector.username}:
            checks.append(
                Check(
                    "red",
                    f"plan: clusters.{connector.cluster} ACLs on group {group}",
                    f"readable by {', '.join(sorted(readers)) or 'no one'}",
                    "let only the sink's own principal read its group",
                )
            )
        else:
            checks.append(green(where, f"group {group}, read by {connector.username} alone"))
    return checks


def _group_readers(facts: Facts, cluster: str, group: str) -> set[str]:
    return {
        grant.principal.username
        for grant in facts.plan.clusters[cluster].grants
        for binding in grant.bindings
        if binding.resource_type == "Group"
        and binding.operation == "Read"
        and (
            binding.resource_name == group
            or (binding.pattern_type == "Prefixed" and group.startswith(binding.resource_name))
        )
    }


def no_hand_edits(facts: Facts) -> list[Check]:
    """A bad record never needs a hand-moved offset: sinks dead-letter it."""
    checks = []
    for connector in _sinks(facts):
        where = f"pipelines.{connector.pipeline}.connector.config"
        tolerance = connector.config.get("errors.tolerance", "none")
        dlq = connector.config.get("errors.deadletterqueue.topic.name")
        if tolerance == "all" and dlq:
            checks.append(green(where, f"bad records go to {dlq}"))
        elif tolerance == "all":
            checks.append(
                Check(
                    "yellow",
                    f"{where}[errors.tolerance]",
                    "bad records are skipped without a trace",
                    "remove the errors.* keys so bulkheads plans its dead-letter topic",
                )
            )
        else:
            checks.append(
                Check(
                    "red",
                    f"{where}[errors.tolerance]",
                    f"errors.tolerance={tolerance}: a bad record stops the task until its "
                    "group's offset is moved by hand",
                    "remove the errors.* keys so bulkheads plans its dead-letter topic",
                )
            )
    return checks


def replay_start(facts: Facts) -> list[Check]:
    """Each replay's declared start is applied by tooling, not by hand."""
    pools = {pool.worker.pool: pool.worker for pool in facts.plan.pools}
    cronjobs = {name for plan in facts.plan.replay_schedulers for name in plan.connectors}
    checks = []
    for connector in facts.plan.connectors:
        if connector.kind != "replay":
            continue
        replay = facts.running.pipelines[connector.pipeline]
        assert isinstance(replay, ReplayPipeline)
        where = f"pipelines.{connector.pipeline}.from"
        given = "declared" if "start" in replay.model_fields_set else "the default"
        starts = f"starts at {replay.start} ({given})"
        deploy = facts.spec.clusters[facts.running.cluster_of(connector.pipeline)].deploy
        if isinstance(deploy, LocalDeploy):
            checks.append(green(where, f"{starts}, applied by `bulkheads replay tick`"))
        elif connector.connector in cronjobs:
            checks.append(green(where, f"{starts}, applied by its pool's replay CronJob"))
        else:
            checks.append(
                Check(
                    "yellow",
                    where,
                    f"{starts}, but it is declared {replay.connector.state}, so no scheduler "
                    f"runs it: a run started by hand resumes from its offsets in "
                    f"{pools[connector.pool].offset_topic}",
                    "declare it running so its pool's CronJob applies the start",
                )
            )
    return checks
