"""A pipeline's runbook, generated from the spec and the plan, as Markdown.

It names who is paged and what the pipeline touches (owner, on-call, reads, writes, pool,
cluster, principal, consumer group, dead-letter topic), lists its alerts with their
thresholds, and gives the exact commands to check, pause, resume, restart, replay and
roll it back. ``stack`` is written into the commands as the user named the stack (a name
or a stack file), so they can be pasted as they are.
"""

from __future__ import annotations

from bulkheads.cli_support import StackRef
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.ops.endpoints import Endpoints
from bulkheads.plan import names
from bulkheads.plan.alerts import AlertRule, plan_alerts
from bulkheads.spec.alert_bounds import has_consumer_lag
from bulkheads.spec.model import MirrorPipeline, PlatformSpec, ReplayPipeline, SinkPipeline
from bulkheads.stacks import stack_file


def render_runbook(spec: PlatformSpec, stack: StackRef, stack_arg: str, pipeline: str) -> str:
    """The Markdown runbook of ``pipeline``; ``stack_arg`` is the stack as the user named it."""
    declared = spec.pipelines[pipeline]
    owner = spec.owners[declared.owner]
    pool = spec.pools[declared.pool]
    cluster = spec.cluster_of(pipeline)
    connector = names.connector_name(pipeline)
    workload_class = spec.class_of(pipeline)
    engine = spec.clusters[cluster]
    rest_url = Endpoints(spec).rest_url(declared.pool)
    settings = declared.connector
    facts = [
        ("owner", f"{declared.owner} ({owner.contact})"),
        ("on-call", owner.oncall),
        ("kind / class", f"{declared.kind} / {workload_class}"),
        ("pool", f"{declared.pool} (owner {pool.owner}, {rest_url})"),
        ("cluster", f"{cluster} ({engine.engine}, {engine.tenancy})"),
        ("principal", names.connector_principal(pipeline)),
        (
            "connector",
            f"`{connector}`: {settings.connector_class}, tasks_max {settings.tasks_max}, "
            f"declared {settings.state}",
        ),
        ("reads", ", ".join(declared.reads) or "—"),
        ("writes", ", ".join(declared.written_topics) or "—"),
    ]
    if isinstance(declared, MirrorPipeline):
        facts.append(("copies from", f"cluster {declared.source_cluster}"))
    if isinstance(declared, SinkPipeline):
        facts.append(("consumer group", names.sink_group(pipeline)))
        facts.append(("dead letters", names.dlq_topic(pipeline)))
    lines = [f"# Runbook: {pipeline}", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in facts]
    lines += ["", "## Alerts", "", "| alert | fires when above | for | severity | pages |"]
    lines += ["|---|---|---|---|---|"]
    lines += [_alert_row(rule) for rule in _rules_of(spec, pipeline)]
    bulkheads = f"bulkheads connector {{}} {stack_arg} {pipeline}"
    lines += [
        "",
        "## Check",
        "",
        _sh(f"bulkheads status {stack_arg}"),
        *_lag_note(spec, pipeline),
        "",
        "## Pause and resume",
        "",
        "Pausing keeps the offsets; the next `bulkheads up` re-applies the declared state "
        f"(`{declared.connector.state}`), so pause there to keep it paused.",
        "",
        _sh(bulkheads.format("pause"), bulkheads.format("resume")),
        "",
        "## Restart a failed task",
        "",
        "The status shows the first line of each failed task's error; fix its cause first "
        "(the target system, credentials, a poison record goes to the dead-letter topic).",
        "",
        _sh(bulkheads.format("restart"), bulkheads.format("restart") + " --task 0"),
        "",
        "## Replay",
        "",
        *_replay(spec, pipeline),
        "",
        "## Roll back",
        "",
        "Revert the stack change that broke it, check the diff under the policy pack, apply:",
        "",
        _sh(
            f"git log --oneline -- {_shown_path(stack)}",
            "git revert <commit>",
            f"{_spec_env(stack)}bulkheads preview --stack {stack.name}",
            f"{_spec_env(stack)}bulkheads up --stack {stack.name} --refresh --yes",
        ),
    ]
    return "\n".join(lines) + "\n"


def _lag_note(spec: PlatformSpec, pipeline: str) -> list[str]:
    if not has_consumer_lag(spec, pipeline):
        return []
    return [
        "",
        "Lag is the records behind and the age of the oldest unread one; it falls once the "
        "connector runs again.",
    ]


def _rules_of(spec: PlatformSpec, pipeline: str) -> list[AlertRule]:
    return [
        rule
        for group in plan_alerts(spec)
        for rule in group.rules
        if rule.labels.get("pipeline") == pipeline
    ]


def _alert_row(rule: AlertRule) -> str:
    return (
        f"| {rule.alert} | {rule.threshold} | {rule.for_} | {rule.severity} "
        f"| {rule.labels['oncall']} |"
    )


def _replay(spec: PlatformSpec, pipeline: str) -> list[str]:
    declared = spec.pipelines[pipeline]
    if isinstance(declared, ReplayPipeline):
        return [
            f"This pipeline is a replay; it runs in the replay window "
            f"{spec.classes.replay.window} UTC. Run it again:",
            "",
            _sh(f"bulkheads replay rerun {pipeline}"),
        ]
    feeding = sorted(
        name
        for name, other in spec.pipelines.items()
        if isinstance(other, ReplayPipeline) and set(other.written_topics) & set(declared.reads)
    )
    if not feeding:
        return ["No replay pipeline rebuilds what this pipeline reads; declare one to replay it."]
    return [
        "Rebuild its input with the replay that writes it, then let it catch up:",
        "",
        _sh(*(f"bulkheads replay rerun {name}" for name in feeding)),
    ]


def _sh(*commands: str) -> str:
    return "\n".join(["```sh", *commands, "```"])


def _shown_path(stack: StackRef) -> str:
    """The stack file relative to the project when it lies inside it."""
    path = stack.file.resolve()
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def _spec_env(stack: StackRef) -> str:
    """``BULKHEADS_SPEC_FILE=<file> `` when the stack file is not the stack's own."""
    return (
        ""
        if stack.file.resolve() == stack_file(stack.name).resolve()
        else (f"BULKHEADS_SPEC_FILE={stack.file} ")
    )
