"""Platform: one environment's isolation boundaries, composed (``bulkheads:platform:Platform``).

The one composition point. It takes a :class:`~bulkheads.plan.platform.PlatformPlan` and
the cloud arguments (plain values, never the spec model) and builds, all parented here::

    <name>-network                  Network
    <name>-cluster-<cluster>        Cluster, and under it
        <...>-kafka                 its explicit pulumi_kafka.Provider (admin login)
        <...>-data                  DataPlane: topics, principals, ACLs, quotas
    <name>-pool-<pool>              WorkerPool (after its principal's boundary: the
                                    principal, its ACLs, topics and quota)
    <name>-connector-<key>          Connector (after its pool and its principal's boundary
                                    on each cluster it uses; key: the pipeline, or
                                    `<pipeline>@<cluster>` when a cutover moved it there)

A partition stack of a partitioned estate (``args.partition``) builds only its plan's
clusters, pools and connectors (and the Network only in the network partition); what it
uses from another partition's clusters (bootstrap, logins) or the network stack (subnets,
security groups) comes from ``args.references``, and it publishes what later partitions
read (``references``, ``logins``; ``components.references``).

Cluster admin passwords come from ``admin_passwords`` (the local harness's) or are
generated once per cluster and kept secret in the state. ``outputs`` is a plain summary the
main job reports from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from bulkheads.adoption_inputs import kafka_provider_name
from bulkheads.cloud.args import SCRAM_TLS_PORT, ClusterArgs, IrsaSettings, NetworkArgs
from bulkheads.connect.config import scram_jaas_config
from bulkheads.plan.manifests.labels import kafka_pods
from bulkheads.plan.manifests.strimzi import ConnectBuild, KafkaLogin
from bulkheads.plan.partitions import Partition
from bulkheads.plan.platform import ConnectorPlan, KubernetesPoolRuntime, PlatformPlan, PoolPlan
from bulkheads.plan.plugins import build_image
from components import tokens
from components.cluster import Cluster, ClusterWiring
from components.connector import Connector, ConnectorArgs
from components.data_plane import DataPlane
from components.kafka_exporter import KafkaExporter, KafkaExporterArgs
from components.kafka_provider import kafka_provider
from components.monitoring import prometheus_rule
from components.network import Network
from components.references import References
from components.replay_scheduler import ReplayScheduler, ReplaySchedulerArgs
from components.secrets import GeneratedPassword
from components.topics import DEFAULT_PROTECTION, Protection
from components.worker_pool import (
    ConnectTarget,
    EgressPeer,
    KubernetesRuntime,
    LocalRuntime,
    WorkerPool,
    WorkerPoolArgs,
)


@dataclass(frozen=True)
class ConnectImages:
    """The image registry (``registry``, e.g. an ECR repository prefix) Strimzi pushes pool
    images to, and the Secret with its push credentials (None: the nodes' or IRSA's)."""

    registry: str
    push_secret: str | None = None


@dataclass(frozen=True)
class PlatformArgs:
    """Everything the platform is built from.

    ``clusters``: every cluster's arguments (those of the plan's clusters are built);
    ``admin_passwords``: per cluster, the admin login to use (default: generated);
    ``secret_values``: secret name -> value for connector ``secrets`` references;
    ``adopt_topics``: per cluster, retained topics to import rather than create;
    ``kubernetes``: the provider Strimzi resources go through (default provider if None);
    ``cluster_ca_keys``: per Strimzi cluster, the secret key of its CA certificate;
    ``irsa``: the EKS OIDC provider pool roles trust; ``connect_images``: where Strimzi
    pushes the images it builds for pools with plugins; ``partition``: the partition of a
    partitioned estate this stack builds (None: the whole estate) and ``references`` what
    it reads from the other partitions (``components.references``).
    """

    plan: PlatformPlan
    network: NetworkArgs
    clusters: Mapping[str, ClusterArgs]
    admin_passwords: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    admin_usernames: Mapping[str, str] = field(default_factory=dict)
    secret_values: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    adopt_topics: Mapping[str, frozenset[str]] = field(default_factory=dict)
    kubernetes: k8s.Provider | None = None
    cluster_ca_keys: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    protection: Protection = DEFAULT_PROTECTION
    irsa: IrsaSettings | None = None
    connect_images: ConnectImages | None = None
    partition: Partition | None = None
    references: References = field(default_factory=References)


class Platform(pulumi.ComponentResource):
    """Network, clusters and their data planes, worker pools and connectors."""

    def __init__(
        self, name: str, args: PlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        plan = args.plan
        super().__init__(tokens.PLATFORM, name, {tokens.PROP_ENVIRONMENT: plan.environment}, opts)
        child = pulumi.ResourceOptions(parent=self)
        self._references = args.references
        self.network = (
            Network(f"{name}-network", args.network, opts=child)
            if args.references.network is None
            else None
        )
        self.clusters: dict[str, Cluster] = {}
        self.data_planes: dict[str, DataPlane] = {}
        for cluster, cluster_args in args.clusters.items():
            if cluster in plan.clusters:  # a partition's pools may use a cluster built elsewhere
                self._build_cluster(name, cluster, cluster_args, args)
        self.pools = {pool.worker.pool: self._build_pool(name, pool, args) for pool in plan.pools}
        self.connectors = {
            connector.key: self._build_connector(name, connector, args)
            for connector in plan.connectors
        }
        self.alert_rules = self._alert_rules(name, args)
        self.kafka_exporters = self._kafka_exporters(name, args)
        self.replay_schedulers = [
            ReplayScheduler(
                f"{name}-replay-scheduler-{scheduler.pool}",
                ReplaySchedulerArgs(
                    scheduler,
                    plan.environment,
                    self.pools[scheduler.pool].target.namespace,
                    _login(self.pools[scheduler.pool].target),
                ),
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[
                        self.connectors[c.key] for c in plan.connectors if c.pool == scheduler.pool
                    ],
                ),
            )
            for scheduler in plan.replay_schedulers
        ]
        self.outputs = self._summary(plan)
        self.references, self.logins = self._published(args.partition)
        self.register_outputs({"summary": self.outputs})

    def _build_cluster(
        self, name: str, cluster: str, cluster_args: ClusterArgs, args: PlatformArgs
    ) -> None:
        component = f"{name}-cluster-{cluster}"
        password = args.admin_passwords.get(cluster)
        if password is None and cluster_args.deploy != "msk":  # MSK's admin logs in with IAM
            password = GeneratedPassword(
                f"{component}-admin-password", opts=pulumi.ResourceOptions(parent=self)
            ).result
        if cluster in args.admin_usernames:
            cluster_args = replace(cluster_args, admin_username=args.admin_usernames[cluster])
        aws = args.network.kind == "aws"
        wiring = ClusterWiring(
            admin_password=password,
            subnet_ids=self._subnet_ids() if aws else None,
            security_group_id=self._group_id(True, cluster) if aws else None,
            kubernetes=args.kubernetes,
            ca_key=args.cluster_ca_keys.get(cluster),
        )
        resource = Cluster(
            component, cluster_args, wiring, opts=pulumi.ResourceOptions(parent=self)
        )
        provider = kafka_provider(
            kafka_provider_name(name, cluster),
            resource.connection,
            opts=pulumi.ResourceOptions(parent=resource, depends_on=list(resource.admin_access)),
        )
        self.clusters[cluster] = resource
        self.data_planes[cluster] = DataPlane(
            f"{component}-data",
            args.plan.clusters[cluster],
            provider,
            args.plan.environment,
            args.protection,
            adopt=args.adopt_topics.get(cluster, frozenset()),
            msk_store=resource.msk_scram_store,
            opts=pulumi.ResourceOptions(parent=resource),
        )

    def _build_pool(self, name: str, pool: PoolPlan, args: PlatformArgs) -> WorkerPool:
        worker = pool.worker
        runtime: KubernetesRuntime | LocalRuntime
        if isinstance(pool.runtime, KubernetesPoolRuntime):
            runtime = self._kubernetes_runtime(
                pool, pool.runtime, args.clusters[worker.cluster], args
            )
        else:
            runtime = LocalRuntime(rest_port=pool.runtime.rest_port)
        return WorkerPool(
            f"{name}-pool-{worker.pool}",
            WorkerPoolArgs(
                worker=worker,
                environment=args.plan.environment,
                bootstrap_servers=self._bootstrap(worker.cluster),
                password=self._password(worker.cluster, worker.principal),
                runtime=runtime,
                override_policy=pool.override_policy,
            ),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=self._boundary(worker.cluster, worker.principal)
            ),
        )

    def _kubernetes_runtime(
        self,
        plan: PoolPlan,
        runtime: KubernetesPoolRuntime,
        cluster: ClusterArgs,
        args: PlatformArgs,
    ) -> KubernetesRuntime:
        """The pool's KafkaConnect: egress to its brokers and to the endpoints its
        network boundary declares (the NetworkPolicy mirrors the security group), on
        aws its security group on the worker pods, its plugins' build and its IAM role."""
        pool = plan.worker.pool
        if cluster.deploy == "msk":
            brokers = EgressPeer(ports=(SCRAM_TLS_PORT,), cidr=args.network.cidr)
        else:
            brokers = EgressPeer(
                ports=(SCRAM_TLS_PORT,),
                namespace=cluster.strimzi.namespace,
                pod_labels=kafka_pods(cluster.cluster),
            )
        declared = tuple(
            EgressPeer(ports=(endpoint.port,), cidr=endpoint.cidr)
            for boundary in args.network.workers
            if boundary.pool == pool
            for endpoint in boundary.endpoints
        )
        build = None
        if plan.plugins:
            if args.connect_images is None:
                raise ValueError(
                    f"pool {pool!r} declares plugins, which Strimzi builds into an image: "
                    "set the stack config bulkheads:connectImageRegistry (and "
                    "bulkheads:connectImagePushSecret unless the nodes may push)"
                )
            build = ConnectBuild(
                image=build_image(args.connect_images.registry, pool, plan.plugins),
                plugins=plan.plugins,
                push_secret=args.connect_images.push_secret,
            )
        return KubernetesRuntime(
            build=build,
            s3=plan.s3,
            irsa=args.irsa,
            brokers=(brokers,),
            declared_egress=declared,
            security_group_id=self._group_id(False, pool),
            broker_ca_cert=cluster.strimzi.ca_cert if cluster.deploy == "strimzi" else None,
            replicas=runtime.replicas,
            cpu_request=runtime.cpu,
            cpu_limit=runtime.cpu,
            memory_request=runtime.memory,
            memory_limit=runtime.memory,
            node_pool=runtime.node_pool,
        )

    def _build_connector(self, name: str, plan: ConnectorPlan, args: PlatformArgs) -> Connector:
        missing = sorted(set(plan.secrets.values()) - set(args.secret_values))
        if missing:
            raise ValueError(f"pipeline {plan.pipeline!r} needs secrets {missing}")
        secret_config: dict[str, pulumi.Input[str]] = {
            key: args.secret_values[secret] for key, secret in plan.secrets.items()
        }
        used = {plan.cluster}
        for prefix, cluster in plan.cluster_logins.items():
            secret_config.update(self._cluster_login(prefix, cluster, plan.username))
            used.add(cluster)
        pool = self.pools[plan.pool]
        # a cutover names a moved connector <pipeline>@<to> until it is removed; then the
        # pipeline declares its new pool and the same connector is adopted under its name
        moved_here = f"{name}-connector-{plan.pipeline}@{plan.cluster}"
        return Connector(
            f"{name}-connector-{plan.key}",
            ConnectorArgs(
                connector=plan.connector,
                pipeline=plan.pipeline,
                kind=plan.kind,
                pool=plan.pool,
                cluster=plan.cluster,
                workload_class=plan.workload_class,
                owner=plan.owner,
                environment=args.plan.environment,
                connector_class=plan.connector_class,
                username=plan.username,
                password=self._password(plan.cluster, plan.username),
                target=pool.target,
                reads=plan.reads,
                writes=plan.writes,
                tasks_max=plan.tasks_max,
                config=plan.config,
                secret_config=secret_config,
                state=plan.state,
                scheduled=plan.scheduled,
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[
                    pool,
                    *(r for c in sorted(used) for r in self._boundary(c, plan.username)),
                ],
                aliases=[] if plan.resource_key else [pulumi.Alias(name=moved_here)],
            ),
        )

    def _kafka_exporters(self, name: str, args: PlatformArgs) -> list[KafkaExporter]:
        """A Kafka Exporter per MSK cluster when the stack runs on EKS (``irsa`` set):
        Strimzi runs its own beside its brokers, MSK has none."""
        if args.irsa is None:
            return []
        return [
            KafkaExporter(
                f"{name}-kafka-exporter-{cluster}",
                KafkaExporterArgs(
                    cluster=cluster,
                    environment=args.plan.environment,
                    cluster_arn=self.clusters[cluster].msk.arn,
                    brokers=self.clusters[cluster].msk.bootstrap_brokers_sasl_iam,
                    region=cluster_args.msk.region,
                    irsa=args.irsa,
                    kubernetes=args.kubernetes,
                ),
                opts=pulumi.ResourceOptions(parent=self.clusters[cluster]),
            )
            for cluster, cluster_args in args.clusters.items()
            if cluster_args.deploy == "msk" and cluster in self.clusters
        ]

    def _alert_rules(self, name: str, args: PlatformArgs) -> list[pulumi.Resource]:
        """A PrometheusRule per alert group of a Kubernetes pool (in the pool's namespace)
        or of a Strimzi cluster (in the cluster's), beside what it watches."""
        made: list[pulumi.Resource] = []
        labels = {"bulkheads.io/environment": args.plan.environment}
        for group in args.plan.alerts:
            namespace: pulumi.Input[str]
            if group.pool is not None:
                pool = self.pools[group.pool]
                if pool.target.runtime != "kubernetes":
                    continue
                resource = f"{name}-pool-{group.pool}-alerts"
                namespace = pool.target.namespace
                opts = pulumi.ResourceOptions(parent=pool, depends_on=list(pool.target.workers))
            else:
                resource = f"{name}-cluster-{group.cluster}-alerts"
                namespace = args.clusters[group.cluster].strimzi.namespace
                opts = pulumi.ResourceOptions(
                    parent=self.clusters[group.cluster], provider=args.kubernetes
                )
            made.append(prometheus_rule(resource, namespace, group, labels, opts))
        return made

    def _cluster_login(self, prefix: str, cluster: str, username: str) -> dict[str, Any]:
        """MirrorMaker 2 client settings reaching ``cluster`` as the pipeline principal."""
        password = self._password(cluster, username)
        protocol = "SASL_SSL" if self._tls_enabled(cluster) else "SASL_PLAINTEXT"
        return {
            f"{prefix}.bootstrap.servers": self._bootstrap(cluster),
            f"{prefix}.security.protocol": protocol,
            f"{prefix}.sasl.mechanism": "SCRAM-SHA-512",
            f"{prefix}.sasl.jaas.config": pulumi.Output.from_input(password).apply(
                lambda secret: scram_jaas_config(username, secret)
            ),
        }

    # --- what a cluster's clients get: from this stack, or from the partition holding it

    def _bootstrap(self, cluster: str) -> pulumi.Input[str]:
        if cluster in self.clusters:
            return self.clusters[cluster].bootstrap_servers
        return self._references.clusters[cluster].bootstrap

    def _password(self, cluster: str, username: str) -> pulumi.Input[str]:
        if cluster in self.data_planes:
            return self.data_planes[cluster].principals[username].password
        return self._references.clusters[cluster].passwords[username]

    def _tls_enabled(self, cluster: str) -> bool:
        if cluster in self.clusters:
            return self.clusters[cluster].connection.tls_enabled
        return self._references.clusters[cluster].tls_enabled

    def _boundary(self, cluster: str, username: str) -> list[pulumi.Resource]:
        """What a client waits for here; another partition's is the stack order."""
        if cluster in self.data_planes:
            return self.data_planes[cluster].boundary_of(username)
        return []

    def _subnet_ids(self) -> pulumi.Input[list[str]]:
        if self.network is not None:
            return self.network.private_subnet_ids
        assert self._references.network is not None
        return self._references.network.subnet_ids

    def _group_id(self, brokers: bool, key: str) -> pulumi.Input[str] | None:
        """The security group of ``key``'s brokers (a cluster) or workers (a pool), if any."""
        if self.network is not None:
            network = self.network
            groups = network.broker_security_groups if brokers else network.worker_security_groups
            group = groups.get(key)
            return group.id if group is not None else None
        refs = self._references.network
        assert refs is not None
        return (refs.broker_groups if brokers else refs.worker_groups).get(key)

    def _published(self, partition: Partition | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """A partition's ``references`` and (secret) ``logins`` outputs, read by the
        partitions after it (``components.references``); empty for a whole estate."""
        if partition is None:
            return {}, {}
        references: dict[str, Any] = {
            "clusters": {c: {"bootstrap": self._bootstrap(c)} for c in partition.exports}
        }
        if self.network is not None:
            references["network"] = {
                "subnet_ids": self.network.private_subnet_ids,
                "brokers": {c: g.id for c, g in self.network.broker_security_groups.items()},
                "workers": {p: g.id for p, g in self.network.worker_security_groups.items()},
            }
        logins = {
            cluster: {user: self._password(cluster, user) for user in users}
            for cluster, users in partition.exports.items()
        }
        return references, logins

    def _summary(self, plan: PlatformPlan) -> dict[str, Any]:
        clusters = {
            name: {
                "bootstrap": self.clusters[name].bootstrap_servers,
                "topics": [topic.name for topic in cluster_plan.topics],
                "principals": [principal.username for principal in cluster_plan.principals],
                "acls": sum(len(grant.bindings) for grant in cluster_plan.grants),
                "quotas": len(cluster_plan.quotas),
            }
            for name, cluster_plan in plan.clusters.items()
        }
        pools = {
            pool.worker.pool: {
                "cluster": pool.worker.cluster,
                "class": pool.worker.workload_class,
                "endpoint": self.pools[pool.worker.pool].rest_url,
            }
            for pool in plan.pools
        }
        connectors = {
            connector.key: {
                "pool": connector.pool,
                "kind": connector.kind,
                "state": connector.state,
            }
            for connector in plan.connectors
        }
        summary: dict[str, Any] = {"clusters": clusters, "pools": pools, "connectors": connectors}
        if plan.cutovers:  # the phases applied (what `bulkheads up` gates the next one on)
            summary["cutovers"] = {c.cutover: c.phase for c in plan.cutovers}
        return summary


def _login(target: ConnectTarget) -> KafkaLogin:
    """A Kubernetes pool's cluster login (set by its WorkerPool)."""
    assert target.login is not None, f"pool {target.pool} is not on Kubernetes"
    return target.login
