"""CLI verbs of the spec layer: ``bulkheads validate FILE...`` and ``bulkheads show FILE``.

``validate`` checks each file's spec and doctrine, then the pack's planned rules over its
plan with the stack's pack config (``policies.rules.catalogue``): a mandatory finding fails
the file under the rule id the pack would report, an advisory one is printed.
Exit status: 0 when every file is valid, 2 when any is not (problems go to stderr, one
per line, never a traceback).
"""

from __future__ import annotations

import argparse
import sys

from bulkheads.spec.errors import Problem, SpecError
from bulkheads.spec.loader import load_platform
from bulkheads.spec.summary import summarize
from policies.rules import catalogue

EXIT_OK = 0
EXIT_INVALID = 2


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``validate`` and ``show`` to the ``bulkheads`` command."""
    validate = verbs.add_parser("validate", help="check stack files against the spec and doctrine")
    validate.add_argument("files", nargs="+", metavar="FILE", help="stacks/Pulumi.<env>.yaml")
    validate.set_defaults(handler=run_validate)
    show = verbs.add_parser("show", help="summarize the platform a stack file declares")
    show.add_argument("file", metavar="FILE", help="stacks/Pulumi.<env>.yaml")
    show.set_defaults(handler=run_show)


def run_validate(args: argparse.Namespace) -> int:
    """Validate every file; print ``ok`` lines or every problem."""
    status = EXIT_OK
    for file in args.files:
        try:
            spec = load_platform(file)
        except SpecError as error:
            print(error, file=sys.stderr)
            status = EXIT_INVALID
            continue
        except Exception as error:  # a bug must not hide the files after this one
            crash = Problem(
                (),
                f"bulkheads failed on this file ({type(error).__name__}: {error})",
                "report it as a bug; the other files are still checked",
                file=file,
            )
            print(crash.render(), file=sys.stderr)
            status = EXIT_INVALID
            continue
        found = catalogue.findings(spec, catalogue.pack_config(catalogue.stack_name(file)))
        for finding in found:
            level = "mandatory" if finding.mandatory else "advisory"
            print(f"{file}: {finding.rule_id} ({level}): {finding.message}", file=sys.stderr)
        if any(finding.mandatory for finding in found):
            status = EXIT_INVALID
            continue
        print(
            f"{file}: ok — {spec.environment}: {len(spec.clusters)} clusters, "
            f"{len(spec.pools)} pools, {len(spec.pipelines)} pipelines"
        )
    return status


def run_show(args: argparse.Namespace) -> int:
    """Print the summary of one valid file, or its problems."""
    try:
        spec = load_platform(args.file)
    except SpecError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    print(summarize(spec))
    return EXIT_OK
