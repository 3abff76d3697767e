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

from dataclasses import dataclass
from typing import Literal

import pulumi

from bulkheads.cloud.args import IrsaSettings
from bulkheads.cloud.tags import boundary_tags
from bulkheads.connect.config import OVERRIDE_POLICY_DEFAULT, worker_isolation_config
from bulkheads.connect.kube import is_dns_label, parse_quantity
from bulkheads.ops.endpoints import kubernetes_rest_url, pool_namespace
from bulkheads.ops.metrics import CONNECT_RULES
from bulkheads.plan.identities import S3Grant
from bulkheads.plan.manifests import core, strimzi
from bulkheads.plan.manifests.core import EgressPeer
from bulkheads.plan.manifests.labels import connect_pods, ownership_labels
from bulkheads.plan.manifests.strimzi import (
    BROKER_CA_KEY,
    SECRET_PASSWORD_KEY,
    ConnectBuild,
    KafkaLogin,
    broker_ca_secret,
    connect_service_account,
)
from bulkheads.plan.types import WorkerPoolPlan
from components import tokens
from components.manifests import register
from components.monitoring import metrics_config_map, pod_monitor
from components.pool_identity import pool_role

__all__ = ["ConnectTarget", "EgressPeer", "KubernetesRuntime", "LocalRuntime", "WorkerPool"]


@dataclass(frozen=True)
class KubernetesRuntime:
    """Strimzi KafkaConnect settings of one pool (see the module docstring for defaults).

    ``api_server`` is needed in ``declared_egress`` when connectors carry secret config:
    the workers read those Secrets through the Kubernetes API. ``broker_ca_cert`` (PEM) is
    the CA the workers trust for their brokers (Strimzi); None: the JVM's roots (MSK).
    ``s3`` (default none) are the S3 locations its pipelines declare: the pool then gets an
    IAM role for its workers' service account through ``irsa`` (the EKS OIDC provider);
    ``build`` (default none: the stock image) the plugins Strimzi builds into its image.
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
    s3: tuple[S3Grant, ...] = ()
    irsa: IrsaSettings | None = None
    build: ConnectBuild | None = None

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
        if self.s3 and self.irsa is None:
            raise ValueError(
                "a pool whose pipelines declare s3 locations needs the EKS OIDC provider "
                "(stack config bulkheads:oidcProviderArn and bulkheads:oidcIssuer)"
            )


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

    ``workers`` are the resources connectors must wait for (the worker or CR);
    ``login`` is how other pods of a Kubernetes pool reach its cluster (None locally).
    """

    runtime: Literal["kubernetes", "local"]
    pool: str
    rest_url: pulumi.Output[str]
    connect_name: str
    namespace: str
    workers: tuple[pulumi.Resource, ...]
    login: KafkaLogin | None = None

    @property
    def service_account(self) -> str:
        """The service account Strimzi runs the pool's worker pods as."""
        return connect_service_account(self.connect_name)


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
            namespace="",
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
        self.namespace = register(
            f"{name}-namespace", core.namespace(namespace_name, labels), child
        )
        in_namespace = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])
        secret_name = f"{connect_name}-worker-principal"
        self.credentials = register(
            f"{name}-credentials",
            core.secret(
                secret_name,
                namespace_name,
                labels,
                {SECRET_PASSWORD_KEY: pulumi.Output.secret(args.password)},
            ),
            in_namespace,
        )
        waits_for: list[pulumi.Resource] = [self.credentials]
        ca_secret = None
        if runtime.broker_tls and runtime.broker_ca_cert is not None:
            ca_secret = broker_ca_secret(connect_name)
            self.broker_ca = register(
                f"{name}-broker-ca",
                core.secret(
                    ca_secret, namespace_name, labels, {BROKER_CA_KEY: runtime.broker_ca_cert}
                ),
                in_namespace,
            )
            waits_for.append(self.broker_ca)
        role_arn = None
        if runtime.s3:
            assert runtime.irsa is not None  # checked by KubernetesRuntime
            self.role = pool_role(
                name,
                worker.pool,
                (namespace_name, connect_service_account(connect_name)),
                runtime.s3,
                runtime.irsa,
                boundary_tags(
                    args.environment, worker.owner, worker.workload_class, pool=worker.pool
                ),
                self,
            )
            role_arn = self.role.arn
        workers = strimzi.ConnectWorkers(
            name=connect_name,
            namespace=namespace_name,
            labels=labels,
            bootstrap_servers=args.bootstrap_servers,
            username=worker.principal,
            password_secret=secret_name,
            config=self.worker_config,
            resources={
                "requests": {"cpu": runtime.cpu_request, "memory": runtime.memory_request},
                "limits": {"cpu": runtime.cpu_limit, "memory": runtime.memory_limit},
            },
            replicas=runtime.replicas,
            max_unavailable=runtime.max_unavailable,
            broker_tls=runtime.broker_tls,
            broker_ca_secret=ca_secret,
            node_pool=runtime.node_pool,
            image=runtime.image,
            role_arn=role_arn,
            build=runtime.build,
        )
        self.metrics = metrics_config_map(
            f"{name}-metrics", strimzi.connect_metrics_config_map(connect_name), namespace_name,
            CONNECT_RULES, labels, in_namespace,
        )  # fmt: skip
        self.kafka_connect = register(
            f"{name}-connect",
            strimzi.kafka_connect(workers),
            pulumi.ResourceOptions(
                parent=self, depends_on=[self.namespace, *waits_for, self.metrics]
            ),
        )
        self.pod_monitor = pod_monitor(
            f"{name}-pod-monitor", f"{connect_name}-connect", namespace_name,
            connect_pods(connect_name), labels, in_namespace,
            cluster=worker.cluster, pool=worker.pool,
        )  # fmt: skip
        self.network_policy = register(
            f"{name}-egress",
            core.connect_egress_policy(
                f"{connect_name}-egress",
                namespace_name,
                labels,
                connect_name,
                (*runtime.brokers, *runtime.declared_egress),
            ),
            in_namespace,
        )
        if runtime.security_group_id is not None:
            policy_name = f"{name}-pods-security-group"
            self.security_group_policy = register(
                policy_name,
                core.security_group_policy(
                    policy_name,
                    namespace_name,
                    labels,
                    connect_pods(connect_name),
                    runtime.security_group_id,
                ),
                in_namespace,
            )
        rest_url = pulumi.Output.from_input(kubernetes_rest_url(connect_name, namespace_name))
        return ConnectTarget(
            runtime="kubernetes",
            pool=worker.pool,
            rest_url=rest_url,
            connect_name=connect_name,
            namespace=namespace_name,
            workers=(self.kafka_connect,),
            login=KafkaLogin(args.bootstrap_servers, runtime.broker_tls, ca_secret),
        )
