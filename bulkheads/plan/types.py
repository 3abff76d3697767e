"""What the plan layer produces: plain, frozen values the components take as arguments.

Nothing here imports Pulumi or the spec model. One :class:`ClusterPlan` holds everything
Kafka enforces on one cluster: its topics, principals, ACL grants and quotas, plus the
Connect worker groups (pools) that run against it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

WorkloadClass = Literal["live", "derived", "replay"]
TopicContractKind = Literal["raw", "derived", "delivery", "internal", "dlq", "mirror"]
"""``internal``: a pool's Connect topics; ``mirror``: a cutover mirror's MirrorMaker 2 topics."""
PrincipalKind = Literal["worker", "connector"]
PipelineKind = Literal["source", "sink", "replay", "mirror"]

ResourceType = Literal["Topic", "Group", "Cluster", "TransactionalID"]
PatternType = Literal["Literal", "Prefixed"]
Operation = Literal[
    "Read",
    "Write",
    "Create",
    "Delete",
    "Alter",
    "Describe",
    "DescribeConfigs",
    "AlterConfigs",
    "IdempotentWrite",
]
Permission = Literal["Allow"]
QuotaEntityType = Literal["user", "client-id"]
QuotaKey = Literal[
    "producer_byte_rate", "consumer_byte_rate", "request_percentage", "controller_mutation_rate"
]

CLUSTER_RESOURCE_NAME = "kafka-cluster"
"""The only resource name Kafka accepts for ACLs on the ``Cluster`` resource type."""


@dataclass(frozen=True)
class TopicPlan:
    """One topic on one cluster.

    ``writer`` is the pipeline (data topics) or pool (internal topics) that produces to it;
    ``protected`` marks topics whose deletion must not delete data (live class).
    """

    name: str
    cluster: str
    partitions: int
    replication_factor: int
    config: dict[str, str]
    contract: TopicContractKind
    workload_class: WorkloadClass
    owner: str
    writer: str
    protected: bool

    def props(self, environment: str) -> dict[str, object]:
        """The props its TopicContract component carries (what policy rules read)."""
        props: dict[str, object] = {**asdict(self), "environment": environment}
        props["topic"] = props.pop("name")
        return props


@dataclass(frozen=True)
class PrincipalPlan:
    """A Kafka user (SCRAM-SHA-512) on one cluster.

    ``pipeline`` and ``pipeline_kind`` are set for connector principals only.
    """

    username: str
    kind: PrincipalKind
    cluster: str
    pool: str
    owner: str
    workload_class: WorkloadClass
    pipeline: str | None = None
    pipeline_kind: PipelineKind | None = None

    @property
    def kafka_principal(self) -> str:
        """The principal string ACLs name, ``User:<username>``."""
        return f"User:{self.username}"


@dataclass(frozen=True)
class AclBinding:
    """One Kafka ACL entry; the principal is the :class:`AccessPlan` it belongs to."""

    resource_type: ResourceType
    resource_name: str
    operation: Operation
    host: str
    pattern_type: PatternType = "Literal"
    permission: Permission = "Allow"

    def acl_inputs(self, kafka_principal: str) -> dict[str, str]:
        """The ``pulumi_kafka.Acl`` arguments granting this entry to ``kafka_principal``."""
        return {
            "acl_principal": kafka_principal,
            "acl_host": self.host,
            "acl_operation": self.operation,
            "acl_permission_type": self.permission,
            "acl_resource_type": self.resource_type,
            "acl_resource_name": self.resource_name,
            "resource_pattern_type_filter": self.pattern_type,
        }


@dataclass(frozen=True)
class AccessPlan:
    """Every ACL a principal holds on one cluster."""

    principal: PrincipalPlan
    bindings: tuple[AclBinding, ...]


@dataclass(frozen=True)
class QuotaPlan:
    """A client quota on one cluster (config values in bytes/s, percent or mutations/s)."""

    entity_type: QuotaEntityType
    entity_name: str
    cluster: str
    owner: str
    workload_class: WorkloadClass
    config: dict[str, int | float]


@dataclass(frozen=True)
class WorkerPoolPlan:
    """The Kafka side of one Connect worker group: its group id, internal topics, principal."""

    pool: str
    cluster: str
    workload_class: WorkloadClass
    owner: str
    group_id: str
    config_topic: str
    offset_topic: str
    status_topic: str
    principal: str
    internal_replication_factor: int


@dataclass(frozen=True)
class ClusterPlan:
    """Everything the data plane provisions on one cluster."""

    cluster: str
    topics: tuple[TopicPlan, ...] = ()
    principals: tuple[PrincipalPlan, ...] = ()
    grants: tuple[AccessPlan, ...] = ()
    quotas: tuple[QuotaPlan, ...] = ()
    worker_pools: tuple[WorkerPoolPlan, ...] = ()
