"""Which planned topics to adopt (import) rather than create, decided from what a cluster
already holds.

A topic that already exists is imported when it is retained (planned ``protected``: a live
topic a destroy or a spec edit left behind, whose data is ours). An existing topic that is
not retained and not already in the stack is refused: importing it would silently take
over a topic someone else made. Topics already in the stack (``managed``) need neither.

After an interrupted update (``recovered``), an existing planned topic the stack does not
hold is imported whatever its class: that update may have created it without recording it
(the local stack skips per-step checkpoints, a cleared pending create drops the record).
The import itself checks that the topic is what the plan asks for (partitions, configs),
so a hand-made topic of the same name with other settings still fails, naming the diff.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass

from bulkheads.plan.types import TopicPlan


@dataclass(frozen=True)
class Adoption:
    """``imports``: topics to import (``reclaimed``: those of them imported only because an
    interrupted update may have made them); ``conflicts``: one message per topic refused."""

    imports: frozenset[str]
    conflicts: tuple[str, ...]
    reclaimed: frozenset[str] = frozenset()


def decide_adoption(
    cluster: str,
    planned: Iterable[TopicPlan],
    existing: Set[str],
    managed: Set[str] | None = None,
    recovered: bool = False,
) -> Adoption:
    """The adoption of ``planned`` on ``cluster`` given its ``existing`` topics, the topics
    the stack already ``managed`` (None: unknown, so nothing is refused) and whether an
    interrupted update was just ``recovered`` (default False)."""
    imports: set[str] = set()
    reclaimed: set[str] = set()
    conflicts: list[str] = []
    for topic in planned:
        if topic.name not in existing or (managed is not None and topic.name in managed):
            continue
        if topic.protected:
            imports.add(topic.name)
        elif recovered:
            imports.add(topic.name)
            reclaimed.add(topic.name)
        elif managed is not None:
            conflicts.append(
                f"topic {topic.name!r} already exists on cluster {cluster!r} but is not a "
                f"retained ({topic.workload_class}) topic of this stack, so it is not adopted. "
                "Fix: delete or rename the existing topic, or import it on purpose with "
                "`pulumi import`"
            )
    return Adoption(
        imports=frozenset(imports), conflicts=tuple(conflicts), reclaimed=frozenset(reclaimed)
    )
