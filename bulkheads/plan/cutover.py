"""Cutovers, phase by phase: where each moving pipeline runs and what the mirror does.

A cutover (``spec.model.Cutover``) moves pipelines from cluster ``from`` to ``to``. The
stack declares them where they run before the move; ``phase`` (or an override, see
``phases``) says how far the move has gone:

=============  ===================================================================
phase          at this phase
=============  ===================================================================
``mirror``     MirrorMaker 2 (``<cutover>-mirror`` on ``mirror_pool``) copies the
               moving sources' topics onto ``to`` under the same names, emits
               offset syncs and checkpoints and syncs the moving sinks' (and
               replays') consumer-group offsets; the moving pipelines' principals,
               ACLs (no WRITE yet) and topics exist on ``to``; nothing has moved.
``consumers``  moving sinks and replays run on their pools of ``to`` and start from
               their translated group offsets; their old connectors on ``from`` are
               stopped, not deleted, and their principals there lose every WRITE.
``producers``  moving sources stop on ``from`` and lose WRITE on the old topics in the
               same step; their connectors on ``to`` are created stopped, with no
               WRITE yet (a stopped connector's offsets can be set), and the mirror
               drains what is left of the old topics (``done``'s gate waits for it).
``done``       moving sources run on ``to`` with WRITE; the mirror and the old
               connectors and principals are removed; the old topics are kept on
               ``from`` (retained, never deleted here).
=============  ===================================================================

Every topic has one writer across both clusters at every phase: its source, or on ``to``
the mirror until the source takes over at ``done``. Setting the phase back is the
rollback: the plan of an earlier phase is the same whether
it is reached going forward or back. :func:`spec_at` gives the spec "as it would be at
the phase" (moving pipelines on their pools of the moment, the mirror as a pipeline while
it runs, no cutovers) that the ordinary plan functions read; ``bulkheads.plan.platform``
adds what the moment keeps on the side (stopped connectors, retained topics, principals
with no WRITE, the checkpoint connector) from :func:`cutover_plans`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bulkheads.plan import names
from bulkheads.spec.cutover_rules import mirror_pipeline_name
from bulkheads.spec.model import (
    CUTOVER_PHASES,
    CutoverPhase,
    MirrorPipeline,
    PlatformSpec,
    SourcePipeline,
)

MirrorState = Literal["running", "removed"]
MIRROR_CHECKPOINT_CONNECTOR = "org.apache.kafka.connect.mirror.MirrorCheckpointConnector"


@dataclass(frozen=True)
class CutoverPlan:
    """One cutover at one phase.

    ``placement`` maps each moving pipeline to the pool it runs on now; ``retired`` lists
    the moved ones whose stopped connector is kept on ``from``; ``staged`` the sources
    stopped on ``from`` whose stopped connector already exists on ``to`` (``producers``);
    ``topics`` are what the mirror copies (the moving sources' topics), ``groups`` the
    consumer groups it translates (the moving sinks' and replays').
    """

    cutover: str
    phase: CutoverPhase
    from_cluster: str
    to_cluster: str
    mirror: str
    mirror_pool: str
    mirror_state: MirrorState
    topics: tuple[str, ...]
    groups: tuple[str, ...]
    placement: dict[str, str]
    moved: tuple[str, ...]
    retired: tuple[str, ...]
    staged: tuple[str, ...]
    checkpoint_interval_ms: int

    @property
    def checkpoint_connector(self) -> str:
        """The name of the mirror's MirrorCheckpointConnector."""
        return f"{self.mirror}-checkpoint"

    @property
    def offset_syncs_topic(self) -> str:
        """MirrorMaker 2's offset-syncs topic, kept on ``to`` (``offset-syncs.topic.location``)."""
        return f"mm2-offset-syncs.{self.from_cluster}.internal"

    @property
    def checkpoints_topic(self) -> str:
        """MirrorMaker 2's checkpoints topic on ``to``."""
        return f"{self.from_cluster}.checkpoints.internal"


def phase_index(phase: CutoverPhase) -> int:
    """0 for ``mirror`` up to 3 for ``done``."""
    return CUTOVER_PHASES.index(phase)


def cutover_plans(
    spec: PlatformSpec, phases: Mapping[str, CutoverPhase] | None = None
) -> tuple[CutoverPlan, ...]:
    """Every cutover of ``spec`` at its declared phase, or at ``phases[name]`` when given."""
    return tuple(_plan(spec, name, (phases or {}).get(name)) for name in spec.cutovers)


def _plan(spec: PlatformSpec, name: str, override: CutoverPhase | None) -> CutoverPlan:
    cutover = spec.cutovers[name]
    phase = override or cutover.phase
    step = phase_index(phase)
    sources = [p for p in cutover.pipelines if isinstance(spec.pipelines[p], SourcePipeline)]
    consumers = [p for p in cutover.pipelines if p not in sources]
    moved = [p for p in cutover.pipelines if step >= (3 if p in sources else 1)]
    placement = {
        p: cutover.pools[spec.pipelines[p].pool] if p in moved else spec.pipelines[p].pool
        for p in cutover.pipelines
    }
    mirror_state: MirrorState = "removed" if phase == "done" else "running"
    return CutoverPlan(
        cutover=name,
        phase=phase,
        from_cluster=cutover.from_cluster,
        to_cluster=cutover.to_cluster,
        mirror=mirror_pipeline_name(name),
        mirror_pool=cutover.mirror_pool,
        mirror_state=mirror_state,
        topics=tuple(t for p in sources for t in spec.pipelines[p].written_topics),
        groups=tuple(names.sink_group(p) for p in consumers),
        placement=placement,
        moved=tuple(moved),
        retired=tuple(moved) if phase != "done" else (),
        staged=tuple(sources) if phase == "producers" else (),
        checkpoint_interval_ms=cutover.checkpoint_interval,
    )


def spec_at(spec: PlatformSpec, plans: tuple[CutoverPlan, ...]) -> PlatformSpec:
    """``spec`` as it runs at the phases of ``plans``: each moving pipeline on its pool of
    the moment, each running mirror as a mirror pipeline, and no cutovers left."""
    pipelines = dict(spec.pipelines)
    for plan in plans:
        for name, pool in plan.placement.items():
            pipelines[name] = pipelines[name].model_copy(update={"pool": pool})
        if plan.mirror_state == "running" and plan.topics:
            pipelines[plan.mirror] = mirror_pipeline(spec, plan)
    return spec.model_copy(update={"pipelines": pipelines, "cutovers": {}})


def mirror_pipeline(spec: PlatformSpec, plan: CutoverPlan) -> MirrorPipeline:
    """The cutover's mirror as a pipeline of its pool's owner (copies keep their origin's
    partitions and retention)."""
    return MirrorPipeline.model_validate(
        {
            "kind": "mirror",
            "owner": spec.pools[plan.mirror_pool].owner,
            "pool": plan.mirror_pool,
            "source_cluster": plan.from_cluster,
            "reads": list(plan.topics),
        }
    )


def mirror_config(plan: CutoverPlan) -> dict[str, str]:
    """What the cutover's MirrorSourceConnector adds to a mirror's fixed settings: offset
    syncs (kept on ``to``) so the checkpoint connector can translate group offsets."""
    return {
        "emit.offset-syncs.enabled": "true",
        "offset-syncs.topic.location": "target",
    }


def checkpoint_config(plan: CutoverPlan) -> dict[str, str]:
    """The MirrorCheckpointConnector's settings: the moving groups' offsets translated and
    written to ``to`` every ``checkpoint_interval`` (MirrorMaker only writes a group's
    offsets while the group is inactive on ``to``); Connect's own ``connect-*`` sink groups
    are not excluded, as MirrorMaker's default would."""
    seconds = str(max(1, plan.checkpoint_interval_ms // 1000))
    return {
        "groups": ",".join(plan.groups),
        # MirrorMaker skips connect-.* groups by default, which is every sink's group
        "groups.exclude": "__.*",
        "topics": ",".join(plan.topics),
        "emit.checkpoints.enabled": "true",
        "emit.checkpoints.interval.seconds": seconds,
        "sync.group.offsets.enabled": "true",
        "sync.group.offsets.interval.seconds": seconds,
        "refresh.groups.interval.seconds": seconds,
        "offset-syncs.topic.location": "target",
    }


def moved_everything(spec: PlatformSpec) -> PlatformSpec:
    """``spec`` with every cutover done and no mirror: where each moving pipeline ends up
    (what the target's principals, ACLs and topics are made from before they move)."""
    done = tuple(_plan(spec, name, "done") for name in spec.cutovers)
    return spec_at(spec, done)
