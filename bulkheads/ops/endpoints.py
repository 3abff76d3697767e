"""Where the live platform of a stack answers: each pool's Connect REST API, each
cluster's admin login and its brokers' metrics.

A pool's REST URL: ``http://127.0.0.1:<rest_port>`` (local runtime), else the in-cluster
service of its Strimzi KafkaConnect (:func:`kubernetes_rest_url`; reachable from inside
the Kubernetes cluster, or through ``--connect-url POOL=URL``). A cluster's admin login:
a local cluster's saved credential (``bulkheads local``'s state dir), else a librdkafka
properties file given as ``--client-config CLUSTER=FILE``. A cluster's brokers' ``/metrics``
(:meth:`Endpoints.metrics_urls`): the local broker's recorded port, each Strimzi broker pod's
JMX exporter (in-cluster), else ``--metrics-url CLUSTER=URL[,URL...]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bulkheads.cloud.args import CONNECT_REST_PORT
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.platform import LocalPlatform
from bulkheads.plan.manifests.strimzi import kafka_node_pool_name
from bulkheads.spec.model import LocalDeploy, LocalRuntime, PlatformSpec, StrimziDeploy

STRIMZI_METRICS_PORT = 9404
"""Where Strimzi's brokers serve their JMX exporter (container port ``tcp-prometheus``)."""


class EndpointError(Exception):
    """A pool or cluster of the stack cannot be reached with what is configured."""


def kubernetes_rest_url(connect_name: str, namespace: str) -> str:
    """The REST service Strimzi creates for the KafkaConnect ``connect_name``."""
    return f"http://{connect_name}-connect-api.{namespace}.svc:{CONNECT_REST_PORT}"


def pool_namespace(pool: str) -> str:
    """The namespace of a Kubernetes pool's workers (``connect-<pool>``)."""
    return f"connect-{pool}"


@dataclass(frozen=True)
class Endpoints:
    """How to reach one stack's pools and clusters; overrides win over the defaults."""

    spec: PlatformSpec
    connect_urls: Mapping[str, str] = field(default_factory=dict)
    client_configs: Mapping[str, Path] = field(default_factory=dict)
    metrics_urls_by_cluster: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def rest_url(self, pool: str) -> str:
        """The Connect REST URL of ``pool``."""
        if pool in self.connect_urls:
            return self.connect_urls[pool]
        runtime = self.spec.pools[pool].runtime
        if isinstance(runtime, LocalRuntime):
            return f"http://127.0.0.1:{runtime.rest_port}"
        return kubernetes_rest_url(pool, pool_namespace(pool))

    def admin_config(self, cluster: str) -> dict[str, str]:
        """librdkafka settings of an admin login to ``cluster``."""
        if cluster in self.client_configs:
            return read_properties(self.client_configs[cluster])
        if isinstance(self.spec.clusters[cluster].deploy, LocalDeploy):
            try:
                return LocalPlatform().connection(cluster).client_config()
            except LocalPlatformError as error:
                raise EndpointError(str(error)) from None
        raise EndpointError(
            f"cluster {cluster!r}: no admin login; pass --client-config {cluster}=FILE "
            "(librdkafka properties: bootstrap.servers, security.protocol, sasl.*)"
        )

    def metrics_urls(self, cluster: str) -> tuple[str, ...]:
        """The ``/metrics`` URL of every broker of ``cluster``."""
        if cluster in self.metrics_urls_by_cluster:
            return self.metrics_urls_by_cluster[cluster]
        deploy = self.spec.clusters[cluster].deploy
        if isinstance(deploy, LocalDeploy):
            try:
                return (LocalPlatform().metrics_url(cluster),)
            except LocalPlatformError as error:
                raise EndpointError(str(error)) from None
        if isinstance(deploy, StrimziDeploy):
            pool, service = kafka_node_pool_name(cluster), f"{cluster}-kafka-brokers"
            return tuple(
                f"http://{pool}-{index}.{service}.{deploy.namespace}.svc:"
                f"{STRIMZI_METRICS_PORT}/metrics"
                for index in range(deploy.brokers)
            )
        raise EndpointError(
            f"cluster {cluster!r}: no metrics endpoint; pass --metrics-url {cluster}=URL[,URL] "
            "(each broker's Prometheus JMX exporter /metrics with bulkheads' rules)"
        )


def read_properties(path: Path) -> dict[str, str]:
    """``key=value`` lines of a properties file (``#`` comments and blanks skipped)."""
    try:
        lines = path.read_text().splitlines()
    except OSError as error:
        raise EndpointError(f"{path}: {error.strerror}") from None
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def parse_assignments(values: list[str] | None, what: str) -> dict[str, str]:
    """``NAME=VALUE`` options as a mapping; raises ``ValueError`` naming a bad one."""
    parsed: dict[str, str] = {}
    for value in values or []:
        name, sep, rest = value.partition("=")
        if not sep or not name or not rest:
            raise ValueError(f"{value!r}: write {what} as NAME=VALUE")
        parsed[name] = rest
    return parsed
