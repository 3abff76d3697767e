"""Each readiness signal flips green -> yellow -> red on crafted specs (or plans).

The base is the small estate of ``tests/cost/estate.py`` with its source routed to its
declared topics and a sink on ``delivery``; each test changes one fact.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.plan.platform import PlatformPlan, plan_platform
from bulkheads.readiness.facts import Check, Facts, worst
from bulkheads.readiness.scorecard import AREAS, score
from bulkheads.spec.loader import load_stack_file, platform_from_mapping
from tests.cost.estate import estate, pool

ROUTER = "org.apache.kafka.connect.transforms.RegexRouter"
IMAGE = {"bulkheads:automqImage": "automqinc/automq:1.6.1"}


def base() -> dict[str, Any]:
    platform = estate()
    platform["pipelines"]["orders-cdc"]["connector"]["config"] = {
        "topic.prefix": "orders",
        "table.include.list": "public.events,public.items",
        "transforms": "events,items",
        "transforms.events.type": ROUTER,
        "transforms.events.regex": r"orders\.public\.events",
        "transforms.events.replacement": "raw.orders.events",
        "transforms.items.type": ROUTER,
        "transforms.items.regex": r"orders\.public\.(items)",
        "transforms.items.replacement": "raw.orders.$1",
    }
    platform["pipelines"]["orders-rebuild"]["connector"]["config"] = {
        "transforms": "rebuild",
        "transforms.rebuild.type": ROUTER,
        "transforms.rebuild.regex": r"raw\.orders\.events",
        "transforms.rebuild.replacement": "derived.orders.rebuilt",
    }
    platform["pools"]["sinks"] = {
        **pool("delivery", "derived", replicas=1),
        "plugins": {
            "s3": {
                "artifacts": ["io.confluent:kafka-connect-s3:10.6.7"],
                "classes": ["io.confluent.connect.s3.S3SinkConnector"],
                "repository": "https://artifacts.example.internal/maven/confluent",
            }
        },
    }
    platform["pipelines"]["orders-archive"] = {
        "kind": "sink",
        "owner": "orders",
        "pool": "sinks",
        "connector": {"class": "io.confluent.connect.s3.S3SinkConnector"},
        "reads": ["raw.orders.events"],
    }
    return platform


def facts(platform: dict[str, Any], config: dict[str, Any] | None = None) -> Facts:
    spec = platform_from_mapping(platform)
    return Facts(spec, plan_platform(spec, Path(".")), IMAGE if config is None else config)


def signal(name: str) -> Callable[[Facts], list[Check]]:
    (function,) = [f for signals in AREAS.values() for n, f in signals if n == name]
    return function


def status(name: str, facts_: Facts) -> str:
    return worst([check.status for check in signal(name)(facts_)])


def non_green(name: str, facts_: Facts) -> list[Check]:
    return [check for check in signal(name)(facts_) if check.status != "green"]


def with_plan(facts_: Facts, edit: Callable[[PlatformPlan], PlatformPlan]) -> Facts:
    return dataclasses.replace(facts_, plan=edit(facts_.plan))


def replace_topic(plan: PlatformPlan, cluster: str, name: str, **changes: Any) -> PlatformPlan:
    topics = tuple(
        dataclasses.replace(t, **changes) if t.name == name else t
        for t in plan.clusters[cluster].topics
    )
    clusters = {
        **plan.clusters,
        cluster: dataclasses.replace(plan.clusters[cluster], topics=topics),
    }
    return dataclasses.replace(plan, clusters=clusters)


def with_config(plan: PlatformPlan, pipeline: str, **config: str) -> PlatformPlan:
    """``plan`` with ``config`` merged into ``pipeline``'s planned connector config."""
    connectors = tuple(
        dataclasses.replace(c, config={**c.config, **config}) if c.pipeline == pipeline else c
        for c in plan.connectors
    )
    return dataclasses.replace(plan, connectors=connectors)


