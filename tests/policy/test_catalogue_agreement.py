"""validate and the pack agree, rule by rule: the planned rules over the plan (offline) and
over the whole program really registered (spec -> plan -> Platform under mocks, every
component, ACL and quota) give the same findings, for each stack's pack config."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from bulkheads import program
from bulkheads.spec.loader import platform_from_mapping
from bulkheads.spec.model import PlatformSpec
from policies.rules import catalogue
from tests.policy.builders import Pack, Res
from tests.policy.test_prod_cloud_under_pack import _resources
from tests.policy.test_stack_data_planes_under_pack import findings
from tests.strategies import platform_specs
from tests.unit.cloud_harness import CloudHarness, run_stack_program
from tests.unit.test_platform_prod_program import prod_config

STACKS = Path(__file__).resolve().parents[2] / "stacks"
PLANNED = {rule.id for rule in catalogue.planned_rules()}
Change = Callable[[dict[str, Any]], None]


def platform(env: str, change: Change | None = None) -> PlatformSpec:
    """A shipped stack's spec, its ``bulkheads:platform`` value changed by ``change``."""
    text = (STACKS / f"Pulumi.{env}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)["config"]["bulkheads:platform"]
    if change is not None:
        change(data)
    return platform_from_mapping(data)


def live(**settings: Any) -> Change:
    return lambda data: data["classes"]["live"].update(settings)


def at(*path: str, **values: Any) -> Change:
    def change(data: dict[str, Any]) -> None:
        for key in path:
            data = data[key]
        data.update(values)

    return change


class NoLocalKafka:
    """Stands in for the local harness: an admin login, no topics yet, no jar cache."""

    cache_dir = Path("unused")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def connection(self, cluster: str) -> SimpleNamespace:
        return SimpleNamespace(username="admin", password="admin-secret")

    def existing_topics(self, cluster: str) -> set[str]:
        return set()


def harness_of(spec: PlatformSpec) -> CloudHarness:
    """The whole program of ``spec`` run under mocks (local Kafka stood in for)."""
    harness = CloudHarness()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(program, "LocalPlatform", NoLocalKafka)
        patch.setattr(program, "ensure_plugin", lambda cache, plugin: None)
        run_stack_program(harness, spec, {} if spec.environment == "local" else prod_config())
    return harness


def registered(spec: PlatformSpec) -> list[Res]:
    """Every resource the whole program of ``spec`` registers under mocks."""
    return _resources(harness_of(spec).resources)


def verdicts(
    pack: Pack, spec: PlatformSpec, config: dict[str, Any], resources: list[Res]
) -> tuple[Counter[Any], ...]:
    """The planned rules' findings offline and the pack's over ``resources``."""
    offline = Counter((f.rule_id, f.message) for f in catalogue.findings(spec, config))
    packed = Counter(f for f in findings(pack, resources, config) if f[0] in PLANNED)
    return offline, packed


def test_the_catalogue_names_its_planned_and_pack_only_rules() -> None:
    assert {
        "bulkheads-access-no-wildcards",
        "bulkheads-access-sink-no-raw-write",
        "bulkheads-topic-live-durability",
        "bulkheads-topic-retention-bounds",
        "bulkheads-quota-entity-named",
        "bulkheads-quota-replay-byte-rate",
        "bulkheads-runtime-live-replay-separation",
        "bulkheads-runtime-unique-worker-groups",
        "bulkheads-topic-single-writer",
        "bulkheads-cluster-regulated-dedicated",
        "bulkheads-runtime-pipeline-on-pool-cluster",
        "bulkheads-ops-ownership",
    } == PLANNED


SINK_WRITES_RAW = at("pipelines", "orders-archive", writes=[{"topic": "raw.orders.copy"}])


def second_producer(data: dict[str, Any]) -> None:
    """A replay on delivery also writes the topic a replay on lake writes."""
    writes = data["pipelines"]["partner-feed-rebuild"]["writes"]
    writes.append({"topic": "derived.orders.daily-snapshots"})


@pytest.mark.parametrize(
    ("env", "change", "config", "expected"),
    [
        ("local", None, "local", set()),
        ("dev", None, "dev", set()),
        ("prod", None, "prod", set()),
        ("prod", None, "none", {"access-no-wildcards"}),
        (
            "prod",
            live(replication_factor=1, min_insync_replicas=1),
            "prod",
            {"topic-live-durability"},
        ),
        ("prod", live(retention="20d", retention_max="30d"), "prod", {"topic-retention-bounds"}),
        (
            "prod",
            at("clusters", "payments", tenancy="shared"),
            "prod",
            {"cluster-regulated-dedicated"},
        ),
        (
            "local",
            at("pipelines", "orders-rebuild", pool="live-ingest"),
            "local",
            {"runtime-live-replay-separation"},
        ),
        ("local", SINK_WRITES_RAW, "local", {"access-sink-no-raw-write"}),
        ("prod", second_producer, "prod", {"topic-single-writer"}),
    ],
    ids=lambda value: "" if callable(value) else None,
)
def test_validate_and_the_pack_agree_on_the_shipped_stacks(
    pack: Pack, env: str, change: Change | None, config: str, expected: set[str]
) -> None:
    spec = platform(env, change)
    offline, packed = verdicts(pack, spec, catalogue.pack_config(config), registered(spec))
    assert offline == packed
    assert {rule.removeprefix("bulkheads-") for rule, _ in offline} == expected


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(platform_specs(max_pipelines=5))
def test_validate_and_the_pack_agree_on_generated_specs(pack: Pack, spec: PlatformSpec) -> None:
    resources = registered(spec)
    for config in ({}, catalogue.pack_config("prod")):
        offline, packed = verdicts(pack, spec, config, resources)
        assert offline == packed
