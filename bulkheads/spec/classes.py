"""Built-in settings of the three workload classes; a stack overrides any field.

The values are written as a stack would write them and merged under the stack's
``classes:`` section before validation, so an override names only what it changes::

    classes:
      replay: {quota: {consumer_byte_rate: 20MiB}, window: "01:00-05:00"}

| setting                     | live    | derived | replay  |
|-----------------------------|---------|---------|---------|
| retention (min..max)        | 7d (1d..14d) | 3d (1d..30d) | 1d (1h..30d) |
| replication_factor / min ISR| 3 / 2   | 3 / 2   | 3 / 2   |
| producer / consumer byte rate | 50MiB / 100MiB | 20MiB / 50MiB | 10MiB / 10MiB |
| request_percentage          | 50      | 30      | 10      |
| controller_mutation_rate    | 10      | 5       | 2       |
| freshness_target            | 1m      | 15m     | 24h     |
| alerts.consumer_lag / failed_tasks | 1m / 1 | 15m / 1 | 6h / 3 |
| window (UTC, replay only)   | -       | -       | 01:00-05:00 |
"""

from __future__ import annotations

import copy
from typing import Any

DEFAULT_CLASSES: dict[str, dict[str, Any]] = {
    "live": {
        "retention": "7d",
        "retention_min": "1d",
        "retention_max": "14d",
        "replication_factor": 3,
        "min_insync_replicas": 2,
        "quota": {
            "producer_byte_rate": "50MiB",
            "consumer_byte_rate": "100MiB",
            "request_percentage": 50,
            "controller_mutation_rate": 10,
        },
        "freshness_target": "1m",
        "alerts": {"consumer_lag": "1m", "failed_tasks": 1},
    },
    "derived": {
        "retention": "3d",
        "retention_min": "1d",
        "retention_max": "30d",
        "replication_factor": 3,
        "min_insync_replicas": 2,
        "quota": {
            "producer_byte_rate": "20MiB",
            "consumer_byte_rate": "50MiB",
            "request_percentage": 30,
            "controller_mutation_rate": 5,
        },
        "freshness_target": "15m",
        "alerts": {"consumer_lag": "15m", "failed_tasks": 1},
    },
    "replay": {
        "retention": "1d",
        "retention_min": "1h",
        # a mirrored copy inherits its origin's retention: the longest the other classes
        # allow fits; history kept longer is a decision (raise classes.replay.retention_max)
        "retention_max": "30d",
        "replication_factor": 3,
        "min_insync_replicas": 2,
        "quota": {
            "producer_byte_rate": "10MiB",
            "consumer_byte_rate": "10MiB",
            "request_percentage": 10,
            "controller_mutation_rate": 2,
        },
        "freshness_target": "24h",
        "alerts": {"consumer_lag": "6h", "failed_tasks": 3},
        "window": "01:00-05:00",
    },
}


def merge_overrides(defaults: dict[str, Any], overrides: Any) -> Any:
    """Deep-merge ``overrides`` onto a copy of ``defaults``; non-mappings replace.

    Anything that is not a mapping is returned as given so that validation reports it.
    """
    if not isinstance(overrides, dict):
        return overrides
    merged = copy.deepcopy(defaults)
    for key, value in overrides.items():
        base = merged.get(key)
        merged[key] = merge_overrides(base, value) if isinstance(base, dict) else value
    return merged
