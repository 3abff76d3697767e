"""The README quotes prod's readiness report and cost tables: they must be what the
commands print today, so a change to the stack or a signal updates the README with it."""

from __future__ import annotations

import pytest

from bulkheads.cli import main
from bulkheads.local.paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text()


def printed(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def quoted_block(after: str) -> list[str]:
    """The lines of the first fenced block after the line starting with ``after``."""
    tail = README[README.index(after) :].split("```", 2)[1]
    return [line for line in tail.splitlines()[1:] if line.strip()]


def test_the_quoted_scorecard_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    report = printed(capsys, "readiness", "prod", "--offline", "--format", "markdown")
    table = [line for line in report.splitlines() if line.startswith("| ")]
    quoted_from = README.index("The shipped prod stack, scored")
    quoted = [line for line in README[quoted_from:].splitlines() if line.startswith("| ")]
    assert quoted[: len(table)] == table


def test_the_quoted_gaps_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    report = printed(capsys, "readiness", "prod", "--offline")
    gaps = [
        line.strip() for line in report.splitlines() if line.strip().startswith(("red ", "yellow "))
    ]
    assert quoted_block("What is not green") == gaps


def test_the_quoted_cost_tables_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    report = printed(capsys, "cost", "prod", "--compare", "automq")
    lines = [line for line in report.splitlines() if line.strip()]
    quoted = quoted_block("Its monthly cost")
    start = lines.index(quoted[0])
    assert lines[start : start + len(quoted)] == quoted
    for formula in quoted_block("A few of its formulas"):
        assert formula.strip() in report