def config_of(platform: dict[str, Any], pipeline: str) -> dict[str, Any]:
    connector = platform["pipelines"][pipeline]["connector"]
    return connector.setdefault("config", {})  # type: ignore[no-any-return]


# --- Compatibility ---------------------------------------------------------------------


def test_plugins_green_when_pinned_yellow_when_floating_red_when_undeclared() -> None:
    platform = base()
    assert status("plugins", facts(platform)) == "green"
    platform["pools"]["sinks"]["plugins"]["s3"]["artifacts"] = [
        "io.confluent:kafka-connect-s3:10.7.0-SNAPSHOT"
    ]
    assert [(c.status, c.where) for c in non_green("plugins", facts(platform))] == [
        ("yellow", "pools.sinks.plugins")
    ]
    # validate refuses an undeclared class, so the red case is a spec edited after it
    valid = facts(base())
    sinks = valid.spec.pools["sinks"].model_copy(update={"plugins": {}})
    spec = valid.spec.model_copy(update={"pools": {**valid.spec.pools, "sinks": sinks}})
    red = non_green("plugins", dataclasses.replace(valid, spec=spec))
    assert [(c.status, c.detail) for c in red] == [
        ("red", "no plugin is declared for io.confluent.connect.s3.S3SinkConnector")
    ]


@pytest.mark.parametrize(
    ("config", "expected"),
    [(IMAGE, "green"), ({"bulkheads:automqImage": "automqinc/automq"}, "yellow"), ({}, "red")],
)
def test_kafka_versions_follow_the_automq_image(config: dict[str, Any], expected: str) -> None:
    checks = signal("kafka-versions")(facts(base(), config))
    assert [c.status for c in checks] == [expected, "green"]
    assert checks[1].detail == "MSK Kafka 3.9.x"


def test_clients_name_their_library() -> None:
    platform = base()
    client = {"owner": "orders", "class": "derived", "cidr": "10.70.0.0/16"}
    platform["clusters"]["delivery"]["clients"] = {"fraud": dict(client)}
    assert status("clients", facts(platform)) == "yellow"
    platform["clusters"]["delivery"]["clients"]["fraud"]["library"] = "librdkafka 2.6.1"
    assert status("clients", facts(platform)) == "green"


# --- Offsets ---------------------------------------------------------------------------


def test_source_offsets_red_when_moved_out_of_the_pool() -> None:
    platform = base()
    assert status("source-offsets", facts(platform)) == "green"
    config_of(platform, "orders-rebuild")["offsets.storage.topic"] = "raw.orders.offsets"
    (check,) = non_green("source-offsets", facts(platform))
    assert check.status == "red" and "raw.orders.offsets" in check.detail


def test_sink_offsets_red_when_the_group_is_overridden() -> None:
    ready = facts(base())
    assert status("sink-offsets", ready) == "green"
    # validate refuses the key (the plan sets the group), so the red case is an edited plan
    override = {"consumer.override.group.id": "shared"}
    shared = with_plan(ready, lambda plan: with_config(plan, "orders-archive", **override))
    (check,) = non_green("sink-offsets", shared)
    assert check.status == "red"
    assert check.detail == "commits as group shared, not its own connect-orders-archive"


def test_sink_offsets_red_when_another_principal_reads_the_group() -> None:
    ready = facts(base())

    def share_group(plan: PlatformPlan) -> PlatformPlan:
        cluster = plan.clusters["delivery"]
        sink = next(g for g in cluster.grants if g.principal.pipeline == "orders-archive")
        other = next(g for g in cluster.grants if g.principal.pipeline == "orders-mirror")
        stolen = dataclasses.replace(other, bindings=other.bindings + sink.bindings)
        grants = tuple(stolen if g is other else g for g in cluster.grants)
        clusters = {**plan.clusters, "delivery": dataclasses.replace(cluster, grants=grants)}
        return dataclasses.replace(plan, clusters=clusters)

    (check,) = non_green("sink-offsets", with_plan(ready, share_group))
    assert check.detail == "readable by pipeline.orders-archive, pipeline.orders-mirror"


