"""Doctrine of a pipeline's own ``alerts`` thresholds.

A pipeline may page sooner than its class, never later than its class's
``freshness_target`` (the target would be missed before anyone is paged), and only a
pipeline with a measurable consumer lag (:func:`has_consumer_lag`) sets one.
"""

from __future__ import annotations

from bulkheads.spec.errors import Problem
from bulkheads.spec.model import MIRROR_SOURCE_CONNECTOR, PlatformSpec, SinkPipeline
from bulkheads.spec.units import format_duration


def has_consumer_lag(spec: PlatformSpec, pipeline: str) -> bool:
    """Whether a pipeline's lag is measurable: a sink (its consumer group) or a
    MirrorMaker 2 connector (mirrors, most replays: their replicated offsets)."""
    declared = spec.pipelines[pipeline]
    return (
        isinstance(declared, SinkPipeline)
        or declared.connector.connector_class == MIRROR_SOURCE_CONNECTOR
    )


def alert_problems(spec: PlatformSpec, name: str) -> list[Problem]:
    """Problems of pipeline ``name``'s ``alerts`` overrides (empty when sound)."""
    pipeline = spec.pipelines[name]
    lag = pipeline.alerts.consumer_lag if pipeline.alerts is not None else None
    if lag is None:
        return []
    path = ("pipelines", name, "alerts", "consumer_lag")
    shown = format_duration(lag)
    if not has_consumer_lag(spec, name):
        return [
            Problem(
                path,
                f"a {pipeline.kind} with this connector has no measurable consumer lag",
                "remove alerts.consumer_lag (failed_tasks applies to every pipeline)",
                shown,
            )
        ]
    class_name = spec.class_of(name)
    target = spec.classes.get(class_name).freshness_target
    if lag > target:
        return [
            Problem(
                path,
                f"above the {class_name} freshness target {format_duration(target)}: "
                "the target would be missed before anyone is paged",
                f"use at most {format_duration(target)}, or raise "
                f"classes.{class_name}.freshness_target",
                shown,
            )
        ]
    return []
