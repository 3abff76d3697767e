"""``bulkheads replay tick | status | rerun | stop``: the local replay scheduler.

``tick`` is idempotent and cron-able (``* * * * * bulkheads replay tick``); ``--now``
injects the clock. Progress lives in ``<state dir>/replay/<stack>.json`` (see
``progress_store``), so it survives restarts. Replays on Kubernetes pools are driven by
their pool's CronJob instead; ``status`` still shows their window and runbook.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from bulkheads.cli_support import (
    EXIT_OK,
    UsageError,
    add_format_argument,
    add_stack_argument,
    emit,
    guarded,
    load_stack_spec,
    resolve_stack,
    stack_ref,
)
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.plan.platform import plan_platform
from bulkheads.plan.replay import ReplayPlan, replay_plans
from bulkheads.replay.progress_store import ProgressStore, ReplayRecord
from bulkheads.replay.report import render_status, status_rows
from bulkheads.replay.scheduler import ConnectApi, tick


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    replay = verbs.add_parser(
        "replay",
        help="run replays only inside their window, from their start to their end",
        description="The replay scheduler of a stack's local replays.",
    )
    actions = replay.add_subparsers(dest="replay_action", required=True, metavar="ACTION")
    run = actions.add_parser(
        "tick",
        help="start, stop or finish each replay by its window (idempotent)",
        epilog="example: bulkheads replay tick local --now 2026-03-01T02:00:00Z",
    )
    add_stack_argument(run)
    _add_now(run)
    add_format_argument(run)
    run.set_defaults(handler=guarded(_tick))
    status = actions.add_parser(
        "status",
        help="each replay's window, state, progress and ETA; with NAME its runbook",
        epilog="example: bulkheads replay status local orders-rebuild --json",
    )
    add_stack_argument(status)
    status.add_argument("name", nargs="?", metavar="NAME", help="one replay pipeline")
    _add_now(status)
    add_format_argument(status)
    status.set_defaults(handler=guarded(_status))
    rerun = actions.add_parser(
        "rerun",
        help="forget a replay's progress: the next tick in its window starts it again",
        epilog="example: bulkheads replay rerun orders-rebuild --stack local --discard-output",
    )
    rerun.add_argument("name", metavar="NAME", help="the replay pipeline")
    add_stack_argument(rerun)
    rerun.add_argument(
        "--discard-output", action="store_true", help="also delete every record it wrote"
    )
    rerun.set_defaults(handler=guarded(_rerun))
    stop = actions.add_parser(
        "stop",
        help="stop a replay now and keep it stopped until rerun",
        epilog="example: bulkheads replay stop orders-rebuild --stack local",
    )
    stop.add_argument("name", metavar="NAME", help="the replay pipeline")
    add_stack_argument(stop)
    stop.set_defaults(handler=guarded(_stop))


def _add_now(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now", type=_instant, metavar="ISO", help="the clock, e.g. 2026-03-01T02:00:00Z"
    )


def _instant(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: not an ISO timestamp") from None
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r}: give a zone, e.g. {value}Z")
    return parsed


def _replays(args: argparse.Namespace) -> tuple[str, tuple[ReplayPlan, ...]]:
    ref = resolve_stack(args)
    spec = load_stack_spec(ref)
    return ref.name, replay_plans(spec, plan_platform(spec, PROJECT_ROOT))


def _one(replays: tuple[ReplayPlan, ...], name: str) -> ReplayPlan:
    for replay in replays:
        if replay.pipeline == name:
            return replay
    known = ", ".join(r.pipeline for r in replays) or "none"
    raise UsageError(f"no replay pipeline {name!r} (replays: {known})")


def _positions(cluster: str) -> Any:
    from bulkheads.local.platform import LocalPlatform
    from bulkheads.replay.kafka_positions import KafkaPositions

    return KafkaPositions(LocalPlatform().connection(cluster).client_config())


def _tick(args: argparse.Namespace) -> int:
    stack, replays = _replays(args)
    store = ProgressStore(stack)
    records = store.load()
    try:
        outcomes = tick(replays, records, args.now or datetime.now(UTC), _positions)
    finally:
        store.save(records)
    rows = [vars(outcome) for outcome in outcomes]
    emit(args, rows, lambda rows: "\n".join(f"{r['pipeline']}: {r['action']}" for r in rows))
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    name = args.name
    if args.stack_positional and name is None and not _is_stack(args.stack_positional):
        args.stack_positional, name = None, args.stack_positional
    stack, replays = _replays(args)
    chosen = (_one(replays, name),) if name else replays
    rows = status_rows(chosen, ProgressStore(stack).load(), args.now or datetime.now(UTC))
    if name:
        rows[0]["runbook"] = chosen[0].runbook(stack)
    emit(args, rows, render_status)
    return EXIT_OK


def _is_stack(named: str) -> bool:
    try:
        stack_ref(named)
    except UsageError:
        return False
    return True


def _rerun(args: argparse.Namespace) -> int:
    stack, replays = _replays(args)
    replay = _one(replays, args.name)
    if replay.rest_url is not None:
        ConnectApi().move(replay.rest_url, replay.connector, "stopped")
    store = ProgressStore(stack)
    records = store.load()
    records[replay.pipeline] = ReplayRecord()
    store.save(records)
    print(f"{replay.pipeline}: progress forgotten; the next tick in {replay.window} starts it")
    if args.discard_output:
        deleted = _positions(replay.cluster).delete_up_to_end(replay.writes)
        print(f"{replay.pipeline}: deleted {deleted} records of {', '.join(replay.writes)}")
    return EXIT_OK


def _stop(args: argparse.Namespace) -> int:
    stack, replays = _replays(args)
    replay = _one(replays, args.name)
    if replay.rest_url is not None:
        ConnectApi().move(replay.rest_url, replay.connector, "stopped")
    store = ProgressStore(stack)
    records = store.load()
    records.setdefault(replay.pipeline, ReplayRecord()).phase = "stopped"
    store.save(records)
    print(f"{replay.pipeline}: stopped; `bulkheads replay rerun {replay.pipeline}` to run again")
    return EXIT_OK