@pytest.mark.parametrize(
    ("errors", "expected"),
    [({}, "green"), ({"errors.tolerance": "all"}, "yellow"), ({"errors.tolerance": "none"}, "red")],
)
def test_no_hand_edits_needs_a_dead_letter_topic(errors: dict[str, str], expected: str) -> None:
    platform = base()
    config_of(platform, "orders-archive").update(errors)
    assert status("no-hand-edits", facts(platform)) == expected


def test_replay_start_is_applied_by_the_cronjob_unless_no_scheduler_runs_it() -> None:
    platform = base()
    assert status("replay-start", facts(platform)) == "green"
    platform["pipelines"]["orders-rebuild"]["connector"]["state"] = "stopped"
    (check,) = non_green("replay-start", facts(platform))
    assert "declared stopped, so no scheduler runs it" in check.detail


def test_replay_start_is_applied_by_the_local_scheduler() -> None:
    stack = load_stack_file(PROJECT_ROOT / "stacks" / "Pulumi.local.yaml")
    local = Facts(stack.spec, plan_platform(stack.spec, PROJECT_ROOT), stack.config)
    (check,) = signal("replay-start")(local)
    assert (check.status, check.where) == ("green", "pipelines.orders-rebuild.from")
    assert "earliest (the default)" in check.detail


# --- Data contracts --------------------------------------------------------------------


def test_separation_yellow_for_a_shared_delivery_topic_red_for_a_broken_contract() -> None:
    platform = base()
    assert status("separation", facts(platform)) == "green"
    platform["pipelines"]["orders-rebuild"]["writes"][0]["topic"] = "delivery.orders.rebuilt"
    config_of(platform, "orders-rebuild")["transforms.rebuild.replacement"] = (
        "delivery.orders.rebuilt"
    )
    for name in ("feed-a", "feed-b"):
        platform["pipelines"][name] = {
            **platform["pipelines"]["orders-archive"],
            "reads": ["delivery.orders.rebuilt"],
        }
    assert status("separation", facts(platform)) == "yellow"
    broken = with_plan(
        facts(base()),
        lambda plan: replace_topic(
            plan, "delivery", "derived.orders.rebuilt", writer="orders-archive"
        ),
    )
    assert status("separation", broken) == "red"


def test_owners_red_for_a_topic_nobody_owns() -> None:
    ready = facts(base())
    assert status("owners", ready) == "green"
    orphaned = with_plan(
        ready, lambda plan: replace_topic(plan, "ingest", "raw.orders.items", owner="nobody")
    )
    (check,) = non_green("owners", orphaned)
    assert check.status == "red" and check.detail == "no owner: raw.orders.items"


def test_declared_reads_yellow_for_direct_clients() -> None:
    platform = base()
    assert status("declared-reads", facts(platform)) == "green"
    client = {"owner": "orders", "class": "derived", "cidr": "10.70.0.0/16"}
    platform["clusters"]["delivery"]["clients"] = {"fraud": client}
    (check,) = non_green("declared-reads", facts(platform))
    assert check.where == "clusters.delivery.clients.fraud" and check.status == "yellow"


def test_routing_red_for_a_replay_copying_onto_its_own_input() -> None:
    platform = base()
    del platform["pipelines"]["orders-rebuild"]["connector"]["config"]
    (check,) = non_green("routing", facts(platform))
    assert check.status == "red"
    assert check.detail == "undeclared: raw.orders.events lands on raw.orders.events"


