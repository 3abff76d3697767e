"""The four failure scenarios, each against an :class:`AppliedStack` whose live source
(``orders-events``) is running. Each one measures a no-fault window, injects its fault,
measures again, and removes what it created; each returns named figures.

Defaults (chosen so both runs of all four take a few minutes on a loaded 2-core machine):
10 s no-fault and 15 s fault windows, 200 live lines/s, 500 live records/s of 512 B,
128 MiB of history for the replay, 5 crash cycles, 100 wrong-team writes.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bulkheads.connect import rest
from bulkheads.isolation import stack as estate
from bulkheads.isolation.apply import AppliedStack
from bulkheads.isolation.probes import Arrivals, Feeder, LiveProducer, count_since, log_mark

NO_FAULT = 10.0
FAULT = 15.0
SETTLE = 3.0
LIVE_LINES = 200.0
LIVE_RATE, LIVE_SIZE = 500.0, 512
HISTORY_BYTES, HISTORY_SIZE = 128 * 1024 * 1024, 4096  # outlasts an unthrottled replay
QUOTA_WINDOW = 11.0  # s: the broker's quota.window.num x quota.window.size.seconds
CRASH_CYCLES = 5
CRASH_WAIT = 20.0
WRONG_WRITES = 100
AUTO_RESTART = 2.0  # s between restarts of failed tasks (as an operator's autoRestart)
REBALANCE_LINE = "Joined group at generation"


@dataclass(frozen=True)
class Outcome:
    """One scenario's figures on one stack (names as in ``report.ROWS``)."""

    scenario: str
    figures: dict[str, float] = field(default_factory=dict)


def prepare(stack: AppliedStack) -> None:
    """Start the live source every scenario observes."""
    stack.create(estate.LIVE_SOURCE, "running")
    rest.wait_for_state(stack.rest_url(estate.LIVE_SOURCE), estate.LIVE_SOURCE, "running")


def sink_outage(stack: AppliedStack) -> Outcome:
    """A sink's target becomes unwritable; its task fails and is restarted every 2 s.
    Figures: the live source's delivery rate (lines/s) and p99 freshness (s), before and
    during; how many times the sink was seen failed."""
    target = Path(stack.connector(estate.SINK).config["file"])
    url = stack.rest_url(estate.SINK)
    stack.create(estate.SINK, "running")
    rest.wait_for_state(url, estate.SINK, "running")
    feeder, arrivals = _live_feed(stack)
    failures = 0
    try:
        before = _window(NO_FAULT, arrivals.window)
        target.unlink(missing_ok=True)
        target.mkdir()
        rest.restart(url, estate.SINK, task=0)  # it reopens its target, and fails

        def restart_failed() -> None:
            nonlocal failures
            failures += rest.restart_failed(url, estate.SINK)

        during = _window(FAULT, arrivals.window, restart_failed)
    finally:
        feeder.stop()
        arrivals.stop()
        stack.delete(estate.SINK)
        shutil.rmtree(target, ignore_errors=True)
    return Outcome(
        "sink-outage",
        {"rate_before": before[0], "rate_during": during[0],
         "fresh_before": before[1], "fresh_during": during[1], "sink_failures": failures},
    )  # fmt: skip


def backfill(stack: AppliedStack) -> Outcome:
    """A replay copies history as fast as its quota lets it, while the live producer sends
    500 records/s. Figures: live throughput (records/s acknowledged) and p99 send latency
    (ms) before and while the replay runs; the replay's copy rate (KiB/s) over its first
    ``QUOTA_WINDOW`` seconds and over its whole run, and the most its quota admits over
    that run (KiB/s): the quota's rate plus one quota window of it, which a new client may
    take as a burst (the broker measures its rate over that window)."""
    _load_history(stack)
    live = LiveProducer(
        stack.client(stack.login_of(estate.LIVE_SOURCE)), estate.LIVE_TOPIC, LIVE_RATE, LIVE_SIZE
    )
    live.start()
    try:
        time.sleep(SETTLE)  # its connection and first metadata are not what is measured
        before = _window(NO_FAULT, live.window)
        started, first = time.monotonic(), _copied(stack)
        stack.create(estate.REPLAY, "running")
        time.sleep(QUOTA_WINDOW)
        window_end, by_window_end = time.monotonic(), _copied(stack)
        time.sleep(FAULT)
        ended, last = time.monotonic(), _copied(stack)
        during = live.window(started, ended)
        admitted = estate.REPLAY_QUOTA / 1024 * (1 + QUOTA_WINDOW / (ended - started))
        first_rate = (by_window_end - first) * HISTORY_SIZE / 1024 / (window_end - started)
    finally:
        live.stop()
        stack.delete(estate.REPLAY)
    return Outcome(
        "backfill",
        {"throughput_before": before[0], "throughput_during": during[0],
         "p99_before": before[1], "p99_during": during[1],
         "replay_first_kib_s": first_rate,
         "replay_kib_s": (last - first) * HISTORY_SIZE / 1024 / (ended - started),
         "replay_admitted_kib_s": admitted,
         "live_failed": live.failed},
    )  # fmt: skip


def _copied(stack: AppliedStack) -> int:
    """Records in the replay's output topic."""
    return sum(_end_offsets(stack, estate.REBUILT_TOPIC).values())


