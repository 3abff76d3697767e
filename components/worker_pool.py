"""WorkerPool: one Kafka Connect worker group per pool (``bulkheads:runtime:WorkerPool``).

A pool is its own Connect group: own ``group.id``, own three internal topics, own
worker principal, own compute. Connectors of other pools cannot rebalance it.

Arguments (plain frozen dataclasses):

- :class:`WorkerPoolArgs`: ``worker`` (the plan's :class:`WorkerPoolPlan`: pool,
  cluster, class, owner, group id, internal topics, worker principal, replication),
  ``environment``, ``bootstrap_servers`` and ``password`` (the worker principal's
  SCRAM password, an Output kept secret), ``override_policy`` (default
  ``Principal``) and ``runtime``: one of
- :class:`KubernetesRuntime`: a Strimzi ``KafkaConnect`` custom resource (chosen
  over a plain Deployment because Strimzi runs the group's rolling restarts,
  its PodDisruptionBudget and the ``KafkaConnector`` CRs connectors are declared
  with). Per pool: its own namespace (default ``connect-<pool>``) so that network
  policy, secrets and RBAC are scoped to the pool; a Secret with the worker
  password; the KafkaConnect with replicas, CPU/memory requests and limits,
  node affinity + toleration for a dedicated node pool, the Strimzi-managed
  PodDisruptionBudget (``template.podDisruptionBudget``; a second PDB of our own
  would break evictions); and a NetworkPolicy allowing egress only to DNS, the
  pool's own workers, its cluster's brokers and declared endpoints; with a
  ``security_group_id`` (aws), an EKS SecurityGroupPolicy puts the pool's security
  group on its worker pods. Defaults: 1 replica, cpu 500m/1, memory 1Gi/2Gi
  (request/limit), maxUnavailable 1, TLS to brokers on, no security group policy.
- :class:`LocalRuntime`: a Connect worker process of the local harness
  (:class:`components.local_worker.LocalWorker`) on ``127.0.0.1:<rest_port>``.

Exposes ``rest_url`` (Output) and ``target`` (:class:`ConnectTarget`), the
plain handle a :class:`components.connector.Connector` is placed with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import pulumi
import pulumi_kubernetes as k8s

from bulkheads.cloud.args import CONNECT_REST_PORT
from bulkheads.connect.config import OVERRIDE_POLICY_DEFAULT, worker_isolation_config
from bulkheads.connect.kube import is_dns_label, is_label_value, parse_quantity
from bulkheads.ops.endpoints import kubernetes_rest_url, pool_namespace
from bulkheads.ops.metrics import CONNECT_RULES, metrics_config
from bulkheads.plan.types import WorkerPoolPlan
from components import tokens
from components.aws_pod_security import pod_security_group_policy
from components.monitoring import metrics_config_map, pod_monitor
from components.strimzi_labels import connect_pods

LABEL_PREFIX = "bulkheads.io/"
NODE_POOL_KEY = LABEL_PREFIX + "node-pool"
SECRET_PASSWORD_KEY = "password"
BROKER_CA_KEY = "ca.crt"
# Strimzi resolves ${secrets:<namespace>/<secret>:<key>} in connector config with this.
SECRET_CONFIG_PROVIDER = {
    "config.providers": "secrets",
    "config.providers.secrets.class": "io.strimzi.kafka.KubernetesSecretConfigProvider",
}


@dataclass(frozen=True)
class EgressPeer:
    """A destination pool workers may reach: a CIDR, or pods (by labels) in a namespace."""

    ports: tuple[int, ...]
    cidr: str | None = None
    namespace: str | None = None
    pod_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.cidr is None) == (self.namespace is None):
            raise ValueError("an egress peer names exactly one of cidr or namespace")


@dataclass(frozen=True)
class KubernetesRuntime:
    """Strimzi KafkaConnect settings of one pool (see the module docstring for defaults).

    ``api_server`` is needed in ``declared_egress`` when connectors carry secret config:
    the workers read those Secrets through the Kubernetes API. ``broker_ca_cert`` (PEM) is
    the CA the workers trust for their brokers (Strimzi); None: the JVM's roots (MSK).
    """

    brokers: tuple[EgressPeer, ...]
    replicas: int = 1
    cpu_request: str = "500m"
    cpu_limit: str = "1"
    memory_request: str = "1Gi"
    memory_limit: str = "2Gi"
    node_pool: str | None = None
    namespace: str | None = None
    image: str | None = None
    broker_tls: bool = True
    max_unavailable: int = 1
    declared_egress: tuple[EgressPeer, ...] = ()
    security_group_id: pulumi.Input[str] | None = None
    broker_ca_cert: str | None = None

    def __post_init__(self) -> None:
        for label, request, limit in (
            ("cpu", self.cpu_request, self.cpu_limit),
            ("memory", self.memory_request, self.memory_limit),
        ):
            if parse_quantity(request) > parse_quantity(limit):
                raise ValueError(f"{label} request {request} exceeds its limit {limit}")
        if self.replicas < 1:
            raise ValueError(f"replicas must be >= 1, got {self.replicas}")
        if not self.brokers:
            raise ValueError("a pool needs its cluster's brokers as egress peers")


@dataclass(frozen=True)
class LocalRuntime:
    """A Connect worker process of the local harness on ``127.0.0.1:<rest_port>``."""

    rest_port: int


@dataclass(frozen=True)
class WorkerPoolArgs:
    """Everything a pool needs; ``password`` is the worker principal's SCRAM password."""

    worker: WorkerPoolPlan
    environment: str
    bootstrap_servers: pulumi.Input[str]
    password: pulumi.Input[str]
    runtime: KubernetesRuntime | LocalRuntime
    override_policy: str = OVERRIDE_POLICY_DEFAULT

    @property
    def runtime_kind(self) -> Literal["kubernetes", "local"]:
        return "kubernetes" if isinstance(self.runtime, KubernetesRuntime) else "local"


