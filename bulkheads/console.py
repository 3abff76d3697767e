"""Terminal output of every verb, through ``rich``.

``out()`` prints results to stdout, ``err()`` progress and messages to stderr. Colour follows
the terminal and honours ``NO_COLOR`` (rich reads it); output that is not a terminal gets no
colour and a wide page (``WIDE``), so tables in CI logs and pipes are not wrapped.
``progress(text)`` shows a spinner on a terminal and nothing elsewhere.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from rich.console import Console
from rich.status import Status
from rich.table import Table
from rich.text import Text

WIDE = 200


def _console(stream: TextIO) -> Console:
    terminal = stream.isatty()
    return Console(file=stream, width=None if terminal else WIDE, soft_wrap=not terminal)


def out() -> Console:
    """A console on the current ``sys.stdout``."""
    return _console(sys.stdout)


def err() -> Console:
    """A console on the current ``sys.stderr``."""
    return _console(sys.stderr)


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    """A plain table: ``columns`` as headers, one line per row, cells as literal text."""
    grid = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=None,
        pad_edge=False,
        header_style="bold cyan",
    )
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*(Text(str(cell)) for cell in row))
    return grid


@contextmanager
def progress(text: str) -> Iterator[Status | None]:
    """A spinner with ``text`` on stderr while the block runs (terminals only)."""
    console = err()
    if not console.is_terminal:
        yield None
        return
    with console.status(text) as status:
        yield status
