"""Hypothesis strategies for VALID platform specs (consistent with the doctrine).

- ``platform_mappings()``: the raw ``bulkheads:platform`` value, as a stack would write it;
- ``platform_specs()``: the validated ``PlatformSpec`` of such a mapping.

Generated platforms are either local (one network, local deploys on distinct ports, local
runtimes, replication factor 1) or aws (Strimzi/MSK, AutoMQ with storage, pools with egress
endpoints, clients with their cidrs); clusters have up to two direct clients. Pools exist only
for classes their cluster serves; sources write new ``raw.`` topics; sinks read topics on
their cluster; replays run on replay pools, read and write new ``derived.``/``delivery.``
topics; mirrors copy topics present on another cluster and not yet on theirs.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from bulkheads.spec.loader import platform_from_mapping
from bulkheads.spec.model import WORKLOAD_CLASSES, PlatformSpec

NAMES = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True)
SEGMENT = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
MIRROR_SOURCE = "org.apache.kafka.connect.mirror.MirrorSourceConnector"
FILE_PLUGIN = {
    "connect-file": {
        "artifacts": ["org.apache.kafka:connect-file:4.1.0"],
        "classes": [FILE_SOURCE, FILE_SINK],
    }
}


def platform_specs(max_pipelines: int = 12) -> st.SearchStrategy[PlatformSpec]:
    """Validated PlatformSpecs (validation goes through the loader, doctrine included)."""
    return platform_mappings(max_pipelines).map(lambda data: platform_from_mapping(data))


def platform_mappings(max_pipelines: int = 12) -> st.SearchStrategy[dict[str, Any]]:
    """Raw ``bulkheads:platform`` mappings that validate."""
    return _platform(max_pipelines)


@st.composite
def _platform(draw: st.DrawFn, max_pipelines: int) -> dict[str, Any]:
    local = draw(st.booleans())
    # up to 4 owners + 3 clusters + 3 clusters x 3 classes x 2 pools = 25 names
    names = iter(draw(st.lists(NAMES, min_size=25, max_size=25, unique=True)))
    owners = [next(names) for _ in range(draw(st.integers(1, 4)))]
    clusters = {
        next(names): _cluster(draw, local, owners, index)
        for index in range(draw(st.integers(1, 1 if local else 3)))
    }
    for index, cluster in enumerate(clusters.values()):
        cluster["clients"] = _clients(draw, local, owners, cluster["serves"], index)
    pools: dict[str, dict[str, Any]] = {}
    port = 18083
    for cluster_name, cluster in clusters.items():
        for class_name in cluster["serves"]:
            for _ in range(draw(st.integers(1, 2))):
                runtime: dict[str, Any] = {
                    "kind": "kubernetes",
                    "replicas": draw(st.integers(1, 4)),
                    "egress": [
                        {"description": f"endpoint {i}", "cidr": f"10.60.{i}.0/24", "port": 443}
                        for i in range(draw(st.integers(0, 2)))
                    ],
                }
                if local:
                    runtime, port = {"kind": "local", "rest_port": port}, port + 1
                pools[next(names)] = {
                    "cluster": cluster_name,
                    "class": class_name,
                    "owner": draw(st.sampled_from(owners)),
                    "runtime": runtime,
                    # Kafka's images leave the FileStream connectors out: Kubernetes pools
                    # declare them as a plugin
                    **({} if local else {"plugins": FILE_PLUGIN}),
                }
    pipelines = _pipelines(draw, pools, owners, max_pipelines)
    classes = {c: {"replication_factor": 1, "min_insync_replicas": 1} for c in WORKLOAD_CLASSES}
    network = (
        {"kind": "local"}
        if local
        else {"kind": "aws", "region": "eu-west-1", "cidr": "10.40.0.0/16", "zones": 3}
    )
    return {
        "environment": "local" if local else draw(st.sampled_from(["dev", "staging", "prod"])),
        "owners": {o: {"contact": f"#{o}", "oncall": f"pagerduty:{o}"} for o in owners},
        **({"classes": classes} if local else {}),
        "network": network,
        "clusters": clusters,
        "pools": pools,
        "pipelines": pipelines,
    }


def _cluster(draw: st.DrawFn, local: bool, owners: list[str], index: int) -> dict[str, Any]:
    tenancy = draw(st.sampled_from(["dedicated", "shared"]))
    if tenancy == "dedicated":
        serves = [draw(st.sampled_from(WORKLOAD_CLASSES))]
    else:
        serves = draw(st.lists(st.sampled_from(WORKLOAD_CLASSES), min_size=1, unique=True))
    cluster: dict[str, Any] = {
        "engine": "kafka",
        "tenancy": tenancy,
        "serves": serves,
        "owner": draw(st.sampled_from(owners)),
    }
    if local:
        cluster["deploy"] = {"kind": "local", "bootstrap": f"127.0.0.1:{19092 + 10 * index}"}
    elif draw(st.booleans()):
        cluster["engine"] = "automq"
        cluster["deploy"] = {"kind": "strimzi"}
        cluster["storage"] = {"bucket_prefix": f"bucket-{index}"}
    else:
        cluster["deploy"] = {"kind": draw(st.sampled_from(["strimzi", "msk"])), "brokers": 3}
    return cluster


def _clients(
    draw: st.DrawFn, local: bool, owners: list[str], serves: list[str], index: int
) -> dict[str, dict[str, Any]]:
    """0-2 direct clients of a cluster: a class it serves, a cidr on aws, maybe a quota."""
    clients: dict[str, dict[str, Any]] = {}
    for number in range(draw(st.integers(0, 2))):
        client: dict[str, Any] = {
            "owner": draw(st.sampled_from(owners)),
            "class": draw(st.sampled_from(serves)),
        }
        if not local:
            client["cidr"] = f"10.{70 + index}.{number}.0/24"
        if draw(st.booleans()):
            client["quota"] = {"consumer_byte_rate": "1MiB"}
        clients[f"client-{number}"] = client
    return clients


def _pipelines(
    draw: st.DrawFn, pools: dict[str, dict[str, Any]], owners: list[str], max_pipelines: int
) -> dict[str, dict[str, Any]]:
    present: dict[str, set[str]] = {pool["cluster"]: set() for pool in pools.values()}
    pipelines: dict[str, dict[str, Any]] = {}
    pool_names = sorted(pools)
    for index in range(draw(st.integers(0, max_pipelines))):
        pool_name = draw(st.sampled_from(pool_names))
        pool = pools[pool_name]
        cluster, class_name = pool["cluster"], pool["class"]
        here = sorted(present[cluster])
        mirrorable = {
            other: sorted(topics - present[cluster])
            for other, topics in present.items()
            if other != cluster and topics - present[cluster]
        }
        kinds = ["source"]
        if here:
            kinds.append("sink")
        if here and class_name == "replay":
            kinds.append("replay")
        if mirrorable:
            kinds.append("mirror")
        kind = draw(st.sampled_from(kinds))
        pipeline: dict[str, Any] = {
            "kind": kind,
            "owner": draw(st.sampled_from(owners)),
            "pool": pool_name,
        }
        if draw(st.booleans()):
            pipeline["class"] = class_name
        new_topic = f"{draw(SEGMENT)}.{draw(SEGMENT)}-{index}"
        if kind == "source":
            topic = f"raw.{new_topic}"
            pipeline["connector"] = {"class": FILE_SOURCE, "config": {"topic": topic}}
            pipeline["writes"] = [{"topic": topic, "partitions": draw(st.integers(1, 12))}]
            present[cluster].add(topic)
        elif kind == "sink":
            reads = draw(st.lists(st.sampled_from(here), min_size=1, max_size=3, unique=True))
            pipeline["connector"] = {"class": FILE_SINK, "config": {"topics": ",".join(reads)}}
            pipeline["reads"] = reads
        elif kind == "replay":
            topic = f"{draw(st.sampled_from(['derived', 'delivery']))}.{new_topic}"
            pipeline["connector"] = {"class": MIRROR_SOURCE}
            pipeline["reads"] = [draw(st.sampled_from(here))]
            pipeline["writes"] = [topic]
            present[cluster].add(topic)
        else:
            source = draw(st.sampled_from(sorted(mirrorable)))
            reads = draw(
                st.lists(st.sampled_from(mirrorable[source]), min_size=1, max_size=3, unique=True)
            )
            pipeline["source_cluster"] = source
            pipeline["reads"] = reads
            present[cluster].update(reads)
        pipelines[f"pipeline-{index}"] = pipeline
    return pipelines
