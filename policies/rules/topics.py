"""Topic rules: live data survives a broker loss, retention stays inside its class bounds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from bulkheads.spec.classes import DEFAULT_CLASSES
from bulkheads.spec.units import format_duration, parse_duration_ms
from components import tokens
from policies.rules.model import UNKNOWN, Category, Config, Resource, Rule

DEFAULT_RETENTION_BOUNDS = {
    name: {"min": settings["retention_min"], "max": settings["retention_max"]}
    for name, settings in DEFAULT_CLASSES.items()
}


def _int(value: Any) -> int | None:
    """A count or size given as int or numeric string; None when not a known integer."""
    if isinstance(value, bool) or value is UNKNOWN:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def check_live_durability(resource: Resource, config: Config) -> Iterator[str]:
    """Live topics outside exempt environments survive one broker loss without data loss."""
    if resource.get("workload_class") != "live":
        return
    environment = resource.get("environment")
    if environment in config["exempt_environments"]:
        return
    topic = resource.get("topic", resource.name)
    replication = _int(resource.get("replication_factor"))
    wanted_rf = config["min_replication_factor"]
    if replication is not None and replication < wanted_rf:
        yield (
            f"live topic '{topic}' in '{environment}' has replication_factor {replication}; "
            f"set it to at least {wanted_rf}"
        )
    raw_isr = resource.get("config", {}).get("min.insync.replicas")
    if raw_isr is UNKNOWN:
        return
    isr = _int(raw_isr)
    wanted_isr = config["min_insync_replicas"]
    if raw_isr is None:
        yield (
            f"live topic '{topic}' in '{environment}' does not set min.insync.replicas "
            f"(the broker default is 1); set it to at least {wanted_isr}"
        )
    elif isr is None or isr < wanted_isr:
        yield (
            f"live topic '{topic}' in '{environment}' has min.insync.replicas {raw_isr}; "
            f"set it to at least {wanted_isr}"
        )
    elif replication is not None and isr >= replication:
        yield (
            f"live topic '{topic}' in '{environment}' has min.insync.replicas {isr} with "
            f"replication_factor {replication}, so one broker down stops all writes; set "
            f"min.insync.replicas to at most {replication - 1}"
        )


def _compacted_only(topic_config: dict[str, Any]) -> bool:
    policy = topic_config.get("cleanup.policy", "delete")
    return isinstance(policy, str) and "delete" not in policy.replace(" ", "").split(",")


def check_retention_bounds(resource: Resource, config: Config) -> Iterator[str]:
    """A data topic's ``retention.ms`` lies within its workload class's bounds."""
    topic_config = resource.get("config", {})
    if resource.get("contract") == "internal" or _compacted_only(topic_config):
        return
    workload_class = resource.get("workload_class")
    all_bounds = {**DEFAULT_RETENTION_BOUNDS, **config["bounds"]}
    bounds = all_bounds.get(workload_class) if isinstance(workload_class, str) else None
    if bounds is None:
        return
    low, high = parse_duration_ms(bounds["min"]), parse_duration_ms(bounds["max"])
    span = f"between {bounds['min']} and {bounds['max']}"
    topic = resource.get("topic", resource.name)
    raw = topic_config.get("retention.ms")
    retention = _int(raw)
    if raw is UNKNOWN:
        return
    if raw is None:
        yield (
            f"{workload_class} topic '{topic}' does not set retention.ms (the broker default "
            f"applies); set retention.ms {span}"
        )
    elif retention is None:
        yield (
            f"{workload_class} topic '{topic}' has retention.ms {raw!r}, not a number of "
            f"milliseconds; set retention.ms {span}"
        )
    elif retention < 0:
        yield (
            f"{workload_class} topic '{topic}' keeps data forever (retention.ms {retention}); "
            f"set retention.ms {span}"
        )
    elif retention < low:
        yield (
            f"{workload_class} topic '{topic}' keeps data for {format_duration(retention)}, "
            f"below the {workload_class} minimum {bounds['min']}; "
            f"set retention.ms {span}"
        )
    elif retention > high:
        yield (
            f"{workload_class} topic '{topic}' keeps data for {format_duration(retention)}, "
            f"above the {workload_class} maximum {bounds['max']}; "
            f"set retention.ms {span}"
        )


_DURATION = {"type": "string", "pattern": r"^\d+(\.\d+)?(ms|s|m|h|d|w)$"}

RULES = (
    Rule(
        id="bulkheads-topic-live-durability",
        title="Live topics outside local stacks have replication >= 3 and min.insync.replicas >= 2",
        category=Category.DURABILITY,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.TOPIC_CONTRACT,),
        rationale=(
            "Live topics carry business events inside a short freshness window. With fewer "
            "than three replicas, or fewer than two in sync before a write is acknowledged, "
            "one broker loss either loses acknowledged data or stops the live path."
        ),
        how_to_fix=(
            "Set the class's `replication_factor` to 3 or more and `min_insync_replicas` to 2 "
            "or more (and below the replication factor) in the stack's `classes:` section, or "
            "on the topic. Local stacks (one broker) are exempt via `exempt_environments`."
        ),
        resource_check=check_live_durability,
        config={
            "min_replication_factor": {"type": "integer", "minimum": 1, "default": 3},
            "min_insync_replicas": {"type": "integer", "minimum": 1, "default": 2},
            "exempt_environments": {
                "type": "array",
                "items": {"type": "string"},
                "default": ["local"],
                "description": "Environments (component `environment` prop) not checked.",
            },
        },
    ),
    Rule(
        id="bulkheads-topic-retention-bounds",
        title="Topic retention lies within its workload class's bounds",
        category=Category.OPERATIONS,
        severity=Severity.MEDIUM,
        enforcement=EnforcementLevel.ADVISORY,
        applies_to=(tokens.TOPIC_CONTRACT,),
        rationale=(
            "Retention below the class minimum deletes data before a lagging consumer or a "
            "replay reaches it; retention above the maximum (or forever) grows broker and "
            "object storage without bound and slows recovery. Compacted and Connect internal "
            "topics are not time-bounded and are skipped."
        ),
        how_to_fix=(
            "Set the topic's `retention.ms` (or the class `retention`) within the bounds. "
            "The defaults are the built-in class bounds (live 1d..14d, derived 1d..30d, replay "
            "1h..7d); a stack changes them with `bounds` in its pack config."
        ),
        resource_check=check_retention_bounds,
        config={
            "bounds": {
                "type": "object",
                "default": DEFAULT_RETENTION_BOUNDS,
                "description": "Per class `{min, max}` durations such as `1d`; classes not "
                "given keep their default.",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"min": _DURATION, "max": _DURATION},
                    "required": ["min", "max"],
                },
            },
        },
    ),
)
