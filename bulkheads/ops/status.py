"""Live status of every pipeline: Connect's view and Kafka's, against the pipeline's alerts.

Per pipeline: connector and task states (with the first line of a failed task's trace),
lag in records and time (sinks and MirrorMaker 2 connectors) or a source's progress, its
class's freshness target and its alert thresholds with breaches marked, and its owner's
on-call. A pool or cluster that does not answer is reported in the row, never raised.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from bulkheads.connect import rest
from bulkheads.ops.endpoints import EndpointError, Endpoints
from bulkheads.ops.lag import KafkaException, KafkaProbe, Lag, Progress, mirror_positions
from bulkheads.plan import names
from bulkheads.plan.cutover import cutover_plans, spec_at
from bulkheads.spec.alert_bounds import has_consumer_lag
from bulkheads.spec.model import MIRROR_SOURCE_CONNECTOR, MirrorPipeline, PlatformSpec
from bulkheads.spec.units import format_duration

BROKEN_STATES = ("FAILED", "UNREACHABLE", "MISSING")


@dataclass(frozen=True)
class PipelineStatus:
    """What ``bulkheads status`` shows for one pipeline (``breaches`` empty: all well)."""

    pipeline: str
    kind: str
    workload_class: str
    pool: str
    cluster: str
    owner: str
    oncall: str
    connector_state: str
    tasks: dict[str, str]
    error: str | None
    failed_tasks: int
    failed_tasks_threshold: int
    lag: Lag | None
    lag_threshold_ms: int | None
    freshness_target_ms: int
    progress: Progress | None
    problems: list[str] = field(default_factory=list)
    breaches: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def collect(spec: PlatformSpec, endpoints: Endpoints) -> list[PipelineStatus]:
    """The live status of every pipeline of ``spec`` as it runs at its cutovers' phases
    (``plan.cutover.spec_at``: moving pipelines on their pools of the moment, each running
    cutover mirror as a pipeline), in name order."""
    running = spec_at(spec, cutover_plans(spec))
    probes: dict[str, KafkaProbe | str] = {}
    try:
        return [_pipeline(running, endpoints, name, probes) for name in sorted(running.pipelines)]
    finally:
        for probe in probes.values():
            if isinstance(probe, KafkaProbe):
                probe.close()


def _probe(endpoints: Endpoints, cluster: str, probes: dict[str, KafkaProbe | str]) -> KafkaProbe:
    if cluster not in probes:
        try:
            probes[cluster] = KafkaProbe(endpoints.admin_config(cluster))
        except (EndpointError, KafkaException) as error:
            probes[cluster] = str(error)
    probe = probes[cluster]
    if isinstance(probe, str):
        raise EndpointError(probe)
    return probe


def _pipeline(
    spec: PlatformSpec, endpoints: Endpoints, name: str, probes: dict[str, KafkaProbe | str]
) -> PipelineStatus:
    pipeline = spec.pipelines[name]
    workload_class = spec.class_of(name)
    settings = spec.classes.get(workload_class)
    alerts = spec.alerts_of(name)
    problems: list[str] = []
    state, tasks, error, offsets = "UNREACHABLE", {}, None, []
    url = endpoints.rest_url(pipeline.pool)
    connector = names.connector_name(name)
    try:
        answer = rest.get_status(url, connector)
        if answer is None:
            state = "MISSING"
        else:
            state = rest.observed_state(answer)
            tasks = {str(t["id"]): str(t["state"]) for t in answer.get("tasks", [])}
            error = rest.failure_of(answer)
            if pipeline.connector.connector_class == MIRROR_SOURCE_CONNECTOR:
                offsets = rest.get_offsets(url, connector)
    except rest.ConnectRestError as failure:
        problems.append(str(failure))
    lag: Lag | None = None
    progress: Progress | None = None
    try:
        if has_consumer_lag(spec, name):
            lag = _lag(spec, endpoints, name, offsets, probes)
        else:
            progress = _probe(endpoints, spec.cluster_of(name), probes).progress(
                pipeline.written_topics
            )
    except (EndpointError, KafkaException) as failure:
        problems.append(f"kafka: {failure}")
    failed = sum(1 for task_state in tasks.values() if task_state == "FAILED")
    status = PipelineStatus(
        pipeline=name,
        kind=pipeline.kind,
        workload_class=workload_class,
        pool=pipeline.pool,
        cluster=spec.cluster_of(name),
        owner=pipeline.owner,
        oncall=spec.owners[pipeline.owner].oncall,
        connector_state=state,
        tasks=tasks,
        error=error,
        failed_tasks=failed,
        failed_tasks_threshold=alerts.failed_tasks,
        lag=lag,
        lag_threshold_ms=alerts.consumer_lag if has_consumer_lag(spec, name) else None,
        freshness_target_ms=settings.freshness_target,
        progress=progress,
        problems=problems,
    )
    status.breaches.extend(breaches(status))
    return status


def _lag(
    spec: PlatformSpec,
    endpoints: Endpoints,
    name: str,
    offsets: list[dict[str, Any]],
    probes: dict[str, KafkaProbe | str],
) -> Lag:
    pipeline = spec.pipelines[name]
    if pipeline.connector.connector_class != MIRROR_SOURCE_CONNECTOR:
        probe = _probe(endpoints, spec.cluster_of(name), probes)
        return probe.lag(probe.group_positions(names.sink_group(name), pipeline.reads))
    source = (
        pipeline.source_cluster if isinstance(pipeline, MirrorPipeline) else spec.cluster_of(name)
    )
    probe = _probe(endpoints, source, probes)
    positions: dict[tuple[str, int], int | None] = dict.fromkeys(probe.partitions(pipeline.reads))
    positions.update(
        (key, value) for key, value in mirror_positions(offsets).items() if key in positions
    )
    return probe.lag(positions)


def breaches(status: PipelineStatus) -> list[str]:
    """The alert thresholds ``status`` is past, as short sentences."""
    found = []
    if status.connector_state in BROKEN_STATES:
        found.append(f"connector {status.connector_state}")
    if status.failed_tasks_threshold and status.failed_tasks >= status.failed_tasks_threshold:
        found.append(f"{status.failed_tasks} failed task(s) >= {status.failed_tasks_threshold}")
    if status.lag is not None and status.lag_threshold_ms is not None:
        behind_ms = status.lag.seconds * 1000
        if behind_ms > status.lag_threshold_ms:
            found.append(
                f"lag {_age(status.lag.seconds)} > {format_duration(status.lag_threshold_ms)}"
            )
        if behind_ms > status.freshness_target_ms:
            found.append(f"freshness target {format_duration(status.freshness_target_ms)} missed")
    return found


def render(statuses: list[PipelineStatus]) -> str:
    """One small table per pipeline; breached rows end in ``<- BREACH``."""
    return "\n\n".join(_table(status) for status in statuses)


def _table(status: PipelineStatus) -> str:
    tasks = " ".join(f"{task}:{state}" for task, state in status.tasks.items()) or "none"
    failing = status.failed_tasks_threshold and status.failed_tasks >= status.failed_tasks_threshold
    rows: list[tuple[str, str, bool]] = [
        ("connector", status.connector_state, status.connector_state in BROKEN_STATES),
        (
            "tasks",
            f"{tasks} (alert at {status.failed_tasks_threshold} failed)"
            if status.failed_tasks_threshold
            else f"{tasks} (no failed-task alert)",
            bool(failing),
        ),
    ]
    if status.error:
        rows.append(("error", status.error, True))
    if status.lag is not None:
        over = (
            status.lag_threshold_ms is not None
            and status.lag.seconds * 1000 > status.lag_threshold_ms
        )
        threshold = format_duration(status.lag_threshold_ms or 0)
        rows.append(
            (
                "lag",
                f"{status.lag.records} records, {_age(status.lag.seconds)} (alert > {threshold})",
                over,
            )
        )
    if status.progress is not None:
        newest = status.progress.newest_age
        age = "empty" if newest is None else f"newest {_age(newest)} ago"
        rows.append(("progress", f"{status.progress.records} records written, {age}", False))
    missed = any("freshness" in breach for breach in status.breaches)
    rows.append(("freshness", f"target {format_duration(status.freshness_target_ms)}", missed))
    rows.append(("on-call", f"{status.oncall} (owner {status.owner})", False))
    rows.extend(("problem", problem, True) for problem in status.problems)
    header = (
        f"{status.pipeline}  {status.kind}  [{status.workload_class}]  "
        f"pool {status.pool} on {status.cluster}"
        + (f"  — {len(status.breaches)} breach(es)" if status.breaches else "  — ok")
    )
    width = max(len(row[0]) for row in rows)
    lines = [header] + [
        f"  {label.ljust(width)}  {value}" + ("  <- BREACH" if flagged else "")
        for label, value, flagged in rows
    ]
    return "\n".join(lines)


def _age(seconds: float) -> str:
    """``42s``, ``3m05s``, ``2h10m``."""
    whole = int(seconds)
    if whole < 60:
        return f"{seconds:.0f}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
