"""The ``bulkheads`` command line.

Each verb group lives beside the layer it serves and registers itself here:
``validate``/``show`` (spec), ``local`` (the embedded platform), ``up``/``preview``
(the main job). A user mistake
prints a readable message and exits 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

Register = Callable[[argparse._SubParsersAction], None]  # type: ignore[type-arg]


def _registrars() -> list[Register]:
    from bulkheads import main_job
    from bulkheads.local import commands as local_commands
    from bulkheads.spec import commands as spec_commands
    from bulkheads.verify import commands as verify_commands

    return [
        spec_commands.register,
        local_commands.register,
        main_job.register,
        verify_commands.register,
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bulkheads", description="Kafka isolation boundaries, declared and provisioned."
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for register in _registrars():
        register(verbs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
