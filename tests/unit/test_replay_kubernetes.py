"""The Kubernetes replay scheduler under Pulumi mocks: a CronJob per replay pool, its
ServiceAccount, and a Role bound to exactly that pool's replay KafkaConnectors."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bulkheads.plan.platform import ReplaySchedulerPlan, ScheduledReplay, plan_platform
from bulkheads.plan.replay import (
    connector_offsets,
    listed_offsets_config_map,
    positions_from_offsets,
    state_config_map,
)
from bulkheads.replay.cronjob import role_rules
from bulkheads.replay.cronjob_script import (
    CAUGHT_UP_AWK,
    KAFKA_GET_OFFSETS,
    LOGIN_MOUNT,
    OFFSETS_JSON_AWK,
    STATE_MOUNT,
    WORK,
    positions_script,
    scheduler_script,
)
from bulkheads.spec.loader import load_platform
from bulkheads.spec.replay import ReplayFrom, ReplayUntil, parse_window
from components import tokens
from components.connector import Connector
from components.replay_scheduler import ReplayScheduler, ReplaySchedulerArgs
from tests.unit import kube_fakes
from tests.unit.cloud_harness import CloudHarness
from tests.unit.test_runtime_components import connector_args, kubernetes_pool

ROOT = Path(__file__).resolve().parents[2]
PLAN = ReplaySchedulerPlan(
    pool="live-cdc",
    owner="payments",
    workload_class="replay",
    window="22:00-04:00",
    replays=tuple(
        ScheduledReplay(name, ("raw.payments.transactions",), ReplayFrom(), ReplayUntil(), alias)
        for name, alias in (
            ("payments-history-rebuild", "delivery-replay"),
            ("partner-feed-rebuild", None),
        )
    ),
)


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


def test_scheduler_objects_and_least_privilege(harness: CloudHarness) -> None:
    def build() -> None:
        pool = kubernetes_pool()
        assert pool.target.login is not None
        ReplayScheduler(
            "backfill", ReplaySchedulerArgs(PLAN, "prod", pool.target.namespace, pool.target.login)
        )

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
        },
        {
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": ["payments-history-rebuild-replay", "partner-feed-rebuild-replay"],
            "verbs": ["get", "patch"],
        },
        {
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": [
                "payments-history-rebuild-replay-offsets",
                "partner-feed-rebuild-replay-offsets",
            ],
            "verbs": ["get", "delete"],
        },
    ]
    states = [
        m
        for m in harness.of_type(tokens.K8S_CONFIG_MAP)
        if m.inputs["metadata"]["name"].endswith("-replay")
    ]
    assert sorted(m.inputs["metadata"]["name"] for m in states) == [
        "partner-feed-rebuild-replay",
        "payments-history-rebuild-replay",
    ]
    assert all("data" not in m.inputs and m.ignore_changes == ["data"] for m in states)
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
    window = parse_window("22:00-04:00")
    (positions,) = pod["initContainers"]
    assert positions["command"][2] == positions_script(window, PLAN.replays, "SASL_SSL", ca=False)
    assert {"name": "BOOTSTRAP", "value": "b-1.ingest:9096"} in positions["env"]
    logins = [v["secret"] for v in pod["volumes"] if v["name"].startswith("login-")]
    assert logins == [
        {
            "secretName": f"{name}-connector-config",
            "items": [{"key": "consumer.override.sasl.jaas.config", "path": "jaas"}],
        }
        for name in PLAN.connectors
    ]
    script = pod["containers"][0]["command"][2]
    assert script == scheduler_script(window, "connect-live-cdc", PLAN.replays)
    assert "drive partner-feed-rebuild ''" in script
    assert "drive payments-history-rebuild 'delivery-replay'" in script


def test_an_empty_connector_list_is_refused_rather_than_granting_all() -> None:
    with pytest.raises(ValueError, match="would grant all"):
        role_rules(())


def _at(clock: str) -> int:
    """Epoch seconds of ``clock`` (HH:MM UTC) on 2026-03-02."""
    return int(datetime.fromisoformat(f"2026-03-02T{clock}:00+00:00").timestamp())


class CronRun:
    """Runs the CronJob's two steps in a real /bin/sh against faked tools and mounts."""

    def __init__(self, root: Path, replays: tuple[ScheduledReplay, ...], window: str) -> None:
        self.root, self.replays, self.window = root, replays, parse_window(window)
        self.world, self.topics = root / "world.json", root / "topics.json"
        kube_fakes.install(root / "bin", self.world)
        self.world.write_text(
            json.dumps({"configmap": {state_config_map(r.connector): {} for r in replays}})
        )
        for replay in replays:
            (root / "login" / replay.connector).mkdir(parents=True)
            (root / "login" / replay.connector / "jaas").write_text(JAAS)

    def _paths(self, script: str) -> str:
        for mount in (WORK, STATE_MOUNT, LOGIN_MOUNT):
            script = script.replace(f"{mount}/", f"{self.root}{mount}/")
        return script.replace(KAFKA_GET_OFFSETS, str(self.root / "bin" / "kafka-get-offsets.sh"))

    def __call__(self, clock: str) -> str:
        """One run at ``clock``; the scheduler step's output."""
        work = self.root / "work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        for replay in self.replays:  # the state ConfigMap as its volume shows it
            state = self.root / "state" / replay.connector
            shutil.rmtree(state, ignore_errors=True)
            state.mkdir(parents=True)
            data = self.objects("configmap")[state_config_map(replay.connector)].get("data", {})
            for key, value in data.items():
                (state / key).write_text(value)
        env = {
            "PATH": f"{self.root / 'bin'}:/usr/bin:/bin",
            "FAKE_NOW": str(_at(clock)),
            "FAKE_TOPICS": str(self.topics),
            "FAKE_JAAS": JAAS,
            "BOOTSTRAP": "b-1.delivery:9096",
        }
        steps = (
            positions_script(self.window, self.replays, "SASL_SSL", ca=False),
            scheduler_script(self.window, "connect-backfill", self.replays),
        )
        out = ""
        for script in steps:
            ran = subprocess.run(
                ["/bin/sh", "-c", self._paths(script)], env=env, capture_output=True, text=True
            )
            assert ran.returncode == 0, ran.stderr
            out = ran.stdout
        return out

    def objects(self, kind: str) -> dict[str, Any]:
        return kube_fakes.load(self.world).get(kind, {})

    def connector(self, name: str) -> dict[str, Any]:
        return self.objects("kafkaconnector")[name]

    def state(self, name: str) -> dict[str, str]:
        return self.objects("configmap")[state_config_map(name)].get("data", {})

    def strimzi(self, name: str, listed: dict[tuple[str, int], int] | None = None) -> None:
        """What the operator does between runs: apply and clear the offsets annotation,
        writing ``listed`` positions (Connect's GET format) on a list."""
        connector = self.connector(name)
        annotations = connector.get("metadata", {}).get("annotations", {})
        action = annotations.pop("strimzi.io/connector-offsets", None)
        world = kube_fakes.load(self.world)
        world["kafkaconnector"][name] = connector
        if action == "list" and listed is not None:
            replay = next(r for r in self.replays if r.connector == name)
            body = {"offsets": connector_offsets(replay.mirror_alias, listed)}
            world["configmap"][listed_offsets_config_map(name)] = {
                "data": {"offsets.json": json.dumps(body, indent=2)}
            }
        self.world.write_text(json.dumps(world))


JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";'
TOPIC = "raw.payments.transactions"


def _partitions(p0: int, p1: int) -> dict[str, Any]:
    """Two partitions holding ``p0`` and ``p1`` records, one a second from t=1000 s (p0
    from offset 2: its first two records were deleted)."""
    stamps = lambda n: [1_000_000 + 1000 * i for i in range(n)]  # noqa: E731
    return {
        f"{TOPIC}:0": {"start": 2, "timestamps": stamps(p0)},
        f"{TOPIC}:1": {"start": 0, "timestamps": stamps(p1)},
        "raw.payments.transactionsX:0": {"start": 0, "timestamps": stamps(9)},
    }


def test_the_cronjob_starts_at_from_runs_in_the_window_and_stops_when_done(
    tmp_path: Path,
) -> None:
    """A MirrorMaker replay from t=1004 s until caught up, window 22:00-04:00: the start
    goes through Strimzi's alterOffsets, the slice ends where the topic ended when it
    started (a growing input is not copied further), a FAILED replay is restarted, and a
    done replay stays stopped in later windows."""
    replay = ScheduledReplay(
        connector="history-rebuild",
        reads=(TOPIC,),
        start=ReplayFrom(at=datetime.fromtimestamp(1004, UTC)),
        until=ReplayUntil(),
        mirror_alias="delivery-replay",
    )
    run = CronRun(tmp_path, (replay,), "22:00-04:00")
    run.topics.write_text(json.dumps(_partitions(10, 3)))

    assert "outside the window" in run("21:00")
    assert run.connector("history-rebuild")["spec"] == {"state": "stopped"}
    assert run.state("history-rebuild") == {}

    assert "start offsets handed to Strimzi" in run("23:00")
    state = run.state("history-rebuild")
    starts = {(TOPIC, 0): 2 + 4, (TOPIC, 1): 3}  # p1 has nothing that recent: its end
    assert json.loads(state["offsets.json"]) == {
        "offsets": connector_offsets("delivery-replay", starts)
    }
    assert (state["phase"], state["started_at"]) == ("starting", "2026-03-02T23:00:00Z")
    assert state["slice"].split() == [f"{TOPIC}:0:6:12", f"{TOPIC}:1:3:3"]
    annotations = run.connector("history-rebuild")["metadata"]["annotations"]
    assert annotations == {"strimzi.io/connector-offsets": "alter"}
    assert run.connector("history-rebuild")["spec"]["state"] == "stopped"

    assert "Strimzi is applying its start" in run("23:05")  # the operator has not yet
    run.strimzi("history-rebuild")
    run.topics.write_text(json.dumps(_partitions(40, 9)))  # the live input keeps growing
    assert "started" in run("23:10")
    assert run.connector("history-rebuild")["spec"]["state"] == "running"
    assert run.state("history-rebuild")["phase"] == "running"

    run.strimzi("history-rebuild", listed={(TOPIC, 0): 9, (TOPIC, 1): 3})
    assert "running" in run("23:15")
    run.strimzi("history-rebuild", listed={(TOPIC, 0): 10, (TOPIC, 1): 3})
    assert "outside the window" in run("04:00")
    assert run.connector("history-rebuild")["spec"]["state"] == "stopped"
    assert run.state("history-rebuild")["phase"] == "outside-window"

    world = kube_fakes.load(run.world)
    world["kafkaconnector"]["history-rebuild"]["status"] = {
        "connectorStatus": {"connector": {"state": "RUNNING"}, "tasks": [{"state": "FAILED"}]}
    }
    run.world.write_text(json.dumps(world))
    out = run("22:00")
    assert "FAILED, restarted" in out and "running" in out
    annotations = run.connector("history-rebuild")["metadata"]["annotations"]
    assert annotations["strimzi.io/restart"] == "includeTasks,onlyFailed"

    run.strimzi("history-rebuild", listed={(TOPIC, 0): 12, (TOPIC, 1): 3})  # the slice's end
    assert "done" in run("22:05")
    assert run.state("history-rebuild")["done_at"] == "2026-03-02T22:05:00Z"
    assert run.connector("history-rebuild")["spec"]["state"] == "stopped"
    assert "history-rebuild: done" in run("23:00")  # the next window keeps it stopped
    assert run.connector("history-rebuild")["spec"]["state"] == "stopped"


