"""Plan functions over representative specs: exact topics, principals, ACLs, quotas, pools."""

from __future__ import annotations

import copy

import pytest

from bulkheads.plan import names, plan_cluster, plan_clusters
from bulkheads.plan.access import cluster_grants
from bulkheads.plan.errors import PlanError
from bulkheads.plan.topics import cluster_topics
from bulkheads.plan.types import AclBinding, QuotaPlan, TopicPlan, WorkerPoolPlan
from bulkheads.spec.model import PlatformSpec
from tests.plan.specs import LOCAL_SPEC

MIB = 1024 * 1024
LOOPBACK = "127.0.0.1"


def _acl(kind: str, name: str, operation: str, host: str = LOOPBACK) -> AclBinding:
    return AclBinding(resource_type=kind, resource_name=name, operation=operation, host=host)  # type: ignore[arg-type]


def _grants(spec: PlatformSpec, cluster: str) -> dict[str, tuple[AclBinding, ...]]:
    return {grant.principal.username: grant.bindings for grant in cluster_grants(spec, cluster)}


def test_names_are_derived_from_declared_names() -> None:
    assert names.worker_principal("live-ingest") == "pool.live-ingest"
    assert names.connector_principal("orders-cdc") == "pipeline.orders-cdc"
    assert names.worker_group("live-ingest") == "connect.live-ingest"
    assert names.internal_topics("live-ingest") == (
        "_connect.live-ingest.configs",
        "_connect.live-ingest.offsets",
        "_connect.live-ingest.status",
    )
    assert names.sink_group("orders-archive") == "connect-orders-archive"
    assert names.dlq_topic("orders-archive") == "dlq.orders-archive"


def test_worker_group_never_equals_a_sink_group_of_the_same_name() -> None:
    assert names.worker_group("search") != names.sink_group("search")


def test_local_topics_exact(local_spec: PlatformSpec) -> None:
    topics = {topic.name: topic for topic in cluster_topics(local_spec, "local")}
    assert sorted(topics) == [
        "_connect.derived-sinks.configs",
        "_connect.derived-sinks.offsets",
        "_connect.derived-sinks.status",
        "_connect.live-ingest.configs",
        "_connect.live-ingest.offsets",
        "_connect.live-ingest.status",
        "_connect.replay.configs",
        "_connect.replay.offsets",
        "_connect.replay.status",
        "derived.orders.rebuilt",
        "dlq.orders-archive",
        "raw.orders.events",
    ]
    assert topics["raw.orders.events"] == TopicPlan(
        name="raw.orders.events",
        cluster="local",
        partitions=6,
        replication_factor=1,
        config={
            "cleanup.policy": "delete",
            "retention.ms": str(7 * 86_400_000),
            "min.insync.replicas": "1",
        },
        contract="raw",
        workload_class="live",
        owner="orders",
        writer="orders-cdc",
        protected=True,
    )
    rebuilt = topics["derived.orders.rebuilt"]
    assert (rebuilt.partitions, rebuilt.config["retention.ms"], rebuilt.protected) == (
        3,
        str(2 * 86_400_000),
        False,
    )
    assert (rebuilt.workload_class, rebuilt.writer, rebuilt.contract) == (
        "replay",
        "orders-rebuild",
        "derived",
    )
    dlq = topics["dlq.orders-archive"]
    assert (dlq.partitions, dlq.contract, dlq.writer, dlq.workload_class) == (
        1,
        "dlq",
        "orders-archive",
        "derived",
    )
    assert dlq.config["retention.ms"] == str(30 * 86_400_000)  # derived retention_max


def test_internal_topics_are_compacted_and_configs_has_one_partition(
    local_spec: PlatformSpec,
) -> None:
    topics = {topic.name: topic for topic in cluster_topics(local_spec, "local")}
    configs, offsets, status = (topics[name] for name in names.internal_topics("live-ingest"))
    assert (configs.partitions, offsets.partitions, status.partitions) == (1, 25, 5)
    for topic in (configs, offsets, status):
        assert topic.config == {"cleanup.policy": "compact", "min.insync.replicas": "1"}
        assert (topic.contract, topic.writer, topic.owner) == ("internal", "live-ingest", "orders")
        assert topic.protected  # the live pool's offsets are as precious as its data


