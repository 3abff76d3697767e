"""CLI verbs of the spec layer: ``bulkheads validate [STACK...]`` and ``bulkheads show [STACK]``.

``validate`` checks each stack's spec and doctrine and the pack's planned rules over its
plan with the stack's pack config (``policies.rules.catalogue``), all at once: a mandatory
finding fails the stack under the rule id the pack would report, at the spec path of the
entry behind it; an advisory one is printed.
A stack is a name (``prod``) or a stack file; the default is ``local``. Exit status: 0 when
every stack is valid, 1 when any is not (problems go to stderr one per line, or into the
JSON document with ``--format json``), 2 when a named stack does not exist.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bulkheads.cli_support import (
    DEFAULT_STACK,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    StackRef,
    UsageError,
    add_format_argument,
    add_stack_argument,
    emit,
    guarded,
    load_checked_spec,
    load_stack_spec,
    resolve_stack,
    stack_ref,
    wants_json,
)
from bulkheads.replay.report import runbooks
from bulkheads.spec.errors import MISSING, Problem, SpecError, format_path, format_value
from bulkheads.spec.summary import summarize
from policies.rules import catalogue

VALIDATE_SCHEMA = "bulkheads.validate/1"
SHOW_SCHEMA = "bulkheads.show/1"


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``validate`` and ``show`` to the ``bulkheads`` command."""
    validate = verbs.add_parser(
        "validate",
        help="check stacks against the spec and doctrine (no engine needed)",
        description="Check stacks against the spec and doctrine; every problem at once.",
        epilog="example: bulkheads validate local dev prod --json",
    )
    validate.add_argument(
        "stacks",
        nargs="*",
        metavar="STACK",
        help=f"stack names or stack files; default: {DEFAULT_STACK}",
    )
    add_format_argument(validate)
    validate.set_defaults(handler=run_validate)
    show = verbs.add_parser(
        "show",
        help="summarize the platform a stack declares",
        description="Clusters, pools per cluster, pipelines per class and owner.",
        epilog="example: bulkheads show prod",
    )
    add_stack_argument(show)
    add_format_argument(show)
    show.set_defaults(handler=guarded(run_show))


def problem_document(problem: Problem) -> dict[str, Any]:
    """One problem as JSON: where, the bad value (``null`` when none), what, the fix."""
    return {
        "file": problem.file,
        "line": problem.line,
        "path": format_path(problem.path),
        "value": None if problem.value is MISSING else format_value(problem.value),
        "message": problem.message,
        "fix": problem.fix,
        "text": problem.render(),
    }


def run_validate(args: argparse.Namespace) -> int:
    """Validate every named stack; print ``ok`` lines and every problem."""
    status = EXIT_OK
    results: list[dict[str, Any]] = []
    for named in args.stacks or [DEFAULT_STACK]:
        try:
            ref = stack_ref(named)
        except UsageError as error:
            print(f"bulkheads: {error}", file=sys.stderr)
            status = EXIT_USAGE
            continue
        result: dict[str, Any] = {"stack": ref.name, "file": str(ref.file), "ok": True}
        problems = _problems(ref, result, args)
        if problems:
            if not wants_json(args):
                print("\n".join(problem.render() for problem in problems), file=sys.stderr)
            result["ok"] = False
            status = max(status, EXIT_FINDINGS)
        result["problems"] = [problem_document(p) for p in problems]
        results.append(result)
    emit(args, {"schema": VALIDATE_SCHEMA, "stacks": results}, _validate_text)
    return status


def _problems(ref: StackRef, result: dict[str, Any], args: argparse.Namespace) -> list[Problem]:
    """The stack's problems: its spec's and doctrine's, and the planned pack rules'
    mandatory findings over its plan, all at once (advisory findings go into
    ``result["advisories"]``). A crash is a problem too, so it never hides the stacks
    after this one."""
    advisories: list[catalogue.PlannedFinding] = []
    try:
        spec = load_checked_spec(ref, advisories)
    except SpecError as error:
        return error.problems
    except Exception as error:
        return [
            Problem(
                (),
                f"bulkheads failed on this file ({type(error).__name__}: {error})",
                "report it as a bug; the other stacks are still checked",
                file=str(ref.file),
            )
        ]
    result.update(
        environment=spec.environment,
        clusters=len(spec.clusters),
        pools=len(spec.pools),
        pipelines=len(spec.pipelines),
    )
    result["advisories"] = [
        f"{f.rule_id} (advisory): {format_path(f.path) or 'stack'}: {f.message}" for f in advisories
    ]
    if result["advisories"] and not wants_json(args):
        print("\n".join(f"{ref.file}: {a}" for a in result["advisories"]), file=sys.stderr)
    return []


def _validate_text(document: dict[str, Any]) -> str:
    return "\n".join(
        f"{r['file']}: ok — {r['environment']}: {r['clusters']} clusters, "
        f"{r['pools']} pools, {r['pipelines']} pipelines"
        for r in document["stacks"]
        if r["ok"]
    )


def run_show(args: argparse.Namespace) -> int:
    """Print the summary of one valid stack (or, as JSON, its validated spec)."""
    ref = resolve_stack(args)
    spec = load_stack_spec(ref)
    document = {
        "schema": SHOW_SCHEMA,
        "stack": ref.name,
        "file": str(ref.file),
        "spec": spec.model_dump(mode="json", by_alias=True),
    }
    text = "\n".join(part for part in (summarize(spec), runbooks(spec, ref.name)) if part)
    emit(args, document, lambda _: text)
    return EXIT_OK
