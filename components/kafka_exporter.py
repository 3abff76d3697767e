"""KafkaExporter: consumer-group lag of one MSK cluster for Prometheus
(``bulkheads:ops:KafkaExporter``).

Arguments: :class:`KafkaExporterArgs` — the ``cluster`` name, ``environment``, the MSK
cluster's ARN and IAM bootstrap brokers (Outputs of its Cluster), its ``region`` and the
EKS OIDC provider (``irsa``). Registers the manifests of
:mod:`bulkheads.plan.manifests.kafka_exporter` (Namespace, ServiceAccount, Deployment and
its PodDisruptionBudget), an
IAM role trusted by exactly that ServiceAccount with the read-only
``msk_monitor_policy``, and a PodMonitor labelling every series ``kafka_cluster=<cluster>``,
so the lag rules of sinks on MSK read the same series as on Strimzi.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from bulkheads.cloud import iam
from bulkheads.cloud.args import IrsaSettings
from bulkheads.plan.manifests import core
from bulkheads.plan.manifests import kafka_exporter as exporter
from components import tokens
from components.manifests import register
from components.monitoring import pod_monitor


@dataclass(frozen=True)
class KafkaExporterArgs:
    """One MSK cluster and the EKS identity provider its exporter's role trusts."""

    cluster: str
    environment: str
    cluster_arn: pulumi.Input[str]
    brokers: pulumi.Input[str]
    region: str
    irsa: IrsaSettings
    kubernetes: k8s.Provider | None = None


class KafkaExporter(pulumi.ComponentResource):
    """A Kafka Exporter for an MSK cluster (see the module docstring)."""

    def __init__(
        self, name: str, args: KafkaExporterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            tokens.KAFKA_EXPORTER,
            name,
            {tokens.PROP_ENVIRONMENT: args.environment, tokens.PROP_CLUSTER: args.cluster},
            opts,
        )
        cluster, namespace = args.cluster, exporter.namespace_of(args.cluster)
        labels = {
            "app.kubernetes.io/managed-by": "bulkheads",
            "bulkheads.io/environment": args.environment,
            "bulkheads.io/cluster": cluster,
        }
        on_kubernetes = pulumi.ResourceOptions(parent=self, provider=args.kubernetes)
        self.namespace = register(
            f"{name}-namespace", core.namespace(namespace, labels), on_kubernetes
        )
        in_namespace = pulumi.ResourceOptions.merge(
            on_kubernetes, pulumi.ResourceOptions(depends_on=[self.namespace])
        )
        trust = iam.irsa_trust_policy(
            args.irsa.oidc_provider_arn, args.irsa.oidc_issuer, namespace, exporter.NAME
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=json.dumps(trust),
            description=f"Kafka Exporter of MSK cluster {cluster}: describe only",
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.iam.RolePolicy(
            f"{name}-role",
            role=self.role.id,
            policy=pulumi.Output.from_input(args.cluster_arn).apply(
                lambda arn: json.dumps(iam.msk_monitor_policy(arn, exporter.MONITOR_ACTIONS))
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.service_account = register(
            f"{name}-account",
            exporter.service_account(cluster, labels, self.role.arn),
            in_namespace,
        )
        flags = pulumi.Output.from_input(args.brokers).apply(
            lambda servers: exporter.exporter_args(servers.split(","), args.region)
        )
        self.deployment = register(
            f"{name}-deployment",
            exporter.deployment(cluster, labels, flags),
            pulumi.ResourceOptions.merge(
                in_namespace, pulumi.ResourceOptions(depends_on=[self.service_account])
            ),
        )
        self.disruption_budget = register(
            f"{name}-disruption-budget", exporter.disruption_budget(cluster, labels), in_namespace
        )
        self.pod_monitor = pod_monitor(
            f"{name}-pod-monitor", exporter.NAME, namespace, exporter.pods(cluster), labels,
            in_namespace, cluster=cluster,
        )  # fmt: skip
        self.register_outputs({"namespace": namespace})
