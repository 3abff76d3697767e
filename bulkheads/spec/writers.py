"""One writer per topic: the rule, written once, over claims to write a topic.

A *claim* says that a writer (``pipeline 'x'``, ``pool 'x'``, ``principal 'x'``) writes a
topic on a cluster (``None``: not placed, e.g. a pipeline on an unknown pool). The rule:

- on one cluster, a topic has one writer;
- across the platform, a topic has one producing writer: a mirror's *copy* of a topic
  onto another cluster under the same name (``copy=True``) is that cluster's writer of
  the copy, but produces nothing new, so it does not count here. This is what keeps a
  cutover honest: its source on ``from`` and, on ``to``, its mirror until the source
  takes over.

The doctrine (over the spec), the plan (over one cluster's topics) and the pack rule
:data:`RULE_ID` (over registered resources) all call :func:`writer_conflicts`; each places
a conflict its own way and words it from :attr:`WriterConflict.problem` and :data:`FIX`.
The doctrine reports what the plan cannot hold (two writers on one cluster, or unplaced),
under the rule's id; ``validate`` gets the rest from the rule over the plan.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

RULE_ID = "bulkheads-topic-single-writer"
FIX = "keep one writer: the others read the topic or write their own"


def pipeline_writer(name: str) -> str:
    """How a pipeline is named as a writer: ``pipeline 'name'``."""
    return f"pipeline '{name}'"


def pool_writer(name: str) -> str:
    """How a worker pool (of its internal topics) is named as a writer: ``pool 'name'``."""
    return f"pool '{name}'"


@dataclass(frozen=True)
class WriteClaim:
    """``writer`` writes ``topic`` on ``cluster`` (``None``: unplaced); ``copy``: as a
    mirror's copy of it; ``anchor``: where the caller reports it (a spec path, a URN)."""

    topic: str
    writer: str
    cluster: str | None
    copy: bool = False
    anchor: Hashable = None


@dataclass(frozen=True)
class WriterConflict:
    """Two or more writers of ``topic``: on ``cluster``, or (``cluster`` None) producing
    it across the platform. ``claims`` are in the order given; the first is the writer
    the others are measured against."""

    topic: str
    cluster: str | None
    claims: tuple[WriteClaim, ...]

    @property
    def writers(self) -> list[str]:
        """The distinct writers, sorted."""
        return sorted({claim.writer for claim in self.claims})

    @property
    def first(self) -> WriteClaim:
        return self.claims[0]

    def others(self) -> list[WriteClaim]:
        """The claims of writers other than the first's (one per writer and place)."""
        seen: set[tuple[str, str | None]] = set()
        found = []
        for claim in self.claims:
            key = (claim.writer, claim.cluster)
            if claim.writer != self.first.writer and key not in seen:
                seen.add(key)
                found.append(claim)
        return found

    @property
    def problem(self) -> str:
        """What is wrong, naming the topic, where, and every writer."""
        writers = ", ".join(self.writers)
        count = len(self.writers)
        if self.cluster is not None:
            where = f"on cluster '{self.cluster}'"
            return f"topic '{self.topic}' {where} has {count} writers: {writers}"
        clusters = sorted({c.cluster for c in self.claims if c.cluster is not None})
        where = f" on clusters {', '.join(repr(c) for c in clusters)}" if clusters else ""
        return (
            f"topic '{self.topic}' is produced{where} by {count} writers: {writers} "
            "(only a mirror copies a topic under its name to another cluster)"
        )

    @property
    def message(self) -> str:
        """``<problem>; <fix>`` (how pack findings read)."""
        return f"{self.problem}; {FIX}"


def writer_conflicts(claims: Iterable[WriteClaim]) -> list[WriterConflict]:
    """Every conflict among ``claims``: per cluster first (sorted by cluster and topic),
    then across the platform (sorted by topic), unless all its writers are on one cluster
    (its conflict there says it all). Repeated claims of one writer are one."""
    listed = list(claims)
    on_cluster: dict[tuple[str, str], list[WriteClaim]] = {}
    producing: dict[str, list[WriteClaim]] = {}
    for claim in listed:
        if claim.cluster is not None:
            on_cluster.setdefault((claim.cluster, claim.topic), []).append(claim)
        if not claim.copy:
            producing.setdefault(claim.topic, []).append(claim)
    found = [
        WriterConflict(topic, cluster, tuple(group))
        for (cluster, topic), group in sorted(on_cluster.items())
        if len({c.writer for c in group}) > 1
    ]
    found += [
        WriterConflict(topic, None, tuple(group))
        for topic, group in sorted(producing.items())
        if len({c.writer for c in group}) > 1
        and (len({c.cluster for c in group}) > 1 or any(c.cluster is None for c in group))
    ]
    return found
