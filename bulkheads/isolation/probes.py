"""Bounded measuring clients for the scenarios (all on 127.0.0.1, all stop themselves).

- :class:`Feeder` appends timestamped lines to a FileStream source's file at a fixed rate;
- :class:`Arrivals` consumes a topic from its end and records each line's freshness (from
  the time written into the file to the time it is read from Kafka);
- :class:`LiveProducer` produces at a fixed rate and records each send's latency;
- :func:`log_mark` / :func:`count_since` count a worker's log lines written after a mark.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

POLL = 0.2
JOIN_TIMEOUT = 30.0


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` percentile (nearest rank) of ``values``; 0 when empty."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


class Feeder(threading.Thread):
    """Appends ``<seq> <unix time>`` lines to ``path`` at ``rate`` lines/s until stopped."""

    def __init__(self, path: Path, rate: float) -> None:
        super().__init__(daemon=True)
        self.path, self.rate, self.running, self.written = path, rate, True, 0

    def run(self) -> None:
        with self.path.open("a", buffering=1) as out:
            started = time.monotonic()
            while self.running:
                out.write(f"{self.written} {time.time():.6f}\n")
                self.written += 1
                time.sleep(max(0.0, started + self.written / self.rate - time.monotonic()))

    def stop(self) -> None:
        self.running = False
        self.join(JOIN_TIMEOUT)


class Arrivals(threading.Thread):
    """Reads ``topic`` from its current end as ``client``; (arrival, freshness s) per line."""

    def __init__(self, client: dict[str, Any], topic: str) -> None:
        from confluent_kafka import Consumer

        super().__init__(daemon=True)
        self.seen: list[tuple[float, float]] = []
        self.running = True
        self._consumer = Consumer(
            {**client, "group.id": f"probe-{secrets.token_hex(4)}",
             "auto.offset.reset": "latest", "enable.auto.commit": False}
        )  # fmt: skip
        self._consumer.subscribe([topic])
        self._assigned = threading.Event()

    def run(self) -> None:
        try:
            while self.running:
                message = self._consumer.poll(POLL)
                if self._consumer.assignment():
                    self._assigned.set()
                if message is None or message.error() is not None:
                    continue
                written = _written_at(message.value())
                if written is not None:
                    self.seen.append((time.monotonic(), time.time() - written))
        finally:
            self._consumer.close()

    def wait_assigned(self, timeout: float = JOIN_TIMEOUT) -> None:
        if not self._assigned.wait(timeout):
            raise TimeoutError("the probe consumer got no partitions")

    def window(self, start: float, end: float) -> tuple[float, float]:
        """Lines/s read and p99 freshness (s) between two ``time.monotonic()`` instants."""
        inside = [fresh for at, fresh in self.seen if start <= at < end]
        return len(inside) / (end - start), percentile(inside, 0.99)

    def stop(self) -> None:
        self.running = False
        self.join(JOIN_TIMEOUT)


def _written_at(value: bytes | None) -> float | None:
    """The time in a FileStream line, unwrapped from the worker's JSON envelope."""
    if value is None:
        return None
    try:
        decoded = json.loads(value)
    except ValueError:
        return None
    line = decoded.get("payload") if isinstance(decoded, dict) else decoded
    parts = str(line).split()
    try:
        return float(parts[1]) if len(parts) == 2 else None
    except ValueError:
        return None


class LiveProducer(threading.Thread):
    """Produces ``rate`` records/s of ``size`` bytes to ``topic`` as ``client``; records the
    (acknowledged at, latency ms) of every delivered record."""

    def __init__(self, client: dict[str, Any], topic: str, rate: float, size: int) -> None:
        from confluent_kafka import Producer

        super().__init__(daemon=True)
        self.topic, self.rate, self.payload = topic, rate, b"y" * size
        self.producer = Producer({**client, "linger.ms": 0})
        self.acked: list[tuple[float, float]] = []
        self.failed = 0
        self.running = True

    def run(self) -> None:
        started, sent = time.monotonic(), 0
        while self.running:
            at = time.monotonic()
            self.producer.produce(self.topic, self.payload, on_delivery=self._delivered(at))
            self.producer.poll(0)
            sent += 1
            time.sleep(max(0.0, started + sent / self.rate - time.monotonic()))
        self.producer.flush(JOIN_TIMEOUT)

    def _delivered(self, sent: float) -> Any:
        def record(error: Any, _message: Any) -> None:
            if error is not None:
                self.failed += 1
                return
            now = time.monotonic()
            self.acked.append((now, (now - sent) * 1000))

        return record

    def window(self, start: float, end: float) -> tuple[float, float]:
        """Records/s acknowledged and p99 send latency (ms) between two instants."""
        inside = [ms for at, ms in self.acked if start <= at < end]
        return len(inside) / (end - start), percentile(inside, 0.99)

    def stop(self) -> None:
        self.running = False
        self.join(JOIN_TIMEOUT)


def log_mark(log: Path) -> int:
    """The current length of ``log`` (count from here with :func:`count_since`)."""
    return log.stat().st_size if log.exists() else 0


def count_since(log: Path, mark: int, needle: str) -> int:
    """How many lines written to ``log`` after ``mark`` contain ``needle``."""
    with log.open("rb") as text:
        text.seek(mark)
        return sum(needle.encode() in line for line in text)
