"""What every ``bulkheads`` verb shares: exit codes, one way to name a stack, ``--format``.

Exit codes: 0 ok, 1 findings (an invalid spec, a failed check, policy violations), 2 usage
errors (an unknown stack, a bad option). A stack is named the same way everywhere: a stack
name (``prod``, read from ``stacks/Pulumi.prod.yaml``) or a stack file path, as a positional
argument or ``--stack``; the default is ``local``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import RenderableType

from bulkheads import console
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import StackFile, load_platform, load_stack_file
from bulkheads.spec.model import PlatformSpec
from bulkheads.stacks import stack_file
from policies.rules import catalogue

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

DEFAULT_STACK = "local"
FORMATS = ("table", "json")


class UsageError(Exception):
    """The command line names something that does not exist; exits 2 with the message."""


class Failed(Exception):
    """The verb ran and failed (a toolchain build, the local platform); exits 1."""


@dataclass(frozen=True)
class StackRef:
    """A stack as the user named it: its name, the file its spec is read from, and whether
    the user named that file (then it is the stack's config file too)."""

    name: str
    file: Path
    named_by_file: bool = False


def known_stacks() -> list[str]:
    """The stacks this project ships (``stacks/Pulumi.<name>.yaml``)."""
    return sorted(
        path.name.removeprefix("Pulumi.").removesuffix(".yaml")
        for path in (PROJECT_ROOT / "stacks").glob("Pulumi.*.yaml")
    )


def add_stack_argument(parser: argparse.ArgumentParser, default: bool = True) -> None:
    """``[STACK]`` and ``--stack STACK``: a stack name or a stack file (default: local;
    without ``default`` the verb checks that one is named)."""
    parser.add_argument(
        "stack_positional",
        nargs="?",
        metavar="STACK",
        help="stack name (local, dev, prod) or stack file; "
        + ("default: local" if default else "no default: name it"),
    )
    parser.add_argument("--stack", dest="stack_option", metavar="STACK", help="same as STACK")


def add_format_argument(
    parser: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS
) -> None:
    """``--format table|json`` (or ``formats``; default: table); ``--json`` is short for
    ``--format json``."""
    parser.add_argument("--format", choices=formats, default="table", help="default: table")
    parser.add_argument(
        "--json", dest="format", action="store_const", const="json", help="--format json"
    )


def resolve_stack(args: argparse.Namespace) -> StackRef:
    """The stack ``args`` name; raises ``UsageError`` for an unknown name or missing file."""
    positional = getattr(args, "stack_positional", None)
    option = getattr(args, "stack_option", None)
    if positional and option and positional != option:
        raise UsageError(f"two stacks named: {positional!r} and --stack {option!r}; name one")
    named = positional or option or DEFAULT_STACK
    return stack_ref(named)


def stack_ref(named: str) -> StackRef:
    """``named`` (a stack name or a stack file) as a ``StackRef``."""
    path = Path(named)
    if path.suffix in (".yaml", ".yml") or path.parent != Path("."):
        if not path.is_file():
            raise UsageError(f"{named}: no such stack file")
        name = path.name.removeprefix("Pulumi.").rsplit(".", 1)[0]
        return StackRef(name=name, file=path, named_by_file=True)
    file = stack_file(named)
    if not file.is_file():
        raise UsageError(
            f"unknown stack {named!r} (no {file}); use one of: {', '.join(known_stacks())}"
        )
    return StackRef(name=named, file=file)


def load_stack_spec(ref: StackRef) -> PlatformSpec:
    """The validated spec of ``ref`` (shape and doctrine); raises ``SpecError`` with every
    problem. Verbs that plan or provision use :func:`load_checked_spec`."""
    return load_platform(ref.file)


def load_checked_spec(
    ref: StackRef, advisories: list[catalogue.PlannedFinding] | None = None
) -> PlatformSpec:
    """The spec of ``ref`` as ``bulkheads validate`` checks it: shape, doctrine and the
    pack's planned rules under the stack's pack config, every problem at once in one
    ``SpecError``; advisory findings go into ``advisories``. ``validate``, ``plan``,
    ``preview`` and ``up`` load through here, so none reaches the engine with a spec
    ``validate`` refuses."""
    return load_platform(ref.file, rules=catalogue.validate_rules(ref.name, advisories))


def load_stack(ref: StackRef) -> StackFile:
    """The validated stack file of ``ref`` (spec and other config keys); ``SpecError``."""
    return load_stack_file(ref.file)


def wants_json(args: argparse.Namespace) -> bool:
    """Whether the verb was asked for ``--format json``."""
    return bool(getattr(args, "format", "table") == "json")


def emit(args: argparse.Namespace, data: Any, render: Callable[[Any], RenderableType]) -> None:
    """Print ``data`` as JSON (``--format json``) or as ``render(data)`` (text or a rich
    renderable such as ``console.table``)."""
    if wants_json(args):
        print(json.dumps(data, indent=2, sort_keys=True, default=str))
        return
    rendered = render(data)
    if rendered != "":
        console.out().print(rendered, highlight=False, markup=False)


def guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Wrap a verb: ``UsageError`` exits 2, ``SpecError`` and ``Failed`` exit 1, each as a
    clean message."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except UsageError as error:
            print(f"bulkheads: {error}", file=sys.stderr)
            return EXIT_USAGE
        except SpecError as error:
            print(error, file=sys.stderr)
            return EXIT_FINDINGS
        except Failed as error:
            print(f"bulkheads {getattr(args, 'verb', '')}: {error}", file=sys.stderr)
            return EXIT_FINDINGS

    return run
