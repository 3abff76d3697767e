"""The valid cutover fixture loads; every cutover rule has an invalid fixture."""

from __future__ import annotations

from pathlib import Path

from bulkheads.spec.loader import load_platform

REPO = Path(__file__).resolve().parents[2]
VALID = REPO / "tests/spec/fixtures/valid/cutover_local.yaml"
INVALID = REPO / "tests/spec/fixtures/invalid"


def test_the_valid_cutover_loads_with_its_defaults() -> None:
    cutover = load_platform(VALID).cutovers["orders-to-target"]
    assert (cutover.from_cluster, cutover.to_cluster, cutover.phase) == (
        "classic",
        "target",
        "mirror",
    )
    assert cutover.checkpoint_interval == 5000


def test_each_case_the_issue_lists_has_an_invalid_fixture() -> None:
    expected = {
        "cutover_unknown_pipeline": "no pipeline of that name",
        "cutover_unknown_cluster": "no cluster of that name",
        "cutover_target_class": "does not serve",
        "cutover_sink_without_topics": "no mirror copies it there",
        "cutover_writers_both_sides": "two writers there",
        "cutover_twice": "is already moved by cutover",
        "cutover_unknown_phase": "did you mean 'consumers'?",
        "cutover_single_cluster": "the stack declares one cluster",
        "cutover_stranded_reader": "nothing would write it there",
    }
    for stem, phrase in expected.items():
        text = (INVALID / f"{stem}.yaml").read_text(encoding="utf-8")
        assert any(
            line.startswith("# expect: ") and phrase in line for line in text.splitlines()
        ), stem