def test_routing_green_yellow_red() -> None:
    platform = base()
    assert status("routing", facts(platform)) == "green"
    platform["pipelines"]["orders-cdc"]["connector"]["class"] = "com.acme.OrdersSource"
    platform["pools"]["cdc"]["plugins"]["acme"] = {
        "artifacts": ["com.acme:orders-source:1.4.0"],
        "classes": ["com.acme.OrdersSource"],
    }
    assert status("routing", facts(platform)) == "yellow"
    # validate refuses a route to an undeclared topic, so the red case is an edited plan
    misrouted = with_plan(
        facts(base()),
        lambda plan: with_config(
            plan, "orders-cdc", **{"transforms.items.replacement": "raw.orders.item_$1"}
        ),
    )
    (check,) = non_green("routing", misrouted)
    assert check.status == "red"
    assert check.detail == "undeclared: orders.public.items lands on raw.orders.item_items"


def test_routing_sees_mysql_schema_changes() -> None:
    platform = base()
    platform["pipelines"]["orders-cdc"]["connector"]["class"] = (
        "io.debezium.connector.mysql.MySqlConnector"
    )
    (check,) = non_green("routing", facts(platform))
    assert check.detail == "undeclared: orders lands on orders"
    config_of(platform, "orders-cdc")["include.schema.changes"] = "false"
    assert status("routing", facts(platform)) == "green"


# --- Cost model ------------------------------------------------------------------------


def test_throughput_yellow_when_some_writers_lack_it_red_when_all_do() -> None:
    platform = base()
    assert status("throughput", facts(platform)) == "green"
    del platform["pipelines"]["orders-rebuild"]["throughput"]
    assert [c.where for c in non_green("throughput", facts(platform))] == [
        "pipelines.orders-rebuild.throughput"
    ]
    assert status("throughput", facts(platform)) == "yellow"
    del platform["pipelines"]["orders-cdc"]["throughput"]
    assert status("throughput", facts(platform)) == "red"


@pytest.mark.parametrize(
    ("throughput", "expected"),
    [
        ({"average": "2MiB", "peak": "10MiB"}, "green"),  # replay quota 10MiB/s
        ({"average": "2MiB", "peak": "12MiB"}, "yellow"),
        ({"average": "11MiB", "peak": "12MiB"}, "red"),
    ],
)
def test_replay_budget(throughput: dict[str, str], expected: str) -> None:
    platform = base()
    platform["pipelines"]["orders-rebuild"]["throughput"] = throughput
    assert status("replay-budget", facts(platform)) == expected


@pytest.mark.parametrize(
    ("throughput", "expected"),
    [
        # the mirror copies 3/4 of orders-cdc; derived quota 20MiB/s
        ({"average": "4MiB", "peak": "26MiB"}, "green"),
        ({"average": "4MiB", "peak": "28MiB"}, "yellow"),
        ({"average": "28MiB", "peak": "28MiB"}, "red"),
    ],
)
def test_mirror_budget(throughput: dict[str, str], expected: str) -> None:
    platform = base()
    platform["pipelines"]["orders-cdc"]["throughput"] = throughput
    assert status("mirror-budget", facts(platform)) == expected


@pytest.mark.parametrize(("volume", "expected"), [(2500, "green"), (2000, "yellow"), (1500, "red")])
def test_disk_capacity(volume: int, expected: str) -> None:
    # delivery holds 3MiB/s x 7d x 3 (the mirrored copy keeps its origin's live retention)
    # + 1/3 MiB/s x 1d x 3 = 5,315.625 + 84.375 = 5,400 GiB: 72% / 90% / 120% of 3 x volume
    platform = base()
    platform["clusters"]["delivery"]["deploy"]["volume_gib"] = volume
    checks = signal("disk-capacity")(facts(platform))
    assert [c.status for c in checks] == ["green", expected]  # ingest is AutoMQ
    assert checks[1].detail.startswith(f"holds 5,400 GiB of 3 x {volume} GiB")


# --- Rollback --------------------------------------------------------------------------


def test_retained_red_for_an_unprotected_live_topic() -> None:
    ready = facts(base())
    assert status("retained", ready) == "green"
    exposed = with_plan(
        ready, lambda plan: replace_topic(plan, "ingest", "raw.orders.events", protected=False)
    )
    assert status("retained", exposed) == "red"


