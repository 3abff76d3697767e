"""Doctrine of cutovers (called from ``doctrine``).

A cutover moves pipelines from one cluster to another in phases (``model.Cutover``). The
stack file declares every pipeline where it runs before the move; the rules below make
sure every phase of the move is a sound platform:

- the stack has two clusters at least; ``from`` and ``to`` name two different ones;
- each moving pipeline exists, is a source, sink or replay (a mirror does not move: the
  cutover brings its own), runs on ``from``, is moved by one cutover only, and its pool is
  mapped under ``pools`` to a pool of ``to`` of its class, on a cluster serving its class;
- ``mirror_pool`` is a pool of ``to``; the cutover's mirror pipeline (``<name>-mirror``)
  does not clash with a declared pipeline;
- a moving sink or replay reads only topics that will be on ``to``: written by a moving
  pipeline, written on ``to``, or copied there by a declared mirror;
- a topic a moving pipeline writes has one writer at every phase: no declared mirror copies
  it onto ``to`` (after the move it would have two writers there), and nothing that stays
  on ``from`` reads it (after the move nothing would write it there).
"""

from __future__ import annotations

from collections.abc import Iterable

from bulkheads.spec.errors import Path, Problem, did_you_mean, one_of
from bulkheads.spec.model import Cutover, MirrorPipeline, PlatformSpec
from bulkheads.spec.naming import name_problem, suggest_name


def mirror_pipeline_name(cutover: str) -> str:
    """The name of the mirror pipeline a cutover runs while it copies (``<name>-mirror``)."""
    return f"{cutover}-mirror"


def cutover_problems(spec: PlatformSpec) -> list[Problem]:
    """Every cutover problem of ``spec`` (empty when it declares none or they are sound)."""
    problems: list[Problem] = []
    claimed: dict[str, str] = {}
    for name, cutover in spec.cutovers.items():
        problems += _Cutover(spec, name, cutover, claimed).check()
    return problems


