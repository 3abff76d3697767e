"""validate runs the pack's planned rules: a mandatory finding fails under the pack's rule id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bulkheads.cli import main

REPO = Path(__file__).resolve().parents[2]


def prod_with_live(tmp_path: Path, **live: Any) -> Path:
    """The shipped prod stack, its live class changed by ``live``, as ``Pulumi.prod.yaml``."""
    data = yaml.safe_load((REPO / "stacks/Pulumi.prod.yaml").read_text(encoding="utf-8"))
    data["config"]["bulkheads:platform"]["classes"]["live"].update(live)
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_live_replication_factor_one_fails_validate_with_the_pack_rule_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = prod_with_live(tmp_path, replication_factor=1, min_insync_replicas=1)
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    wanted = (
        "pipelines.payments-transactions-cdc.writes[0].topic: "
        "bulkheads-topic-live-durability (mandatory): live topic 'raw.payments.transactions' "
        "in 'prod' has replication_factor 1. Fix: set it to at least 3."
    )
    line = next(line for line in err.splitlines() if line.endswith(wanted))
    assert line.removesuffix(wanted).removeprefix(f"{path}:").rstrip(": ").isdigit()


def test_retention_beyond_the_pack_bounds_is_reported_as_advisory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = prod_with_live(tmp_path, retention="20d", retention_max="30d")
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{path}: ok")
    assert (
        f"{path}: bulkheads-topic-retention-bounds (advisory): "
        "pipelines.payments-transactions-cdc.writes[0].topic: live topic "
        "'raw.payments.transactions' keeps data for 20d, above the live maximum 14d; "
        "set retention.ms between 1d and 14d"
    ) in err.splitlines()
