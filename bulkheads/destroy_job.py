"""``bulkheads destroy <stack>``: delete what a stack provisioned, after a preview and a yes.

First it says what goes and what stays (``bulkheads.teardown``, from the stack's state):
how many resources are deleted, which topics lose their data, and which resources are kept
(live-class topics and a live pool's Connect topics are ``retain_on_delete``: their data
stays in Kafka and a later ``up`` adopts them). A protected resource refuses the destroy
before anything is deleted (exit 1, naming it). ``--preview-only`` stops there. Deleting
needs a yes: ``--yes``, or an answer on a terminal; without ``--yes`` on a non-interactive
stdin it refuses (exit 2) before doing anything. The stack must be named: there is no
default. It runs under the stack's up lock (no ``up`` of the stack meanwhile) and cancels a
stale state lock and clears the pending operations of an interrupted update first, as ``up``
does (``bulkheads.up_guard``). The local stack's Kafka is started for it (the provider
deletes through it) and left running: ``bulkheads local down`` stops it.

``--all`` destroys every partition stack of a partitioned estate in the reverse of ``up
--all``'s order: the partitions that read from others first, the network stack last; those
of one wave side by side (``--parallel``). A partition whose destroy fails keeps every
partition it reads from (reported ``skipped``). ``--all`` needs ``--yes`` (or
``--preview-only``). ``--json`` prints one ``bulkheads.destroy/1`` (``destroy-all/1``)
document.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from typing import Any

from pulumi import automation as auto
from rich.prompt import Confirm

from bulkheads import console
from bulkheads.cli_support import (
    EXIT_FINDINGS,
    EXIT_OK,
    Failed,
    UsageError,
    add_format_argument,
    add_stack_argument,
    emit,
    guarded,
    load_stack_spec,
    resolve_stack,
    wants_json,
)
from bulkheads.engine_events import EngineRun
from bulkheads.estate_job import (
    Outcome,
    estate_of,
    open_partition,
    partition_engine,
    partition_progress,
    recovered_note,
    run_waves,
    salted,
    say,
)
from bulkheads.main_job import (
    estate_arguments,
    open_stack,
    progress_line,
    recovered,
    spinner,
)
from bulkheads.teardown import Teardown, teardown
from bulkheads.up_guard import StateLocked, UpInProgress, recover_interrupted, unlocked, up_lock

SCHEMA = "bulkheads.destroy/1"
ALL_SCHEMA = "bulkheads.destroy-all/1"


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``destroy``."""
    parser = verbs.add_parser(
        "destroy",
        help="delete what a stack provisioned, after a preview and a yes (retained topics stay)",
        description="Say what a destroy of the stack deletes and keeps, then delete it: after "
        "--yes, or an answer on a terminal. The stack must be named.",
        epilog="examples: bulkheads destroy local --preview-only\n"
        "          bulkheads destroy dev --yes --json\n"
        "          bulkheads destroy prod --all --yes   (every partition stack, in reverse)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_stack_argument(parser, default=False)
    add_format_argument(parser)
    parser.add_argument("-y", "--yes", action="store_true", help="delete without asking")
    parser.add_argument(
        "--preview-only", action="store_true", help="say what would go and stay; delete nothing"
    )
    estate_arguments(parser)
    parser.set_defaults(handler=guarded(run_destroy))


def run_destroy(args: argparse.Namespace) -> int:
    """Destroy the named stack (or, ``--all``, every partition stack of its estate)."""
    if not (getattr(args, "stack_positional", None) or getattr(args, "stack_option", None)):
        raise UsageError("destroy needs the stack named, e.g. `bulkheads destroy local`")
    ref = resolve_stack(args)
    partitioned = load_stack_spec(ref).partition is not None
    if partitioned and not args.all:
        raise UsageError(
            f"stack {ref.name!r} is partitioned: its stacks are destroyed with "
            f"`bulkheads destroy {ref.name} --all`"
        )
    if args.all:
        return _destroy_all(args)
    if not args.preview_only and not args.yes and not sys.stdin.isatty():
        raise UsageError(
            f"destroy of stack {ref.name!r} needs a yes, and stdin is not a terminal to ask "
            f"on: review `bulkheads destroy {ref.name} --preview-only`, then pass --yes"
        )
    try:
        with up_lock(ref.name):
            ref, stack = open_stack(args)
            if not args.preview_only:
                config = str(ref.file.resolve()) if ref.named_by_file else None
                recover_interrupted(stack, config, recovered)
            return _destroy_one(args, stack)
    except (UpInProgress, StateLocked) as error:
        raise Failed(str(error)) from None


def _destroy_one(args: argparse.Namespace, stack: auto.Stack) -> int:
    """Say what goes and stays, ask, destroy; report."""
    plan = teardown(stack.export_stack().deployment or {})
    document = _document(stack.name, plan, bool(args.preview_only))
    if plan.protected or args.preview_only or not (plan.deleted or plan.kept):
        emit(args, document, render)  # a refusal, a preview, or a state with nothing to destroy
        return EXIT_FINDINGS if plan.protected else EXIT_OK
    if not wants_json(args):
        console.err().print(render(document), markup=False, highlight=False)
    question = f"delete {len(plan.deleted)} resource(s) of stack {stack.name!r}?"
    if not args.yes and not Confirm.ask(question, console=console.err()):
        console.err().print("nothing deleted")
        return EXIT_OK
    run = EngineRun(progress=progress_line(args))
    started = time.monotonic()
    try:
        with spinner(f"destroy of stack {stack.name!r}", run):
            unlocked(stack, partial(stack.destroy, color="never", on_event=run.on_event),
                     recovered)  # fmt: skip
    except auto.errors.CommandError as error:
        run.finished = False
        if not run.errors:
            run.errors.append("\n".join(str(error).strip().splitlines()[-20:]))
    document = _document(stack.name, plan, preview_only=False, run=run)
    document["seconds"] = round(time.monotonic() - started)
    emit(args, document, render)
    return EXIT_OK if document["ok"] else EXIT_FINDINGS


def _document(
    name: str, plan: Teardown, preview_only: bool, run: EngineRun | None = None
) -> dict[str, Any]:
    """The ``bulkheads.destroy/1`` document; ``run`` is the engine's destroy, if it ran."""
    recorded = (run or EngineRun()).document()
    ran = run is None or (run.finished and not run.errors)
    return {
        "schema": SCHEMA,
        "stack": name,
        "ok": ran and not plan.protected,
        "preview_only": preview_only,
        "seconds": 0,
        **plan.document(),
        "changes": recorded["changes"],
        "errors": recorded["errors"],
    }


def render(document: dict[str, Any]) -> str:
    """What a destroy deletes and keeps (or did), as text."""
    verb = "would delete" if document["preview_only"] else "deleted"
    if not document["preview_only"] and not document["ok"]:
        verb = "failed to delete"
    lines = [
        f"stack {document['stack']!r}: {verb} {document['delete']} resource(s), "
        f"kept {len(document['kept'])}"
    ]
    if document["topics_with_data"]:
        lines.append("  topics deleted with their data:")
        lines.extend(f"    {topic}" for topic in document["topics_with_data"])
    if document["kept"]:
        lines.append("  kept (retain_on_delete: stays on the platform; a later `up` adopts it):")
        lines.extend(f"    {h['type']}  {h['topic'] or h['name']}" for h in document["kept"])
    lines.extend(f"refused: {line}" for line in _protected_lines(document["protected"]))
    lines.extend(f"error: {error}" for error in document["errors"])
    return "\n".join(lines)


def _protected_lines(held: list[dict[str, Any]]) -> list[str]:
    """Why each protected resource (as in ``Teardown.document``) refuses the destroy."""
    return [
        f"{h['type']} {h['name']} is protected; nothing is deleted until it is unprotected "
        f"(`pulumi state unprotect '{h['urn']}'`)"
        for h in held
    ]


def _destroy_all(args: argparse.Namespace) -> int:
    """Every partition stack, dependents first (see the module docstring)."""
    ref = resolve_stack(args)
    if not args.preview_only and not args.yes:
        raise UsageError(
            f"destroy --all of {ref.name!r} deletes every partition stack: review "
            f"`bulkheads destroy {ref.name} --all --preview-only`, then pass --yes"
        )
    spec, estate = estate_of(ref, "destroy")
    engine = partition_engine(args, ref, spec)
    plans: dict[str, Teardown] = {}

    def run(partition: str, outcome: Outcome) -> None:
        outcome.run = EngineRun(progress=partition_progress(args, outcome.stack))
        started = time.monotonic()
        say(outcome.stack, "preview destroy" if args.preview_only else "destroy")
        try:
            with salted(outcome.stack, ref), up_lock(outcome.stack):
                stack = open_partition(engine, ref, spec, partition, outcome.stack)
                tell = partial(recovered_note, outcome.stack)
                if not args.preview_only:
                    recover_interrupted(stack, str(ref.file.resolve()), tell, ref.name)
                plan = plans[partition] = teardown(stack.export_stack().deployment or {})
                if plan.protected:
                    outcome.run.errors += _protected_lines(plan.document()["protected"])
                elif not args.preview_only:
                    destroy = partial(stack.destroy, color="never", on_event=outcome.run.on_event,
                                      config_file=str(ref.file.resolve()))  # fmt: skip
                    unlocked(stack, destroy, tell, ref.name)
        except (auto.errors.CommandError, UpInProgress, RuntimeError) as error:
            outcome.run.finished = False
            if not outcome.run.errors:
                outcome.run.errors.append("\n".join(str(error).strip().splitlines()[-20:]))
        outcome.seconds = time.monotonic() - started
        failed = outcome.run.errors or not (args.preview_only or outcome.run.finished)
        outcome.status = "failed" if failed else "ok"
        deleted = len(plans[partition].deleted) if partition in plans else 0
        say(outcome.stack, f"{outcome.status} in {outcome.seconds:.0f} s ({deleted} to delete)")

    outcomes = run_waves(estate, ref.name, run, args, reverse=True)
    ok = all(o.status == "ok" for o in outcomes)
    document = {
        "schema": ALL_SCHEMA,
        "stack": ref.name,
        "ok": ok,
        "preview_only": bool(args.preview_only),
        "waves": [list(wave) for wave in reversed(estate.waves())],
        "partitions": [
            {**o.document(), **(plans[o.partition].document() if o.partition in plans else {})}
            for o in outcomes
        ],
    }
    emit(args, document, render_all)
    return EXIT_OK if ok else EXIT_FINDINGS


def render_all(document: dict[str, Any]) -> str:
    """A line per partition stack, in the order they were destroyed."""
    verb = "would delete" if document["preview_only"] else "delete"
    lines = [f"estate {document['stack']!r}: {'ok' if document['ok'] else 'failed'}"]
    for part in document["partitions"]:
        detail = part["reason"] if part["status"] == "skipped" else (
            f"{verb} {part.get('delete', 0)}, kept {len(part.get('kept', []))}"
        )  # fmt: skip
        lines.append(f"  {part['stack']:<32} {part['status']:<8} {detail}")
        topics = part.get("topics_with_data") or []
        if topics:
            lines.append(f"    topics deleted with their data: {', '.join(topics)}")
        lines.extend(f"    error: {e}" for e in part["errors"])
    return "\n".join(lines)
