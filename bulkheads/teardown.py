"""What a destroy of a stack deletes and what it keeps, read from the stack's state (pure).

Every resource the stack manages is deleted, except those kept on delete
(``retain_on_delete``: live-class topics and a live pool's Connect topics, whose data stays
in Kafka and which a later ``up`` adopts again). Components, providers and resources the
stack only reads (``StackReference``, ``get``) are dropped from the state without a call to
any platform, so they are not listed. A protected resource makes the engine refuse the
whole destroy; it is listed so the refusal comes first, naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TOPIC_TYPE = "kafka:index/topic:Topic"
PROVIDER_PREFIX = "pulumi:providers:"


@dataclass(frozen=True)
class Held:
    """One resource of the state: its type, its name in the stack, its URN and, for a
    topic, the topic's name on its cluster."""

    type: str
    name: str
    urn: str
    topic: str | None = None

    def document(self) -> dict[str, str | None]:
        return {"type": self.type, "name": self.name, "urn": self.urn, "topic": self.topic}


@dataclass(frozen=True)
class Teardown:
    """What destroying one stack does: ``deleted`` are deleted on their platform, ``kept``
    stay there (only the state forgets them), ``protected`` stop the destroy."""

    deleted: tuple[Held, ...] = ()
    kept: tuple[Held, ...] = ()
    protected: tuple[Held, ...] = ()

    @property
    def topics_with_data(self) -> tuple[str, ...]:
        """The topics whose data the destroy deletes, by their name on the cluster."""
        return tuple(sorted(h.topic or h.name for h in self.deleted if h.type == TOPIC_TYPE))

    def document(self) -> dict[str, Any]:
        return {
            "delete": len(self.deleted),
            "topics_with_data": list(self.topics_with_data),
            "kept": [h.document() for h in self.kept],
            "protected": [h.document() for h in self.protected],
        }


def teardown(deployment: Mapping[str, Any]) -> Teardown:
    """The :class:`Teardown` of a stack from its exported ``deployment`` (``stack export``)."""
    deleted: list[Held] = []
    kept: list[Held] = []
    protected: list[Held] = []
    for resource in deployment.get("resources") or ():
        if not _managed(resource):
            continue
        held = _held(resource)
        if resource.get("protect"):
            protected.append(held)
        if resource.get("retainOnDelete"):
            kept.append(held)
        else:
            deleted.append(held)
    return Teardown(tuple(deleted), tuple(kept), tuple(protected))


def _managed(resource: Mapping[str, Any]) -> bool:
    """Whether destroying the stack makes a call to delete ``resource`` (or keep it)."""
    kind = str(resource.get("type", ""))
    return (
        bool(resource.get("custom"))
        and not resource.get("external")
        and not resource.get("delete")  # an old copy the engine deletes anyway, listed once
        and not kind.startswith(PROVIDER_PREFIX)
    )


def _held(resource: Mapping[str, Any]) -> Held:
    urn = str(resource["urn"])
    kind = str(resource["type"])
    topic = (resource.get("inputs") or {}).get("name") if kind == TOPIC_TYPE else None
    return Held(kind, urn.rsplit("::", 1)[-1], urn, topic if isinstance(topic, str) else None)
