"""Every invalid fixture is rejected with exactly the problems its ``# expect:`` lines list,
the way ``bulkheads validate`` checks it: spec, doctrine and the planned pack rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import load_platform
from policies.rules import catalogue

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "tests/spec/fixtures/invalid").glob("*.yaml"))
EXPECT = "# expect: "


def expected_lines(fixture: Path) -> list[str]:
    lines = fixture.read_text(encoding="utf-8").splitlines()
    return [line[len(EXPECT) :] for line in lines if line.startswith(EXPECT)]


def test_library_covers_many_distinct_mistakes() -> None:
    assert len(FIXTURES) >= 25
    assert all(expected_lines(fixture) for fixture in FIXTURES)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_fails_with_exact_messages(fixture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    relative = fixture.relative_to(REPO).as_posix()
    with pytest.raises(SpecError) as raised:
        load_platform(relative, rules=catalogue.validate_rules(fixture.stem))
    assert [problem.render() for problem in raised.value.problems] == expected_lines(fixture)


def test_every_problem_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shape errors and doctrine errors of other entries come out together."""
    monkeypatch.chdir(REPO)
    with pytest.raises(SpecError) as raised:
        load_platform(
            "tests/spec/fixtures/invalid/multiple_errors.yaml",
            rules=catalogue.validate_rules("multiple_errors"),
        )
    paths = [".".join(map(str, problem.path)) for problem in raised.value.problems]
    assert paths == [
        "pools.ingest",  # a planned pack rule
        "pools.sinks.runtime.rest_port",  # shape
        "pools.backfill.class",  # doctrine
        "pipelines.orders-events.connector.tasks_max",  # shape
        "pipelines.orders-archive.owner",  # doctrine, beside a broken pool reference
        "pipelines.orders-rebuild.reads.0",
    ]
    assert all(problem.line and problem.fix for problem in raised.value.problems)
