"""``bulkheads preview|up <stack> --all``: every partition stack of a partitioned estate.

The estate (``partition`` in the stack's spec, ``bulkheads.plan.partitions``) is validated
and its planned stack rules are checked over the whole estate first (the rules whose facts
span partitions, e.g. single writer or a regulated cluster's pools, see the README), then
its partition stacks ``<stack>-<partition>`` run through the Automation API in dependency
order: the partitions of one wave side by side (at most ``--parallel``, default 4), each
with the policy pack and the estate's pack config, its config from the estate's stack
file. A partition that fails stops every partition that reads from it (reported as
``skipped``, naming the failure); the others go on. Progress is a line per partition
start and end on stderr (every step with ``-v``); ``--json`` prints one
``bulkheads.up-all/1`` (or ``preview-all/1``) document. ``up --all`` needs ``--yes``.

As with one stack: ``--target URN`` runs only the partition stacks its URNs name (a URN
carries its stack, ``urn:pulumi:<stack>::…``; the others are reported ``untargeted``), a
URN of no partition stack is refused before anything runs; ``--diff`` keeps each
partition's rich diff; ``up --all`` of an estate with cutovers runs their gates and live
steps first, on the phases the network stack applied (``--skip-cutover-gate`` and
``--max-lag`` as for one stack), and applies nothing when they refuse.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pulumi import automation as auto

from bulkheads import console
from bulkheads.adoption_inputs import ADOPTION_FILE_ENV
from bulkheads.cli_support import (
    EXIT_FINDINGS,
    EXIT_OK,
    Failed,
    StackRef,
    UsageError,
    emit,
    load_stack_spec,
    resolve_stack,
)
from bulkheads.engine import (
    LOCAL_STACK,
    BackendError,
    Engine,
    EngineError,
    backend_url,
    partition_salt,
)
from bulkheads.engine_events import EngineRun
from bulkheads.local.commands import start_local_clusters
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.local.platform import LocalPlatform
from bulkheads.main_job import (
    cutover_gates_pass,
    cutover_live_steps_pass,
    hand_over_managed_topics,
    handover_file,
    policy_options,
)
from bulkheads.plan.errors import PlanError
from bulkheads.plan.partitions import NETWORK, Estate, partition_estate, stack_of
from bulkheads.plan.platform import plan_platform
from bulkheads.spec.model import PlatformSpec
from bulkheads.stacks import ESTATE_ENV, PARTITION_ENV
from bulkheads.up_guard import UpInProgress, recover_interrupted, unlocked, up_lock
from policies.rules import catalogue


@dataclass
class Outcome:
    """One partition's run: ``ok``, ``failed``, ``skipped`` or ``untargeted`` (``reason``
    says why); ``diff``, with ``--diff``, the engine's rich diff."""

    partition: str
    stack: str
    status: str = "skipped"
    seconds: float = 0.0
    reason: str = ""
    run: EngineRun = field(default_factory=EngineRun)
    diff: str | None = None

    def document(self) -> dict[str, Any]:
        recorded = self.run.document()
        return {
            "partition": self.partition,
            "stack": self.stack,
            "status": self.status,
            "seconds": round(self.seconds, 1),
            "reason": self.reason,
            "changes": recorded["changes"],
            "violations": recorded["policy"]["violations"],
            "errors": recorded["errors"],
            "diff": self.diff,
        }


def run_all(args: argparse.Namespace, apply: bool) -> int:
    """Preview (or, ``apply``, up) every partition stack of ``args``' estate."""
    ref = resolve_stack(args)
    verb = "up" if apply else "preview"
    if apply and not args.yes:
        raise UsageError(
            f"up --all of {ref.name!r} applies every partition stack: review "
            f"`bulkheads preview {ref.name} --all`, then pass --yes"
        )
    spec, estate = estate_of(ref, verb)
    targets = partition_targets(getattr(args, "target", None) or [], ref.name, estate)
    if not _estate_rules_pass(ref, spec):
        return EXIT_FINDINGS
    engine = partition_engine(args, ref, spec)
    if apply and spec.cutovers and not _cutover_steps_pass(engine, ref, spec, args):
        return EXIT_FINDINGS
    runner = partial_runner(engine, ref, spec, args, apply, targets)
    outcomes = run_waves(estate, ref.name, runner, args)
    ok = all(o.status in ("ok", "untargeted") for o in outcomes)
    document = {
        "schema": f"bulkheads.{verb}-all/1",
        "stack": ref.name,
        "ok": ok,
        "waves": [list(wave) for wave in estate.waves()],
        "partitions": [o.document() for o in outcomes],
    }
    emit(args, document, render)
    return EXIT_OK if ok else EXIT_FINDINGS


Runner = Callable[[str, Outcome], None]