def _shell(function: str, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    script = f'f() {{ {function}; }}\nf "$@"\n'
    return subprocess.run(
        ["/bin/sh", "-c", script, "sh", *args], input=stdin, capture_output=True, text=True
    )


@pytest.mark.parametrize("alias", ["delivery-replay", None])
def test_the_scripts_speak_the_plans_offsets_dialects(alias: str | None) -> None:
    """The awk building offsets.json and reading listed offsets agrees with
    ``connector_offsets`` / ``positions_from_offsets``, for both dialects."""
    positions = {("a.b", 0): 0, ("a.b", 1): 7, ("c", 0): 12}
    made = _shell(OFFSETS_JSON_AWK, alias or "", stdin="a.b:0:0\na.b:1:7\nc:0:12\n")
    assert json.loads(made.stdout) == {"offsets": connector_offsets(alias, positions)}
    listed = json.dumps({"offsets": connector_offsets(alias, positions)}, indent=2)
    read = positions_from_offsets(alias, connector_offsets(alias, positions))
    for tp, end in {**read, ("a.b", 0): 1}.items():
        caught = _shell(CAUGHT_UP_AWK, alias or "", f"{tp[0]}:{tp[1]}:0:{end}", stdin=listed)
        assert caught.returncode == (0 if read.get(tp, 0) >= end else 1), (tp, end)
    empty_slice = _shell(CAUGHT_UP_AWK, alias or "", "x:0:5:5", stdin=listed)
    assert empty_slice.returncode == 0


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
    assert replay.inputs["spec"]["alterOffsets"] == {
        "fromConfigMap": {"name": "payments-cdc-replay"}
    }
    assert replay.inputs["spec"]["listOffsets"] == {
        "toConfigMap": {"name": "payments-cdc-replay-offsets"}
    }
    assert "alterOffsets" not in other.inputs["spec"]
    assert other.ignore_changes == []


def test_dev_plan_schedules_its_kubernetes_replay_pool() -> None:
    spec = load_platform(ROOT / "stacks" / "Pulumi.dev.yaml")
    plan = plan_platform(spec, ROOT)
    replays = [c for c in plan.connectors if c.kind == "replay"]
    assert [s.pool for s in plan.replay_schedulers] == sorted({c.pool for c in replays})
    (scheduler,) = plan.replay_schedulers
    assert scheduler.connectors == tuple(c.connector for c in replays)
    assert all(c.state == "stopped" and c.scheduled for c in replays)
