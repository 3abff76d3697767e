"""The pure parts of the isolation scenarios: the report table and the probes' parsing."""

from __future__ import annotations

import json
from pathlib import Path

from bulkheads.isolation.probes import _written_at, count_since, log_mark, percentile
from bulkheads.isolation.report import ROWS, table
from bulkheads.isolation.scenarios import SCENARIOS, Outcome


def test_the_table_shows_both_runs_errors_and_missing_runs() -> None:
    text = table(
        {
            "isolated": {"wrong-team-write": Outcome("wrong-team-write", {"landed": 0})},
            "baseline": {"wrong-team-write": RuntimeError("no broker")},
        }
    )
    lines = text.splitlines()
    assert lines[0] == "| scenario | figure | isolated | baseline |"
    assert "| wrong-team-write | foreign records landed | 0 | error: RuntimeError |" in lines
    assert "| backfill | replay copy rate, whole run (KiB/s) | not run | not run |" in lines
    assert len(lines) == 2 + len(ROWS)


def test_every_scenario_has_rows() -> None:
    names = {scenario.__name__.replace("_", "-") for scenario in SCENARIOS}
    assert {row[0] for row in ROWS} == names


def test_a_filestream_line_is_read_inside_the_json_envelope() -> None:
    envelope = {"schema": {"type": "string"}, "payload": "12 1700000000.250000"}
    assert _written_at(json.dumps(envelope).encode()) == 1700000000.25
    assert _written_at(b'"7 1.5"') == 1.5
    assert _written_at(b"not json") is None
    assert _written_at(json.dumps({"payload": "foreign-write1"}).encode()) is None
    assert _written_at(None) is None


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 0.99) == 0.0
    assert percentile([float(i) for i in range(1, 101)], 0.99) == 100.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0


def test_log_lines_are_counted_after_the_mark(tmp_path: Path) -> None:
    log = tmp_path / "out.log"
    log.write_text("Joined group at generation 1\n")
    mark = log_mark(log)
    with log.open("a") as out:
        out.write("Joined group at generation 2\nsomething else\nJoined group at generation 3\n")
    assert count_since(log, mark, "Joined group at generation") == 2
    assert log_mark(tmp_path / "missing.log") == 0