def test_local_acls_exact(local_spec: PlatformSpec) -> None:
    grants = _grants(local_spec, "local")
    assert sorted(grants) == [
        "pipeline.orders-archive",
        "pipeline.orders-cdc",
        "pipeline.orders-rebuild",
        "pool.derived-sinks",
        "pool.live-ingest",
        "pool.replay",
    ]
    assert grants["pipeline.orders-cdc"] == (
        _acl("Topic", "raw.orders.events", "Write"),
        _acl("Topic", "raw.orders.events", "Describe"),
    )
    assert grants["pipeline.orders-archive"] == (
        _acl("Topic", "raw.orders.events", "Read"),
        _acl("Topic", "raw.orders.events", "Describe"),
        _acl("Group", "connect-orders-archive", "Read"),
        _acl("Topic", "dlq.orders-archive", "Write"),
        _acl("Topic", "dlq.orders-archive", "Describe"),
    )
    assert grants["pipeline.orders-rebuild"] == (
        _acl("Topic", "raw.orders.events", "Read"),
        _acl("Topic", "raw.orders.events", "Describe"),
        _acl("Group", "connect-orders-rebuild", "Read"),
        _acl("Topic", "derived.orders.rebuilt", "Write"),
        _acl("Topic", "derived.orders.rebuilt", "Describe"),
    )
    worker = [_acl("Group", "connect.replay", "Read")]
    for topic in names.internal_topics("replay"):
        worker += [
            _acl("Topic", topic, op) for op in ("Read", "Write", "Describe", "DescribeConfigs")
        ]
    assert grants["pool.replay"] == tuple(worker)


def test_principals_carry_their_intent(local_spec: PlatformSpec) -> None:
    plan = plan_cluster(local_spec, "local")
    by_name = {principal.username: principal for principal in plan.principals}
    sink = by_name["pipeline.orders-archive"]
    assert (sink.kind, sink.pool, sink.pipeline, sink.pipeline_kind) == (
        "connector",
        "derived-sinks",
        "orders-archive",
        "sink",
    )
    assert (sink.owner, sink.workload_class, sink.kafka_principal) == (
        "analytics",
        "derived",
        "User:pipeline.orders-archive",
    )
    worker = by_name["pool.live-ingest"]
    assert (worker.kind, worker.pipeline, worker.pipeline_kind, worker.workload_class) == (
        "worker",
        None,
        None,
        "live",
    )


def test_quotas_from_class_and_pipeline_override(local_spec: PlatformSpec) -> None:
    quotas = {quota.entity_name: quota for quota in plan_cluster(local_spec, "local").quotas}
    assert quotas["pipeline.orders-cdc"] == QuotaPlan(
        entity_type="user",
        entity_name="pipeline.orders-cdc",
        cluster="local",
        owner="orders",
        workload_class="live",
        config={
            "producer_byte_rate": 10 * MIB,  # the pipeline's override
            "consumer_byte_rate": 100 * MIB,
            "request_percentage": 50,
            "controller_mutation_rate": 10,
        },
    )
    assert quotas["pool.replay"].config == {
        "producer_byte_rate": 10 * MIB,
        "consumer_byte_rate": 10 * MIB,
        "request_percentage": 10,
        "controller_mutation_rate": 2,
    }
    assert sorted(quotas) == sorted(
        p.username for p in plan_cluster(local_spec, "local").principals
    )


