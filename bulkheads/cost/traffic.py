"""Topic rates from declared throughput: the bytes each topic takes in, per day.

A source's or replay's ``throughput`` is split over the topics it writes by partition
count; a replay writes only during its class window, so its topics take in
``average x window`` a day. A mirrored copy carries its origin's rate (same name). A topic
whose writer declares no throughput has no rate (``None``): the views that need it say so.
A Debezium schema-history topic (``schema.history.internal.kafka.topic``) takes no share:
it holds DDL, not rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulkheads.spec.model import MirrorPipeline, PlatformSpec, ReplayPipeline, SourcePipeline

SECONDS_PER_DAY = 86_400
HOURS_PER_MONTH = 730
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
SCHEMA_HISTORY_KEY = "schema.history.internal.kafka.topic"


@dataclass(frozen=True)
class Rate:
    """Bytes/s into one topic while its writer runs, and the share of a day it runs."""

    average: float
    peak: float
    duty: float

    @property
    def daily_bytes(self) -> float:
        """Bytes taken in per day."""
        return self.average * self.duty * SECONDS_PER_DAY

    @property
    def day_average(self) -> float:
        """Bytes/s averaged over a whole day (what retention accumulates)."""
        return self.average * self.duty

    def plus(self, other: Rate) -> Rate:
        """Two topics' rates together (a mirror copying both), averaged over a day."""
        return Rate(self.day_average + other.day_average, self.peak + other.peak, 1.0)


def held_bytes(rate: Rate, retention_ms: int) -> float:
    """Bytes a topic holds once full: its day-average rate x its retention."""
    return rate.day_average * retention_ms / 1000


def window_seconds(window: str) -> int:
    """Length of a ``HH:MM-HH:MM`` window (validated: it ends after it starts)."""
    start, end = (_minutes(part) for part in window.split("-"))
    return (end - start) * 60


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def duty_of(spec: PlatformSpec, pipeline: str) -> float:
    """The share of a day a pipeline runs: its window for a replay, else all day."""
    if isinstance(spec.pipelines[pipeline], ReplayPipeline):
        return window_seconds(spec.classes.replay.window) / SECONDS_PER_DAY
    return 1.0


def writer_rates(spec: PlatformSpec) -> dict[str, Rate | None]:
    """The rate of every topic a source or replay writes, by topic name."""
    rates: dict[str, Rate | None] = {}
    for name, pipeline in spec.pipelines.items():
        if not isinstance(pipeline, (SourcePipeline, ReplayPipeline)):
            continue
        history = pipeline.connector.config.get(SCHEMA_HISTORY_KEY)
        total = sum(write.partitions for write in pipeline.writes if write.topic != history)
        for write in pipeline.writes:
            throughput = pipeline.throughput
            if throughput is None:
                rates[write.topic] = None
                continue
            share = 0 if write.topic == history else write.partitions / total
            rates[write.topic] = Rate(
                throughput.average * share, throughput.peak_rate * share, duty_of(spec, name)
            )
    return rates


def mirror_rate(mirror: MirrorPipeline, rates: dict[str, Rate | None]) -> Rate | None:
    """What a mirror copies: the sum of its topics' rates (``None`` if one is unknown)."""
    total = Rate(0.0, 0.0, 1.0)
    for topic in mirror.reads:
        rate = rates.get(topic)
        if rate is None:
            return None
        total = total.plus(rate)
    return total


def missing_throughput(spec: PlatformSpec) -> list[str]:
    """Sources and replays that declare no throughput, sorted."""
    return sorted(
        name
        for name, pipeline in spec.pipelines.items()
        if isinstance(pipeline, (SourcePipeline, ReplayPipeline)) and pipeline.throughput is None
    )
