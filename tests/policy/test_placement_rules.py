"""Placement rules: pool sharing, worker groups, regulated clusters, cross-cluster pipelines."""

from tests.policy.builders import Pack, Res, cluster, connector, topic_contract, worker_pool

SEPARATION = "bulkheads-runtime-live-replay-separation"
GROUPS = "bulkheads-runtime-unique-worker-groups"
REGULATED = "bulkheads-cluster-regulated-dedicated"
POOL_CLUSTER = "bulkheads-runtime-pipeline-on-pool-cluster"


def test_live_and_replay_on_their_own_pools_pass(pack: Pack) -> None:
    resources = [
        worker_pool("live-cdc"),
        worker_pool("replays", workload_class="replay"),
        connector("orders-cdc"),
        connector("backfill", kind="replay", pool="replays", workload_class="replay"),
    ]
    assert pack.stack(SEPARATION, resources) == []


def test_replay_on_a_live_pool(pack: Pack) -> None:
    pool = worker_pool("live-cdc")
    resources = [pool, connector("orders-cdc"), connector("backfill", kind="replay")]
    assert pack.stack(SEPARATION, resources) == [
        (
            "replay pipelines 'backfill' run on live worker pool 'live-cdc'; "
            "move them to a pool of class replay",
            pool.urn,
        )
    ]


def test_live_on_a_replay_pool(pack: Pack) -> None:
    pool = worker_pool("replays", workload_class="replay")
    resources = [pool, connector("orders-cdc", pool="replays")]
    assert pack.stack(SEPARATION, resources) == [
        (
            "live pipelines 'orders-cdc' run on replay worker pool 'replays'; "
            "move them to a pool of class live",
            pool.urn,
        )
    ]


def test_live_and_replay_together_on_a_derived_pool(pack: Pack) -> None:
    pool = worker_pool("shared", workload_class="derived")
    resources = [
        pool,
        connector("orders-cdc", pool="shared"),
        connector("backfill", pool="shared", workload_class="replay"),
    ]
    assert pack.stack(SEPARATION, resources) == [
        (
            "worker pool 'shared' runs live pipelines 'orders-cdc' and replay pipelines "
            "'backfill'; move the replay pipelines to a pool of class replay",
            pool.urn,
        )
    ]


def test_pools_with_their_own_groups_pass(pack: Pack) -> None:
    assert pack.stack(GROUPS, [worker_pool("a"), worker_pool("b")]) == []


def test_pools_sharing_a_group_id(pack: Pack) -> None:
    first, second = worker_pool("a"), worker_pool("b", group_id="connect.a")
    assert pack.stack(GROUPS, [first, second]) == [
        (
            "worker pool 'a' shares group.id 'connect.a' with 'b' on cluster 'ingest'; give "
            "each pool its own group.id and internal topics",
            first.urn,
        ),
        (
            "worker pool 'b' shares group.id 'connect.a' with 'a' on cluster 'ingest'; give "
            "each pool its own group.id and internal topics",
            second.urn,
        ),
    ]


def test_pools_sharing_an_offsets_topic(pack: Pack) -> None:
    first, second = worker_pool("a"), worker_pool("b", offset_topic="_connect.a.offsets")
    found = pack.stack(GROUPS, [first, second])
    assert found == [
        (
            "worker pool 'a' shares internal topic '_connect.a.offsets' with 'b' on cluster "
            "'ingest'; give each pool its own group.id and internal topics",
            first.urn,
        ),
        (
            "worker pool 'b' shares internal topic '_connect.a.offsets' with 'a' on cluster "
            "'ingest'; give each pool its own group.id and internal topics",
            second.urn,
        ),
    ]


def test_same_group_id_on_different_clusters_passes(pack: Pack) -> None:
    other = worker_pool("b", cluster="delivery", group_id="connect.a")
    assert pack.stack(GROUPS, [worker_pool("a"), other]) == []


