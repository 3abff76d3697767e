"""The Cluster component: one Kafka cluster, by engine x deployment.

- automq on strimzi: a KMS key, the data/ops/WAL buckets and the brokers' IRSA role
  (``components.aws_object_storage``), and the Strimzi resources with AutoMQ's
  object-storage settings (``components.strimzi``);
- kafka on msk: a KMS key and the MSK cluster (``components.aws_msk``);
- kafka on strimzi: the Strimzi resources only;
- on strimzi with an aws network: a SecurityGroupPolicy putting the brokers' security
  group on the broker pods (``bulkheads.plan.manifests.core``);
- local (either engine): no children; records the local bootstrap.

Tenancy, owner, classes and environment go into the props, the AWS tags and the
Kubernetes labels. The outputs are the bootstrap address, the brokers' security group (aws)
and a ``KafkaConnection`` for ``components.kafka_provider.kafka_provider`` (on msk an IAM
login, allowed by ``admin_policy``; a provider waits for ``admin_access``: on msk the
policy's attachment to the deploy role, on strimzi the Kafka CR and the admin KafkaUser,
both awaited Ready); on msk also ``msk_scram_store``, where the data plane's SCRAM users
must live.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from bulkheads.cloud import automq
from bulkheads.cloud.args import ClusterArgs
from bulkheads.cloud.tags import boundary_tags
from bulkheads.plan.manifests.core import security_group_policy
from bulkheads.plan.manifests.labels import kafka_pods
from bulkheads.plan.manifests.strimzi import bootstrap_address, kafka_service_account
from bulkheads.plan.props import cluster_props
from components import tokens
from components.access import MskScramStore
from components.aws_msk import msk_cluster
from components.aws_object_storage import automq_object_storage
from components.kafka_provider import AWS_IAM, KafkaConnection
from components.manifests import register
from components.strimzi import strimzi_cluster

LABEL_PREFIX = "bulkheads.io"


@dataclass(frozen=True)
class ClusterWiring:
    """What a cluster takes from other resources.

    ``admin_password`` (a secret) for the SCRAM admin of strimzi and local deploys (msk's
    provider logs in with IAM instead); ``subnet_ids`` and
    ``security_group_id`` (the Network's brokers group) for msk; ``kubernetes`` for
    strimzi (None: the default provider), where a ``security_group_id`` goes on the
    broker pods through an EKS SecurityGroupPolicy and ``ca_key`` (a secret, required) is
    the private key of ``StrimziSettings.ca_cert``.
    """

    admin_password: pulumi.Input[str] | None = None
    subnet_ids: pulumi.Input[list[str]] | None = None
    security_group_id: pulumi.Input[str] | None = None
    kubernetes: k8s.Provider | None = None
    ca_key: pulumi.Input[str] | None = None


class Cluster(pulumi.ComponentResource):
    """One Kafka cluster (see the module docstring)."""

    bootstrap_servers: pulumi.Output[str]
    security_group_id: pulumi.Output[str] | None
    connection: KafkaConnection

    def __init__(
        self,
        name: str,
        args: ClusterArgs,
        wiring: ClusterWiring,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            tokens.CLUSTER,
            name,
            cluster_props(
                cluster=args.cluster,
                engine=args.engine,
                tenancy=args.tenancy,
                deploy=args.deploy,
                serves=args.serves,
                regulated=args.regulated,
                owner=args.owner,
                environment=args.environment,
            ),
            opts,
        )
        self.tags = boundary_tags(
            args.environment,
            args.owner,
            args.workload_class,
            cluster=args.cluster,
            tenancy=args.tenancy,
            engine=args.engine,
            regulated=str(args.regulated).lower(),
        )
        self.labels = {
            "app.kubernetes.io/managed-by": "bulkheads",
            **{
                f"{LABEL_PREFIX}/{key}": value
                for key, value in self.tags.items()
                if key != "managed-by"
            },
        }
        self.msk_scram_store: MskScramStore | None = None
        self.admin_access: tuple[pulumi.Resource, ...] = ()
        self.security_group_id = (
            pulumi.Output.from_input(wiring.security_group_id)
            if wiring.security_group_id is not None
            else None
        )
        if args.deploy == "local":
            bootstrap: pulumi.Input[str] = args.local_bootstrap
        elif args.deploy == "msk":
            bootstrap = self._build_msk(name, args, wiring)
        else:
            bootstrap = self._build_strimzi(name, args, wiring)
        self.bootstrap_servers = pulumi.Output.from_input(bootstrap)
        if args.deploy == "msk":
            self.connection = KafkaConnection(
                bootstrap_servers=self.msk.bootstrap_brokers_sasl_iam.apply(
                    lambda servers: servers.split(",")
                ),
                sasl_mechanism=AWS_IAM,
                aws_region=args.msk.region,
            )
        else:
            if wiring.admin_password is None:
                raise ValueError(f"cluster {args.cluster!r}: {args.deploy} needs admin_password")
            self.connection = KafkaConnection(
                bootstrap_servers=self.bootstrap_servers.apply(lambda s: s.split(",")),
                sasl_username=args.admin_username,
                sasl_password=pulumi.Output.secret(wiring.admin_password),
                tls_enabled=args.deploy != "local",
                ca_cert=args.strimzi.ca_cert if args.deploy == "strimzi" else None,
            )
        outputs: dict[str, object] = {"bootstrap_servers": self.bootstrap_servers}
        if self.security_group_id is not None:
            outputs["security_group_id"] = self.security_group_id
        if args.deploy == "msk":
            outputs["admin_policy_arn"] = self.admin_policy.arn
        self.register_outputs(outputs)

    def _kms_key(self, name: str, args: ClusterArgs) -> aws.kms.Key:
        return aws.kms.Key(
            f"{name}-key",
            description=f"bulkheads {args.environment} cluster {args.cluster}: data at rest",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            tags=self.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _build_msk(self, name: str, args: ClusterArgs, wiring: ClusterWiring) -> pulumi.Output[str]:
        if wiring.subnet_ids is None or wiring.security_group_id is None:
            raise ValueError(
                f"cluster {args.cluster!r}: msk needs subnet_ids and security_group_id"
            )
        self.kms_key = self._kms_key(name, args)
        parts = msk_cluster(
            name,
            args.cluster,
            args.environment,
            args.msk,
            wiring.subnet_ids,
            wiring.security_group_id,
            self.kms_key,
            self.tags,
            self,
        )
        self.msk, self.admin_policy = parts.cluster, parts.admin_policy
        self.admin_access = parts.admin_access
        self.msk_scram_store = MskScramStore(cluster_arn=self.msk.arn, kms_key_arn=self.kms_key.arn)
        return self.msk.bootstrap_brokers_sasl_scram

    def _build_strimzi(self, name: str, args: ClusterArgs, wiring: ClusterWiring) -> str:
        settings = args.strimzi
        if wiring.ca_key is None:
            raise ValueError(f"cluster {args.cluster!r}: strimzi needs the ca_key of its ca_cert")
        if wiring.admin_password is None:
            raise ValueError(f"cluster {args.cluster!r}: strimzi needs admin_password")
        kafka_config: dict[str, str] = {}
        broker_role_arn: pulumi.Output[str] | None = None
        if args.engine == "automq":
            assert args.storage and args.irsa  # checked by ClusterArgs
            names = automq.bucket_names(
                args.storage.bucket_prefix, args.environment, args.storage.wal == "s3"
            )
            self.kms_key = self._kms_key(name, args)
            self.object_storage = automq_object_storage(
                name,
                names,
                args.storage,
                args.irsa,
                (settings.namespace, kafka_service_account(args.cluster)),
                self.kms_key,
                self.tags,
                self,
            )
            kafka_config = automq.automq_storage_config(names, args.storage.region)
            broker_role_arn = self.object_storage.role.arn
        self.kafka, self.admin_user = strimzi_cluster(
            name,
            args.cluster,
            settings,
            args.admin_username,
            wiring.admin_password,
            self.labels,
            kafka_config,
            self,
            wiring.kubernetes,
            wiring.ca_key,
            broker_role_arn,
        )
        if wiring.security_group_id is not None:
            policy_name = f"{name}-pods-security-group"
            self.security_group_policy = register(
                policy_name,
                security_group_policy(
                    policy_name,
                    settings.namespace,
                    self.labels,
                    kafka_pods(args.cluster),
                    wiring.security_group_id,
                ),
                pulumi.ResourceOptions(
                    parent=self, provider=wiring.kubernetes, depends_on=[self.kafka]
                ),
            )
        self.admin_access = (self.kafka, self.admin_user)
        return bootstrap_address(args.cluster, settings.namespace)
