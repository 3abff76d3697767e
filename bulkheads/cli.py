"""The ``bulkheads`` command line.

Each verb group lives beside the layer it serves and registers itself here:
``validate``/``show`` (spec), ``plan`` (the physical plan), ``local`` (the embedded
platform), ``up``/``preview`` (the main job), ``destroy``, and the operations verbs.
Conventions shared by every verb are in
``bulkheads.cli_support``: exit 0 ok, 1 findings, 2 usage errors, never a traceback.
``--version`` and ``-v/--verbose`` (show build and engine logs) are accepted before or
after the verb.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata

Register = Callable[[argparse._SubParsersAction], None]  # type: ignore[type-arg]


def _registrars() -> list[Register]:
    from bulkheads import destroy_job, main_job
    from bulkheads.connect import commands as connect_commands
    from bulkheads.cost import commands as cost_commands
    from bulkheads.cutover import commands as cutover_commands
    from bulkheads.local import commands as local_commands
    from bulkheads.ops import commands as ops_commands
    from bulkheads.plan import commands as plan_commands
    from bulkheads.readiness import commands as readiness_commands
    from bulkheads.replay import commands as replay_commands
    from bulkheads.spec import commands as spec_commands
    from bulkheads.verify import commands as verify_commands

    return [
        spec_commands.register,
        plan_commands.register,
        local_commands.register,
        main_job.register,
        destroy_job.register,
        cost_commands.register,
        readiness_commands.register,
        ops_commands.register,
        connect_commands.register,
        replay_commands.register,
        verify_commands.register,
        cutover_commands.register,
    ]


def _version() -> str:
    return f"bulkheads {metadata.version('bulkheads')}"


def _add_verbose(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="show the toolchain build and engine logs",
    )


def _verb_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every parser below ``parser``: verbs, and actions of verb groups."""
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for child in getattr(action, "choices", {}).values():
            yield child
            yield from _verb_parsers(child)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bulkheads",
        description="Kafka isolation boundaries, declared and provisioned.",
        epilog="example: bulkheads validate prod && bulkheads plan prod --json",
    )
    parser.add_argument("--version", action="version", version=_version())
    _add_verbose(parser, default=False)
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for register in _registrars():
        register(verbs)
    for child in _verb_parsers(parser):
        # SUPPRESS: a verb's own default must not undo a -v given before the verb
        _add_verbose(child, default=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except BrokenPipeError:  # `bulkheads plan prod | head`: the reader has what it wanted
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