def test_declared_clients_get_client_id_quotas_after_the_user_quotas() -> None:
    spec_data = copy.deepcopy(LOCAL_SPEC)
    spec_data["clusters"]["local"]["clients"] = {
        "ops-console": {"owner": "orders", "class": "replay"},
        "dashboard": {
            "owner": "orders",
            "class": "live",
            "client_id": "orders-dashboard",
            "quota": {"consumer_byte_rate": "2MiB"},
        },
    }
    quotas = plan_cluster(PlatformSpec.model_validate(spec_data), "local").quotas
    clients = [q for q in quotas if q.entity_type == "client-id"]
    assert quotas[-len(clients) :] == tuple(clients)
    assert clients == [
        QuotaPlan(
            entity_type="client-id",
            entity_name="ops-console",
            cluster="local",
            owner="orders",
            workload_class="replay",
            config={
                "producer_byte_rate": 10 * MIB,
                "consumer_byte_rate": 10 * MIB,
                "request_percentage": 10,
                "controller_mutation_rate": 2,
            },
        ),
        QuotaPlan(
            entity_type="client-id",
            entity_name="orders-dashboard",
            cluster="local",
            owner="orders",
            workload_class="live",
            config={
                "producer_byte_rate": 50 * MIB,
                "consumer_byte_rate": 2 * MIB,  # the client's override
                "request_percentage": 50,
                "controller_mutation_rate": 10,
            },
        ),
    ]


def test_worker_pool_plans(local_spec: PlatformSpec) -> None:
    pools = plan_cluster(local_spec, "local").worker_pools
    assert [pool.pool for pool in pools] == ["derived-sinks", "live-ingest", "replay"]
    assert pools[1] == WorkerPoolPlan(
        pool="live-ingest",
        cluster="local",
        workload_class="live",
        owner="orders",
        group_id="connect.live-ingest",
        config_topic="_connect.live-ingest.configs",
        offset_topic="_connect.live-ingest.offsets",
        status_topic="_connect.live-ingest.status",
        principal="pool.live-ingest",
        internal_replication_factor=1,
    )


def test_mirror_reads_on_source_and_writes_copies_on_target(
    two_cluster_spec: PlatformSpec,
) -> None:
    plans = plan_clusters(two_cluster_spec)
    assert list(plans) == ["ingest", "delivery"]
    ingest = {g.principal.username: g.bindings for g in plans["ingest"].grants}
    delivery = {g.principal.username: g.bindings for g in plans["delivery"].grants}
    topic = "raw.payments.transactions"
    assert ingest["pipeline.payments-mirror"] == (
        _acl("Topic", topic, "Read", "*"),
        _acl("Topic", topic, "Describe", "*"),
    )
    assert delivery["pipeline.payments-mirror"] == (
        _acl("Topic", topic, "Write", "*"),
        _acl("Topic", topic, "Describe", "*"),
    )
    copy = {t.name: t for t in plans["delivery"].topics}[topic]
    assert (copy.partitions, copy.writer, copy.workload_class, copy.protected) == (
        12,
        "payments-mirror",
        "derived",
        False,
    )
    mirror_on_source = {p.username: p for p in plans["ingest"].principals}[
        "pipeline.payments-mirror"
    ]
    assert (mirror_on_source.cluster, mirror_on_source.pool) == ("ingest", "mirror")
    assert "pipeline.payments-mirror" in {q.entity_name for q in plans["ingest"].quotas}
    assert "pipeline.search-index" not in ingest


def test_replication_is_capped_at_the_cluster_brokers() -> None:
    spec = PlatformSpec.model_validate({**LOCAL_SPEC, "classes": {}})  # class default RF 3
    raw = {t.name: t for t in cluster_topics(spec, "local")}["raw.orders.events"]
    assert (raw.replication_factor, raw.config["min.insync.replicas"]) == (1, "1")


def test_non_local_clusters_use_the_principal_as_the_boundary(
    two_cluster_spec: PlatformSpec,
) -> None:
    hosts = {
        binding.host
        for plan in plan_clusters(two_cluster_spec).values()
        for grant in plan.grants
        for binding in grant.bindings
    }
    assert hosts == {"*"}


def test_a_duplicate_topic_is_refused() -> None:
    mapping = copy.deepcopy(LOCAL_SPEC)
    mapping["pipelines"]["orders-rebuild"]["writes"] = ["raw.orders.events"]
    spec = PlatformSpec.model_validate(mapping)  # shape-valid; the doctrine would refuse it
    wanted = "on cluster 'local' has 2 writers: pipeline 'orders-cdc', pipeline 'orders-rebuild';"
    with pytest.raises(PlanError, match=wanted):
        cluster_topics(spec, "local")
