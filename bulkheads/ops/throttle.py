"""How much the brokers throttle each principal right now, read from their ``/metrics``.

Kafka reports quota throttling only as metrics: per user and quota kind, the average
throttle time (ms) of the requests it delayed over its quota window (11 s by default; NaN
when it delayed none). The brokers' JMX exporter serves it as ``THROTTLE_METRIC`` (rules in
``bulkheads.ops.metrics``): Strimzi's pods on Kubernetes, the agent of ``bulkheads local``
on 127.0.0.1. A principal's throttle is the highest over brokers and client ids; a
principal no broker reports was not throttled within the window (0 ms).
"""

from __future__ import annotations

import math
import re
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from bulkheads.ops.metrics import THROTTLE_METRIC

TIMEOUT = 10.0
RESOURCES = ("produce", "fetch", "request")
_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})?\s+(?P<value>\S+)")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

Throttles = dict[str, dict[str, float]]
"""user -> quota kind (``produce``, ``fetch``, ``request``) -> throttle time in ms."""


class MetricsUnreachable(Exception):
    """A broker's ``/metrics`` did not answer."""


@dataclass(frozen=True)
class Throttle:
    """A principal's current throttle time (ms) per quota; 0: not throttled."""

    produce_ms: float
    fetch_ms: float
    request_ms: float

    @property
    def throttled(self) -> bool:
        return max(self.produce_ms, self.fetch_ms, self.request_ms) > 0


def parse_throttles(text: str) -> Throttles:
    """The throttle times in one Prometheus text exposition (NaN counts as 0)."""
    found: Throttles = {}
    for line in text.splitlines():
        sample = _SAMPLE.match(line)
        if sample is None or sample["name"] != THROTTLE_METRIC:
            continue
        labels = {key: value for key, value in _LABEL.findall(sample["labels"] or "")}
        resource, user = labels.get("resource", "").lower(), unquote(labels.get("user", ""))
        value = float(sample["value"])
        if resource in RESOURCES and user:
            per_user = found.setdefault(user, {})
            per_user[resource] = max(per_user.get(resource, 0.0), _finite(value))
    return found


def _finite(value: float) -> float:
    return 0.0 if math.isnan(value) or math.isinf(value) else max(value, 0.0)


def merge(parts: Iterable[Throttles]) -> Throttles:
    """The highest throttle per user and quota over several brokers."""
    merged: Throttles = {}
    for part in parts:
        for user, kinds in part.items():
            into = merged.setdefault(user, {})
            for kind, value in kinds.items():
                into[kind] = max(into.get(kind, 0.0), value)
    return merged


def read_throttles(urls: Iterable[str], timeout: float = TIMEOUT) -> Throttles:
    """Every broker's throttle times (``urls``: their ``/metrics``); raises
    ``MetricsUnreachable`` naming the first broker that does not answer."""
    parts = []
    for url in urls:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                parts.append(parse_throttles(response.read().decode(errors="replace")))
        except (OSError, ValueError) as error:
            reason = getattr(error, "reason", None) or error
            raise MetricsUnreachable(f"{url}: {reason}") from None
    return merge(parts)


def throttle_of(user: str, produce_from: Throttles, fetch_from: Throttles) -> Throttle:
    """``user``'s throttle: produce and request time where it writes, fetch where it reads."""
    writes, reads = produce_from.get(user, {}), fetch_from.get(user, {})
    return Throttle(
        produce_ms=writes.get("produce", 0.0),
        fetch_ms=reads.get("fetch", 0.0),
        request_ms=max(writes.get("request", 0.0), reads.get("request", 0.0)),
    )
