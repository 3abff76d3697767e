"""A cutover walked for real: ``bulkheads up`` applies each phase of a local stack of its
own while a FileStream source + sink pair carries numbered records throughout.

The stack is ``tests/spec/fixtures/valid/cutover_local.yaml`` on free ports (two local
clusters, ``classic`` and ``target``, SCRAM + ACLs, started by ``bulkheads local up
STACK``), with the source's input and the sink's output files in a temp dir. A writer
thread appends ``RATE`` numbered lines a second to the input file from start to end. The
walk edits the phase in the stack file and runs ``bulkheads up local --yes --json``:

    mirror -> consumers -> mirror (rollback) -> consumers -> producers
           -> consumers (rollback) -> producers -> done

Before each advance it waits for the phase's gate (``up`` checks it again). After the
rollbacks and after ``done`` every line written so far must reach the output file. The
records read twice are counted per step: a consumer move re-reads at most one offset
sync plus one checkpoint interval per partition, and starts at or after the offsets
translated before it (never before); the rollback from ``consumers`` resumes the old
sink where the moved one stopped on ``target`` (translated back through the offset
syncs), re-reading at most one offset sync per partition; ``done`` starts the moved
source where the old one stopped (its offsets are carried), so it re-emits nothing.
The figures (records, duplicates, seconds per step) are printed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from confluent_kafka import Consumer, TopicPartition

from bulkheads.cutover.gates import gate
from bulkheads.cutover.live import observe
from bulkheads.local.platform import LocalPlatform
from bulkheads.ops.endpoints import Endpoints
from bulkheads.plan.cutover import CutoverPlan, cutover_plans
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import CutoverPhase
from tests.integration.local_stack import ROOT

pytestmark = pytest.mark.integration

FIXTURE = ROOT / "tests/spec/fixtures/valid/cutover_local.yaml"
CUTOVER = "orders-to-target"
TOPIC = "raw.orders.events"
PARTITIONS = 3
RATE = 40  # lines/s appended to the source's file throughout
CHECKPOINT_MS = 2000  # the cutover's checkpoint_interval
OFFSET_LAG_MAX = 100  # MirrorMaker's default: an offset sync at least every 100 records
MAX_LAG = 400
TIMEOUT = 600
MOVED_BACK = re.compile(r"\[\d+\] (\d+) -> (\d+)")  # what `up` says it moved a group by
# one offset sync plus one checkpoint interval's records, per partition
REREAD_BOUND = OFFSET_LAG_MAX + RATE * CHECKPOINT_MS // 1000


class Writer(threading.Thread):
    """Appends ``<seq>\\n`` to the source's input file, ``RATE`` lines a second."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.written = 0
        self.running = True

    def run(self) -> None:
        with self.path.open("a", encoding="utf-8") as out:
            while self.running:
                out.write(f"{self.written}\n")
                out.flush()
                self.written += 1
                time.sleep(1 / RATE)


