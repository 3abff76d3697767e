"""The operations layer against the real local stack: a sink's target breaks, ``bulkheads
status`` reports the failed task and the growing lag against its threshold with the owner's
on-call, and the runbook's own commands (restart, pause, resume, ``bulkheads up``) bring it
back.

One ``pulumi up`` of the local stack on free ports (its own state dirs, beside a ``make
up``); ``orders-archive`` gets a 5 s consumer-lag threshold so that a breach shows within
seconds. Everything started here is destroyed and stopped at the end.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bulkheads.engine import Engine
from bulkheads.local import LocalPlatform
from bulkheads.ops.commands import CLEAR_SCREEN
from tests.integration.local_stack import isolated_spec
from tests.integration.test_stack_local import ROOT, _restore, eventually

pytestmark = pytest.mark.integration
pytest.importorskip("confluent_kafka")
from confluent_kafka import Producer  # noqa: E402

STACK = "local"
SINK = "orders-archive"
LAG_THRESHOLD = "5s"
COMMAND_TIMEOUT = 300


@dataclass
class OpsStack:
    spec_file: Path
    source_file: Path
    sink_file: Path
    env: dict[str, str]

    def bulkheads(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run the ``bulkheads`` CLI as a user would, in this stack's environment."""
        result = subprocess.run(
            [sys.executable, "-m", "bulkheads.cli", *args],
            env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
        )  # fmt: skip
        if check and result.returncode not in (0, 1):
            raise AssertionError(f"bulkheads {' '.join(args)}: {result.stderr[-2000:]}")
        return result

    def status(self) -> tuple[int, dict[str, dict[str, Any]]]:
        result = self.bulkheads("status", "--stack", STACK, "--json")
        return result.returncode, {row["pipeline"]: row for row in json.loads(result.stdout)}

    def runbook_commands(self, section: str, tool: str = "bulkheads") -> list[list[str]]:
        """The ``tool`` commands of one runbook section, as the runbook prints them."""
        text = self.bulkheads("runbook", STACK, SINK).stdout
        body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
        block = body.split("```sh\n", 1)[1].split("```", 1)[0]
        return [shlex.split(line) for line in block.splitlines() if line.startswith(f"{tool} ")]

    def produce(self, count: int) -> None:
        with self.source_file.open("a") as source:
            for index in range(count):
                source.write(json.dumps({"id": f"ops-{time.time_ns()}-{index}"}) + "\n")


