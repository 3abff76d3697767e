"""Measuring a broker quota from the client side: librdkafka's per-broker throttle time."""

from __future__ import annotations

import json
from typing import Any

MIB = 1024 * 1024
# Kafka measures a rate over its whole quota window (11 x 1 s samples), so a burst must
# exceed ~10 s worth of quota before the broker throttles: 16 MiB against 1 MiB/s.
BURST = 16 * MIB


class ProbeError(RuntimeError):
    """The burst could not be delivered (the message names the topic)."""


def produce_throttle_ms(client: dict[str, Any], topic: str, total_bytes: int = BURST) -> float:
    """Produce ``total_bytes`` to ``topic`` as fast as ``client`` (a librdkafka config) can;
    the largest broker throttle average seen (ms). Raises ``ProbeError`` if records are
    still undelivered after 60 s."""
    from confluent_kafka import Producer

    worst = 0.0

    def on_stats(raw: str) -> None:
        nonlocal worst
        for broker in json.loads(raw)["brokers"].values():
            worst = max(worst, float(broker["throttle"]["avg"]))

    producer = Producer(
        {**client, "statistics.interval.ms": 200, "stats_cb": on_stats, "linger.ms": 5}
    )
    chunk = b"x" * 16_384
    for _ in range(total_bytes // len(chunk)):
        while True:
            try:
                producer.produce(topic, chunk)
                break
            except BufferError:
                producer.poll(0.1)
    if producer.flush(60) != 0:
        raise ProbeError(f"the throttle burst to {topic} was not delivered within 60 s")
    producer.poll(0.5)  # a last statistics window
    return worst
