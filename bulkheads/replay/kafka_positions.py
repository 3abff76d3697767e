"""Where a replay starts and ends, read from its cluster with a Kafka client.

``KafkaPositions`` answers per ``(topic, partition)`` of the topics named: the log start,
the end (high watermark), and the first offset at or after a timestamp (the end when no
record is that recent). It logs in with the client config it is given (locally the
platform's admin login).
"""

from __future__ import annotations

from typing import Any

from bulkheads.plan.replay import TopicPartition

TIMEOUT = 30.0


class KafkaPositions:
    """Offsets of the topics a replay reads, on one cluster."""

    def __init__(self, client_config: dict[str, Any]) -> None:
        self._config = client_config

    def _consumer(self) -> Any:
        from confluent_kafka import Consumer

        return Consumer({**self._config, "group.id": "bulkheads-replay-positions"})

    def _partitions(self, consumer: Any, topics: tuple[str, ...]) -> list[TopicPartition]:
        metadata = consumer.list_topics(timeout=TIMEOUT)
        return [
            (topic, partition)
            for topic in topics
            if topic in metadata.topics
            for partition in sorted(metadata.topics[topic].partitions)
        ]

    def bounds(self, topics: tuple[str, ...]) -> dict[TopicPartition, tuple[int, int]]:
        """``(log start, end)`` of every partition of ``topics``."""
        from confluent_kafka import TopicPartition as KafkaTopicPartition

        consumer = self._consumer()
        try:
            return {
                tp: consumer.get_watermark_offsets(KafkaTopicPartition(*tp), timeout=TIMEOUT)
                for tp in self._partitions(consumer, topics)
            }
        finally:
            consumer.close()

    def at_time(self, topics: tuple[str, ...], timestamp_ms: int) -> dict[TopicPartition, int]:
        """The first offset at or after ``timestamp_ms`` per partition (else its end)."""
        from confluent_kafka import TopicPartition as KafkaTopicPartition

        consumer = self._consumer()
        try:
            partitions = self._partitions(consumer, topics)
            asked = [KafkaTopicPartition(t, p, timestamp_ms) for t, p in partitions]
            found = consumer.offsets_for_times(asked, timeout=TIMEOUT) if asked else []
            positions: dict[TopicPartition, int] = {}
            for answer in found:
                tp = (answer.topic, answer.partition)
                if answer.offset < 0:
                    _, end = consumer.get_watermark_offsets(answer, timeout=TIMEOUT)
                    positions[tp] = end
                else:
                    positions[tp] = answer.offset
            return positions
        finally:
            consumer.close()

    def delete_up_to_end(self, topics: tuple[str, ...]) -> int:
        """Delete every record of ``topics`` (up to their ends); the number deleted."""
        from confluent_kafka import TopicPartition as KafkaTopicPartition
        from confluent_kafka.admin import AdminClient

        bounds = self.bounds(topics)
        asked = [KafkaTopicPartition(t, p, end) for (t, p), (_, end) in bounds.items()]
        if asked:
            for future in AdminClient(self._config).delete_records(asked).values():
                future.result(timeout=TIMEOUT)
        return sum(end - start for start, end in bounds.values())
