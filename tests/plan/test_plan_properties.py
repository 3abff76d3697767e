"""Properties of the plan over random valid specs (``tests.strategies.platform_specs``)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings

from bulkheads.plan import names, plan_clusters
from bulkheads.plan.types import ClusterPlan, PrincipalPlan
from bulkheads.spec.model import MirrorPipeline, PlatformSpec, ReplayPipeline, SinkPipeline
from bulkheads.spec.naming import TOPIC_PATTERN
from components.access import acl_resource_suffix
from tests.strategies import platform_specs

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
READ_OPERATIONS = {"Read"}
WRITE_OPERATIONS = {"Write"}


def _declared(
    spec: PlatformSpec, cluster: str, principal: PrincipalPlan
) -> tuple[set[str], set[str], set[str]]:
    """Topics ``principal`` declared it reads and writes on ``cluster``, and its groups."""
    if principal.kind == "worker":
        internal = set(names.internal_topics(principal.pool))
        return internal, internal, {names.worker_group(principal.pool)}
    assert principal.pipeline is not None
    pipeline = spec.pipelines[principal.pipeline]
    if isinstance(pipeline, MirrorPipeline):
        if pipeline.source_cluster == cluster:
            return set(pipeline.reads), set(), set()
        return set(), set(pipeline.reads), set()
    reads, writes = set(pipeline.reads), set(pipeline.written_topics)
    groups: set[str] = set()
    if isinstance(pipeline, (SinkPipeline, ReplayPipeline)):
        groups.add(names.sink_group(principal.pipeline))
    if isinstance(pipeline, SinkPipeline):
        writes.add(names.dlq_topic(principal.pipeline))
    return reads, writes, groups


def _plans(spec: PlatformSpec) -> dict[str, ClusterPlan]:
    plans = plan_clusters(spec)
    assert list(plans) == list(spec.clusters)
    return plans


@PROPERTY_SETTINGS
@given(platform_specs())
def test_no_principal_reaches_a_topic_or_group_it_did_not_declare(spec: PlatformSpec) -> None:
    for cluster, plan in _plans(spec).items():
        for grant in plan.grants:
            reads, writes, groups = _declared(spec, cluster, grant.principal)
            for binding in grant.bindings:
                if binding.resource_type == "Group":
                    assert binding.resource_name in groups, (grant.principal, binding)
                    assert binding.operation == "Read"
                    continue
                assert binding.resource_type == "Topic", binding
                if binding.operation in READ_OPERATIONS:
                    assert binding.resource_name in reads, (grant.principal, binding)
                elif binding.operation in WRITE_OPERATIONS:
                    assert binding.resource_name in writes, (grant.principal, binding)
                else:
                    assert binding.resource_name in reads | writes, (grant.principal, binding)


@PROPERTY_SETTINGS
@given(platform_specs())
def test_sinks_never_write_raw_and_sources_never_read(spec: PlatformSpec) -> None:
    for plan in _plans(spec).values():
        for grant in plan.grants:
            kind = grant.principal.pipeline_kind
            for binding in grant.bindings:
                if kind == "sink" and binding.operation == "Write":
                    assert not binding.resource_name.startswith("raw."), binding
                if kind == "source":
                    assert binding.operation in ("Write", "Describe"), binding


@PROPERTY_SETTINGS
@given(platform_specs())
def test_internal_topics_and_worker_groups_are_never_shared(spec: PlatformSpec) -> None:
    holders: dict[tuple[str, str], set[str]] = {}
    for cluster, plan in _plans(spec).items():
        for grant in plan.grants:
            for binding in grant.bindings:
                key = (cluster, binding.resource_name)
                holders.setdefault(key, set()).add(grant.principal.username)
        internal = [t for t in plan.topics if t.contract == "internal"]
        assert len({t.name for t in internal}) == 3 * len(plan.worker_pools)
        for topic in internal:
            assert topic.writer in {pool.pool for pool in plan.worker_pools}
            assert topic.config["cleanup.policy"] == "compact"
    for pool in spec.pools:
        only_worker = {names.worker_principal(pool)}
        cluster = spec.pools[pool].cluster
        for resource in (*names.internal_topics(pool), names.worker_group(pool)):
            assert holders[(cluster, resource)] == only_worker, resource


@PROPERTY_SETTINGS
@given(platform_specs())
def test_every_principal_and_client_has_a_quota_and_no_other_quota_exists(
    spec: PlatformSpec,
) -> None:
    for cluster, plan in _plans(spec).items():
        principals = {p.username: p.workload_class for p in plan.principals}
        clients = {
            c.client_id or name: c.workload_class
            for name, c in spec.clusters[cluster].clients.items()
        }
        users = {q.entity_name: q for q in plan.quotas if q.entity_type == "user"}
        client_ids = {q.entity_name: q for q in plan.quotas if q.entity_type == "client-id"}
        assert len(users) + len(client_ids) == len(plan.quotas)
        assert set(users) == set(principals) and set(client_ids) == set(clients)
        for name, quota in [*users.items(), *client_ids.items()]:
            assert quota.cluster == cluster
            expected = principals if quota.entity_type == "user" else clients
            assert quota.workload_class == expected[name]
            bounds = spec.classes.get(quota.workload_class).quota
            assert 0 < quota.config["producer_byte_rate"] <= bounds.producer_byte_rate
            assert 0 < quota.config["consumer_byte_rate"] <= bounds.consumer_byte_rate
            assert set(quota.config) == {
                "producer_byte_rate",
                "consumer_byte_rate",
                "request_percentage",
                "controller_mutation_rate",
            }


@PROPERTY_SETTINGS
@given(platform_specs())
def test_principals_exist_where_they_work(spec: PlatformSpec) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    for pool_name, pool in spec.pools.items():
        expected[(pool.cluster, names.worker_principal(pool_name))] += 1
    for name, pipeline in spec.pipelines.items():
        expected[(spec.cluster_of(name), names.connector_principal(name))] += 1
        if isinstance(pipeline, MirrorPipeline):
            expected[(pipeline.source_cluster, names.connector_principal(name))] += 1
    found = Counter(
        (cluster, principal.username)
        for cluster, plan in _plans(spec).items()
        for principal in plan.principals
    )
    assert found == expected
    assert max(found.values(), default=1) == 1  # unique per cluster


@PROPERTY_SETTINGS
@given(platform_specs())
def test_names_unique_conforming_and_free_of_wildcards(spec: PlatformSpec) -> None:
    for cluster, plan in _plans(spec).items():
        local = spec.clusters[cluster].deploy.kind == "local"
        topic_names = [topic.name for topic in plan.topics]
        assert len(topic_names) == len(set(topic_names))
        for topic in plan.topics:
            if topic.contract == "internal":
                assert topic.name.startswith(names.INTERNAL_TOPIC_PREFIX)
            elif topic.contract == "dlq":
                assert topic.name == names.dlq_topic(topic.writer)
            else:
                assert TOPIC_PATTERN.match(topic.name), topic.name
            assert topic.replication_factor <= spec.clusters[cluster].deploy.brokers
            assert int(topic.config["min.insync.replicas"]) <= topic.replication_factor
        existing = set(topic_names)
        for grant in plan.grants:
            suffixes = [acl_resource_suffix(binding) for binding in grant.bindings]
            assert len(suffixes) == len(set(suffixes)), grant.principal.username
            for binding in grant.bindings:
                assert "*" not in binding.resource_name and binding.pattern_type == "Literal"
                assert binding.host == ("127.0.0.1" if local else "*")
                if binding.resource_type == "Topic":
                    assert binding.resource_name in existing, binding  # no dangling grant
            assert "*" not in grant.principal.username


@PROPERTY_SETTINGS
@given(platform_specs())
def test_configs_topics_have_exactly_one_partition(spec: PlatformSpec) -> None:
    for plan in _plans(spec).values():
        topics = {topic.name: topic for topic in plan.topics}
        for pool in plan.worker_pools:
            assert topics[pool.config_topic].partitions == 1
            assert {pool.offset_topic, pool.status_topic} <= set(topics)
