"""How far a pipeline is behind, asked of Kafka itself: records and time.

A pipeline's *positions* are the next offset it will read per partition of the topics it
reads (a sink's committed consumer-group offsets; a MirrorMaker 2 connector's replicated
offsets from Connect). Records behind are the end offset minus that position (from the
log start when nothing is committed); time behind is the age of the oldest record not
yet read. A source's *progress* is the records its topics hold and the age of the newest.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

Partition = tuple[str, int]
TIMEOUT = 10.0


@dataclass(frozen=True)
class Lag:
    """Records not yet read and the age (seconds) of the oldest of them (0 when none)."""

    records: int
    seconds: float


@dataclass(frozen=True)
class Progress:
    """Records the topics hold and the age (seconds) of the newest (None: empty)."""

    records: int
    newest_age: float | None


class KafkaProbe:
    """Reads offsets and record timestamps of one cluster as its admin (never commits)."""

    def __init__(self, config: Mapping[str, str]) -> None:
        settings: dict[str, Any] = dict(config)
        self.admin = AdminClient(settings)
        self.consumer = Consumer(
            {
                **settings,
                "group.id": f"bulkheads-status-{uuid.uuid4().hex[:8]}",
                "enable.auto.commit": False,
                "enable.partition.eof": True,
            }
        )

    def close(self) -> None:
        self.consumer.close()

    def partitions(self, topics: Iterable[str]) -> list[Partition]:
        """Every partition of ``topics`` that exists."""
        metadata = self.admin.list_topics(timeout=TIMEOUT).topics
        return [
            (topic, partition)
            for topic in topics
            if topic in metadata
            for partition in sorted(metadata[topic].partitions)
        ]

    def group_positions(self, group: str, topics: Iterable[str]) -> dict[Partition, int | None]:
        """The committed offsets of consumer group ``group`` on ``topics``."""
        wanted = [TopicPartition(t, p) for t, p in self.partitions(topics)]
        if not wanted:
            return {}
        request = ConsumerGroupTopicPartitions(group, wanted)
        answer = self.admin.list_consumer_group_offsets([request])[group].result(timeout=TIMEOUT)
        return {
            (tp.topic, tp.partition): tp.offset if tp.offset >= 0 else None
            for tp in answer.topic_partitions
        }

    def end_offsets(self, topics: Iterable[str]) -> dict[Partition, int]:
        """The end offset (high watermark) of every partition of ``topics``."""
        return {(t, p): self._watermarks(t, p)[1] for t, p in self.partitions(topics)}

    def lag(self, positions: Mapping[Partition, int | None]) -> Lag:
        """Records behind and the age of the oldest unread record."""
        behind = 0
        unread: list[TopicPartition] = []
        for (topic, partition), position in positions.items():
            low, high = self._watermarks(topic, partition)
            start = low if position is None else max(position, low)
            if high > start:
                behind += high - start
                unread.append(TopicPartition(topic, partition, start))
        timestamps = self._first_timestamps(unread)
        age = time.time() - min(timestamps) / 1000 if timestamps else 0.0
        return Lag(behind, max(age, 0.0))

    def progress(self, topics: Iterable[str]) -> Progress:
        """Records held by ``topics`` and the age of the newest one."""
        held = 0
        newest: list[TopicPartition] = []
        for topic, partition in self.partitions(topics):
            low, high = self._watermarks(topic, partition)
            held += high - low
            if high > low:
                newest.append(TopicPartition(topic, partition, high - 1))
        timestamps = self._first_timestamps(newest)
        age = time.time() - max(timestamps) / 1000 if timestamps else None
        return Progress(held, None if age is None else max(age, 0.0))

    def _watermarks(self, topic: str, partition: int) -> tuple[int, int]:
        low, high = self.consumer.get_watermark_offsets(
            TopicPartition(topic, partition), timeout=TIMEOUT
        )
        return int(low), int(high)

    def _first_timestamps(self, partitions: list[TopicPartition]) -> list[int]:
        """The timestamp (ms) of the record at each partition's offset."""
        if not partitions:
            return []
        self.consumer.assign(partitions)
        pending = {(tp.topic, tp.partition) for tp in partitions}
        found: list[int] = []
        deadline = time.monotonic() + TIMEOUT
        try:
            while pending and time.monotonic() < deadline:
                message = self.consumer.poll(0.5)
                if message is None:
                    continue
                key = (message.topic(), message.partition())
                if key not in pending:
                    continue
                pending.discard(key)
                if message.error() is None:
                    found.append(int(message.timestamp()[1]))
        finally:
            self.consumer.unassign()
        return found


def mirror_positions(offsets: list[dict[str, Any]]) -> dict[Partition, int | None]:
    """A MirrorMaker 2 connector's next source offsets from Connect's offsets answer."""
    positions: dict[Partition, int | None] = {}
    for entry in offsets:
        partition, offset = entry.get("partition", {}), entry.get("offset", {})
        if "topic" in partition and "offset" in offset:
            positions[(partition["topic"], int(partition["partition"]))] = int(offset["offset"]) + 1
    return positions


__all__ = ["KafkaException", "KafkaProbe", "Lag", "Progress", "mirror_positions"]