@dataclass
class Walk:
    env: dict[str, str]
    stack_file: Path
    output: Path
    harness: LocalPlatform
    endpoints: Endpoints
    writer: Writer
    partitioned: bool = False  # a ``partition: cluster`` estate, applied by ``up --all``
    figures: list[str] = field(default_factory=list)
    seen: Counter[int] = field(default_factory=Counter)

    def plan(self, phase: CutoverPhase) -> CutoverPlan:
        spec = load_platform(self.stack_file)
        (plan,) = cutover_plans(spec, {CUTOVER: phase})
        return plan

    def set_phase(self, phase: CutoverPhase) -> None:
        document = yaml.safe_load(self.stack_file.read_text())
        document["config"]["bulkheads:platform"]["cutovers"][CUTOVER]["phase"] = phase
        self.stack_file.write_text(yaml.safe_dump(document))

    def up(self, phase: CutoverPhase) -> tuple[float, str]:
        """Declare ``phase`` and apply it (every partition stack, when partitioned); the
        seconds it took and what ``up`` said."""
        self.set_phase(phase)
        started = time.monotonic()
        stack = (str(self.stack_file), "--all") if self.partitioned else ("local",)
        run = _cli(self.env, "up", *stack, "--yes", "--json", "--max-lag", str(MAX_LAG))
        assert run.returncode == 0, f"up of {phase}: {run.stdout[-2000:]}{run.stderr[-4000:]}"
        document = json.loads(run.stdout)
        if self.partitioned:
            assert document["ok"] and {p["status"] for p in document["partitions"]} == {"ok"}
        else:
            cutovers = document["outputs"]["platform"]["cutovers"]
            assert document["ok"] and cutovers == {CUTOVER: phase}
        return time.monotonic() - started, run.stderr

    def wait_for_gate(self, phase: CutoverPhase, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        plan = self.plan(phase)
        while True:
            verdict = gate(CUTOVER, phase, observe(plan, self.endpoints), MAX_LAG)
            if verdict.ok:
                return
            assert time.monotonic() < deadline, f"gate of {phase} never passed: {verdict.reasons}"
            time.sleep(1)

    def groups(self) -> dict[int, tuple[int | None, int | None]]:
        """The sink group's committed offsets per partition: (on classic, on target)."""
        observed = observe(self.plan("mirror"), self.endpoints)
        return {g.partition: (g.committed, g.translated) for g in observed.groups}

    def wait_for_translations(self, timeout: float = 120) -> dict[int, int]:
        """The sink group's translated offset on ``target`` per partition, once every
        partition has one: the sink has committed on each partition of ``classic`` and
        MirrorMaker translated it. A consumer move starts at or after these. (The source's
        producer fills one partition at a time, ``batch.size`` bytes each, so a partition
        can still be empty when the gate first passes.)"""
        deadline = time.monotonic() + timeout
        while True:
            groups = self.groups()
            translated = {p: t for p, (_, t) in groups.items() if t is not None}
            if len(translated) == PARTITIONS:
                return translated
            assert time.monotonic() < deadline, f"translated offsets never covered: {groups}"
            time.sleep(1)

    def output_counts(self) -> Counter[int]:
        lines = (
            self.output.read_text(encoding="utf-8").split("\n")[:-1] if self.output.exists() else []
        )
        return Counter(int(line) for line in lines)

    def await_complete(self, step: str, timeout: float = 120) -> Counter[int]:
        """Every line written up to now reaches the output; returns the new reads (each
        record's count since the previous call)."""
        written = self.writer.written
        deadline = time.monotonic() + timeout
        while True:
            counts = self.output_counts()
            missing = [seq for seq in range(written) if counts[seq] == 0]
            if not missing:
                break
            assert time.monotonic() < deadline, (
                f"{step}: {len(missing)} of {written} records never reached the sink "
                f"(first {missing[:10]})"
            )
            time.sleep(1)
        new = counts - self.seen
        self.seen = counts
        return new


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bulkheads.cli", *args],
        env=env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
        text=True, check=False, timeout=TIMEOUT,
    )  # fmt: skip


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]) -> Iterator[Walk]:
    with open_walk(tmp_path_factory.mktemp("cutover-walk"), free_port) as opened:
        yield opened


@contextmanager
def open_walk(
    state: Path, free_port: Callable[[], int], partition: str | None = None
) -> Iterator[Walk]:
    """The stack file on free ports under ``state`` (with ``partition``, that estate of
    partition stacks, with the local stack's salt), its clusters started by ``bulkheads
    local up STACK``; stops every worker and node it started."""
    data = state / "data"
    data.mkdir()
    document = yaml.safe_load(FIXTURE.read_text())
    platform = document["config"]["bulkheads:platform"]
    for cluster in platform["clusters"].values():
        cluster["deploy"]["bootstrap"] = f"127.0.0.1:{free_port()}"
    for pool in platform["pools"].values():
        pool["runtime"]["rest_port"] = free_port()
    pipelines = platform["pipelines"]
    pipelines["orders-events"]["connector"]["config"]["file"] = str(data / "input.txt")
    pipelines["orders-archive"]["connector"]["config"]["file"] = str(data / "output.txt")
    platform["cutovers"][CUTOVER]["checkpoint_interval"] = f"{CHECKPOINT_MS}ms"
    if partition is not None:
        platform["partition"] = partition
        local = yaml.safe_load((ROOT / "stacks" / "Pulumi.local.yaml").read_text())
        document["encryptionsalt"] = local["encryptionsalt"]
    stack_file = state / "Pulumi.local.yaml"
    stack_file.write_text(yaml.safe_dump(document))
    env = {
        **os.environ,
        "BULKHEADS_STATE_DIR": str(state / "local"),
        "BULKHEADS_PULUMI_DIR": str(state / "pulumi"),
        "BULKHEADS_SPEC_FILE": str(stack_file),
        "NO_COLOR": "1",
    }
    env.pop("PULUMI_BACKEND_URL", None)
    env.pop("BULKHEADS_CUTOVER_PHASES", None)
    harness = LocalPlatform(state_dir=state / "local")
    writer = Writer(data / "input.txt")
    try:
        started = _cli(env, "local", "up", str(stack_file), "--state-dir", str(state / "local"))
        assert started.returncode == 0, started.stderr[-3000:]
        configs = {}
        for cluster in ("classic", "target"):
            path = state / f"{cluster}-admin.properties"
            config = harness.connection(cluster).client_config()
            path.write_text("".join(f"{k}={v}\n" for k, v in config.items()))
            configs[cluster] = path
        endpoints = Endpoints(load_platform(stack_file), client_configs=configs)
        output = data / "output.txt"
        yield Walk(env, stack_file, output, harness, endpoints, writer, partition is not None)
    finally:
        writer.running = False
        harness.down()


