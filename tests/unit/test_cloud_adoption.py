"""The adoption decision: exists & retained -> import; exists & not ours -> a clear error;
never a silent takeover. Its inputs (the stack's topics from its state, a cloud cluster's
existing topics from stack config) and the program wired to them, under mocks."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pulumi
import pytest

from bulkheads.adoption_inputs import (
    ADOPTION_FILE_ENV,
    KAFKA_TOPIC,
    existing_from_config,
    kafka_provider_name,
    managed_topics,
    write_adoption_file,
)
from bulkheads.plan.adoption import decide_adoption
from bulkheads.plan.platform import plan_platform
from bulkheads.plan.types import TopicPlan
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import PlatformSpec
from tests.unit.cloud_harness import CloudHarness, run_stack_program
from tests.unit.test_platform_prod_program import prod_config

LIVE = TopicPlan(
    name="raw.payments.transactions",
    cluster="ingest",
    partitions=12,
    replication_factor=3,
    config={},
    contract="raw",
    workload_class="live",
    owner="payments",
    writer="payments-cdc",
    protected=True,
)
DERIVED = replace(
    LIVE,
    name="derived.payments.daily",
    contract="derived",
    workload_class="derived",
    protected=False,
)
NEW = replace(LIVE, name="raw.payments.refunds")


def test_an_existing_retained_topic_is_imported_and_a_missing_one_created() -> None:
    adoption = decide_adoption("ingest", [LIVE, NEW], existing={LIVE.name}, managed=set())
    assert adoption.imports == {LIVE.name}
    assert adoption.conflicts == ()


def test_an_existing_topic_that_is_not_ours_is_refused_not_taken_over() -> None:
    adoption = decide_adoption("ingest", [LIVE, DERIVED], existing={DERIVED.name}, managed=set())
    assert adoption.imports == frozenset()
    assert adoption.conflicts == (
        "topic 'derived.payments.daily' already exists on cluster 'ingest' but is not a "
        "retained (derived) topic of this stack, so it is not adopted. Fix: delete or rename "
        "the existing topic, or import it on purpose with `pulumi import`",
    )


def test_topics_already_in_the_stack_need_nothing() -> None:
    existing = {LIVE.name, DERIVED.name}
    adoption = decide_adoption("ingest", [LIVE, DERIVED], existing, managed=existing)
    assert adoption == decide_adoption("ingest", [], existing, managed=existing)
    assert adoption.imports == frozenset() and adoption.conflicts == ()


def test_after_an_interrupted_update_any_planned_topic_it_may_have_made_is_imported() -> None:
    existing = {LIVE.name, DERIVED.name}
    adoption = decide_adoption("ingest", [LIVE, DERIVED, NEW], existing, set(), recovered=True)
    assert adoption.imports == {LIVE.name, DERIVED.name}
    assert adoption.reclaimed == {DERIVED.name}  # imported only because of the recovery
    assert adoption.conflicts == ()


def test_without_the_stacks_topics_only_retained_topics_are_decided() -> None:
    adoption = decide_adoption("ingest", [LIVE, DERIVED], existing={LIVE.name, DERIVED.name})
    assert adoption.imports == {LIVE.name}
    assert adoption.conflicts == ()


# --- the inputs: the stack's own topics from its state, existing cloud topics from config

PROVIDER = "urn:pulumi:prod::bulkheads::bulkheads:platform:Platform$pulumi:providers:kafka"


def _topic(cluster: str, name: str, **extra: object) -> dict[str, object]:
    return {
        "type": KAFKA_TOPIC,
        "urn": f"urn:pulumi:prod::bulkheads::kafka:index/topic:Topic::{name}-topic",
        "provider": f"{PROVIDER}::{kafka_provider_name('prod', cluster)}::0a1b",
        "inputs": {"name": name},
        **extra,
    }


def test_the_stacks_topics_are_read_per_cluster_from_its_state() -> None:
    deployment = {
        "resources": [
            _topic("ingest", "raw.payments.transactions"),
            _topic("delivery", "derived.payments.daily"),
            _topic("delivery", "derived.payments.gone", delete=True),  # pending delete
            _topic("elsewhere", "raw.not.ours"),  # another stack's provider
            {"type": "kafka:index/acl:Acl", "inputs": {"name": "x"}, "provider": PROVIDER},
        ]
    }
    managed = managed_topics(deployment, "prod", ["ingest", "delivery", "payments"])
    assert managed == {
        "ingest": ["raw.payments.transactions"],
        "delivery": ["derived.payments.daily"],
        "payments": [],
    }
    assert managed_topics({}, "prod", ["ingest"]) == {"ingest": []}


def test_existing_topics_config_is_refused_with_its_fix_when_malformed() -> None:
    with pytest.raises(ValueError) as shape:
        existing_from_config({"ingest": "raw.a"}, ["ingest"])
    assert str(shape.value) == (
        "bulkheads:existingTopics must map cluster names to lists of topic names, got "
        "{'ingest': 'raw.a'}. Fix: pulumi config set --path "
        "'bulkheads:existingTopics.<cluster>[0]' <topic>"
    )
    with pytest.raises(ValueError) as unknown:
        existing_from_config({"ingets": ["raw.a"]}, ["ingest", "delivery"])
    assert str(unknown.value) == (
        "bulkheads:existingTopics names clusters ['ingets'] that the stack does not declare "
        "(declared: ['delivery', 'ingest']). Fix: remove them or correct the names"
    )
    assert existing_from_config(None, ["ingest"]) == {}


# --- wired into the program: the dev stack under mocks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev() -> PlatformSpec:
    return load_platform(ROOT / "stacks" / "Pulumi.dev.yaml")


def _pick(dev: PlatformSpec, protected: bool) -> TopicPlan:
    plan = plan_platform(dev, ROOT)
    return next(t for c in plan.clusters.values() for t in c.topics if t.protected is protected)


def _run_dev(
    dev: PlatformSpec,
    existing: dict[str, list[str]],
    managed: dict[str, list[str]] | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recovered: bool = False,
) -> CloudHarness:
    if managed is not None:
        handover = write_adoption_file(tmp_path / "adoption.json", managed, recovered)
        monkeypatch.setenv(ADOPTION_FILE_ENV, str(handover))
    harness = CloudHarness()
    config = {**prod_config(), "bulkheads:existingTopics": json.dumps(existing)}
    run_stack_program(harness, dev, config)
    return harness


def _imports(harness: CloudHarness) -> dict[str, str]:
    return {r.inputs["name"]: r.import_id for r in harness.of_type(KAFKA_TOPIC) if r.import_id}


def test_a_retained_topic_left_on_a_cloud_cluster_is_imported(
    dev: PlatformSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = _pick(dev, protected=True)
    harness = _run_dev(dev, {live.cluster: [live.name]}, {}, tmp_path, monkeypatch)
    assert _imports(harness) == {live.name: live.name}


def test_a_topic_already_in_the_stack_is_not_imported_again(
    dev: PlatformSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = _pick(dev, protected=True)
    managed = {live.cluster: [live.name]}
    harness = _run_dev(dev, {live.cluster: [live.name]}, managed, tmp_path, monkeypatch)
    assert _imports(harness) == {}


def test_an_existing_cloud_topic_the_stack_does_not_hold_stops_the_program(
    dev: PlatformSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live, derived = _pick(dev, protected=True), _pick(dev, protected=False)
    existing = {live.cluster: [live.name], derived.cluster: [derived.name]}
    with pytest.raises(pulumi.RunError) as refused:
        _run_dev(dev, existing, {}, tmp_path, monkeypatch)
    assert str(refused.value) == (
        "existing topics are in the way:\n"
        f"topic {derived.name!r} already exists on cluster {derived.cluster!r} but is not a "
        f"retained ({derived.workload_class}) topic of this stack, so it is not adopted. "
        "Fix: delete or rename the existing topic, or import it on purpose with "
        "`pulumi import`"
    )
    # without the stack's state (a bare `pulumi up`) nothing is refused
    monkeypatch.delenv(ADOPTION_FILE_ENV)
    harness = _run_dev(dev, existing, None, tmp_path, monkeypatch)
    assert _imports(harness) == {live.name: live.name}


def test_an_unrecorded_topic_of_a_recovered_update_is_imported_by_the_program(
    dev: PlatformSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    derived = _pick(dev, protected=False)
    existing = {derived.cluster: [derived.name]}
    harness = _run_dev(dev, existing, {}, tmp_path, monkeypatch, recovered=True)
    assert _imports(harness) == {derived.name: derived.name}
