"""A readable summary of a PlatformSpec (what ``bulkheads show`` prints)."""

from __future__ import annotations

from collections import defaultdict

from bulkheads.spec.model import (
    WORKLOAD_CLASSES,
    AwsNetwork,
    KubernetesRuntime,
    LocalDeploy,
    LocalRuntime,
    MirrorPipeline,
    PlatformSpec,
)
from bulkheads.spec.units import format_byte_size, format_duration


def summarize(spec: PlatformSpec) -> str:
    """Clusters, pools per cluster, pipelines per class and owner, as indented text."""
    return "\n".join(
        [
            _header(spec),
            "",
            *_classes(spec),
            "",
            *_clusters(spec),
            "",
            *_pools(spec),
            "",
            *_pipelines(spec),
        ]
    )


def _header(spec: PlatformSpec) -> str:
    network = spec.network
    if isinstance(network, AwsNetwork):
        where = f"aws {network.region} {network.cidr} ({network.zones} zones)"
    else:
        where = "local (127.0.0.1)"
    return f"environment {spec.environment} — network {where} — owners: {', '.join(spec.owners)}"


def _classes(spec: PlatformSpec) -> list[str]:
    lines = ["classes"]
    for name in WORKLOAD_CLASSES:
        c = spec.classes.get(name)
        produce = format_byte_size(c.quota.producer_byte_rate)
        consume = format_byte_size(c.quota.consumer_byte_rate)
        lines.append(
            f"  {name:<8} retention {format_duration(c.retention)}  rf {c.replication_factor}"
            f"/isr {c.min_insync_replicas}  produce {produce}/s  consume {consume}/s"
            f"  freshness {format_duration(c.freshness_target)}"
        )
    lines[-1] += f"  window {spec.classes.replay.window} UTC"
    return lines


def _clusters(spec: PlatformSpec) -> list[str]:
    lines = ["clusters"]
    width = max(map(len, spec.clusters))
    for name, cluster in spec.clusters.items():
        deploy = cluster.deploy
        where = deploy.bootstrap if isinstance(deploy, LocalDeploy) else f"{deploy.brokers} brokers"
        extras = " regulated" if cluster.regulated else ""
        lines.append(
            f"  {name:<{width}}  {cluster.engine:<6} {cluster.tenancy:<9} "
            f"serves {','.join(cluster.serves):<20} deploy {deploy.kind} ({where})"
            f"  owner {cluster.owner}{extras}"
        )
        for client_name, client in cluster.clients.items():
            quota = spec.effective_quota(client.workload_class, client.quota)
            origin = f"  from {client.cidr}" if client.cidr else ""
            lines.append(
                f"    client {client_name} (client.id {client.client_id or client_name})"
                f"  {client.workload_class}  owner {client.owner}{origin}"
                f"  produce {format_byte_size(quota.producer_byte_rate)}/s"
                f"  consume {format_byte_size(quota.consumer_byte_rate)}/s"
            )
    return lines


def _pools(spec: PlatformSpec) -> list[str]:
    lines = ["pools (per cluster)"]
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for name, pool in spec.pools.items():
        by_cluster[pool.cluster].append(name)
    width = max(map(len, spec.pools), default=0)
    for cluster, names in by_cluster.items():
        lines.append(f"  {cluster}")
        for name in names:
            pool = spec.pools[name]
            runtime, reach = pool.runtime, ""
            if isinstance(runtime, KubernetesRuntime):
                shape = f"kubernetes {runtime.replicas}x({runtime.cpu} cpu, {runtime.memory})"
                if runtime.node_pool:
                    shape += f" on {runtime.node_pool}"
                if runtime.egress:
                    reach = "  egress " + ", ".join(f"{e.cidr}:{e.port}" for e in runtime.egress)
            else:
                assert isinstance(runtime, LocalRuntime)
                shape = f"local {runtime.workers} worker(s) rest 127.0.0.1:{runtime.rest_port}"
            count = sum(1 for p in spec.pipelines.values() if p.pool == name)
            lines.append(
                f"    {name:<{width}}  {pool.workload_class:<7} {shape}  owner {pool.owner}"
                f"  {count} pipeline(s){reach}"
            )
    return lines


def _pipelines(spec: PlatformSpec) -> list[str]:
    lines = ["pipelines (per class and owner)"]
    grouped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, pipeline in spec.pipelines.items():
        grouped[spec.class_of(name)][pipeline.owner].append(name)
    width = max(map(len, spec.pipelines), default=0)
    for class_name in WORKLOAD_CLASSES:
        if class_name not in grouped:
            continue
        lines.append(f"  {class_name}")
        for owner, names in sorted(grouped[class_name].items()):
            lines.append(f"    {owner}")
            for name in names:
                p = spec.pipelines[name]
                flow = []
                if isinstance(p, MirrorPipeline):
                    flow.append(f"from {p.source_cluster}")
                if p.reads:
                    flow.append(f"reads {', '.join(p.reads)}")
                if p.writes:
                    flow.append(f"writes {', '.join(p.written_topics)}")
                lines.append(f"      {name:<{width}}  {p.kind:<6} pool {p.pool}  {'  '.join(flow)}")
    return lines