def _target_offsets(walk: Walk) -> dict[int, tuple[int, int]]:
    """Where each record landed on ``target``: seq -> (partition, offset)."""
    config = walk.harness.connection("target").client_config()
    consumer = Consumer({**config, "group.id": "walk-reader", "enable.auto.commit": False})
    ends = {}
    for partition in range(PARTITIONS):
        _, ends[partition] = consumer.get_watermark_offsets(TopicPartition(TOPIC, partition), 10)
    consumer.assign([TopicPartition(TOPIC, p, 0) for p in range(PARTITIONS)])
    landed: dict[int, tuple[int, int]] = {}
    read = dict.fromkeys(range(PARTITIONS), 0)
    deadline = time.monotonic() + 60
    while any(read[p] < ends[p] for p in read) and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is None or message.error() is not None:
            continue
        partition, offset = int(message.partition() or 0), int(message.offset() or 0)
        landed[int(json.loads(message.value() or b"{}")["payload"])] = (partition, offset)
        read[partition] = offset + 1
    consumer.close()
    return landed


def consumer_move(walk: Walk, step: str) -> None:
    """Advance to ``consumers``: ``up`` stops the sink on ``classic`` first; it starts on
    ``target`` at or after the offsets translated before the move, and re-reads at most
    ``REREAD_BOUND`` per partition."""
    walk.wait_for_gate("consumers")
    translated = walk.wait_for_translations()
    seconds, said = walk.up("consumers")
    assert "'orders-archive': stopped on the old cluster; its offsets on the target" in said, said
    time.sleep(2 * CHECKPOINT_MS / 1000)
    reads = walk.await_complete(step)
    committed = {p: c for p, (c, _) in walk.groups().items()}
    landed = _target_offsets(walk)
    twice = [landed[seq] for seq, n in reads.items() if n and walk.seen[seq] > 1 and seq in landed]
    started = {p: min((o for q, o in twice if q == p), default=None) for p in range(PARTITIONS)}
    rereads = Counter(p for p, _ in twice)
    for partition in range(PARTITIONS):
        at, first = translated[partition], started[partition]
        assert first is None or first >= at, f"{step}: p{partition} started at {first} < {at}"
        assert rereads[partition] <= REREAD_BOUND, (step, partition, rereads[partition])
    walk.figures.append(
        f"{step}: up {seconds:.0f}s; translated {translated}, classic committed {committed}; "
        f"first re-read per partition {started}; re-read {dict(rereads)} (bound {REREAD_BOUND})"
    )


def _duplicates(reads: Counter[int], seen: Counter[int]) -> int:
    return sum(n if seen[seq] > n else n - 1 for seq, n in reads.items())


def test_a_source_and_sink_walk_every_phase_and_back_with_nothing_lost(walk: Walk) -> None:
    walk.writer.start()
    seconds, _ = walk.up("mirror")
    reads = walk.await_complete("mirror")
    walk.figures.append(f"mirror: up {seconds:.0f}s; {sum(reads.values())} records so far")

    consumer_move(walk, "consumers")

    seconds, said = walk.up("mirror")  # rollback from consumers
    assert "'orders-archive': resumes on the old cluster where it stopped" in said, said
    reads = walk.await_complete("rollback from consumers")
    returned = _duplicates(reads, walk.seen)
    spared = sum(int(back) - int(had) for had, back in MOVED_BACK.findall(said))
    walk.figures.append(
        f"rollback from consumers: up {seconds:.0f}s; re-read {returned} records (the old "
        f"sink resumes where it stopped on target, translated back; bound "
        f"{PARTITIONS * OFFSET_LAG_MAX}); resuming at its own offsets on classic would "
        f"have re-read {spared} more"
    )
    assert returned <= PARTITIONS * OFFSET_LAG_MAX, returned

    consumer_move(walk, "consumers again")

    walk.wait_for_gate("producers")
    seconds, _ = walk.up("producers")
    walk.figures.append(f"producers: up {seconds:.0f}s")
    seconds, _ = walk.up("consumers")  # rollback from producers
    reads = walk.await_complete("rollback from producers")
    rolled = _duplicates(reads, walk.seen)
    walk.figures.append(f"rollback from producers: up {seconds:.0f}s; re-read {rolled} records")
    assert rolled <= PARTITIONS * REREAD_BOUND, rolled

    walk.wait_for_gate("producers")
    seconds, _ = walk.up("producers")
    walk.figures.append(f"producers again: up {seconds:.0f}s")
    walk.wait_for_gate("done")
    seconds, said = walk.up("done")
    assert "offset(s) carried from pool 'classic-ingest' to 'target-ingest'" in said, said
    walk.writer.running = False
    walk.writer.join(10)
    reads = walk.await_complete("done")
    emitted = _duplicates(reads, walk.seen)
    walk.figures.append(
        f"done: up {seconds:.0f}s; re-emitted {emitted} records after the source moved"
    )
    assert emitted <= PARTITIONS * REREAD_BOUND, emitted
    total = sum(walk.seen.values())
    walk.figures.append(
        f"walk: {walk.writer.written} records written, {total} read by the sink, "
        f"{total - walk.writer.written} duplicates"
    )
    print("\n" + "\n".join(walk.figures))
