"""A pipeline's own ``alerts``: merged onto its class, and refused where it makes no sense."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import platform_from_mapping

ROOT = Path(__file__).resolve().parents[2]


def local_platform(**alerts: dict[str, Any]) -> dict[str, Any]:
    """The local stack's platform with ``alerts`` set on the named pipelines."""
    document = yaml.safe_load((ROOT / "stacks" / "Pulumi.local.yaml").read_text())
    platform: dict[str, Any] = document["config"]["bulkheads:platform"]
    for pipeline, override in alerts.items():
        platform["pipelines"][pipeline]["alerts"] = override
    return platform


def test_an_override_replaces_only_the_keys_it_names() -> None:
    spec = platform_from_mapping(local_platform(**{"orders-archive": {"consumer_lag": "2m"}}))
    assert spec.alerts_of("orders-archive").consumer_lag == 120_000
    assert spec.alerts_of("orders-archive").failed_tasks == 1  # the derived class's
    assert spec.alerts_of("orders-rebuilt-export").consumer_lag == 15 * 60_000


def test_nonsensical_overrides_are_all_reported_with_a_fix() -> None:
    mapping = local_platform(
        **{
            "orders-events": {"consumer_lag": "30s"},
            "orders-archive": {"consumer_lag": "1h"},
            "orders-rebuilt-export": {"failed_tasks": -1},
        }
    )
    with pytest.raises(SpecError) as raised:
        platform_from_mapping(mapping, source="local.yaml")
    rendered = sorted(problem.render() for problem in raised.value.problems)
    assert rendered == [
        "local.yaml: pipelines.orders-archive.alerts.consumer_lag: '1h' — above the derived "
        "freshness target 15m: the target would be missed before anyone is paged. Fix: use "
        "at most 15m, or raise classes.derived.freshness_target.",
        "local.yaml: pipelines.orders-events.alerts.consumer_lag: '30s' — a source with this "
        "connector has no measurable consumer lag. Fix: remove alerts.consumer_lag "
        "(failed_tasks applies to every pipeline).",
        "local.yaml: pipelines.orders-rebuilt-export.alerts.failed_tasks: -1 — must be at "
        "least 0. Fix: use a value at least 0.",
    ]
