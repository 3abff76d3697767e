"""``bulkheads cutover check | preview``: a cutover's gate and its diff, phase by phase.

The stack is ``--stack NAME|FILE`` (default ``local``). ``check NAME`` reads the live
platform and says whether the phase after the stack's declared one (or ``--phase P``) may
be applied, and why (exit 1 naming each reason). ``preview NAME --phase P`` runs the real
``pulumi preview --diff`` with the policy pack of the stack as it would be at phase P (the
phase reaches the program through ``BULKHEADS_CUTOVER_PHASES``; the stack file is not
edited), its steps grouped by what the phase does.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bulkheads.cli_support import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    add_format_argument,
    emit,
    guarded,
    load_stack_spec,
    resolve_stack,
)
from bulkheads.connect.commands import add_connect_url_argument, connect_urls
from bulkheads.cutover import phases
from bulkheads.cutover.gates import DEFAULT_MAX_LAG, gate
from bulkheads.cutover.live import observe
from bulkheads.ops.endpoints import EndpointError, Endpoints, parse_assignments
from bulkheads.ops.lag import KafkaException
from bulkheads.plan.cutover import CutoverPlan, cutover_plans, phase_index
from bulkheads.spec.model import CUTOVER_PHASES, CutoverPhase, PlatformSpec

CHECK_SCHEMA = "bulkheads.cutover-check/1"
PREVIEW_SCHEMA = "bulkheads.cutover-preview/1"


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``cutover check`` and ``cutover preview``."""
    cutover = verbs.add_parser(
        "cutover",
        help="move pipelines between clusters: each phase's gate and preview",
        description="A cutover's phases are declared in the stack (cutovers.NAME.phase). "
        "`check` says whether the next phase is safe on the live platform; `preview` shows "
        "the diff of a phase without editing the stack file.",
    )
    actions = cutover.add_subparsers(dest="cutover_action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="is the next phase safe? mirror lag, offset parity, translated offsets",
        epilog="example: bulkheads cutover check orders-to-automq --stack prod --json",
    )
    preview = actions.add_parser(
        "preview",
        help="the real preview (with the policy pack) of the stack at phase P",
        epilog="example: bulkheads cutover preview orders-to-automq --phase consumers --stack prod",
    )
    for parser in (check, preview):
        parser.add_argument("cutover", metavar="NAME", help="the cutover (cutovers.NAME)")
        # --stack only: a second optional positional would not parse after --phase
        parser.add_argument(
            "--stack", dest="stack_option", metavar="STACK", help="stack name or file (local)"
        )
        add_format_argument(parser)
        parser.add_argument("--phase", choices=CUTOVER_PHASES, help="the phase to check/show")
    check.add_argument(
        "--max-lag",
        type=int,
        default=DEFAULT_MAX_LAG,
        help=f"records a mirrored partition may be behind (default {DEFAULT_MAX_LAG})",
    )
    add_connect_url_argument(check)
    check.add_argument(
        "--client-config",
        action="append",
        metavar="CLUSTER=FILE",
        help="admin login of a non-local cluster (librdkafka properties file)",
    )
    check.set_defaults(handler=guarded(_check))
    preview.set_defaults(handler=guarded(_preview))


def _cutover(spec: PlatformSpec, name: str, phase: CutoverPhase | None) -> CutoverPlan:
    if name not in spec.cutovers:
        known = ", ".join(sorted(spec.cutovers)) or "none declared"
        raise UsageError(f"no cutover {name!r} in this stack (cutovers: {known})")
    return next(
        p for p in cutover_plans(spec, {name: phase} if phase else None) if p.cutover == name
    )


