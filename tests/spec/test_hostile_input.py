"""Any input file gives a valid spec or problems: never a traceback, bounded in memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from bulkheads.cli import main
from bulkheads.cli_support import StackRef
from bulkheads.spec import commands, yaml_limits
from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import load_platform
from tests.spec.hostile import HOSTILE, PREFIX

MEMORY_BUDGET = 100 * 1024 * 1024


def _problems(path: Path) -> list[str]:
    with pytest.raises(SpecError) as raised:
        load_platform(path)
    return [problem.render() for problem in raised.value.problems]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "alias-bomb",
            "hostile.yaml:8: the value starting here expands to more than 200000 values "
            "(aliases). Fix: write the stack plainly: no deep nesting, no aliases that repeat "
            "large values.",
        ),
        (
            "self-alias",
            "hostile.yaml:3: an alias refers to the value that contains it (endless value). "
            "Fix: replace the alias by the value it should repeat.",
        ),
        (
            "deep-nesting",
            "hostile.yaml:3: the value starting here nests deeper than 64 levels. "
            "Fix: write the stack plainly: no deep nesting, no aliases that repeat large values.",
        ),
        (
            "long-number",
            "hostile.yaml:4: owners.a.oncall: '999999999999...(5000 characters)' — number out "
            "of range (at most 9223372036854775807 in size, finite). Fix: write a smaller number.",
        ),
    ],
)
def test_hostile_file_is_refused_with_a_problem_in_bounded_memory(
    name: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("hostile.yaml").write_text(HOSTILE[name](), encoding="utf-8")
    tracemalloc.start()
    try:
        problems = _problems(Path("hostile.yaml"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == [expected]
    assert peak < MEMORY_BUDGET


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1.0e+400", "number out of range"),
        (".nan", "number out of range"),
        ("-" + "1" * 30, "number out of range"),
        ('"' + "9" * 300 + 'MiB"', "not a byte size"),
        ("9223372036854775808", "number out of range"),
        ('"9000000000000000000GiB"', "out of range"),
    ],
)
def test_numbers_out_of_range_are_problems(value: str, problem: str, tmp_path: Path) -> None:
    text = (
        PREFIX + "    environment: local\n    owners: {a: {contact: x, oncall: y}}\n"
        "    network: {kind: local}\n"
        "    classes: {live: {quota: {producer_byte_rate: " + value + "}}}\n"
    )
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    problems = _problems(tmp_path / "s.yaml")
    assert any(problem in line and "classes" in line for line in problems), problems


def test_too_large_and_undecodable_files_are_problems(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (yaml_limits.MAX_FILE_BYTES + 1))
    assert _problems(big) == [
        f"{big}: the file has {yaml_limits.MAX_FILE_BYTES + 1} bytes, more than a stack file "
        f"may have ({yaml_limits.MAX_FILE_BYTES}). Fix: split the platform, or check that this "
        "is the stack file."
    ]
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"config:\n  \xff\xfe: 1\n")
    assert _problems(binary) == [
        f"{binary}: not UTF-8 text (byte 10). Fix: save the stack file as UTF-8."
    ]


def test_values_yaml_cannot_construct_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "date.yaml"
    path.write_text(PREFIX + "    environment: 2026-13-45\n", encoding="utf-8")
    (line,) = _problems(path)
    assert line.startswith(f"{path}: a value cannot be read (")


def test_validate_reports_every_file_whatever_fails_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(repo)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(HOSTILE["alias-bomb"](), encoding="utf-8")
    crash = tmp_path / "crash.yaml"
    crash.write_text(PREFIX, encoding="utf-8")
    real_load = commands.load_checked_spec

    def crash_on(ref: StackRef, advisories: Any = None) -> object:
        if ref.file == crash:
            raise RuntimeError("boom")
        return real_load(ref, advisories)

    monkeypatch.setattr(commands, "load_checked_spec", crash_on)
    status = main(["validate", str(bomb), str(crash), "stacks/Pulumi.local.yaml"])
    out, err = capsys.readouterr()
    assert status != 0
    assert f"{bomb}:8: the value starting here expands" in err
    assert (
        f"{crash}: bulkheads failed on this file (RuntimeError: boom). "
        "Fix: report it as a bug; the other stacks are still checked." in err
    )
    assert out.startswith("stacks/Pulumi.local.yaml: ok")