@dataclass(frozen=True)
class ConnectTarget:
    """Where a pool's connectors go: the REST endpoint (local) or the KafkaConnect CR.

    ``workers`` are the resources connectors must wait for (the worker or CR).
    """

    runtime: Literal["kubernetes", "local"]
    pool: str
    rest_url: pulumi.Output[str]
    connect_name: str
    namespace: pulumi.Output[str]
    workers: tuple[pulumi.Resource, ...]

    @property
    def service_account(self) -> str:
        """The service account Strimzi runs the pool's worker pods as."""
        return f"{self.connect_name}-connect"


def ownership_labels(
    owner: str, workload_class: str, pool: str, environment: str
) -> dict[str, str]:
    """The labels every runtime object carries; raises on a value Kubernetes refuses."""
    labels = {
        LABEL_PREFIX + "owner": owner,
        LABEL_PREFIX + "class": workload_class,
        LABEL_PREFIX + "pool": pool,
        LABEL_PREFIX + "environment": environment,
    }
    for key, value in labels.items():
        if not is_label_value(value):
            raise ValueError(
                f"label {key}={value!r} is not a valid Kubernetes label value: "
                "use at most 63 letters, digits, '-', '_' or '.'"
            )
    return labels


def node_pool_placement(node_pool: str) -> dict[str, object]:
    """Pod affinity and toleration pinning pods to Kubernetes nodes of ``node_pool``.

    Label and taint key ``NODE_POOL_KEY``, for Connect workers and Kafka nodes alike.
    """
    return {
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {"key": NODE_POOL_KEY, "operator": "In", "values": [node_pool]}
                            ]
                        }
                    ]
                }
            }
        },
        "tolerations": [
            {"key": NODE_POOL_KEY, "operator": "Equal", "value": node_pool, "effect": "NoSchedule"}
        ],
    }


def broker_ca_secret(connect_name: str) -> str:
    """The Secret holding the brokers' CA certificate in a pool's namespace."""
    return f"{connect_name}-broker-ca"


def object_meta(
    name: str, namespace: pulumi.Input[str] | None, labels: Mapping[str, str]
) -> k8s.meta.v1.ObjectMetaArgs:
    """Metadata of a runtime object: its name, namespace (None: cluster-scoped), labels."""
    return k8s.meta.v1.ObjectMetaArgs(name=name, namespace=namespace, labels=dict(labels))


