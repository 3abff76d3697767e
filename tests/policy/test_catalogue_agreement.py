"""validate and the pack agree, rule by rule: the planned rules over the plan (offline) and
over the data plane really registered (the pack under mocks) give the same findings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from bulkheads.spec.loader import platform_from_mapping
from bulkheads.spec.model import PlatformSpec
from policies.rules import catalogue
from tests.policy.builders import Pack
from tests.policy.test_stack_data_planes_under_pack import deploy_spec, findings
from tests.strategies import platform_specs
from tests.unit.cloud_harness import CloudHarness

STACKS = Path(__file__).resolve().parents[2] / "stacks"
PLANNED = {rule.id for rule in catalogue.planned_rules()}


def platform(env: str, **live: Any) -> PlatformSpec:
    """A shipped stack's spec, its live class changed by ``live``."""
    text = (STACKS / f"Pulumi.{env}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)["config"]["bulkheads:platform"]
    classes = data.setdefault("classes", {})
    classes["live"] = {**classes.get("live", {}), **live}
    return platform_from_mapping(data)


def verdicts(pack: Pack, spec: PlatformSpec, config: dict[str, Any]) -> tuple[Counter[Any], ...]:
    offline = Counter((f.rule_id, f.message) for f in catalogue.findings(spec, config))
    registered = deploy_spec(CloudHarness(), spec)
    packed = Counter(f for f in findings(pack, registered, config) if f[0] in PLANNED)
    return offline, packed


def test_the_catalogue_names_its_planned_and_pack_only_rules() -> None:
    assert {
        "bulkheads-access-no-wildcards",
        "bulkheads-topic-live-durability",
        "bulkheads-topic-retention-bounds",
    } == PLANNED


@pytest.mark.parametrize(
    ("env", "live", "config", "expected"),
    [
        ("local", {}, "local", set()),
        ("dev", {}, "dev", set()),
        ("prod", {}, "prod", set()),
        ("prod", {}, "none", {"access-no-wildcards"}),
        (
            "prod",
            {"replication_factor": 1, "min_insync_replicas": 1},
            "prod",
            {"topic-live-durability"},
        ),
        ("prod", {"retention": "20d", "retention_max": "30d"}, "prod", {"topic-retention-bounds"}),
    ],
)
def test_validate_and_the_pack_agree_on_the_shipped_stacks(
    pack: Pack, env: str, live: dict[str, Any], config: str, expected: set[str]
) -> None:
    spec = platform(env, **live)
    offline, packed = verdicts(pack, spec, catalogue.pack_config(config))
    assert offline == packed
    assert {rule.removeprefix("bulkheads-") for rule, _ in offline} == expected


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(platform_specs(max_pipelines=6))
def test_validate_and_the_pack_agree_on_generated_specs(pack: Pack, spec: PlatformSpec) -> None:
    for config in ({}, catalogue.pack_config("prod")):
        offline, packed = verdicts(pack, spec, config)
        assert offline == packed
