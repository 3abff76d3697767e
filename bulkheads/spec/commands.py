"""CLI verbs of the spec layer: ``bulkheads validate FILE...`` and ``bulkheads show FILE``.

Exit status: 0 when every file is valid, 2 when any is not (problems go to stderr, one
per line, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import load_platform
from bulkheads.spec.summary import summarize

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
    from bulkheads.replay.report import runbooks

    stack = Path(args.file).name.removeprefix("Pulumi.").rsplit(".", 1)[0]
    text = runbooks(spec, stack)
    if text:
        print(text)
    return EXIT_OK
