"""``bulkheads local up | status | down``: the embedded platform from the command line.

``up`` fetches the jars (first run) and starts Kafka: one cluster on ``--port``, or with a
stack named (``up STACK``) every local cluster it declares, each on its bootstrap port
(controller port + 1) with its own data dir, SCRAM and ACLs, e.g. the two clusters of a
cutover. Connect workers are started by ``pulumi up`` through
``LocalPlatform.start_worker``. State dir: ``--state-dir``, else ``$BULKHEADS_STATE_DIR``,
else ``.state/local``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bulkheads.cli_support import (
    add_format_argument,
    emit,
    guarded,
    load_stack_spec,
    stack_ref,
    wants_json,
)
from bulkheads.local.connection import SASL_MECHANISM, SECURITY_PROTOCOL, KafkaConnection
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.platform import DEFAULT_CLUSTER, LocalPlatform, ProcessStatus
from bulkheads.spec.model import LocalDeploy, PlatformSpec


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    local = verbs.add_parser(
        "local",
        help="the embedded Kafka + Connect platform on 127.0.0.1",
        description="Start, inspect and stop the embedded Kafka + Connect platform. "
        "Connect workers are started by `pulumi up`. State dir: --state-dir, else "
        "$BULKHEADS_STATE_DIR, else .state/local.",
    )
    local.add_argument("--state-dir", type=Path, help="state directory (logs, pids, data)")
    # also accepted after the action; SUPPRESS keeps a value given before it
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--state-dir", type=Path, default=argparse.SUPPRESS, help="as above")
    actions = local.add_subparsers(dest="local_action", required=True, metavar="ACTION")
    up = actions.add_parser(
        "up",
        parents=[after],
        help="fetch the Kafka jars if needed and start Kafka (every cluster of STACK)",
        epilog="example: bulkheads local up tests/spec/fixtures/valid/cutover_local.yaml",
    )
    up.add_argument(
        "stack", nargs="?", metavar="STACK", help="start every local cluster this stack declares"
    )
    up.add_argument("--port", type=int, default=19092, help="SASL listener (default 19092)")
    up.add_argument(
        "--controller-port", type=int, default=19093, help="KRaft controller (default 19093)"
    )
    up.set_defaults(handler=_up)
    status = actions.add_parser("status", parents=[after], help="what runs: pids, endpoints, logs")
    add_format_argument(status)
    status.set_defaults(handler=_status)
    down = actions.add_parser("down", parents=[after], help="stop every worker and Kafka node")
    down.set_defaults(handler=_down)


def _platform(args: argparse.Namespace) -> LocalPlatform:
    return LocalPlatform(state_dir=args.state_dir, progress=_say)


@guarded
def _up(args: argparse.Namespace) -> int:
    platform = _platform(args)
    try:
        if args.stack:
            spec = load_stack_spec(stack_ref(args.stack))
            connections = start_local_clusters(platform, spec)
        else:
            connections = {DEFAULT_CLUSTER: platform.start_kafka(args.port, args.controller_port)}
    except (LocalPlatformError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for cluster, connection in connections.items():
        credentials = platform.kafka_dir(cluster) / "connection.json"
        _say(f"{cluster}: {connection.bootstrap} ({SECURITY_PROTOCOL}, {SASL_MECHANISM})")
        _say(f"  admin credentials: {credentials} (user {connection.username!r}, mode 0600)")
    _print_table(platform.status())
    return 0


def start_local_clusters(platform: LocalPlatform, spec: PlatformSpec) -> dict[str, KafkaConnection]:
    """Start every local cluster of ``spec`` (controller port: its bootstrap port + 1)."""
    return {
        name: platform.start_kafka(
            port=cluster.deploy.port, controller_port=cluster.deploy.controller_port, cluster=name
        )
        for name, cluster in spec.clusters.items()
        if isinstance(cluster.deploy, LocalDeploy)
    }


def _status(args: argparse.Namespace) -> int:
    platform = _platform(args)
    entries = platform.status()
    if wants_json(args):
        emit(args, {"schema": "bulkheads.local-status/1", "processes": [
            {"kind": e.kind, "name": e.name, "pid": e.pid, "alive": e.alive,
             "endpoint": e.endpoint, "log": str(e.log)} for e in entries
        ]}, str)  # fmt: skip
        return 0
    if not entries:
        _say(f"nothing started from {platform.state_dir}; run `bulkheads local up`")
        return 0
    _print_table(entries)
    return 0


def _down(args: argparse.Namespace) -> int:
    stopped = _platform(args).down()
    _say(f"stopped {len(stopped)} process(es)" if stopped else "nothing was running")
    return 0


def _print_table(entries: list[ProcessStatus]) -> None:
    rows = [("KIND", "NAME", "PID", "STATE", "ENDPOINT", "LOG")]
    rows += [
        (
            e.kind,
            e.name,
            str(e.pid or "-"),
            "running" if e.alive else "stopped",
            e.endpoint,
            str(e.log),
        )
        for e in entries
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        padded = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        _say("  ".join([*padded, row[-1]]))


def _say(message: str) -> None:
    print(message, flush=True)
