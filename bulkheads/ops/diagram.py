"""A picture of a stack's boundaries: clusters containing pools containing pipelines,
the data topics on each cluster, and how data moves between them.

Each cluster is a box (engine, tenancy, classes it serves), each pool a box inside it
(class, owner), colour-coded by class; topics sit in their cluster. Solid arrows are
writes and reads inside a cluster; dashed arrows are MirrorMaker 2 copies, the only way
data crosses clusters. Rendered as Mermaid (``flowchart LR``), Graphviz DOT, or SVG
through Graphviz's ``dot`` (Debian package ``graphviz``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field

from bulkheads.plan import plan_clusters
from bulkheads.spec.model import MirrorPipeline, PlatformSpec

DATA_CONTRACTS = ("raw", "derived", "delivery")
CLASS_COLOURS = {"live": "#fde2e1", "derived": "#e1effd", "replay": "#eeeeee"}


class DiagramError(Exception):
    """Graphviz is missing or failed to render."""


@dataclass(frozen=True)
class Node:
    id: str
    label: str


@dataclass(frozen=True)
class PoolBox:
    id: str
    label: str
    workload_class: str
    pipelines: tuple[Node, ...]


@dataclass(frozen=True)
class ClusterBox:
    id: str
    label: str
    pools: tuple[PoolBox, ...]
    topics: tuple[Node, ...]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    mirror: bool = False


@dataclass(frozen=True)
class Topology:
    clusters: tuple[ClusterBox, ...]
    edges: tuple[Edge, ...] = field(default_factory=tuple)


def _id(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]", "_", part) for part in parts)


def topology(spec: PlatformSpec) -> Topology:
    """The boxes and arrows of ``spec`` (declaration order)."""
    plans = plan_clusters(spec)
    clusters = []
    for name, cluster in spec.clusters.items():
        pools = tuple(
            PoolBox(
                _id("pool", pool_name),
                f"pool {pool_name} [{pool.workload_class}] owner {pool.owner}",
                pool.workload_class,
                tuple(
                    Node(_id("pipeline", p), f"{p} ({spec.pipelines[p].kind})")
                    for p, declared in spec.pipelines.items()
                    if declared.pool == pool_name
                ),
            )
            for pool_name, pool in spec.pools.items()
            if pool.cluster == name
        )
        topics = tuple(
            Node(_id("topic", name, topic.name), topic.name)
            for topic in plans[name].topics
            if topic.contract in DATA_CONTRACTS
        )
        serves = "/".join(cluster.serves)
        label = f"cluster {name}: {cluster.engine}, {cluster.tenancy}, serves {serves}"
        clusters.append(ClusterBox(_id("cluster", name), label, pools, topics))
    return Topology(tuple(clusters), tuple(_edges(spec)))


def _edges(spec: PlatformSpec) -> list[Edge]:
    edges = []
    for name, pipeline in spec.pipelines.items():
        node = _id("pipeline", name)
        cluster = spec.cluster_of(name)
        if isinstance(pipeline, MirrorPipeline):
            for topic in pipeline.reads:
                edges.append(Edge(_id("topic", pipeline.source_cluster, topic), node, mirror=True))
                edges.append(Edge(node, _id("topic", cluster, topic), mirror=True))
            continue
        edges += [Edge(_id("topic", cluster, topic), node) for topic in pipeline.reads]
        edges += [Edge(node, _id("topic", cluster, topic)) for topic in pipeline.written_topics]
    return edges


def mermaid(spec: PlatformSpec) -> str:
    """Mermaid ``flowchart LR`` text of the stack."""
    shape = topology(spec)
    lines = ["flowchart LR"]
    for cluster in shape.clusters:
        lines.append(f'  subgraph {cluster.id}["{cluster.label}"]')
        for pool in cluster.pools:
            lines.append(f'    subgraph {pool.id}["{pool.label}"]')
            lines += [f'      {node.id}(["{node.label}"])' for node in pool.pipelines]
            lines.append("    end")
        lines += [f'    {node.id}[("{node.label}")]' for node in cluster.topics]
        lines.append("  end")
    lines += [
        f"  {edge.source} {'-. mirror .->' if edge.mirror else '-->'} {edge.target}"
        for edge in shape.edges
    ]
    for workload_class, colour in CLASS_COLOURS.items():
        lines.append(f"  classDef {workload_class} fill:{colour},stroke:#555")
    for cluster in shape.clusters:
        lines += [f"  class {pool.id} {pool.workload_class}" for pool in cluster.pools]
    return "\n".join(lines) + "\n"


def dot(spec: PlatformSpec) -> str:
    """Graphviz DOT text of the stack."""
    shape = topology(spec)
    lines = [
        "digraph bulkheads {",
        "  rankdir=LR; compound=true; fontname=Helvetica;",
        '  node [fontname=Helvetica, fontsize=10]; edge [color="#444444"];',
    ]
    for cluster in shape.clusters:
        lines.append(f"  subgraph cluster_{cluster.id} {{")
        lines.append(f'    label="{cluster.label}"; style=bold; color="#333333";')
        for pool in cluster.pools:
            colour = CLASS_COLOURS[pool.workload_class]
            lines.append(f"    subgraph cluster_{pool.id} {{")
            lines.append(f'      label="{pool.label}"; style=filled; fillcolor="{colour}";')
            lines += [
                f'      {node.id} [label="{node.label}", shape=box, style="rounded,filled", '
                "fillcolor=white];"
                for node in pool.pipelines
            ]
            lines.append("    }")
        lines += [
            f'    {node.id} [label="{node.label}", shape=cylinder];' for node in cluster.topics
        ]
        lines.append("  }")
    lines += [
        f"  {edge.source} -> {edge.target}"
        + (' [style=dashed, label="mirror"];' if edge.mirror else ";")
        for edge in shape.edges
    ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def svg(spec: PlatformSpec) -> str:
    """The DOT picture rendered to SVG by Graphviz's ``dot``."""
    binary = shutil.which("dot")
    if binary is None:
        raise DiagramError("Graphviz's `dot` is not installed (Debian: apt-get install graphviz)")
    result = subprocess.run(
        [binary, "-Tsvg"], input=dot(spec), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise DiagramError(f"dot -Tsvg failed: {result.stderr.strip()}")
    return result.stdout
