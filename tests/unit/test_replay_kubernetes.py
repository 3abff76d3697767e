"""The Kubernetes replay scheduler under Pulumi mocks: a CronJob per replay pool, its
ServiceAccount, and a Role bound to exactly that pool's replay KafkaConnectors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bulkheads.plan.platform import ReplaySchedulerPlan, plan_platform
from bulkheads.replay.cronjob import role_rules, scheduler_script
from bulkheads.spec.loader import load_platform
from components import tokens
from components.connector import Connector
from components.replay_scheduler import ReplayScheduler, ReplaySchedulerArgs
from tests.unit.cloud_harness import CloudHarness
from tests.unit.test_runtime_components import connector_args, kubernetes_pool

ROOT = Path(__file__).resolve().parents[2]
PLAN = ReplaySchedulerPlan(
    pool="live-cdc",
    owner="payments",
    workload_class="replay",
    window="22:00-04:00",
    connectors=("payments-history-rebuild", "partner-feed-rebuild"),
)


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


def test_scheduler_objects_and_least_privilege(harness: CloudHarness) -> None:
    def build() -> None:
        pool = kubernetes_pool()
        ReplayScheduler("backfill", ReplaySchedulerArgs(PLAN, "prod", pool.target.namespace))

    harness.run(build)
    for typ in (tokens.K8S_SERVICE_ACCOUNT, tokens.K8S_ROLE, tokens.K8S_ROLE_BINDING):
        made = harness.one(typ, parent_type=tokens.REPLAY_SCHEDULER)
        assert made.inputs["metadata"]["name"] == "live-cdc-replay-scheduler"
        assert made.inputs["metadata"]["namespace"] == "connect-live-cdc"
    role = harness.one(tokens.K8S_ROLE, parent_type=tokens.REPLAY_SCHEDULER).inputs
    assert role["rules"] == [
        {
            "apiGroups": ["kafka.strimzi.io"],
            "resources": ["kafkaconnectors"],
            "resourceNames": ["payments-history-rebuild", "partner-feed-rebuild"],
            "verbs": ["get", "patch"],
        }
    ]
    binding = harness.one(tokens.K8S_ROLE_BINDING, parent_type=tokens.REPLAY_SCHEDULER).inputs
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": "live-cdc-replay-scheduler",
    }
    assert binding["subjects"] == [
        {
            "kind": "ServiceAccount",
            "name": "live-cdc-replay-scheduler",
            "namespace": "connect-live-cdc",
        }
    ]
    cron = harness.one(tokens.K8S_CRON_JOB).inputs["spec"]
    assert (cron["schedule"], cron["timeZone"], cron["concurrencyPolicy"]) == (
        "*/5 * * * *",
        "Etc/UTC",
        "Forbid",
    )
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "live-cdc-replay-scheduler"
    script = pod["containers"][0]["command"][2]
    assert script == scheduler_script("22:00-04:00", "connect-live-cdc", PLAN.connectors)
    assert "kubectl -n connect-live-cdc patch kafkaconnector partner-feed-rebuild" in script


def test_an_empty_connector_list_is_refused_rather_than_granting_all() -> None:
    with pytest.raises(ValueError, match="would grant all"):
        role_rules(())


@pytest.mark.parametrize(
    ("window", "minute", "state"),
    [
        ("22:00-04:00", 23 * 60, "running"),
        ("22:00-04:00", 3 * 60 + 59, "running"),
        ("22:00-04:00", 4 * 60, "stopped"),
        ("01:00-05:00", 0, "stopped"),
        ("01:00-05:00", 60 + 8, "running"),
        ("00:00-24:00", 12 * 60, "running"),
    ],
)
def test_the_script_picks_the_window_state_in_a_real_shell(
    window: str, minute: int, state: str, tmp_path: Path
) -> None:
    """Runs the script under /bin/sh with ``date`` and ``kubectl`` faked on PATH."""
    hours, minutes = divmod(minute, 60)
    fake_date = tmp_path / "date"
    fake_date.write_text(
        f'#!/bin/sh\ncase "$2" in +%H) echo {hours:02d};; *) echo {minutes:02d};; esac\n'
    )
    fake_kubectl = tmp_path / "kubectl"
    fake_kubectl.write_text('#!/bin/sh\nprintf "%s\\n" "$*"\n')
    for tool in (fake_date, fake_kubectl):
        tool.chmod(0o755)
    script = scheduler_script(window, "connect-backfill", ("rebuild",))
    ran = subprocess.run(
        ["/bin/sh", "-c", script], env={"PATH": f"{tmp_path}:/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert ran.stdout.strip() == (
        "-n connect-backfill patch kafkaconnector rebuild --type merge "
        f'--field-manager=bulkheads-replay-scheduler -p {{"spec":{{"state":"{state}"}}}}'
    )


def test_replay_kafka_connector_is_created_stopped_and_ignores_its_state(
    harness: CloudHarness,
) -> None:
    def build() -> None:
        pool = kubernetes_pool()
        Connector(
            "rebuild",
            connector_args(pool.target, kind="replay", state="stopped", scheduled=True),
        )

        Connector("cdc", connector_args(pool.target, connector="payments-cdc-2"))

    harness.run(build)
    other, replay = sorted(harness.of_type(tokens.STRIMZI_KAFKA_CONNECTOR), key=lambda r: r.name)
    assert replay.name.startswith("rebuild") and replay.inputs["spec"]["state"] == "stopped"
    assert replay.ignore_changes == ["spec.state"]  # the CronJob owns it
    assert other.ignore_changes == []


def test_dev_plan_schedules_its_kubernetes_replay_pool() -> None:
    spec = load_platform(ROOT / "stacks" / "Pulumi.dev.yaml")
    plan = plan_platform(spec, ROOT)
    replays = [c for c in plan.connectors if c.kind == "replay"]
    assert [s.pool for s in plan.replay_schedulers] == sorted({c.pool for c in replays})
    (scheduler,) = plan.replay_schedulers
    assert scheduler.connectors == tuple(c.connector for c in replays)
    assert all(c.state == "stopped" and c.scheduled for c in replays)