def test_one_writer_red_for_two_origins() -> None:
    ready = facts(base())
    assert status("one-writer", ready) == "green"
    doubled = with_plan(
        ready,
        lambda plan: replace_topic(plan, "delivery", "raw.orders.events", writer="orders-rebuild"),
    )
    (check,) = non_green("one-writer", doubled)
    assert check.detail == "written by orders-cdc on ingest and orders-rebuild on delivery"


def test_no_cutover_is_nothing_moving() -> None:
    assert status("cutovers", facts(base())) == "green"


@pytest.mark.parametrize("phase", ["mirror", "producers", "done"])
def test_a_cutover_keeps_one_writer_on_its_way_and_back(phase: str) -> None:
    fixture = PROJECT_ROOT / "tests/spec/fixtures/valid/cutover_local.yaml"
    data = yaml.safe_load(fixture.read_text(encoding="utf-8"))["config"]["bulkheads:platform"]
    data["cutovers"]["orders-to-target"]["phase"] = phase
    spec = platform_from_mapping(data)
    (check,) = signal("cutovers")(Facts(spec, plan_platform(spec, PROJECT_ROOT), {}))
    assert (check.status, check.where) == ("green", "cutovers.orders-to-target.phase")
    assert check.detail.startswith(f"at {phase}: one writer per topic at ")


# --- Observability ---------------------------------------------------------------------


def test_paging_yellow_for_a_chat_channel() -> None:
    platform = base()
    assert status("paging", facts(platform)) == "green"
    platform["owners"]["orders"]["oncall"] = "#orders"
    assert status("paging", facts(platform)) == "yellow"


@pytest.mark.parametrize(
    ("alerts", "expected"),
    [
        ({"consumer_lag": "1m", "failed_tasks": 1}, "green"),
        ({"consumer_lag": "1m", "failed_tasks": 2}, "yellow"),
        ({"consumer_lag": "5m", "failed_tasks": 1}, "red"),
    ],
)
def test_thresholds(alerts: dict[str, Any], expected: str) -> None:
    platform = base()
    platform["classes"] = {"live": {"alerts": alerts, "freshness_target": "1m"}}
    assert status("thresholds", facts(platform)) == expected


def test_alert_rules_read_the_planned_groups() -> None:
    checks = non_green("alert-rules", facts(base()))
    # ingest runs on Strimzi (capacity rules planned); delivery on MSK gets none
    assert [(c.status, c.where) for c in checks] == [("yellow", "plan: clusters.delivery")]
    assert "CloudWatch" in checks[0].fix


def test_alert_rules_without_task_health_rules_are_a_gap() -> None:
    platform = base()
    platform["pipelines"]["orders-archive"]["alerts"] = {"failed_tasks": 0}
    gaps = [c.where for c in non_green("alert-rules", facts(platform))]
    assert "plan: clusters.delivery: pipelines orders-archive" in gaps


def test_alert_rules_missing_from_the_plan_are_red() -> None:
    plain = facts(base())
    emptied = dataclasses.replace(plain.plan, alerts=())
    checks = non_green("alert-rules", dataclasses.replace(plain, plan=emptied))
    assert {c.status for c in checks} == {"red", "yellow"}
    assert "plan: clusters.ingest" in [c.where for c in checks]


# --- the scorecard ---------------------------------------------------------------------


def test_an_area_is_its_worst_signal() -> None:
    card = score("small", facts(base()))
    verdicts = {area.name: area.status for area in card.areas}
    assert verdicts == {
        "Compatibility": "green",  # the Debezium and S3 plugins are declared and pinned
        "Offsets": "green",
        "Data contracts": "green",
        "Cost model": "green",
        "Rollback": "green",
        "Observability": "yellow",  # no capacity rules for MSK
    }
    assert card.status == "yellow"