class WorkerPool(pulumi.ComponentResource):
    """One Connect worker group, on Kubernetes (Strimzi) or as a local process."""

    rest_url: pulumi.Output[str]
    target: ConnectTarget

    def __init__(
        self, name: str, args: WorkerPoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        worker = args.worker
        props = {
            tokens.PROP_ENVIRONMENT: args.environment,
            tokens.PROP_POOL: worker.pool,
            tokens.PROP_CLUSTER: worker.cluster,
            tokens.PROP_CLASS: worker.workload_class,
            tokens.PROP_OWNER: worker.owner,
            "runtime": args.runtime_kind,
            "group_id": worker.group_id,
            "config_topic": worker.config_topic,
            "offset_topic": worker.offset_topic,
            "status_topic": worker.status_topic,
            "override_policy": args.override_policy,
            "replicas": args.runtime.replicas if isinstance(args.runtime, KubernetesRuntime) else 1,
        }
        super().__init__(tokens.WORKER_POOL, name, props, opts)
        self.worker_config = worker_isolation_config(
            worker.group_id,
            worker.config_topic,
            worker.offset_topic,
            worker.status_topic,
            worker.internal_replication_factor,
            args.override_policy,
        )
        if isinstance(args.runtime, KubernetesRuntime):
            self.target = self._kubernetes(name, args, args.runtime)
        else:
            self.target = self._local(name, args, args.runtime)
        self.rest_url = self.target.rest_url
        self.register_outputs({"rest_url": self.rest_url})

    def _local(self, name: str, args: WorkerPoolArgs, runtime: LocalRuntime) -> ConnectTarget:
        from components.local_worker import LocalWorker, LocalWorkerArgs

        self.worker = LocalWorker(
            f"{name}-worker",
            LocalWorkerArgs(
                pool=args.worker.pool,
                worker_config=self.worker_config,
                bootstrap_servers=args.bootstrap_servers,
                username=args.worker.principal,
                password=args.password,
                rest_port=runtime.rest_port,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        return ConnectTarget(
            runtime="local",
            pool=args.worker.pool,
            rest_url=self.worker.rest_url,
            connect_name=args.worker.pool,
            namespace=pulumi.Output.from_input(""),
            workers=(self.worker,),
        )

    def _kubernetes(
        self, name: str, args: WorkerPoolArgs, runtime: KubernetesRuntime
    ) -> ConnectTarget:
        worker = args.worker
        labels = ownership_labels(
            worker.owner, worker.workload_class, worker.pool, args.environment
        )
        namespace_name = runtime.namespace or pool_namespace(worker.pool)
        connect_name = worker.pool
        for value in (namespace_name, connect_name):
            if not is_dns_label(value):
                raise ValueError(
                    f"{value!r} is not a valid Kubernetes name: use lower-case letters, digits "
                    "and '-', at most 63 characters"
                )
        child = pulumi.ResourceOptions(parent=self)
        self.namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=object_meta(namespace_name, None, labels),
            opts=child,
        )
        namespace = self.namespace.metadata.apply(lambda meta: str(meta.name))
        secret_name = f"{connect_name}-worker-principal"
        self.credentials = k8s.core.v1.Secret(
            f"{name}-credentials",
            metadata=object_meta(secret_name, namespace, labels),
            type="Opaque",
            string_data={SECRET_PASSWORD_KEY: pulumi.Output.secret(args.password)},
            opts=child,
        )
        waits_for: list[pulumi.Resource] = [self.credentials]
        if runtime.broker_tls and runtime.broker_ca_cert is not None:
            self.broker_ca = k8s.core.v1.Secret(
                f"{name}-broker-ca",
                metadata=object_meta(broker_ca_secret(connect_name), namespace, labels),
                type="Opaque",
                string_data={BROKER_CA_KEY: runtime.broker_ca_cert},
                opts=child,
            )
            waits_for.append(self.broker_ca)
        self.metrics = metrics_config_map(
            f"{name}-metrics", f"{connect_name}-connect-metrics", namespace, CONNECT_RULES,
            labels, child,
        )  # fmt: skip
        waits_for.append(self.metrics)
        self.kafka_connect = k8s.apiextensions.CustomResource(
            f"{name}-connect",
            api_version=tokens.STRIMZI_API_VERSION,
            kind="KafkaConnect",
            metadata={
                "name": connect_name,
                "namespace": namespace,
                "labels": labels,
                "annotations": {"strimzi.io/use-connector-resources": "true"},
            },
            spec=self._connect_spec(args, runtime, labels, secret_name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=waits_for),
        )
        self.pod_monitor = pod_monitor(
            f"{name}-pod-monitor", f"{connect_name}-connect", namespace,
            connect_pods(connect_name), labels, child, cluster=worker.cluster, pool=worker.pool,
        )  # fmt: skip
        self.network_policy = k8s.networking.v1.NetworkPolicy(
            f"{name}-egress",
            metadata=object_meta(f"{connect_name}-egress", namespace, labels),
            spec=cast(
                k8s.networking.v1.NetworkPolicySpecArgsDict,
                _egress_policy_spec(connect_name, runtime),
            ),
            opts=child,
        )
        if runtime.security_group_id is not None:
            self.security_group_policy = pod_security_group_policy(
                f"{name}-pods-security-group",
                namespace,
                connect_pods(connect_name),
                runtime.security_group_id,
                labels,
                child,
            )
        rest_url = namespace.apply(lambda ns: kubernetes_rest_url(connect_name, ns))
        return ConnectTarget(
            runtime="kubernetes",
            pool=worker.pool,
            rest_url=rest_url,
            connect_name=connect_name,
            namespace=namespace,
            workers=(self.kafka_connect,),
        )

    def _connect_spec(
        self,
        args: WorkerPoolArgs,
        runtime: KubernetesRuntime,
        labels: dict[str, str],
        secret_name: str,
    ) -> dict[str, Any]:
        pod: dict[str, Any] = {"metadata": {"labels": labels}}
        if runtime.node_pool:
            pod.update(node_pool_placement(runtime.node_pool))
        spec: dict[str, Any] = {
            "replicas": runtime.replicas,
            "bootstrapServers": args.bootstrap_servers,
            "authentication": {
                "type": "scram-sha-512",
                "username": args.worker.principal,
                "passwordSecret": {"secretName": secret_name, "password": SECRET_PASSWORD_KEY},
            },
            "config": {**self.worker_config, **SECRET_CONFIG_PROVIDER},
            "metricsConfig": metrics_config(f"{args.worker.pool}-connect-metrics"),
            "resources": {
                "requests": {"cpu": runtime.cpu_request, "memory": runtime.memory_request},
                "limits": {"cpu": runtime.cpu_limit, "memory": runtime.memory_limit},
            },
            "template": {
                "pod": pod,
                "podDisruptionBudget": {"maxUnavailable": runtime.max_unavailable},
            },
        }
        if runtime.broker_tls:
            trusted = []
            if runtime.broker_ca_cert is not None:
                secret = broker_ca_secret(args.worker.pool)
                trusted.append({"secretName": secret, "certificate": BROKER_CA_KEY})
            spec["tls"] = {"trustedCertificates": trusted}
        if runtime.image:
            spec["image"] = runtime.image
        return spec


def _peer_rule(peer: EgressPeer) -> dict[str, Any]:
    if peer.cidr is not None:
        target: dict[str, Any] = {"ipBlock": {"cidr": peer.cidr}}
    else:
        target = {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": peer.namespace}},
            "podSelector": {"matchLabels": dict(peer.pod_labels)},
        }
    return {"to": [target], "ports": [{"protocol": "TCP", "port": port} for port in peer.ports]}


def _egress_policy_spec(connect_name: str, runtime: KubernetesRuntime) -> dict[str, Any]:
    """Egress of the pool's worker pods: DNS, each other, brokers, declared endpoints."""
    pool_pods = connect_pods(connect_name)
    dns = {
        "to": [
            {
                "namespaceSelector": {
                    "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                },
                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
            }
        ],
        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
    }
    same_pool = {
        "to": [{"podSelector": {"matchLabels": pool_pods}}],
        "ports": [{"protocol": "TCP", "port": CONNECT_REST_PORT}],
    }
    peers = [*runtime.brokers, *runtime.declared_egress]
    return {
        "podSelector": {"matchLabels": pool_pods},
        "policyTypes": ["Egress"],
        "egress": [dns, same_pool, *(_peer_rule(peer) for peer in peers)],
    }