class _Cutover:
    def __init__(
        self, spec: PlatformSpec, name: str, cutover: Cutover, claimed: dict[str, str]
    ) -> None:
        self.spec = spec
        self.name = name
        self.cutover = cutover
        self.claimed = claimed
        self.path: Path = ("cutovers", name)
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str, fix: str, value: object) -> None:
        self.problems.append(Problem(path, message, fix, value))

    def check(self) -> list[Problem]:
        spec, cutover = self.spec, self.cutover
        why = name_problem(self.name)
        if why:
            self.add(self.path, why, f"rename it, e.g. {suggest_name(self.name)!r}", self.name)
        if len(spec.clusters) < 2:
            self.add(
                self.path,
                f"the stack declares one cluster ({next(iter(spec.clusters))!r}); a cutover "
                "moves pipelines between two",
                "declare the cluster they move to under clusters, or remove the cutover",
                self.name,
            )
            return self.problems
        source = self._cluster("from", cutover.from_cluster)
        target = self._cluster("to", cutover.to_cluster)
        if source and target and cutover.from_cluster == cutover.to_cluster:
            self.add(
                (*self.path, "to"),
                "is the cluster the pipelines leave",
                one_of(c for c in spec.clusters if c != cutover.from_cluster),
                cutover.to_cluster,
            )
            return self.problems
        if not (source and target):
            return self.problems
        self._mirror_pool()
        self._pools()
        moving = self._pipelines()
        self._reads(moving)
        self._writes(moving)
        return self.problems

    def _cluster(self, key: str, cluster: str) -> bool:
        if cluster in self.spec.clusters:
            return True
        self.add(
            (*self.path, key),
            "no cluster of that name",
            did_you_mean(cluster, self.spec.clusters),
            cluster,
        )
        return False

    def _pool_on(self, path: Path, pool: str, cluster: str) -> bool:
        """Whether ``pool`` is a pool of ``cluster``; reports it when it is not."""
        on_cluster = [n for n, p in self.spec.pools.items() if p.cluster == cluster]
        if pool not in self.spec.pools:
            self.add(path, "no pool of that name", did_you_mean(pool, on_cluster), pool)
            return False
        if self.spec.pools[pool].cluster != cluster:
            self.add(
                path,
                f"runs on cluster {self.spec.pools[pool].cluster!r}, not on {cluster!r}",
                one_of(on_cluster),
                pool,
            )
            return False
        return True

    def _mirror_pool(self) -> None:
        self._pool_on(
            (*self.path, "mirror_pool"), self.cutover.mirror_pool, self.cutover.to_cluster
        )
        mirror = mirror_pipeline_name(self.name)
        if mirror in self.spec.pipelines:
            self.add(
                self.path,
                f"its mirror pipeline would be called {mirror!r}, which a pipeline already is",
                f"rename the cutover or pipeline {mirror!r}",
                self.name,
            )

    def _pools(self) -> None:
        cutover = self.cutover
        for old, new in cutover.pools.items():
            path: Path = (*self.path, "pools", old)
            old_ok = self._pool_on(path, old, cutover.from_cluster)
            if not self._pool_on(path, new, cutover.to_cluster) or not old_ok:
                continue
            old_class = self.spec.pools[old].workload_class
            if self.spec.pools[new].workload_class != old_class:
                self.add(
                    path,
                    f"pool {new!r} runs class {self.spec.pools[new].workload_class}, "
                    f"pool {old!r} runs {old_class}",
                    f"map it to a {old_class} pool of {cutover.to_cluster!r}",
                    new,
                )

    def _pipelines(self) -> list[str]:
        """The moving pipelines that resolve (each problem of the list reported)."""
        spec, cutover = self.spec, self.cutover
        moving: list[str] = []
        for index, name in enumerate(cutover.pipelines):
            path: Path = (*self.path, "pipelines", index)
            if name not in spec.pipelines:
                self.add(path, "no pipeline of that name", did_you_mean(name, spec.pipelines), name)
                continue
            pipeline = spec.pipelines[name]
            if isinstance(pipeline, MirrorPipeline):
                self.add(
                    path,
                    "is a mirror; a cutover moves sources, sinks and replays and runs its own "
                    "mirror",
                    "remove it from the cutover",
                    name,
                )
                continue
            if name in self.claimed:
                self.add(
                    path,
                    f"is already moved by cutover {self.claimed[name]!r}",
                    "move each pipeline in one cutover; remove it here",
                    name,
                )
                continue
            self.claimed[name] = self.name
            if pipeline.pool not in spec.pools:
                continue  # its pool reference is reported under pipelines
            cluster = spec.pools[pipeline.pool].cluster
            if cluster != cutover.from_cluster:
                self.add(
                    path,
                    f"runs on cluster {cluster!r}, not on {cutover.from_cluster!r} (from)",
                    "move it in a cutover from its own cluster, or remove it here",
                    name,
                )
                continue
            workload_class = spec.class_of(name)
            serves = spec.clusters[cutover.to_cluster].serves
            if workload_class not in serves:
                self.add(
                    path,
                    f"is of class {workload_class}, which cluster {cutover.to_cluster!r} does "
                    f"not serve (serves: {', '.join(serves)})",
                    f"add {workload_class} to clusters.{cutover.to_cluster}.serves, "
                    "or leave the pipeline out",
                    name,
                )
                continue
            if pipeline.pool not in cutover.pools:
                self.add(
                    path,
                    f"runs on pool {pipeline.pool!r}, which pools does not map to a pool of "
                    f"{cutover.to_cluster!r}",
                    f"add pools: {{{pipeline.pool}: <a {workload_class} pool of "
                    f"{cutover.to_cluster}>}}",
                    name,
                )
                continue
            moving.append(name)
        return moving

    def _on_target(self, moving: Iterable[str]) -> dict[str, str]:
        """Topics that will be on ``to`` -> what puts them there."""
        spec, target = self.spec, self.cutover.to_cluster
        present: dict[str, str] = {}
        for name, pipeline in spec.pipelines.items():
            pool = spec.pools.get(pipeline.pool)
            if pool is None or pool.cluster != target:
                continue
            topics = pipeline.reads if isinstance(pipeline, MirrorPipeline) else []
            for topic in [*topics, *pipeline.written_topics]:
                present.setdefault(topic, name)
        for name in moving:
            if name in spec.pipelines:
                for topic in spec.pipelines[name].written_topics:
                    present.setdefault(topic, name)
        return present

    def _reads(self, moving: list[str]) -> None:
        spec, cutover = self.spec, self.cutover
        present = self._on_target(cutover.pipelines)
        writers = _writers(spec)
        for name in moving:
            index = cutover.pipelines.index(name)
            for topic in spec.pipelines[name].reads:
                if topic in present or topic not in writers:
                    continue  # (an unwritten topic is reported under pipelines)
                writer = writers[topic]
                self.add(
                    (*self.path, "pipelines", index),
                    f"reads {topic!r}, which will not be on cluster {cutover.to_cluster!r}: "
                    f"its writer {writer!r} stays and no mirror copies it there",
                    f"add {writer!r} to this cutover, or declare a mirror of {topic!r} from "
                    f"{cutover.from_cluster!r} on a pool of {cutover.to_cluster!r}",
                    name,
                )

    def _writes(self, moving: list[str]) -> None:
        spec, cutover = self.spec, self.cutover
        moved = {
            n for n in cutover.pipelines if not isinstance(spec.pipelines.get(n), MirrorPipeline)
        }
        for name in moving:
            index = cutover.pipelines.index(name)
            for topic in spec.pipelines[name].written_topics:
                for other, pipeline in spec.pipelines.items():
                    pool = spec.pools.get(pipeline.pool)
                    if other in moved or pool is None or topic not in pipeline.reads:
                        continue
                    if isinstance(pipeline, MirrorPipeline) and pool.cluster == cutover.to_cluster:
                        self.add(
                            (*self.path, "pipelines", index),
                            f"writes {topic!r}, which mirror {other!r} copies onto cluster "
                            f"{cutover.to_cluster!r}: after the move it would have two "
                            "writers there",
                            f"remove {topic!r} from pipelines.{other}.reads (the cutover "
                            "mirrors it), or leave the pipeline out",
                            name,
                        )
                    elif _reads_on(spec, other) == cutover.from_cluster:
                        self.add(
                            (*self.path, "pipelines", index),
                            f"writes {topic!r}, which {other!r} reads on cluster "
                            f"{cutover.from_cluster!r} and stays: after the move nothing "
                            "would write it there",
                            f"add {other!r} to this cutover, or leave the pipeline out",
                            name,
                        )


def _writers(spec: PlatformSpec) -> dict[str, str]:
    """Topic -> the pipeline that writes it (mirrors copy, they do not write)."""
    writers: dict[str, str] = {}
    for name, pipeline in spec.pipelines.items():
        if not isinstance(pipeline, MirrorPipeline):
            for topic in pipeline.written_topics:
                writers.setdefault(topic, name)
    return writers


def _reads_on(spec: PlatformSpec, pipeline: str) -> str | None:
    """The cluster a pipeline reads its topics on (a mirror's source cluster)."""
    declared = spec.pipelines[pipeline]
    if isinstance(declared, MirrorPipeline):
        return declared.source_cluster
    pool = spec.pools.get(declared.pool)
    return pool.cluster if pool is not None else None
