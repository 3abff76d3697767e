"""``bulkheads preview`` and ``bulkheads up``: the engine, through the Automation API.

Both validate the stack first, as ``bulkheads validate`` does (the pack's planned rules
included; every problem at once, exit 1, nothing started), run the policy pack with the
stack's pack config (``policies/config/<stack>.json`` when it exists) and report from the
engine's structured events. Only the ``local`` stack starts anything on this machine (its
Kafka) and lives on the project's file backend; any other stack needs
``PULUMI_BACKEND_URL`` and must exist there (else exit 2), and its preview changes nothing.

``up`` previews first and applies only after a yes: ``--yes``, or an answer on a terminal.
Without ``--yes`` on a non-interactive stdin it refuses (exit 2) before doing anything. A
preview that changes nothing (every resource ``same``, the stack's outputs unchanged, no
``--refresh``) applies nothing: the report comes from the state, without running the
program a second time.
``--target URN`` (repeatable), ``--refresh`` and ``--diff`` pass through to the engine.
``make up`` runs ``bulkheads up local --yes --refresh``. One ``up`` per stack runs at a
time; one that was interrupted (SIGINT, SIGKILL, a crash) is recovered by the next
(``bulkheads.up_guard``). ``up`` refuses (exit 1, each reason named) to advance a cutover
past a phase whose gate fails on the live platform (``bulkheads.cutover.advance``) unless
``--skip-cutover-gate``, which says what it skipped. Once the apply is agreed and before
the engine runs, the offsets move with the connectors: before ``consumers`` the moving
sinks stop on ``from`` and their offsets reach ``to`` (``bulkheads.cutover.handover``);
before ``done`` a moved source's go to its connector on ``to`` (``bulkheads.cutover.carry``);
before a rollback to ``mirror`` a returning sink's go back (``bulkheads.cutover.rollback``).
Before the program runs, the topics the stack's state holds are handed to it, so that an existing
topic it does not hold is refused rather than taken over (``bulkheads/adoption_inputs.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from pulumi import automation as auto
from rich.prompt import Confirm

from bulkheads import console
from bulkheads.adoption_inputs import ADOPTION_FILE_ENV, managed_topics, write_adoption_file
from bulkheads.cli_support import (
    EXIT_FINDINGS,
    EXIT_OK,
    Failed,
    StackRef,
    UsageError,
    add_format_argument,
    add_stack_argument,
    emit,
    guarded,
    load_checked_spec,
    load_stack_spec,
    resolve_stack,
    wants_json,
)
from bulkheads.connect.rest import ConnectRestError, get_status
from bulkheads.cutover import phases
from bulkheads.cutover.advance import advancing, refusals
from bulkheads.cutover.carry import carry_offsets
from bulkheads.cutover.gates import DEFAULT_MAX_LAG
from bulkheads.cutover.handover import hand_over_sinks
from bulkheads.cutover.live import observe
from bulkheads.cutover.rollback import return_sinks, rollbacks
from bulkheads.engine import (
    LOCAL_STACK,
    BackendError,
    Engine,
    EngineError,
    backend_url,
    pulumi_dir,
)
from bulkheads.engine_events import EngineRun
from bulkheads.local.commands import start_local_clusters
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.local.platform import LocalPlatform
from bulkheads.ops.endpoints import EndpointError, Endpoints
from bulkheads.ops.lag import KafkaException
from bulkheads.spec.model import CutoverPhase, PlatformSpec
from bulkheads.up_guard import (
    StateLocked,
    UpInProgress,
    recover_interrupted,
    sigint_seen,
    unlocked,
    up_lock,
    wait_for_engine,
)

POLICY_PACK = PROJECT_ROOT / "policies"
PREVIEW_SCHEMA = "bulkheads.preview/1"
UP_SCHEMA = "bulkheads.up/1"
EXIT_INTERRUPTED = 130  # what a shell reports for a SIGINT
Phases = dict[str, CutoverPhase]


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``preview`` and ``up``."""
    preview = verbs.add_parser(
        "preview",
        help="the diff and the policy pack's verdict for a stack; changes nothing",
        description="Preview a stack with the policy pack and the stack's pack config.",
        epilog="examples: bulkheads preview prod --diff --json > preview.json\n"
        "          bulkheads preview prod --all   (every partition stack)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    up = verbs.add_parser(
        "up",
        help="preview a stack, then apply it after a yes (default stack: local)",
        description="Preview a stack with the policy pack, then apply it: after --yes, or "
        "an answer on a terminal. `make up` runs `bulkheads up local --yes --refresh`.",
        epilog="examples: bulkheads up prod --target 'urn:pulumi:prod::bulkheads::…' --diff\n"
        "          bulkheads up prod --all --yes --json   (every partition stack, in order)\n"
        "          bulkheads up prod --all --yes --target 'urn:pulumi:prod-lake::bulkheads::…'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    up.add_argument("-y", "--yes", action="store_true", help="apply without asking")
    up.add_argument(
        "--skip-cutover-gate",
        action="store_true",
        help="apply a cutover phase even though its gate fails (says what it skipped)",
    )
    up.add_argument(
        "--max-lag",
        type=int,
        default=DEFAULT_MAX_LAG,
        help=f"cutover gate: records a mirrored partition may be behind ({DEFAULT_MAX_LAG})",
    )
    for parser, handler in ((preview, run_preview), (up, run_up)):
        add_stack_argument(parser)
        add_format_argument(parser)
        parser.add_argument(
            "--target", action="append", metavar="URN", help="only this resource (repeatable)"
        )
        parser.add_argument("--refresh", action="store_true", help="refresh the state first")
        parser.add_argument("--diff", action="store_true", help="show the engine's rich diff")
        parser.set_defaults(handler=guarded(handler))
        estate_arguments(parser)


def estate_arguments(parser: argparse.ArgumentParser) -> None:
    """``--all`` and ``--parallel`` (``bulkheads.estate_job``)."""
    parser.add_argument(
        "--all", action="store_true", help="every partition stack of a partitioned estate"
    )
    parser.add_argument(
        "--parallel",
        type=int,
        default=4,
        metavar="N",
        help="with --all: partition stacks run side by side at most (4)",
    )


def _run_all(args: argparse.Namespace, apply: bool) -> int:
    """``bulkheads.estate_job.run_all`` (imported here: that module builds on this one)."""
    from bulkheads.estate_job import run_all

    return run_all(args, apply)


def policy_options(stack: str) -> dict[str, list[str]]:
    """The policy pack and, when the stack has one, its pack config, as engine options."""
    config = POLICY_PACK / "config" / f"{stack}.json"
    return {
        "policy_packs": [str(POLICY_PACK)],
        "policy_pack_configs": [str(config)] if config.is_file() else [],
    }


def engine_options(args: argparse.Namespace) -> dict[str, Any]:
    """What both preview and up pass to the engine for ``args``; a stack named by its file
    takes its config from that file."""
    ref = resolve_stack(args)
    colour = "never" if wants_json(args) or "NO_COLOR" in os.environ else "auto"
    return {
        **policy_options(ref.name),
        "config_file": str(ref.file.resolve()) if ref.named_by_file else None,
        "target": args.target or None,
        "refresh": args.refresh or None,
        "diff": args.diff or None,
        "color": colour,
    }


def run_preview(args: argparse.Namespace) -> int:
    """Preview the named stack; exit 1 on a failure or a mandatory policy violation."""
    if args.all:
        return _run_all(args, apply=False)
    ref, stack = open_stack(args)
    run, diff = preview_stack(stack, args)
    emit(args, preview_document(ref, run, diff), render_preview)
    return EXIT_OK if _ok(run) else EXIT_FINDINGS


def run_up(args: argparse.Namespace) -> int:
    """Preview, ask (unless ``--yes``), apply, and report what is provisioned."""
    if args.all:
        return _run_all(args, apply=True)
    ref = resolve_stack(args)
    if not args.yes and not sys.stdin.isatty():
        raise UsageError(
            f"up of stack {ref.name!r} needs a yes, and stdin is not a terminal to ask on: "
            "review `bulkheads preview` and run `bulkheads up --yes`"
        )
    try:
        with up_lock(ref.name), sigint_seen() as interrupted:
            try:
                code = _up(args)
                if code == EXIT_OK or not interrupted():
                    return code
            except KeyboardInterrupt:
                pass
            wait_for_engine()  # it finishes its in-flight steps, under the lock
            console.err().print(
                f"up of stack {ref.name!r} interrupted; run `bulkheads up` again to "
                "apply the rest (it clears what the interrupted update left)"
            )
            return EXIT_INTERRUPTED
    except (UpInProgress, StateLocked) as error:
        raise Failed(str(error)) from None


def _up(args: argparse.Namespace) -> int:
    """``up`` under the stack's up lock: recover an interrupted one, preview, apply."""
    ref, stack = open_stack(args)
    options = engine_options(args)
    try:
        if recover_interrupted(stack, options["config_file"], recovered):
            hand_over_managed_topics(stack, load_stack_spec(ref), ref.name, recovered=True)
    except auto.errors.CommandError as error:
        raise Failed(f"recovering the interrupted update failed: {error}") from None
    if not cutover_gates_pass(args, ref, stack):
        return EXIT_FINDINGS
    run, diff = preview_stack(stack, args, under_up_lock=True)
    if not _ok(run) or not wants_json(args):  # JSON: one document, the preview's if it failed
        emit(args, preview_document(ref, run, diff), render_preview)
    if not _ok(run):
        return EXIT_FINDINGS
    if not run.pending and not args.refresh and not run.outputs_changed:
        # the preview found every resource and output as the state holds them: applying
        # would run the program again to change nothing, so the state's outputs are reported
        return _report(args, ref, run, stack.outputs(), seconds=0)
    question = f"apply {run.pending} change(s) to stack {ref.name!r}?"
    if run.pending and not args.yes and not Confirm.ask(question, console=console.err()):
        console.err().print("nothing applied")
        return EXIT_OK
    if not cutover_live_steps_pass(args, ref, stack):
        return EXIT_FINDINGS
    applied = EngineRun(progress=progress_line(args))
    started = time.monotonic()
    try:
        with spinner(f"up of stack {ref.name!r}", applied):
            result = unlocked(stack, partial(stack.up, **options, on_event=applied.on_event),
                              recovered)  # fmt: skip
    except auto.errors.CommandError as error:
        _record_failure(applied, str(error))
        emit(args, {"schema": UP_SCHEMA, "stack": ref.name, "ok": False, **applied.document()},
             render_preview)  # fmt: skip
        return EXIT_FINDINGS
    return _report(args, ref, applied, result.outputs, round(time.monotonic() - started))


def _report(
    args: argparse.Namespace,
    ref: StackRef,
    run: EngineRun,
    outputs: auto.OutputMap,
    seconds: int,
) -> int:
    """The ``bulkheads.up/1`` document of a successful ``up`` (secret outputs masked)."""
    document = {
        "schema": UP_SCHEMA,
        "stack": ref.name,
        "ok": True,
        "seconds": seconds,
        **run.document(),
        "outputs": {key: "[secret]" if o.secret else o.value for key, o in outputs.items()},
    }
    emit(args, document, lambda doc: render_report(ref.name, doc["outputs"].get("platform", {})))
    return EXIT_OK


def cutover_gates_pass(args: argparse.Namespace, ref: StackRef, stack: auto.Stack) -> bool:
    """Whether ``up`` may apply the stack's cutover phases (see the module docstring)."""

    def gates(spec: PlatformSpec, applied: Phases, endpoints: Endpoints) -> list[str]:
        return refusals(spec, applied, lambda plan: observe(plan, endpoints), args.max_lag)

    return _cutover_step(args, ref, stack, "gate", gates)


def cutover_live_steps_pass(args: argparse.Namespace, ref: StackRef, stack: auto.Stack) -> bool:
    """The cutovers' live steps (``_live_steps``), once the apply is agreed; whether ``up``
    may go on."""
    return _cutover_step(args, ref, stack, "live steps", _live_steps)


def _cutover_step(
    args: argparse.Namespace,
    ref: StackRef,
    stack: auto.Stack,
    what: str,
    step: Callable[[PlatformSpec, Phases, Endpoints], list[str]],
) -> bool:
    """Run ``step`` on the live platform; its refusals stop ``up`` unless
    ``--skip-cutover-gate``, which says what it skipped."""
    spec = load_stack_spec(ref)
    if not spec.cutovers:
        return True
    endpoints = Endpoints(spec)
    try:
        applied = phases.applied({k: o.value for k, o in stack.outputs().items()})
        reasons = step(spec, applied, endpoints)
    except (EndpointError, KafkaException) as error:
        reasons = [f"the cutover {what} cannot read the live platform: {error}"]
    if not reasons:
        return True
    for reason in reasons:
        console.err().print(f"refused: {reason}", markup=False, highlight=False)
    if args.skip_cutover_gate:
        console.err().print("--skip-cutover-gate: applying anyway, with the reasons above")
        return True
    console.err().print("nothing applied; fix the reasons, or pass --skip-cutover-gate")
    return False


def _live_steps(spec: PlatformSpec, applied: Phases, endpoints: Endpoints) -> list[str]:
    """What moves with the connectors, before the engine moves them: a moved source's
    offsets before ``done`` (``bulkheads.cutover.carry``), a returning sink's offsets before
    a rollback to ``mirror`` (``bulkheads.cutover.rollback``); what failed, as refusals."""
    steps = [
        *(
            (name, carry_offsets(spec, name, endpoints.rest_url))
            for name in advancing(spec, applied, "done")
        ),
        *(
            (name, hand_over_sinks(spec, name, endpoints))
            for name in advancing(spec, applied, "consumers")
        ),
        *((name, return_sinks(spec, name, endpoints)) for name in rollbacks(spec, applied)),
    ]
    refused: list[str] = []
    for name, step in steps:
        for line in step.done:
            console.err().print(f"cutover {name!r}: {line}", markup=False, highlight=False)
        refused += [f"cutover {name!r}: {reason}" for reason in step.refused]
    return refused


def open_stack(
    args: argparse.Namespace, extra_env: dict[str, str] | None = None
) -> tuple[StackRef, auto.Stack]:
    """Validate as ``bulkheads validate`` does (planned rules included; ``SpecError``
    before anything starts), check the backend, start the local stack's Kafka, and open
    the stack (``extra_env`` reaches the program, e.g. a cutover phase override)."""
    ref = resolve_stack(args)
    spec = load_checked_spec(ref)
    if spec.partition is not None:
        raise UsageError(
            f"stack {ref.name!r} is partitioned by {spec.partition}: its stacks run with "
            f"`bulkheads preview|up {ref.name} --all`"
        )
    try:
        backend_url(ref.name)
        if ref.name == LOCAL_STACK:
            _start_local_clusters(spec)
        engine = Engine.ensure(verbose=bool(getattr(args, "verbose", False)))
        env = {
            "BULKHEADS_SPEC_FILE": str(ref.file),
            ADOPTION_FILE_ENV: str(handover_file(ref.name)),
            **(extra_env or {}),
        }
        stack = engine.stack(ref.name, extra_env=env)
        hand_over_managed_topics(stack, spec, ref.name)
        return ref, stack
    except BackendError as error:
        raise UsageError(str(error)) from None
    except (EngineError, LocalPlatformError) as error:
        raise Failed(str(error)) from None


def handover_file(stack: str) -> Path:
    """Where ``stack``'s program finds the topics its state holds (``adoption_inputs``)."""
    return pulumi_dir().resolve() / f"adoption-{stack}.json"


def hand_over_managed_topics(
    stack: auto.Stack, spec: PlatformSpec, name: str, recovered: bool = False
) -> None:
    """Tell the program which topics the stack already holds, and whether an interrupted
    update was just recovered (see ``adoption_inputs``): read from its state into
    ``<engine state>/adoption-<stack>.json``."""
    deployment = stack.export_stack().deployment or {}
    managed = managed_topics(deployment, spec.environment, spec.clusters)
    write_adoption_file(handover_file(name), managed, recovered)


def recovered(note: str) -> None:
    console.err().print(f"recovered: {note}", markup=False, highlight=False)


def preview_stack(
    stack: auto.Stack, args: argparse.Namespace, under_up_lock: bool = False
) -> tuple[EngineRun, str | None]:
    """Preview ``stack`` with ``args``' engine options: the run and, with ``--diff``, its
    diff; under the up lock, a stale state lock is cancelled first."""
    run = EngineRun(progress=progress_line(args))
    stdout: str | None = None

    def preview() -> auto.PreviewResult:
        return stack.preview(**engine_options(args), on_event=run.on_event)

    try:
        with spinner(f"preview of stack {stack.name!r}", run):
            stdout = (unlocked(stack, preview, recovered) if under_up_lock else preview()).stdout
    except (auto.errors.CommandError, RuntimeError) as error:
        _record_failure(run, str(error))
    return run, stdout if args.diff else None


def _record_failure(run: EngineRun, detail: str) -> None:
    """A failed command whose events carried no error: keep the end of its output."""
    run.finished = False
    if not run.errors:
        run.errors.append("\n".join(detail.strip().splitlines()[-20:]))


def _ok(run: EngineRun) -> bool:
    return run.finished and not run.errors and not run.violations


def progress_line(args: argparse.Namespace) -> Callable[[str], None] | None:
    """With ``-v``, every step is a line on stderr (a terminal shows a spinner anyway)."""
    if not getattr(args, "verbose", False):
        return None
    return lambda line: console.err().print(f"  {line}", markup=False, highlight=False)


@contextmanager
def spinner(text: str, run: EngineRun) -> Iterator[None]:
    """A spinner naming the latest step, on a terminal and without ``-v``."""
    with console.progress(text) as status:
        if status is not None and run.progress is None:
            run.progress = lambda line: status.update(f"{text}: {line}")
        yield


def preview_document(ref: StackRef, run: EngineRun, diff: str | None) -> dict[str, Any]:
    """The ``bulkheads.preview/1`` document of a preview run."""
    configs = policy_options(ref.name)["policy_pack_configs"]
    return {
        "schema": PREVIEW_SCHEMA,
        "stack": ref.name,
        "ok": _ok(run),
        "pack_config": configs[0] if configs else None,
        **run.document(),
        "diff": diff,
    }


def render_preview(document: dict[str, Any]) -> str:
    """Changes, policy findings, errors and hints of a preview (or up) as text."""
    changes = ", ".join(f"{n} {op}" for op, n in document["changes"].items()) or "none"
    lines = [f"stack {document['stack']!r}: {changes}"]
    if document.get("diff"):
        lines.append(document["diff"])
    lines.extend(f"  {s['op']:<8} {s['type']}  {s['name']}" for s in document["steps"])
    packs = ", ".join(f"{n}@{v}" for n, v in document["policy"]["packs"].items())
    findings = document["policy"]["violations"]
    if packs or findings:
        config = document.get("pack_config") or "no pack config"
        lines.append(f"policy {packs or 'pack'} ({config}): {len(findings)} finding(s)")
        lines.extend(f"  [{f['level']}] {f['policy']}: {f['message']}" for f in findings)
    lines.extend(f"error: {error}" for error in document["errors"])
    lines.extend(f"hint: {hint}" for hint in document["hints"])
    return "\n".join(lines)


def _start_local_clusters(spec: PlatformSpec) -> None:
    platform = LocalPlatform(progress=lambda line: console.err().print(line, markup=False))
    start_local_clusters(platform, spec)


def _connector_state(rest_url: str, connector: str) -> str:
    try:
        status = get_status(rest_url, connector)
    except ConnectRestError:
        return "UNREACHABLE"
    if status is None:
        return "MISSING"
    tasks = status.get("tasks", [])
    running = sum(1 for task in tasks if task.get("state") == "RUNNING")
    return f"{status['connector']['state']} ({running}/{len(tasks)} tasks running)"


def render_report(stack: str, platform: dict[str, Any]) -> str:
    """A short, readable report of the provisioned platform, with live connector states."""
    lines = [f"\nbulkheads: stack {stack!r} is up\n"]
    for name, cluster in platform.get("clusters", {}).items():
        lines.append(
            f"cluster {name} ({cluster.get('bootstrap', '?')}): {len(cluster['topics'])} topics,"
            f" {len(cluster['principals'])} principals, {cluster['acls']} ACLs,"
            f" {cluster['quotas']} quotas"
        )
        lines.extend(f"  topic     {topic}" for topic in cluster["topics"])
        lines.extend(f"  principal {principal}" for principal in cluster["principals"])
    pools = platform.get("pools", {})
    for name, pool in pools.items():
        lines.append(f"pool {name} [{pool['class']}] on {pool['cluster']}: {pool['endpoint']}")
    for name, connector in platform.get("connectors", {}).items():
        endpoint = pools.get(connector["pool"], {}).get("endpoint", "")
        state = _connector_state(endpoint, name) if endpoint.startswith("http") else "declared"
        lines.append(f"  connector {name} ({connector['kind']}) in {connector['pool']}: {state}")
    return "\n".join(lines)
