"""``bulkheads readiness [STACK] [--format table|markdown|json] [--strict]``.

Scores a stack on the six readiness areas from its stack file, adding what its local
Connect workers answer unless ``--offline``. Exit 0, or with ``--strict`` 1 when any area
is red; 2 for an unknown stack.
"""

from __future__ import annotations

import argparse
import json

from bulkheads.cli_support import (
    EXIT_FINDINGS,
    EXIT_OK,
    add_format_argument,
    add_stack_argument,
    guarded,
    load_stack,
    resolve_stack,
)
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.plan.platform import plan_platform
from bulkheads.readiness.facts import Facts, LiveFacts
from bulkheads.readiness.live import gather
from bulkheads.readiness.render import render_markdown, render_table, scorecard_data
from bulkheads.readiness.scorecard import score

FORMATS = ("table", "markdown", "json")
EXAMPLE = "example: bulkheads readiness prod --format markdown --strict"


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``readiness``."""
    summary = "score a stack's migration readiness: six areas, green / yellow / red"
    parser = verbs.add_parser("readiness", help=summary, description=summary, epilog=EXAMPLE)
    add_stack_argument(parser)
    add_format_argument(parser, FORMATS)
    parser.add_argument("--strict", action="store_true", help="exit 1 when any area is red")
    parser.add_argument(
        "--offline", action="store_true", help="do not probe the stack's local workers"
    )
    parser.set_defaults(handler=guarded(run_readiness))


def run_readiness(args: argparse.Namespace) -> int:
    """Print the scorecard; with ``--strict`` exit 1 on any red."""
    ref = resolve_stack(args)
    stack = load_stack(ref)
    plan = plan_platform(stack.spec, PROJECT_ROOT)
    live = LiveFacts() if args.offline else gather(plan)
    facts = Facts(stack.spec, plan, stack.config, live)
    card = score(ref.name, facts)
    if args.format == "json":
        print(json.dumps(scorecard_data(card), indent=2))
    elif args.format == "markdown":
        print(render_markdown(card))
    else:
        print(render_table(card))
    return EXIT_FINDINGS if args.strict and card.status == "red" else EXIT_OK