def estate_of(ref: StackRef, verb: str) -> tuple[PlatformSpec, Estate]:
    """``ref``'s validated spec and its partitions; a stack that declares no partition is a
    usage error (it is one stack: ``bulkheads <verb> <stack>``)."""
    spec = load_stack_spec(ref)
    if spec.partition is None:
        raise UsageError(
            f"stack {ref.name!r} declares no partition, so it is one stack: run "
            f"`bulkheads {verb} {ref.name}` (or set partition: cluster | cluster-owner)"
        )
    try:
        return spec, partition_estate(plan_platform(spec, PROJECT_ROOT), spec.partition)
    except PlanError as error:
        raise Failed(str(error)) from None


def partition_targets(urns: list[str], name: str, estate: Estate) -> dict[str, list[str]]:
    """``--target`` URNs by the partition they belong to (none: every partition runs);
    a URN of no partition stack of ``name``'s estate is a usage error naming the stacks."""
    stacks = {stack_of(name, p): p for p in estate.partitions}
    targets: dict[str, list[str]] = {}
    for urn in urns:
        stack = urn.removeprefix("urn:pulumi:").split("::", 1)[0]
        if not urn.startswith("urn:pulumi:") or stack not in stacks:
            raise UsageError(
                f"--target {urn!r} names no partition stack of estate {name!r}: a target is "
                f"a URN of one of {', '.join(sorted(stacks))} (`pulumi stack --show-urns`)"
            )
        targets.setdefault(stacks[stack], []).append(urn)
    return targets


def run_waves(
    estate: Estate, name: str, runner: Runner, args: argparse.Namespace, reverse: bool = False
) -> list[Outcome]:
    """Run every partition wave by wave; after a failure, skip what reads from it (with
    ``reverse``, default False, the waves run last first and a failure skips what it
    reads from: a destroy)."""
    waves = tuple(reversed(estate.waves())) if reverse else estate.waves()
    blocks = estate.dependencies if reverse else estate.dependents
    outcomes = {p: Outcome(p, stack_of(name, p)) for wave in waves for p in wave}
    blocked: dict[str, str] = {}
    for wave in waves:
        ready = [p for p in wave if p not in blocked]
        for partition in wave:
            if partition in blocked:
                outcomes[partition].reason = f"{blocked[partition]} failed"
                say(outcomes[partition].stack, f"skipped: {outcomes[partition].reason}")
        with ThreadPoolExecutor(max_workers=max(1, min(args.parallel, len(ready) or 1))) as pool:
            list(pool.map(lambda p: runner(p, outcomes[p]), ready))
        for partition in ready:
            if outcomes[partition].status == "failed":
                for blocked_partition in blocks(partition):
                    blocked.setdefault(blocked_partition, outcomes[partition].stack)
    return list(outcomes.values())


def partial_runner(
    engine: Engine,
    ref: StackRef,
    spec: PlatformSpec,
    args: argparse.Namespace,
    apply: bool,
    targets: dict[str, list[str]],
) -> Runner:
    """What runs one partition stack: open it, hand over its topics, preview or up (with
    ``targets``, only the partitions they name, each with its own URNs)."""

    def run(partition: str, outcome: Outcome) -> None:
        if targets and partition not in targets:
            outcome.status, outcome.reason = "untargeted", "no --target names this stack"
            return
        outcome.run = EngineRun(progress=partition_progress(args, outcome.stack))
        started = time.monotonic()
        say(outcome.stack, "up" if apply else "preview")
        try:
            with salted(outcome.stack, ref):
                _apply(engine, ref, spec, partition, outcome, apply, args, targets.get(partition))
        except (auto.errors.CommandError, EngineError, UpInProgress, RuntimeError) as error:
            outcome.run.finished = False
            if not outcome.run.errors:
                outcome.run.errors.append("\n".join(str(error).strip().splitlines()[-20:]))
        outcome.seconds = time.monotonic() - started
        failed = not outcome.run.finished or outcome.run.errors or outcome.run.violations
        outcome.status = "failed" if failed else "ok"
        changes = ", ".join(f"{n} {op}" for op, n in outcome.run.changes.items()) or "no changes"
        say(outcome.stack, f"{outcome.status} in {outcome.seconds:.0f} s ({changes})")

    return run


def _apply(
    engine: Engine,
    ref: StackRef,
    spec: PlatformSpec,
    partition: str,
    outcome: Outcome,
    apply: bool,
    args: argparse.Namespace,
    target: list[str] | None,
) -> None:
    """Open ``partition``'s stack and preview it or, ``apply``, up it under its up lock
    (only ``target``'s URNs when given)."""
    stack = open_partition(engine, ref, spec, partition, outcome.stack)
    diff = bool(getattr(args, "diff", False))
    options: dict[str, Any] = {
        **policy_options(ref.name),
        "config_file": str(ref.file.resolve()),
        "refresh": args.refresh or None,
        "target": target,
        "diff": diff or None,
        "color": "never",
        "on_event": outcome.run.on_event,
    }
    if apply:
        with up_lock(outcome.stack):
            tell = partial(recovered_note, outcome.stack)
            if recover_interrupted(stack, options["config_file"], tell, ref.name):
                hand_over_managed_topics(stack, spec, outcome.stack, recovered=True)
            up = partial(stack.up, **options)
            result: auto.UpResult | auto.PreviewResult = unlocked(stack, up, tell, ref.name)
    else:
        result = stack.preview(**options)
    outcome.diff = result.stdout if diff else None