@pytest.fixture(scope="module")
def ops(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[OpsStack]:
    state = tmp_path_factory.mktemp("ops-local")
    spec_file, port = isolated_spec(state, free_port)
    document = yaml.safe_load(spec_file.read_text())
    pipelines = document["config"]["bulkheads:platform"]["pipelines"]
    pipelines[SINK]["alerts"] = {"consumer_lag": LAG_THRESHOLD}
    spec_file.write_text(yaml.safe_dump(document))
    files = {name: Path(p["connector"]["config"]["file"]) for name, p in pipelines.items()
             if "file" in p.get("connector", {}).get("config", {})}  # fmt: skip
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    keys = ("BULKHEADS_STATE_DIR", "BULKHEADS_PULUMI_DIR", "BULKHEADS_SPEC_FILE")
    saved = {key: os.environ.get(key) for key in keys}
    os.environ.update(
        BULKHEADS_STATE_DIR=str(state / "local"),
        BULKHEADS_PULUMI_DIR=str(state / "pulumi"),
        BULKHEADS_SPEC_FILE=str(spec_file),
    )
    harness = LocalPlatform(state_dir=state / "local")
    engine: Engine | None = None
    try:
        # `bulkheads up` (a runbook command) starts the cluster's controller on port + 1
        harness.start_kafka(port=port, controller_port=port + 1, cluster=STACK)
        engine = Engine.ensure()
        engine.select_stack(STACK)
        engine.run("up", "--yes", "--skip-preview", "--stack", STACK, capture=True)
        yield OpsStack(spec_file, files["orders-events"], files[SINK], dict(os.environ))
    finally:
        if engine is not None:
            engine.run("destroy", "--yes", "--skip-preview", "--stack", STACK, check=False)
        harness.down()
        for key, value in saved.items():
            _restore(key, value)


def test_alerts_of_the_stack_carry_the_pipeline_override(ops: OpsStack) -> None:
    rules = yaml.safe_load(ops.bulkheads("alerts", "--stack", STACK).stdout)
    lag = [
        rule
        for group in rules["groups"]
        for rule in group["rules"]
        if rule["alert"] == "BulkheadsConsumerLag" and rule["labels"].get("pipeline") == SINK
    ]
    assert [rule["annotations"]["threshold"] for rule in lag] == [LAG_THRESHOLD]
    assert lag[0]["labels"]["oncall"] == "pagerduty:analytics"


def test_status_reports_a_failed_sink_and_its_growing_lag_with_the_oncall(ops: OpsStack) -> None:
    ops.produce(3)
    eventually(lambda: ops.status()[1][SINK]["lag"]["records"] == 0, "the sink to catch up")

    ops.sink_file.unlink(missing_ok=True)
    ops.sink_file.mkdir()  # the sink's target can no longer be written
    restart, restart_task = ops.runbook_commands("Restart a failed task")
    assert restart_task[-2:] == ["--task", "0"]
    assert ops.bulkheads(*restart_task[1:]).returncode == 0  # a running task restarts too
    eventually(lambda: ops.status()[1][SINK]["failed_tasks"] == 1, "the sink task to fail")

    ops.produce(5)
    code, first = ops.status()
    row = first[SINK]
    assert code == 1
    assert row["tasks"] == {"0": "FAILED"} and row["error"]
    assert row["oncall"] == "pagerduty:analytics" and row["owner"] == "analytics"
    assert "1 failed task(s) >= 1" in row["breaches"]
    assert row["lag_threshold_ms"] == 5000

    time.sleep(3)
    ops.produce(5)
    behind = first[SINK]["lag"]["records"]
    later = eventually(lambda: _lag_breached(ops, behind), "the lag to grow past its threshold")
    assert later["lag"]["seconds"] > first[SINK]["lag"]["seconds"]
    table = ops.bulkheads("status", STACK).stdout
    sink_table = table.split(f"{SINK}  sink", 1)[1].split("\n\n", 1)[0]
    assert "0:FAILED (alert at 1 failed)  <- BREACH" in sink_table
    assert "(alert > 5s)  <- BREACH" in sink_table
    assert "pagerduty:analytics" in sink_table

    shutil.rmtree(ops.sink_file)  # the target is back: the runbook's restart recovers
    assert ops.bulkheads(*restart[1:]).returncode == 0
    recovered = eventually(
        lambda: (row := ops.status()[1][SINK])["lag"]["records"] == 0 and row,
        "the backlog to drain",
    )
    assert recovered["tasks"] == {"0": "RUNNING"} and not recovered["breaches"]


def _lag_breached(ops: OpsStack, records_before: int) -> dict[str, Any] | None:
    """The sink's status once its lag grew beyond ``records_before`` and breached."""
    row = ops.status()[1][SINK]
    grown = row["lag"]["records"] > records_before
    return row if grown and any(b.startswith("lag ") for b in row["breaches"]) else None


def test_runbook_pause_resume_and_up_restore_the_declared_state(ops: OpsStack) -> None:
    pause, resume = ops.runbook_commands("Pause and resume")
    assert ops.bulkheads(*pause[1:]).stdout.startswith(f"{SINK}: PAUSED")
    assert ops.status()[1][SINK]["connector_state"] == "PAUSED"
    assert ops.bulkheads(*resume[1:]).stdout.startswith(f"{SINK}: RUNNING")

    assert ops.bulkheads(*pause[1:]).returncode == 0
    up = [c for c in ops.runbook_commands("Roll back") if c[:2] == ["bulkheads", "up"]]
    assert up == [["bulkheads", "up", "--stack", STACK, "--refresh", "--yes"]]
    result = ops.bulkheads(*up[0][1:])
    assert result.returncode == 0, result.stderr[-3000:]
    assert ops.status()[1][SINK]["connector_state"] == "RUNNING"


def test_the_runbook_names_who_is_paged_and_what_it_touches(ops: OpsStack) -> None:
    text = ops.bulkheads("runbook", STACK, SINK).stdout
    facts = (
        "| on-call | pagerduty:analytics |",
        "| reads | raw.orders.events |",
        "| principal | pipeline.orders-archive |",
        "| consumer group | connect-orders-archive |",
        "| BulkheadsConsumerLag | 5s |",
    )
    for fact in facts:
        assert fact in text, fact


def test_the_runbooks_roll_back_reverts_the_breaking_commit_previews_and_applies(
    ops: OpsStack,
) -> None:
    """The whole roll-back block as printed, in a git repository holding the stack file: a
    commit pausing the sink is applied; ``git log`` finds it, ``git revert`` undoes it,
    ``bulkheads preview`` shows the sink's connector changing back, ``bulkheads up``
    applies that."""
    repo = ops.spec_file.parent
    who = {f"GIT_{role}_{part}": value for role in ("AUTHOR", "COMMITTER")
           for part, value in (("NAME", "ops"), ("EMAIL", "ops@example.invalid"))}  # fmt: skip
    env = {**ops.env, **who, "GIT_EDITOR": "true"}

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    git("init", "-q")
    git("add", ops.spec_file.name)
    git("commit", "-qm", "the stack as deployed")
    deployed = ops.spec_file.read_text()
    document = yaml.safe_load(ops.spec_file.read_text())
    document["config"]["bulkheads:platform"]["pipelines"][SINK]["connector"]["state"] = "paused"
    ops.spec_file.write_text(yaml.safe_dump(document))
    git("commit", "-qam", "pause the archive")
    applied = ops.bulkheads("up", "--stack", STACK, "--yes")
    assert applied.returncode == 0, applied.stderr[-3000:]
    assert ops.status()[1][SINK]["connector_state"] == "PAUSED"

    (log, revert) = ops.runbook_commands("Roll back", tool="git")
    assert log[:3] == ["git", "log", "--oneline"] and revert == ["git", "revert", "<commit>"]
    newest, subject = git(*log[1:]).splitlines()[0].split(" ", 1)
    assert subject == "pause the archive"
    git(*(newest if word == "<commit>" else word for word in revert[1:]))
    assert ops.spec_file.read_text() == deployed

    preview, up = ops.runbook_commands("Roll back")
    assert preview == ["bulkheads", "preview", "--stack", STACK]
    shown = ops.bulkheads(*preview[1:])
    assert shown.returncode == 0, shown.stderr[-3000:]
    changes = [line for line in (shown.stdout + shown.stderr).splitlines() if SINK in line]
    assert any("update" in line for line in changes), shown.stdout[-3000:]
    assert ops.status()[1][SINK]["connector_state"] == "PAUSED"  # a preview changes nothing
    result = ops.bulkheads(*up[1:])
    assert result.returncode == 0, result.stderr[-3000:]
    assert ops.status()[1][SINK]["connector_state"] == "RUNNING"


def test_status_watch_redraws_the_live_stack(ops: OpsStack) -> None:
    """``--watch`` against the real stack: two full tables, each after a clear-screen."""
    shown = ops.bulkheads("status", "--stack", STACK, "--watch", "--interval", "1", "--count", "2")
    frames = shown.stdout.split(CLEAR_SCREEN)
    assert frames[0] == "" and len(frames) == 3, shown.stdout[-2000:]
    pipelines = yaml.safe_load(ops.spec_file.read_text())["config"]["bulkheads:platform"]
    for frame in frames[1:]:
        assert [line.split()[0] for line in frame.splitlines() if line and line[0] != " "] == (
            sorted(pipelines["pipelines"])
        )


REPLAY = "orders-rebuild"  # a 512 KiB/s consumer quota in the local stack
BURST_BYTES = 48 * 1024 * 1024  # ~96 s of throttling at 512 KiB/s: outlasts slow refreshes


def test_status_shows_the_throttle_time_of_a_replay_held_to_its_quota(ops: OpsStack) -> None:
    """A burst of history on the replay's source topic, then the replay run again (its
    runbook's rerun, then a scheduler tick): it copies the burst at its 512 KiB/s consumer
    quota, so the broker throttles its principal's fetches, and ``status`` reads that from
    the broker's /metrics: nonzero for the replay, 0 for every other pipeline."""
    admin = LocalPlatform().connection(STACK).client_config()
    producer = Producer({**admin, "linger.ms": 20, "compression.type": "none"})
    line = "x" * 1000
    for index in range(BURST_BYTES // 1024):  # FileStream's JSON envelope: the sink reads it
        value = {"schema": {"type": "string", "optional": False}, "payload": f"{index} {line}"}
        producer.produce("raw.orders.events", json.dumps(value).encode())
        if index % 1000 == 0:
            producer.poll(0)
    assert producer.flush(60) == 0
    noon = time.strftime("%Y-%m-%dT12:00:00Z", time.gmtime())  # inside its 00:00-23:59 window
    for command in (("rerun", REPLAY), ("tick", "--now", noon)):  # the replay runs again
        done = ops.bulkheads("replay", *command, "--stack", STACK)
        assert done.returncode == 0, done.stderr[-2000:]

    seen: list[dict[str, Any]] = []

    def throttled() -> dict[str, dict[str, Any]] | None:
        rows = ops.status()[1]
        seen[:] = [rows[REPLAY]]
        replay = rows[REPLAY]["throttle"]
        return rows if replay and replay["fetch_ms"] > 0 else None

    try:
        rows = eventually(throttled, "the replay's fetches to be throttled", timeout=120)
    except AssertionError as error:
        raise AssertionError(f"{error}; last: {seen}") from None
    assert rows[REPLAY]["principal"] == f"pipeline.{REPLAY}"
    assert any("fetch throttled" in warning for warning in rows[REPLAY]["warnings"])
    assert not any("throttl" in breach for breach in rows[REPLAY]["breaches"])
    for name, row in rows.items():
        if name != REPLAY:
            assert row["throttle"] == {"produce_ms": 0.0, "fetch_ms": 0.0, "request_ms": 0.0}, name
            assert row["throttle_problem"] is None and row["warnings"] == [], name

    def warned_row() -> str | None:
        table = ops.bulkheads("status", STACK).stdout.split(f"{REPLAY}  replay", 1)[1]
        row = next(r for r in table.splitlines() if r.startswith("  throttle "))
        return row if row.endswith("<- WARN") else None

    row = eventually(warned_row, "the table to mark the replay's throttle", timeout=60)
    assert f"(principal pipeline.{REPLAY}; quotas 1MiB/s, 512KiB/s)  <- WARN" in row
