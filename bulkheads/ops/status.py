"""Live status of every pipeline: Connect's view and Kafka's, against the pipeline's alerts.

Per pipeline: connector and task states (with the first line of a failed task's trace),
lag in records and time (sinks and MirrorMaker 2 connectors) or a source's progress, the
current throttle time of its principal (``bulkheads.ops.throttle``), its class's freshness
target and its alert thresholds with breaches marked, and its owner's on-call. A pool,
cluster or metrics endpoint that does not answer is reported in the row, never raised.

Throttling is a warning, not a breach: no class declares a throttle threshold, and a
quota that throttles (a replay's, say) is doing its job; the warning says which quota binds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from bulkheads.connect import rest
from bulkheads.ops.endpoints import EndpointError, Endpoints
from bulkheads.ops.lag import KafkaException, KafkaProbe, Lag, Progress, mirror_positions
from bulkheads.ops.throttle import (
    MetricsUnreachable,
    Throttle,
    Throttles,
    read_throttles,
    throttle_of,
)
from bulkheads.plan import names
from bulkheads.plan.cutover import cutover_plans, spec_at
from bulkheads.spec.alert_bounds import has_consumer_lag
from bulkheads.spec.model import MIRROR_SOURCE_CONNECTOR, MirrorPipeline, PlatformSpec
from bulkheads.spec.units import format_byte_size, format_duration

BROKEN_STATES = ("FAILED", "UNREACHABLE", "MISSING")
T = TypeVar("T")


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
    principal: str = ""
    throttle: Throttle | None = None
    throttle_problem: str | None = None
    quota_bytes_per_s: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    breaches: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def collect(spec: PlatformSpec, endpoints: Endpoints) -> list[PipelineStatus]:
    """The live status of every pipeline of ``spec`` as it runs at its cutovers' phases
    (``plan.cutover.spec_at``: moving pipelines on their pools of the moment, each running
    cutover mirror as a pipeline), in name order."""
    running = spec_at(spec, cutover_plans(spec))
    probes: dict[str, KafkaProbe | str] = {}
    throttles: dict[str, Throttles | str] = {}
    try:
        return [
            _pipeline(running, endpoints, name, probes, throttles)
            for name in sorted(running.pipelines)
        ]
    finally:
        for probe in probes.values():
            if isinstance(probe, KafkaProbe):
                probe.close()


def _once(
    cache: dict[str, T | str],
    cluster: str,
    make: Callable[[], T],
    errors: tuple[type[Exception], ...],
    prefix: str = "",
) -> T:
    """``make()`` for ``cluster`` once per refresh; its failure (cached too) raises
    ``EndpointError``."""
    if cluster not in cache:
        try:
            cache[cluster] = make()
        except errors as error:
            cache[cluster] = f"{prefix}{error}"
    found = cache[cluster]
    if isinstance(found, str):
        raise EndpointError(found)
    return found


def _probe(endpoints: Endpoints, cluster: str, probes: dict[str, KafkaProbe | str]) -> KafkaProbe:
    return _once(
        probes,
        cluster,
        lambda: KafkaProbe(endpoints.admin_config(cluster)),
        (EndpointError, KafkaException),
    )


def _cluster_throttles(
    endpoints: Endpoints, cluster: str, throttles: dict[str, Throttles | str]
) -> Throttles:
    return _once(
        throttles,
        cluster,
        lambda: read_throttles(endpoints.metrics_urls(cluster)),
        (EndpointError, MetricsUnreachable),
        "metrics unreachable: ",
    )


def _throttle(
    spec: PlatformSpec, endpoints: Endpoints, name: str, throttles: dict[str, Throttles | str]
) -> Throttle:
    """The pipeline principal's throttle: produce where it writes, fetch where it reads."""
    pipeline = spec.pipelines[name]
    target = spec.cluster_of(name)
    source = pipeline.source_cluster if isinstance(pipeline, MirrorPipeline) else target
    writes = _cluster_throttles(endpoints, target, throttles)
    reads = writes if source == target else _cluster_throttles(endpoints, source, throttles)
    return throttle_of(names.connector_principal(name), writes, reads)


def _pipeline(
    spec: PlatformSpec,
    endpoints: Endpoints,
    name: str,
    probes: dict[str, KafkaProbe | str],
    throttles: dict[str, Throttles | str],
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
    throttle: Throttle | None = None
    throttle_problem: str | None = None
    try:
        throttle = _throttle(spec, endpoints, name, throttles)
    except EndpointError as failure:
        throttle_problem = str(failure)
    quota = spec.quota_of(name)
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
        principal=names.connector_principal(name),
        throttle=throttle,
        throttle_problem=throttle_problem,
        quota_bytes_per_s={"produce": quota.producer_byte_rate, "fetch": quota.consumer_byte_rate},
        problems=problems,
    )
    status.breaches.extend(breaches(status))
    status.warnings.extend(warnings(status))
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


def warnings(status: PipelineStatus) -> list[str]:
    """What is worth a look but pages no one: the quotas that throttle the principal now."""
    throttle = status.throttle
    if throttle is None:
        return []
    kinds = (("produce", throttle.produce_ms), ("fetch", throttle.fetch_ms))
    found = [
        f"{kind} throttled {ms:.0f} ms by its {format_byte_size(status.quota_bytes_per_s[kind])}/s"
        " quota"
        for kind, ms in kinds
        if ms > 0
    ]
    if throttle.request_ms > 0:
        found.append(f"request throttled {throttle.request_ms:.0f} ms by its request quota")
    return found


def render(statuses: list[PipelineStatus]) -> str:
    """One small table per pipeline; breached rows end in ``<- BREACH``, throttled ones in
    ``<- WARN``."""
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
    lines = [(label, value, "BREACH" if flagged else "") for label, value, flagged in rows]
    lines.insert(-1 - len(status.problems), ("throttle", _throttle_text(status), _warned(status)))
    width = max(len(line[0]) for line in lines)
    return "\n".join(
        [header]
        + [
            f"  {label.ljust(width)}  {value}" + (f"  <- {mark}" if mark else "")
            for label, value, mark in lines
        ]
    )


def _throttle_text(status: PipelineStatus) -> str:
    """``produce 0 ms, fetch 480 ms (principal ..., quotas ...)``, or why it is unknown."""
    if status.throttle is None:
        return f"unknown: {status.throttle_problem} (principal {status.principal})"
    throttle, quota = status.throttle, status.quota_bytes_per_s
    request = f", request {throttle.request_ms:.0f} ms" if throttle.request_ms else ""
    return (
        f"produce {throttle.produce_ms:.0f} ms, fetch {throttle.fetch_ms:.0f} ms{request} "
        f"(principal {status.principal}; quotas {format_byte_size(quota['produce'])}/s, "
        f"{format_byte_size(quota['fetch'])}/s)"
    )


def _warned(status: PipelineStatus) -> str:
    return "WARN" if status.warnings else ""


def _age(seconds: float) -> str:
    """``42s``, ``3m05s``, ``2h10m``."""
    whole = int(seconds)
    if whole < 60:
        return f"{seconds:.0f}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
