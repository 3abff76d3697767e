"""``bulkheads verify [STACK]``: check that what runs is still isolated as declared.

Exit status 0 when every boundary holds, 1 when any check fails (each failure names its
boundary and evidence), 2 for usage errors. ``--json`` for pipelines.
"""

from __future__ import annotations

import argparse
import sys

from bulkheads.cli_support import (
    EXIT_FINDINGS,
    EXIT_OK,
    add_format_argument,
    add_stack_argument,
    emit,
    guarded,
    resolve_stack,
)
from bulkheads.engine import EngineError
from bulkheads.verify.credentials import stack_passwords
from bulkheads.verify.findings import Finding, verdict
from bulkheads.verify.run import verify_stack

EXAMPLES = """examples:
  bulkheads verify                      # the local stack, as a table
  bulkheads verify local --json         # for a pipeline: every finding and the verdict
  bulkheads verify --throttle-probe     # also burst 16 MiB as each replay principal
                                        # (writes probe records to its output topic)
"""


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``verify``."""
    parser = verbs.add_parser(
        "verify",
        help="check the live platform's boundaries against the stack (access, drift, "
        "quotas, runtime)",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_stack_argument(parser)
    add_format_argument(parser)
    parser.add_argument(
        "--throttle-probe",
        action="store_true",
        help="prove the replay quotas throttle with a 16 MiB burst (default: off)",
    )
    parser.set_defaults(handler=guarded(_run))


def _run(args: argparse.Namespace) -> int:
    ref = resolve_stack(args)
    try:
        findings = verify_stack(
            ref.file,
            lambda: stack_passwords(ref.name),
            throttle_probe=args.throttle_probe,
            progress=lambda line: print(f"[bulkheads] {line}", file=sys.stderr, flush=True),
        )
    except EngineError as error:
        print(f"bulkheads verify: {error}", file=sys.stderr)
        return EXIT_FINDINGS
    summary = verdict(findings)
    emit(
        args,
        {"stack": ref.name, "verdict": summary, "findings": [f.as_json() for f in findings]},
        render,
    )
    return EXIT_OK if summary["ok"] else EXIT_FINDINGS


def render(report: dict[str, object]) -> str:
    """The findings as an aligned table, failures first, then the verdict line."""
    findings = [Finding(**row) for row in report["findings"]]  # type: ignore[attr-defined]
    order = {"fail": 0, "skip": 1, "pass": 2}
    rows = [("RESULT", "BOUNDARY", "CHECK", "CLUSTER", "SUBJECT", "EVIDENCE")] + [
        (f.outcome.upper(), f.boundary, f.check, f.cluster, f.subject, f.evidence)
        for f in sorted(findings, key=lambda f: (order[f.outcome], f.boundary, f.check))
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[5]
        for row in rows
    ]
    summary = report["verdict"]
    assert isinstance(summary, dict)
    state = "holds" if summary["ok"] else f"BROKEN ({', '.join(summary['failing_boundaries'])})"
    lines.append(
        f"\nstack {report['stack']}: isolation {state} — {summary['pass']} passed, "
        f"{summary['fail']} failed, {summary['skip']} skipped"
    )
    return "\n".join(lines)
