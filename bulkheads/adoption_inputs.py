"""What the topic adoption decision needs that the program cannot see by itself.

- **The stack's own topics** (``managed``): ``preview`` and ``up`` read them from the
  engine's state before running the program and hand them over in a JSON file,
  ``{"managed": {cluster: [topic, …]}, "recovered": bool}``, named by
  ``$BULKHEADS_ADOPTION_FILE``; ``recovered`` says an interrupted update was just cleared
  (its topics may exist unrecorded). Without that file (a bare ``pulumi up``) they are
  unknown, and nothing is refused.
- **The topics that already exist** on a cloud cluster, whose brokers the program cannot
  list (no admin login at program time): stack config ``bulkheads:existingTopics``
  (cluster -> topic names), e.g. from ``kafka-topics.sh --list`` run where the brokers
  are reachable. A cluster it does not name has no known topics. Local clusters are
  listed by the program itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ADOPTION_FILE_ENV = "BULKHEADS_ADOPTION_FILE"
EXISTING_TOPICS_KEY = "existingTopics"
KAFKA_TOPIC = "kafka:index/topic:Topic"


def kafka_provider_name(environment: str, cluster: str) -> str:
    """The name of ``cluster``'s kafka provider (see ``components/platform.py``)."""
    return f"{environment}-cluster-{cluster}-kafka"


def managed_topics(
    deployment: Mapping[str, Any], environment: str, clusters: Iterable[str]
) -> dict[str, list[str]]:
    """Per cluster, the topic names the exported ``deployment`` holds (a topic belongs to
    the cluster whose kafka provider it goes through; pending deletes are left out)."""
    by_provider = {kafka_provider_name(environment, c): c for c in clusters}
    managed: dict[str, set[str]] = {c: set() for c in by_provider.values()}
    for resource in deployment.get("resources") or []:
        if resource.get("type") != KAFKA_TOPIC or resource.get("delete"):
            continue
        provider_urn = str(resource.get("provider", "")).rsplit("::", 1)[0]
        cluster = by_provider.get(provider_urn.rsplit("::", 1)[-1])
        name = (resource.get("inputs") or {}).get("name")
        if cluster is not None and isinstance(name, str):
            managed[cluster].add(name)
    return {cluster: sorted(topics) for cluster, topics in managed.items()}


@dataclass(frozen=True)
class Handover:
    """What the program reads from the hand-over file: the stack's topics per cluster
    (``managed``, None: unknown) and whether an interrupted update was ``recovered``."""

    managed: dict[str, frozenset[str]] | None
    recovered: bool = False


def write_adoption_file(
    path: Path, managed: Mapping[str, list[str]], recovered: bool = False
) -> Path:
    """Write the hand-over file for the program; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"managed": dict(managed), "recovered": recovered}
    path.write_text(json.dumps(document, indent=1, sort_keys=True))
    return path


def read_handover() -> Handover:
    """The hand-over named by ``$BULKHEADS_ADOPTION_FILE`` (none: managed unknown)."""
    path = os.environ.get(ADOPTION_FILE_ENV)
    if not path:
        return Handover(managed=None)
    document = json.loads(Path(path).read_text())
    managed = {cluster: frozenset(topics) for cluster, topics in document["managed"].items()}
    return Handover(managed=managed, recovered=bool(document.get("recovered", False)))


def existing_from_config(value: Any, clusters: Iterable[str]) -> dict[str, frozenset[str]]:
    """``bulkheads:existingTopics`` as cluster -> names; a wrong shape or an unknown
    cluster raises ``ValueError`` saying what to set instead."""
    known = sorted(clusters)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(names, list) and all(isinstance(n, str) for n in names)
        for names in value.values()
    ):
        raise ValueError(
            f"bulkheads:{EXISTING_TOPICS_KEY} must map cluster names to lists of topic "
            f"names, got {value!r}. Fix: pulumi config set --path "
            f"'bulkheads:{EXISTING_TOPICS_KEY}.<cluster>[0]' <topic>"
        )
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ValueError(
            f"bulkheads:{EXISTING_TOPICS_KEY} names clusters {unknown} that the stack does "
            f"not declare (declared: {known}). Fix: remove them or correct the names"
        )
    return {cluster: frozenset(names) for cluster, names in value.items()}