def _cutover_steps_pass(
    engine: Engine, ref: StackRef, spec: PlatformSpec, args: argparse.Namespace
) -> bool:
    """The cutover gates and live steps of one stack's ``up``, on the phases the network
    stack applied (it holds the estate's cutovers), before any partition stack runs."""
    name = stack_of(ref.name, NETWORK)
    try:
        with salted(name, ref):
            network = open_partition(engine, ref, spec, NETWORK, name)
            return cutover_gates_pass(args, ref, network) and cutover_live_steps_pass(
                args, ref, network
            )
    except (auto.errors.CommandError, EngineError) as error:
        raise Failed(f"reading the cutovers' applied phases from {name!r}: {error}") from None


def salted(stack: str, ref: StackRef) -> AbstractContextManager[None]:
    """What a command on the partition stack ``stack`` runs under: the estate's salt for a
    ``local`` estate (``bulkheads.engine.partition_salt``), nothing for any other."""
    return partition_salt(stack, ref.file) if ref.name == LOCAL_STACK else nullcontext()


def open_partition(
    engine: Engine, ref: StackRef, spec: PlatformSpec, partition: str, name: str
) -> auto.Stack:
    """The stack ``name`` of ``partition``, its program told which partition it is and which
    topics its state holds (``bulkheads.adoption_inputs``)."""
    env = {
        "BULKHEADS_SPEC_FILE": str(ref.file),
        ADOPTION_FILE_ENV: str(handover_file(name)),
        PARTITION_ENV: partition,
        ESTATE_ENV: ref.name,
    }
    try:
        stack = engine.stack(name, extra_env=env, estate=ref.name)
    except BackendError as error:
        raise EngineError(str(error)) from None
    hand_over_managed_topics(stack, spec, name)
    return stack


def partition_engine(args: argparse.Namespace, ref: StackRef, spec: PlatformSpec) -> Engine:
    """The engine for ``ref``'s partition stacks, its backend checked and, for ``local``,
    the estate's clusters started."""
    try:
        backend_url(ref.name)
        if ref.name == LOCAL_STACK:
            platform = LocalPlatform(progress=lambda line: console.err().print(line, markup=False))
            start_local_clusters(platform, spec)
        return Engine.ensure(verbose=bool(getattr(args, "verbose", False)))
    except BackendError as error:
        raise UsageError(str(error)) from None
    except (EngineError, LocalPlatformError) as error:
        raise Failed(str(error)) from None


def _estate_rules_pass(ref: StackRef, spec: PlatformSpec) -> bool:
    """The planned stack rules over the whole estate (a partition's pack sees only its
    own resources); mandatory findings stop the run before any stack."""
    found = catalogue.findings(spec, catalogue.pack_config(ref.name, spec.environment))
    blocking = [f for f in found if f.mandatory]
    for finding in blocking:
        console.err().print(
            f"refused: [{finding.rule_id}] {finding.message}", markup=False, highlight=False
        )
    return not blocking


def partition_progress(args: argparse.Namespace, stack: str) -> Callable[[str], None] | None:
    """With ``-v``, every step of ``stack`` as a line on stderr, named by its stack."""
    if not getattr(args, "verbose", False):
        return None
    return lambda line: say(stack, line)


def recovered_note(stack: str, note: str) -> None:
    """What recovering an interrupted update of ``stack`` cleared, on stderr."""
    say(stack, f"recovered: {note}")


def say(stack: str, line: str) -> None:
    """``[stack] line`` on stderr."""
    console.err().print(f"[{stack}] {line}", markup=False, highlight=False)


def render(document: dict[str, Any]) -> str:
    """A line per partition stack, in run order, with its changes or what stopped it."""
    lines = [f"estate {document['stack']!r}: {'ok' if document['ok'] else 'failed'}"]
    for part in document["partitions"]:
        changes = ", ".join(f"{n} {op}" for op, n in part["changes"].items()) or "no changes"
        detail = part["reason"] if part["status"] in ("skipped", "untargeted") else changes
        lines.append(f"  {part['stack']:<32} {part['status']:<8} {detail}")
        found = part["violations"]
        lines.extend(f"    [{v['level']}] {v['policy']}: {v['message']}" for v in found)
        lines.extend(f"    error: {e}" for e in part["errors"])
        if part["diff"]:
            lines.extend(f"    {line}" for line in part["diff"].rstrip().splitlines())
    return "\n".join(lines)
