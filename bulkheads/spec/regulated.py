"""Regulated data stays with its owner: rules for a cluster marked ``regulated: true``.

Beyond its pools (``doctrine``: only the owner's pools run on it), a regulated cluster
grants nothing to principals of other owners — no pipeline of another owner runs on it, no
mirror of another owner reads from it, no client of another owner uses it — and its topics
leave it only through mirrors of topics the cluster lists in ``exports`` with a reason
(e.g. card numbers tokenized at capture). Each export names a topic written on the cluster.
A pipeline or client of another owner is admitted only when the cluster lists its name
in ``exceptions`` with a justification; each exception names such a pipeline or client.
"""

from __future__ import annotations

from collections.abc import Iterable

from bulkheads.spec.errors import Path, Problem, one_of
from bulkheads.spec.model import MirrorPipeline, PlatformSpec


def regulated_problems(spec: PlatformSpec) -> list[Problem]:
    """Grants to other owners and undeclared exports of every regulated cluster."""
    problems: list[Problem] = []
    regulated = {name: c for name, c in spec.clusters.items() if c.regulated}
    for name, cluster in regulated.items():
        for client_name, client in cluster.clients.items():
            if client.owner != cluster.owner and client_name not in cluster.exceptions:
                problems.append(
                    _foreign(
                        ("clusters", name, "clients", client_name, "owner"),
                        name,
                        cluster.owner,
                        client.owner,
                        "client",
                    )
                )
    for name, pipeline in spec.pipelines.items():
        pool = spec.pools.get(pipeline.pool)
        runs_on = pool.cluster if pool else None
        reads_from = pipeline.source_cluster if isinstance(pipeline, MirrorPipeline) else None
        touched = [c for c in regulated if c in (runs_on, reads_from)]
        foreign = [
            c
            for c in touched
            if regulated[c].owner != pipeline.owner and name not in regulated[c].exceptions
        ]
        if foreign:  # one problem per pipeline, naming the first such cluster
            cluster_name = foreign[0]
            owner = regulated[cluster_name].owner
            problems.append(
                _foreign(
                    ("pipelines", name, "owner"), cluster_name, owner, pipeline.owner, "pipeline"
                )
            )
        if reads_from is not None and reads_from in regulated and runs_on != reads_from:
            exports = regulated[reads_from].exports
            for index, topic in enumerate(pipeline.reads):
                if topic not in exports:
                    problems.append(
                        Problem(
                            ("pipelines", name, "reads", index),
                            f"is regulated data of cluster {reads_from!r}: it leaves the "
                            "cluster only if the cluster declares it exportable",
                            f"add it to clusters.{reads_from}.exports with the reason it may "
                            "leave (e.g. tokenized), or do not mirror it",
                            topic,
                        )
                    )
    for name, cluster in spec.clusters.items():
        written = {
            write.topic
            for pipeline_name, pipeline in spec.pipelines.items()
            if pipeline.pool in spec.pools and spec.cluster_of(pipeline_name) == name
            for write in pipeline.writes
        }
        problems += _listed(
            ("clusters", name, "exports"),
            cluster.regulated,
            cluster.exports,
            written,
            "no pipeline writes this topic on the cluster",
        )
        problems += _listed(
            ("clusters", name, "exceptions"),
            cluster.regulated,
            cluster.exceptions,
            _other_owners(spec, name),
            "names no pipeline or client of another owner on the cluster",
        )
    return problems


def _listed(
    section: Path, regulated: bool, entries: Iterable[str], known: set[str], unknown: str
) -> list[Problem]:
    """Entries of ``exports``/``exceptions``: on a regulated cluster, each one ``known``."""
    problems: list[Problem] = []
    for entry in entries:
        if not regulated:
            fix = f"remove {section[-1]}, or set regulated: true"
            problems.append(
                Problem(
                    (*section, entry),
                    f"only a regulated cluster declares {section[-1]}",
                    fix,
                    entry,
                )
            )
        elif entry not in known:
            problems.append(Problem((*section, entry), unknown, one_of(known), entry))
    return problems


def _other_owners(spec: PlatformSpec, name: str) -> set[str]:
    """Clients and pipelines on (or mirroring from) cluster ``name`` not of its owner."""
    owner = spec.clusters[name].owner
    found = {c for c, client in spec.clusters[name].clients.items() if client.owner != owner}
    for p, pipeline in spec.pipelines.items():
        runs_on = pipeline.pool in spec.pools and spec.cluster_of(p) == name
        mirrors = isinstance(pipeline, MirrorPipeline) and pipeline.source_cluster == name
        if pipeline.owner != owner and (runs_on or mirrors):
            found.add(p)
    return found


def _foreign(path: Path, cluster: str, owner: str, other: str, what: str) -> Problem:
    return Problem(
        path,
        f"cluster {cluster!r} holds regulated data: it grants nothing to a {what} of "
        f"another owner than {owner!r}",
        f"give the {what} owner {owner!r}, keep it off cluster {cluster!r}, or justify it "
        f"in clusters.{cluster}.exceptions",
        other,
    )
