"""``bulkheads connector restart-failed [STACK]``: the local counterpart of Strimzi's
``autoRestart``. For every connector of the stack's local pools it restarts what has failed
(``POST /connectors/<name>/restart?includeTasks=true&onlyFailed=true``); run it from cron
or a loop. Kubernetes pools are left to Strimzi, which restarts failed connectors itself.

Exit status: 0 when every failed connector was restarted (or none had failed), 1 when a
pool could not be asked, 2 for a usage mistake.
"""

from __future__ import annotations

import argparse

from bulkheads.cli_support import (
    EXIT_FINDINGS,
    EXIT_OK,
    add_format_argument,
    add_stack_argument,
    emit,
    guarded,
    load_stack_spec,
    resolve_stack,
)
from bulkheads.connect import rest
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.plan.platform import LocalPoolRuntime, PlatformPlan, plan_platform


def add_restart_failed(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``restart-failed`` to the ``connector`` actions."""
    restart = actions.add_parser(
        "restart-failed",
        help="restart failed connectors and tasks of the stack's local pools",
        description="Restart what has failed, e.g. `bulkheads connector restart-failed "
        "local --json` (Kubernetes pools: Strimzi's autoRestart does this).",
    )
    add_stack_argument(restart)
    add_format_argument(restart)
    restart.set_defaults(handler=guarded(run_restart_failed))


def restart_failed(plan: PlatformPlan) -> list[dict[str, str]]:
    """One row per connector of a local pool: ``restarted``, ``healthy`` or ``unreachable``."""
    pools = {
        pool.worker.pool: f"http://127.0.0.1:{pool.runtime.rest_port}"
        for pool in plan.pools
        if isinstance(pool.runtime, LocalPoolRuntime)
    }
    rows = []
    for connector in plan.connectors:
        url = pools.get(connector.pool)
        if url is None:
            continue
        try:
            outcome = "restarted" if rest.restart_failed(url, connector.connector) else "healthy"
        except (rest.ConnectRestError, OSError) as error:
            outcome = f"unreachable: {error}"
        rows.append({"connector": connector.connector, "pool": connector.pool, "outcome": outcome})
    return rows


def run_restart_failed(args: argparse.Namespace) -> int:
    spec = load_stack_spec(resolve_stack(args))
    rows = restart_failed(plan_platform(spec, PROJECT_ROOT))
    emit(
        args,
        rows,
        lambda found: (
            "\n".join(f"{r['pool']}/{r['connector']}: {r['outcome']}" for r in found)
            or "no connectors on local pools"
        ),
    )
    failed = any(row["outcome"].startswith("unreachable") for row in rows)
    return EXIT_FINDINGS if failed else EXIT_OK