def crashing_connector(stack: AppliedStack) -> Outcome:
    """A derived-pool connector whose every task fails at start is redeployed after each
    failure (deleted and created again, as a retrying deploy job does), 5 times. Figures:
    rebalances of the live source's worker group and restarts of its task."""
    target = Path(stack.connector(estate.CRASHER).config["file"])
    target.mkdir(parents=True, exist_ok=True)
    url, log = stack.rest_url(estate.CRASHER), stack.worker_log(estate.LIVE_SOURCE)
    mark = log_mark(log)
    crashes = 0
    try:
        for _ in range(CRASH_CYCLES):
            stack.create(estate.CRASHER, "running")
            crashes += _until_failed(url, estate.CRASHER)
            stack.delete(estate.CRASHER)
        time.sleep(SETTLE)  # a rebalance the last delete started shows within this
    finally:
        shutil.rmtree(target, ignore_errors=True)
    task = f"Creating task {stack.connector(estate.LIVE_SOURCE).connector}-0"
    return Outcome(
        "crashing-connector",
        {"crashes": crashes, "live_rebalances": count_since(log, mark, REBALANCE_LINE),
         "live_task_restarts": count_since(log, mark, task)},
    )  # fmt: skip


def wrong_team_write(stack: AppliedStack) -> Outcome:
    """The analytics sink's credentials write 100 records to the orders team's live topic.
    Figures: records attempted, and records that landed (read back from the topic)."""
    from confluent_kafka import Producer

    marker = b"foreign-write"
    producer = Producer(stack.client(stack.login_of(estate.SINK), **{"message.timeout.ms": 10000}))
    for i in range(WRONG_WRITES):
        producer.produce(estate.LIVE_TOPIC, marker + str(i).encode())
    producer.flush(30)
    landed = _count_marked(stack, estate.LIVE_TOPIC, marker)
    return Outcome("wrong-team-write", {"attempted": WRONG_WRITES, "landed": landed})


SCENARIOS: tuple[Callable[[AppliedStack], Outcome], ...] = (
    sink_outage,
    backfill,
    crashing_connector,
    wrong_team_write,
)


def run_all(stack: AppliedStack) -> dict[str, Outcome | BaseException]:
    """Every scenario on ``stack`` in turn, by name; a scenario that raised is its error."""
    prepare(stack)
    results: dict[str, Outcome | BaseException] = {}
    for scenario in SCENARIOS:
        name = scenario.__name__.replace("_", "-")
        try:
            results[name] = scenario(stack)
        except Exception as error:  # reported by the scenario's own test
            results[name] = error
    return results


# -- helpers ------------------------------------------------------------------------------


def _live_feed(stack: AppliedStack) -> tuple[Feeder, Arrivals]:
    path = Path(stack.connector(estate.LIVE_SOURCE).config["file"])
    arrivals = Arrivals(stack.connection.client_config(), estate.LIVE_TOPIC)
    arrivals.start()
    arrivals.wait_assigned()
    feeder = Feeder(path, LIVE_LINES)
    feeder.start()
    time.sleep(SETTLE)
    return feeder, arrivals


def _window(
    seconds: float,
    measure: Callable[[float, float], tuple[float, float]],
    every: Callable[[], None] | None = None,
) -> tuple[float, float]:
    """``measure`` over the next ``seconds``, calling ``every`` each AUTO_RESTART s."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if every is not None:
            every()
        time.sleep(min(AUTO_RESTART, max(0.0, start + seconds - time.monotonic())))
    return measure(start, time.monotonic())


def _until_failed(url: str, name: str) -> int:
    deadline = time.monotonic() + CRASH_WAIT
    while time.monotonic() < deadline:
        status = rest.get_status(url, name)
        if status is not None and rest.failure_of(status) is not None:
            return 1
        time.sleep(0.25)
    return 0


def _load_history(stack: AppliedStack) -> None:
    from confluent_kafka import Producer

    producer = Producer({**stack.connection.client_config(), "linger.ms": 20})
    chunk = b"h" * HISTORY_SIZE
    for i in range(HISTORY_BYTES // HISTORY_SIZE):
        while True:
            try:
                producer.produce(estate.HISTORY_TOPIC, chunk, partition=i % estate.PARTITIONS)
                break
            except BufferError:
                producer.poll(0.1)
    if producer.flush(120) != 0:
        raise RuntimeError("the history was not loaded within 120 s")


def _end_offsets(stack: AppliedStack, topic: str) -> dict[int, int]:
    """``topic``'s end offset per partition."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({**stack.connection.client_config(), "group.id": "probe-offsets"})
    try:
        return {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
            for p in range(estate.PARTITIONS)
        }
    finally:
        consumer.close()


def _count_marked(stack: AppliedStack, topic: str, marker: bytes) -> int:
    """Records of ``topic`` (read from the beginning to its current end) that start with
    ``marker``."""
    from confluent_kafka import Consumer, TopicPartition

    ends = _end_offsets(stack, topic)
    consumer = Consumer({**stack.connection.client_config(), "group.id": "probe-marked",
                         "enable.auto.commit": False})  # fmt: skip
    consumer.assign([TopicPartition(topic, p, 0) for p in ends])
    found, remaining = 0, {p for p, end in ends.items() if end > 0}
    deadline = time.monotonic() + 60
    try:
        while remaining and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error() is not None:
                continue
            found += (message.value() or b"").startswith(marker)
            partition, offset = message.partition() or 0, message.offset() or 0
            if offset + 1 >= ends[partition]:
                remaining.discard(partition)
    finally:
        consumer.close()
    if remaining:
        raise TimeoutError(f"{topic}: partitions {sorted(remaining)} not read to their end")
    return found