def _check(args: argparse.Namespace) -> int:
    spec = load_stack_spec(resolve_stack(args))
    declared = _cutover(spec, args.cutover, None).phase
    wanted: CutoverPhase = (
        args.phase or CUTOVER_PHASES[min(phase_index(declared) + 1, len(CUTOVER_PHASES) - 1)]
    )
    plan = _cutover(spec, args.cutover, wanted)
    try:
        configs = parse_assignments(args.client_config, "--client-config")
        endpoints = Endpoints(
            spec,
            connect_urls=connect_urls(args),
            client_configs={cluster: Path(path) for cluster, path in configs.items()},
        )
        verdict = gate(args.cutover, wanted, observe(plan, endpoints), args.max_lag)
    except ValueError as error:
        raise UsageError(str(error)) from None
    except (EndpointError, KafkaException) as error:
        emit(args, _check_document(args.cutover, declared, wanted, None, str(error)), _render)
        return EXIT_FINDINGS
    emit(args, _check_document(args.cutover, declared, wanted, verdict, None), _render)
    return EXIT_OK if verdict.ok else EXIT_FINDINGS


def _check_document(
    name: str, declared: str, wanted: str, verdict: Any, error: str | None
) -> dict[str, Any]:
    findings = [] if verdict is None else [vars(f) for f in verdict.findings]
    reasons = [error] if error else verdict.reasons
    return {
        "schema": CHECK_SCHEMA,
        "cutover": name,
        "declared_phase": declared,
        "phase": wanted,
        "ok": not reasons,
        "reasons": reasons,
        "findings": findings,
    }


def _render(document: dict[str, Any]) -> str:
    verdict = "safe" if document["ok"] else "NOT safe"
    lines = [
        f"cutover {document['cutover']!r} (declared phase {document['declared_phase']}): "
        f"phase {document['phase']} is {verdict}"
    ]
    lines += [
        f"  {'ok ' if f['ok'] else 'BAD'} {f['check']} {f['subject']}: {f['detail']}"
        for f in document["findings"]
    ]
    lines += [f"reason: {reason}" for reason in document["reasons"]]
    return "\n".join(lines)


def _preview(args: argparse.Namespace) -> int:
    from bulkheads import main_job

    if args.phase is None:
        raise UsageError("name the phase to preview: --phase " + "|".join(CUTOVER_PHASES))
    ref = resolve_stack(args)
    plan = _cutover(load_stack_spec(ref), args.cutover, args.phase)
    args.target, args.refresh, args.diff = None, False, True
    env = {phases.PHASES_ENV: phases.encode({args.cutover: args.phase})}
    ref, stack = main_job.open_stack(args, env)
    run, diff = main_job.preview_stack(stack, args)
    document = main_job.preview_document(ref, run, diff)
    document.update(
        schema=PREVIEW_SCHEMA,
        cutover=args.cutover,
        phase=args.phase,
        groups=group_steps(plan, document["steps"]),
    )
    emit(args, document, _render_preview)
    return EXIT_OK if document["ok"] else EXIT_FINDINGS


def group_steps(plan: CutoverPlan, steps: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The changing steps (``op type name``) by what the phase does with them."""
    groups: dict[str, list[str]] = {}
    for step in steps:
        if step["op"] == "same":
            continue
        name = step["name"]
        if plan.mirror in name or "mm2-offset-syncs." in name or ".checkpoints.internal" in name:
            group = "the mirror (MirrorMaker 2, its topics and grants)"
        elif f"@{plan.to_cluster}" in name:
            group = f"connectors on {plan.to_cluster} (moved)"
        elif f"-cluster-{plan.to_cluster}-" in name:
            group = f"data plane of {plan.to_cluster} (target)"
        elif f"-cluster-{plan.from_cluster}-" in name:
            group = f"data plane of {plan.from_cluster} (old cluster)"
        elif any(f"-connector-{p}" in name for p in plan.placement):
            group = f"connectors on {plan.from_cluster} (running, stopped or removed)"
        elif "-pool-" in name:
            group = "worker pools"
        else:
            group = "other"
        groups.setdefault(group, []).append(f"{step['op']} {step['type']} {name}")
    return groups


def _render_preview(document: dict[str, Any]) -> str:
    from bulkheads import main_job

    lines = [f"cutover {document['cutover']!r} at phase {document['phase']}:"]
    for group, steps in document["groups"].items():
        lines.append(f"  {group}: {len(steps)} change(s)")
        lines += [f"    {step}" for step in steps]
    return "\n".join([*lines, main_job.render_preview(document)])
