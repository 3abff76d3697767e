"""``bulkheads connector pause|resume|restart [STACK] PIPELINE``: one pipeline's connector,
over its pool's Connect REST API (``restart-failed``: see ``bulkheads.connect.restart_failed``).

``pause`` and ``resume`` wait until the connector and its tasks settle (``--timeout``,
default 60 s); ``restart`` restarts the connector and its failed tasks, or one task with
``--task N``. The pool is found from the stack (see ``bulkheads.ops.endpoints``;
``--connect-url POOL=URL`` reaches a Kubernetes pool through a port-forward). A declared
``state`` is re-applied by the next ``bulkheads up``: pause there to keep a connector paused.
"""

from __future__ import annotations

import argparse
import sys

from bulkheads.cli_support import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_stack_argument,
    guarded,
    load_stack_spec,
    resolve_stack,
)
from bulkheads.connect import rest
from bulkheads.connect.restart_failed import add_restart_failed
from bulkheads.ops.endpoints import Endpoints, parse_assignments
from bulkheads.plan import names

ACTIONS = {
    "pause": "pause a pipeline's connector and its tasks",
    "resume": "resume a paused pipeline's connector",
    "restart": "restart a pipeline's connector and its failed tasks (or one --task)",
}


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``connector pause|resume|restart``."""
    connector = verbs.add_parser(
        "connector",
        help="pause, resume or restart a pipeline's connector",
        description="Act on one pipeline's connector through its pool's Connect REST API. "
        "Example: bulkheads connector restart local orders-archive",
    )
    actions = connector.add_subparsers(dest="connector_action", required=True, metavar="ACTION")
    for action, summary in ACTIONS.items():
        parser = actions.add_parser(
            action,
            help=summary,
            description=f"{summary}. Example: bulkheads connector {action} local orders-archive",
        )
        add_stack_argument(parser)
        parser.add_argument("pipeline", metavar="PIPELINE", help="the pipeline's name")
        add_connect_url_argument(parser)
        parser.add_argument(
            "--timeout", type=float, default=rest.DEFAULT_TIMEOUT, help="seconds (default 60)"
        )
        if action == "restart":
            parser.add_argument("--task", type=int, help="restart only this task id")
        parser.set_defaults(handler=guarded(_run), action=action)
    add_restart_failed(actions)


def add_connect_url_argument(parser: argparse.ArgumentParser) -> None:
    """``--connect-url POOL=URL`` (repeatable): a pool's REST API at another address."""
    parser.add_argument(
        "--connect-url",
        action="append",
        metavar="POOL=URL",
        help="reach POOL's Connect REST API at URL (e.g. a kubectl port-forward)",
    )


def connect_urls(args: argparse.Namespace) -> dict[str, str]:
    """The ``--connect-url`` overrides; raises ``UsageError`` on a malformed one."""
    try:
        return parse_assignments(args.connect_url, "--connect-url")
    except ValueError as error:
        raise UsageError(str(error)) from None


def _run(args: argparse.Namespace) -> int:
    spec = load_stack_spec(resolve_stack(args))
    if args.pipeline not in spec.pipelines:
        known = ", ".join(sorted(spec.pipelines))
        raise UsageError(f"no pipeline {args.pipeline!r} in this stack; one of: {known}")
    url = Endpoints(spec, connect_urls=connect_urls(args)).rest_url(
        spec.pipelines[args.pipeline].pool
    )
    name = names.connector_name(args.pipeline)
    try:
        if args.action == "restart":
            rest.restart(url, name, args.task)
            status = rest.get_status(url, name)
        else:
            wanted = "paused" if args.action == "pause" else "running"
            rest.request_state(url, name, wanted)
            status = rest.wait_for_state(url, name, wanted, timeout=args.timeout)
    except rest.ConnectRestError as error:
        print(f"bulkheads connector {args.action}: {error}", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"{name}: {describe(status)}")
    return EXIT_OK


def describe(status: dict[str, object] | None) -> str:
    """``RUNNING, tasks 0:RUNNING 1:FAILED`` from a status answer."""
    if status is None:
        return "not found"
    connector = status["connector"]
    tasks = status.get("tasks") or []
    assert isinstance(connector, dict) and isinstance(tasks, list)
    listed = " ".join(f"{task['id']}:{task['state']}" for task in tasks) or "none"
    return f"{connector['state']}, tasks {listed}"