def test_one_topic_for_two_internal_roles(pack: Pack) -> None:
    pool = worker_pool("a", status_topic="_connect.a.configs")
    assert pack.stack(GROUPS, [pool]) == [
        (
            "worker pool 'a' uses topic '_connect.a.configs' as its configs and status topic; "
            "configs, offsets and status must be three different topics",
            pool.urn,
        )
    ]


def test_regulated_dedicated_cluster_passes(pack: Pack) -> None:
    resources = [cluster("ingest", regulated=True), worker_pool("live-cdc")]
    assert pack.stack(REGULATED, resources) == []


def test_regulated_shared_cluster(pack: Pack) -> None:
    shared = cluster("ingest", regulated=True, tenancy="shared")
    assert pack.stack(REGULATED, [shared]) == [
        (
            "cluster 'ingest' holds regulated data but its tenancy is 'shared'; "
            "set tenancy: dedicated",
            shared.urn,
        )
    ]


def test_regulated_cluster_running_another_owners_pool(pack: Pack) -> None:
    regulated = cluster("ingest", regulated=True)
    resources = [regulated, worker_pool("live-cdc"), worker_pool("search", owner="search")]
    assert pack.stack(REGULATED, resources) == [
        (
            "regulated cluster 'ingest' (owner 'payments') runs worker pools owned by "
            "'search'; move those pools to another cluster",
            regulated.urn,
        )
    ]


def test_unregulated_shared_cluster_passes(pack: Pack) -> None:
    resources = [cluster("delivery", tenancy="shared"), worker_pool("x", owner="search")]
    assert pack.stack(REGULATED, resources) == []


def two_clusters(*extra: Res) -> list[Res]:
    return [
        worker_pool("live-cdc"),
        worker_pool("mirror", cluster="delivery", workload_class="derived"),
        topic_contract("raw.orders.created"),
        *extra,
    ]


def test_pipeline_on_its_pools_cluster_passes(pack: Pack) -> None:
    writer = connector("orders-cdc", writes=["raw.orders.created"])
    mirror = connector(
        "orders-mirror",
        kind="mirror",
        pool="mirror",
        cluster="delivery",
        workload_class="derived",
        reads=["raw.orders.created"],
    )
    assert pack.stack(POOL_CLUSTER, two_clusters(writer, mirror)) == []


def test_pipeline_writing_a_topic_on_another_cluster(pack: Pack) -> None:
    writer = connector(
        "orders-copy",
        pool="mirror",
        cluster="delivery",
        workload_class="derived",
        writes=["raw.orders.created"],
    )
    assert pack.stack(POOL_CLUSTER, two_clusters(writer)) == [
        (
            "pipeline 'orders-copy' writes topic 'raw.orders.created' on cluster 'ingest' but "
            "its pool 'mirror' is attached to cluster 'delivery'; use a pool on that cluster, "
            "or mirror the topic to 'delivery'",
            writer.urn,
        )
    ]


def test_sink_reading_a_topic_on_another_cluster(pack: Pack) -> None:
    sink = connector(
        "search-index", kind="sink", pool="mirror", cluster="delivery", reads=["raw.orders.created"]
    )
    assert pack.stack(POOL_CLUSTER, two_clusters(sink)) == [
        (
            "pipeline 'search-index' reads topic 'raw.orders.created' on cluster 'ingest' but "
            "its pool 'mirror' is attached to cluster 'delivery'; use a pool on that cluster, "
            "or mirror the topic to 'delivery'",
            sink.urn,
        )
    ]


def test_pipeline_placed_on_another_cluster_than_its_pool(pack: Pack) -> None:
    stray = connector("orders-cdc", cluster="delivery")
    assert pack.stack(POOL_CLUSTER, two_clusters(stray)) == [
        (
            "pipeline 'orders-cdc' is placed on cluster 'delivery' but its pool 'live-cdc' is "
            "attached to cluster 'ingest'; run it on a pool of cluster 'delivery'",
            stray.urn,
        )
    ]
