"""Operations verbs: ``alerts``, ``runbook``, ``diagram`` and ``status``.

``alerts``, ``runbook`` and ``diagram`` read only the spec (no platform needed);
``status`` asks the live platform (see ``bulkheads.ops.endpoints``) and exits 1 when any
pipeline is past an alert threshold.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

from bulkheads.cli_support import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_format_argument,
    add_stack_argument,
    emit,
    guarded,
    known_stacks,
    load_stack_spec,
    resolve_stack,
    stack_ref,
)
from bulkheads.connect.commands import add_connect_url_argument, connect_urls
from bulkheads.ops import diagram, status
from bulkheads.ops.endpoints import Endpoints, parse_assignments
from bulkheads.ops.runbook import render_runbook
from bulkheads.plan.alerts import plan_alerts, prometheus_groups

DIAGRAM_FORMATS = ("mermaid", "dot", "svg")


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``alerts``, ``runbook``, ``diagram`` and ``status``."""
    alerts = verbs.add_parser(
        "alerts",
        help="print the stack's alert rules as a Prometheus rules file",
        description="Alert rules from each class's alerts and freshness target, per "
        "pipeline, pool and cluster, labelled with the owner's on-call. "
        "Example: bulkheads alerts prod > rules.yaml && promtool check rules rules.yaml",
    )
    add_stack_argument(alerts)
    alerts.set_defaults(handler=guarded(_alerts))

    runbook = verbs.add_parser(
        "runbook",
        help="print a pipeline's runbook (Markdown), or every pipeline's",
        description="Owner, on-call, topics, pool, cluster, principal, alerts and the "
        "commands to pause, resume, restart, replay and roll back. "
        "Example: bulkheads runbook local orders-archive",
    )
    runbook.add_argument("names", nargs="*", metavar="[STACK] [PIPELINE]")
    runbook.add_argument("--stack", dest="stack_option", metavar="STACK", help="same as STACK")
    runbook.set_defaults(handler=guarded(_runbook))

    picture = verbs.add_parser(
        "diagram",
        help="draw clusters, pools, pipelines, topics and mirrors",
        description="Mermaid (default), Graphviz DOT, or SVG through Graphviz's dot. "
        "Example: bulkheads diagram local --format svg -o docs/local-stack.svg",
    )
    add_stack_argument(picture)
    picture.add_argument("--format", choices=DIAGRAM_FORMATS, default="mermaid")
    picture.add_argument("-o", "--output", type=Path, help="write to this file (default stdout)")
    picture.set_defaults(handler=guarded(_diagram))

    live = verbs.add_parser(
        "status",
        help="live status per pipeline: tasks, lag, freshness, alerts, on-call",
        description="Connector and task states, lag (records and time) or source progress, "
        "the principal's current throttle time (brokers' /metrics; a warning), freshness "
        "target and alert thresholds with breaches marked, owner and on-call. "
        "Exit 1 when a threshold is breached. Example: bulkheads status local --watch",
    )
    add_stack_argument(live)
    add_format_argument(live)
    add_connect_url_argument(live)
    live.add_argument(
        "--client-config",
        action="append",
        metavar="CLUSTER=FILE",
        help="admin login of a non-local cluster (librdkafka properties file)",
    )
    live.add_argument(
        "--metrics-url",
        action="append",
        metavar="CLUSTER=URL[,URL]",
        help="each broker's /metrics of a cluster (default: the local broker's, or each "
        "Strimzi broker pod's in-cluster)",
    )
    live.add_argument("--watch", action="store_true", help="refresh until interrupted")
    live.add_argument("--interval", type=float, default=5.0, help="seconds (default 5)")
    live.add_argument(
        "--count",
        type=int,
        metavar="N",
        help="with --watch: stop after N refreshes, exiting as the last one (default: never)",
    )
    live.set_defaults(handler=guarded(_status))


def _alerts(args: argparse.Namespace) -> int:
    spec = load_stack_spec(resolve_stack(args))
    document = {"groups": prometheus_groups(plan_alerts(spec))}
    print(yaml.safe_dump(document, sort_keys=False, width=1000), end="")
    return EXIT_OK


def _runbook(args: argparse.Namespace) -> int:
    stack_arg, pipeline = _stack_and_pipeline(args.names, args.stack_option)
    stack = stack_ref(stack_arg)
    spec = load_stack_spec(stack)
    if pipeline is not None and pipeline not in spec.pipelines:
        known = ", ".join(sorted(spec.pipelines))
        raise UsageError(f"no pipeline {pipeline!r} in stack {stack.name!r}; one of: {known}")
    chosen = [pipeline] if pipeline else sorted(spec.pipelines)
    print("\n".join(render_runbook(spec, stack, stack_arg, name) for name in chosen), end="")
    return EXIT_OK


def _stack_and_pipeline(names: list[str], option: str | None) -> tuple[str, str | None]:
    """``[STACK] [PIPELINE]``: one word is a stack when it names one, else a pipeline."""
    if len(names) > 2:
        raise UsageError("runbook takes at most STACK and PIPELINE")
    if len(names) == 2:
        stack, pipeline = names
    elif len(names) == 1 and option is None and _is_stack(names[0]):
        stack, pipeline = names[0], None
    else:
        stack, pipeline = option or "local", names[0] if names else None
    if option and stack != option:
        raise UsageError(f"two stacks named: {stack!r} and --stack {option!r}; name one")
    return stack, pipeline


def _is_stack(word: str) -> bool:
    return word in known_stacks() or Path(word).suffix in (".yaml", ".yml")


def _diagram(args: argparse.Namespace) -> int:
    spec = load_stack_spec(resolve_stack(args))
    render = {"mermaid": diagram.mermaid, "dot": diagram.dot, "svg": diagram.svg}[args.format]
    try:
        text = render(spec)
    except diagram.DiagramError as error:
        print(f"bulkheads diagram: {error}", file=sys.stderr)
        return EXIT_FINDINGS
    if args.output:
        args.output.write_text(text)
    else:
        print(text, end="")
    return EXIT_OK


CLEAR_SCREEN = "\033[2J\033[H"  # what --watch prints before each table


def _status(args: argparse.Namespace) -> int:
    spec = load_stack_spec(resolve_stack(args))
    try:
        configs = parse_assignments(args.client_config, "--client-config")
        metrics = parse_assignments(args.metrics_url, "--metrics-url")
    except ValueError as error:
        raise UsageError(str(error)) from None
    endpoints = Endpoints(
        spec,
        connect_urls=connect_urls(args),
        client_configs={cluster: Path(path) for cluster, path in configs.items()},
        metrics_urls_by_cluster={c: tuple(urls.split(",")) for c, urls in metrics.items()},
    )
    if args.count is not None and (not args.watch or args.count < 1):
        raise UsageError("--count takes a positive number and goes with --watch")
    refreshes = 0
    while True:
        found = status.collect(spec, endpoints)
        if args.watch and args.format == "table":
            print(CLEAR_SCREEN, end="")
        _show(args, found)
        refreshes += 1
        if not args.watch or refreshes == args.count:
            return EXIT_FINDINGS if any(entry.breaches for entry in found) else EXIT_OK
        try:
            sys.stdout.flush()
            time.sleep(args.interval)
        except KeyboardInterrupt:
            return EXIT_OK


def _show(args: argparse.Namespace, found: list[status.PipelineStatus]) -> None:
    emit(args, [entry.as_json() for entry in found], lambda _: status.render(found))
