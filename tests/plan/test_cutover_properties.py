"""Properties of the cutover plan at every phase, over random two-cluster specs.

Each generated spec has source + sink (+ replay) groups on cluster ``classic``; a random
subset of the groups moves to ``target`` in one cutover. Every property holds at every
phase, and the plan of a phase does not depend on the phases visited before (a rollback
is planning the earlier phase again).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulkheads.plan import names
from bulkheads.plan.cutover import cutover_plans, spec_at
from bulkheads.plan.platform import PlatformPlan, plan_platform
from bulkheads.spec import writers
from bulkheads.spec.doctrine import check_doctrine
from bulkheads.spec.loader import platform_from_mapping
from bulkheads.spec.model import CUTOVER_PHASES, CutoverPhase, PlatformSpec
from policies.rules import catalogue
from policies.rules.registry import RULES

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "tests/spec/fixtures/valid/cutover_local.yaml"
CUTOVER = "orders-to-target"
PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
DATA_PREFIXES = ("raw.", "derived.", "delivery.")


def _base() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    platform: dict[str, Any] = data["config"]["bulkheads:platform"]
    return platform


def _sink(topic: str, pool: str) -> dict[str, Any]:
    return {
        "kind": "sink",
        "owner": "analytics",
        "pool": pool,
        "connector": {"class": "org.apache.kafka.connect.file.FileStreamSinkConnector"},
        "reads": [topic],
    }


@st.composite
def cutover_specs(draw: st.DrawFn) -> PlatformSpec:
    """Up to 4 groups (a source, 1-2 sinks); some move; the moving set is closed."""
    platform = _base()
    pipelines: dict[str, Any] = {}
    groups = draw(st.integers(min_value=1, max_value=4))
    moving: list[str] = []
    first: list[str] = []
    for group in range(groups):
        topic = f"raw.orders.g{group}"
        source = f"src-{group}"
        pipelines[source] = {
            "kind": "source",
            "owner": "orders",
            "pool": "classic-ingest",
            "connector": {"class": "org.apache.kafka.connect.file.FileStreamSourceConnector"},
            "writes": [{"topic": topic, "partitions": draw(st.integers(1, 6))}],
        }
        members = [source]
        for index in range(draw(st.integers(min_value=1, max_value=2))):
            sink = f"sink-{group}-{index}"
            pipelines[sink] = _sink(topic, "classic-sinks")
            members.append(sink)
        first = first or members
        if draw(st.booleans()):
            moving += members
    moving = moving or first  # at least one group moves
    platform["pipelines"] = pipelines
    platform["cutovers"][CUTOVER]["pipelines"] = draw(st.permutations(moving))
    return platform_from_mapping(platform)


def _at(spec: PlatformSpec, phase: CutoverPhase) -> PlatformPlan:
    return plan_platform(spec, REPO, {CUTOVER: phase})


@PROPERTY_SETTINGS
@given(cutover_specs())
def test_every_topic_has_one_writer_across_both_clusters_at_every_phase(
    spec: PlatformSpec,
) -> None:
    mirror = names.connector_principal(f"{CUTOVER}-mirror")
    for phase in CUTOVER_PHASES:
        writers = _at(spec, phase).topic_writers()
        for (cluster, topic), principals in writers.items():
            assert len(principals) == 1, (phase, cluster, topic, principals)
        producing: dict[str, set[str]] = {}
        for (_, topic), principals in writers.items():
            if topic.startswith(DATA_PREFIXES):
                producing.setdefault(topic, set()).update(principals - {mirror})
        for topic, principals in producing.items():
            assert len(principals) <= 1, (phase, topic, principals)


@PROPERTY_SETTINGS
@given(cutover_specs())
def test_the_single_writer_rule_passes_the_planned_stack_at_every_phase(
    spec: PlatformSpec,
) -> None:
    (rule,) = [rule for rule in RULES if rule.id == writers.RULE_ID]
    for phase in CUTOVER_PHASES:
        planned = catalogue.planned_stack(spec, {CUTOVER: phase})
        assert rule.check_stack(planned.stack) == [], phase


@PROPERTY_SETTINGS
@given(cutover_specs())
def test_moving_pipelines_run_where_their_phase_puts_them(spec: PlatformSpec) -> None:
    cutover = spec.cutovers[CUTOVER]
    for phase in CUTOVER_PHASES:
        plan = _at(spec, phase)
        step = CUTOVER_PHASES.index(phase)
        running = {c.pipeline: c for c in plan.connectors if c.state == "running"}
        for name in cutover.pipelines:
            mine = {c.key: (c.cluster, c.state) for c in plan.connectors if c.pipeline == name}
            if spec.pipelines[name].kind == "source" and phase == "producers":
                assert name not in running  # stopped on both sides while the mirror drains
                assert mine == {
                    name: ("classic", "stopped"),
                    f"{name}@target": ("target", "stopped"),
                }
                continue
            moved = step >= (3 if spec.pipelines[name].kind == "source" else 1)
            expected = cutover.to_cluster if moved else cutover.from_cluster
            assert running[name].cluster == expected, (phase, name)
            if moved and phase != "done":
                assert mine == {
                    name: ("classic", "stopped"),
                    f"{name}@target": ("target", "running"),
                }
            elif moved:
                assert mine == {f"{name}@target": ("target", "running")}, (phase, name)
            else:
                assert mine == {name: ("classic", "running")}, (phase, name)
        keys = Counter(c.key for c in plan.connectors)
        assert max(keys.values()) == 1, keys


@PROPERTY_SETTINGS
@given(cutover_specs())
def test_the_mirror_runs_until_done_and_translates_the_moving_groups(
    spec: PlatformSpec,
) -> None:
    cutover = spec.cutovers[CUTOVER]
    sinks = sorted(n for n in cutover.pipelines if spec.pipelines[n].kind == "sink")
    topics = sorted(t for n in cutover.pipelines for t in spec.pipelines[n].written_topics)
    for phase in CUTOVER_PHASES:
        plan = _at(spec, phase)
        mirrors = [c for c in plan.connectors if c.pipeline == f"{CUTOVER}-mirror"]
        if phase == "done":
            assert mirrors == []
            continue
        source, checkpoint = sorted(mirrors, key=lambda c: c.connector)
        assert {source.state, checkpoint.state} == {"running"}
        assert source.pool == checkpoint.pool == cutover.mirror_pool
        assert source.config["replication.policy.class"].endswith("IdentityReplicationPolicy")
        assert source.config["emit.offset-syncs.enabled"] == "true"
        assert sorted(source.config["topics"].split(",")) == topics
        assert checkpoint.connector_class.endswith("MirrorCheckpointConnector")
        assert sorted(checkpoint.config["groups"].split(",")) == [
            names.sink_group(s) for s in sinks
        ]
        assert checkpoint.config["sync.group.offsets.enabled"] == "true"
        assert checkpoint.config["groups.exclude"] == "__.*"  # not MirrorMaker's connect-.*


@PROPERTY_SETTINGS
@given(cutover_specs())
def test_nothing_provisioned_is_dropped_and_the_rest_is_untouched(spec: PlatformSpec) -> None:
    cutover = spec.cutovers[CUTOVER]
    home = plan_platform(spec.model_copy(update={"cutovers": {}}), REPO)
    staying = [c for c in home.connectors if c.pipeline not in cutover.pipelines]
    old_topics = {t.name for t in home.clusters["classic"].topics}
    for phase in CUTOVER_PHASES:
        plan = _at(spec, phase)
        assert old_topics <= {t.name for t in plan.clusters["classic"].topics}, phase
        for connector in staying:
            assert connector in plan.connectors, (phase, connector.pipeline)
        target = {g.principal.username for g in plan.clusters["target"].grants}
        for name in cutover.pipelines:  # the target's principals exist from the start
            assert names.connector_principal(name) in target, (phase, name)
        for cluster in plan.clusters.values():  # every principal is throttled
            quotas = {q.entity_name for q in cluster.quotas if q.entity_type == "user"}
            assert {p.username for p in cluster.principals} == quotas


@PROPERTY_SETTINGS
@given(cutover_specs())
def test_each_phase_is_a_sound_platform(spec: PlatformSpec) -> None:
    for phase in CUTOVER_PHASES:
        effective = spec_at(spec, cutover_plans(spec, {CUTOVER: phase}))
        assert check_doctrine(effective) == [], phase


def test_a_phase_plans_the_same_going_forward_or_back() -> None:
    """Rollback is planning the earlier phase: the plan is a function of the phase."""
    spec = platform_from_mapping(_base())
    forward = [_at(spec, phase) for phase in CUTOVER_PHASES]
    back = [_at(spec, phase) for phase in reversed(CUTOVER_PHASES)]
    assert forward == list(reversed(back))
    assert forward[0] != forward[1] != forward[2] != forward[3]
    assert _at(spec, "mirror") == plan_platform(spec, REPO)  # the declared phase


def test_the_producer_move_removes_the_old_write_grant_in_the_same_step() -> None:
    spec = platform_from_mapping(_base())
    source = names.connector_principal("orders-events")
    mirror = names.connector_principal(f"{CUTOVER}-mirror")
    before = _at(spec, "consumers").topic_writers()
    during = _at(spec, "producers").topic_writers()
    after = _at(spec, "done").topic_writers()
    assert before[("classic", "raw.orders.events")] == {source}
    assert before[("target", "raw.orders.events")] == {mirror}
    assert ("classic", "raw.orders.events") not in during  # the old writer lost WRITE
    assert during[("target", "raw.orders.events")] == {mirror}  # draining the old tail
    assert ("classic", "raw.orders.events") not in after
    assert after[("target", "raw.orders.events")] == {source}


def test_a_cutover_of_sinks_reading_a_declared_mirror_runs_no_mirror_of_its_own() -> None:
    platform = _base()
    platform["pipelines"]["orders-copy"] = {
        "kind": "mirror",
        "owner": "orders",
        "pool": "target-mirror",
        "source_cluster": "classic",
        "reads": ["raw.orders.events"],
    }
    platform["cutovers"][CUTOVER]["pipelines"] = ["orders-archive"]
    spec = platform_from_mapping(platform)
    for phase in CUTOVER_PHASES:
        plan = _at(spec, phase)
        assert not [c for c in plan.connectors if c.pipeline == f"{CUTOVER}-mirror"], phase
        (archive,) = [
            c
            for c in plan.connectors
            if c.key.startswith("orders-archive") and c.state == "running"
        ]
        assert archive.cluster == ("classic" if phase == "mirror" else "target"), phase
