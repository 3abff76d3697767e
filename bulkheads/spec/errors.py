"""Problems found in a stack file, rendered one per line for CI logs.

A rendered problem reads (one line)::

    stacks/Pulumi.prod.yaml:42: pipelines.search-index.pool: 'search-sink' — no pool of
    that name. Fix: use one of: search-sinks, backfill.

that is ``<file>:<line>: <path in the spec>: <bad value> — <what is wrong>. Fix: <how>.``
The path is relative to the ``bulkheads:platform`` value; list items are ``[i]`` and keys
containing dots are bracketed (``connector.config[database.hostname]``). The value part
is left out when there is no value (a missing key), the line when it is unknown.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

PathElement = str | int
Path = tuple[PathElement, ...]

VALUE_REPR_LIMIT = 60


class _Missing:
    """Marks a problem with no value (for example a missing key)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a stack: where, the bad value, what is wrong and the fix."""

    path: Path
    message: str
    fix: str
    value: Any = field(default=MISSING)
    file: str | None = None
    line: int | None = None

    def located(self, file: str, line: int | None) -> Problem:
        """This problem placed in ``file`` at ``line``."""
        return replace(self, file=file, line=line)

    def render(self) -> str:
        """The one-line form shown to users (see module docstring)."""
        where = self.file or "<spec>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        parts = [where]
        if self.path:
            parts.append(format_path(self.path))
        detail = self.message.rstrip(".")
        if self.value is not MISSING:
            detail = f"{format_value(self.value)} — {detail}"
        parts.append(f"{detail}. Fix: {_sentence(self.fix)}")
        return ": ".join(parts)


class SpecError(Exception):
    """A stack file is invalid; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(problem.render() for problem in self.problems))


def format_path(path: Path) -> str:
    """``('pipelines', 'x', 'writes', 0, 'topic')`` -> ``pipelines.x.writes[0].topic``."""
    text = ""
    for element in path:
        name = str(element)
        if isinstance(element, int) or "." in name or " " in name:
            text += f"[{name}]"
        else:
            text += f".{name}" if text else name
    return text


def format_value(value: Any) -> str:
    """A short ``repr`` of a bad value."""
    text = repr(value)
    if len(text) > VALUE_REPR_LIMIT:
        text = text[: VALUE_REPR_LIMIT - 3] + "..."
    return text


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


def one_of(names: Iterable[str]) -> str:
    """``use one of: a, b, c`` (or a hint to declare one when there are none)."""
    listed = sorted(names)
    return f"use one of: {', '.join(listed)}" if listed else "declare one first"


def did_you_mean(wrong: str, names: Iterable[str]) -> str:
    """``did you mean 'x'?`` for the closest name, else the list of names."""
    listed = sorted(names)
    close = difflib.get_close_matches(wrong, listed, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return one_of(listed)
