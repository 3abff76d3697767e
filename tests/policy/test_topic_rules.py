"""Topic rules: live durability, retention bounds, one writer per topic."""

from typing import Any

from components import tokens
from policies.rules.model import Config
from tests.policy.builders import (
    Pack,
    Res,
    acl,
    connector,
    principal,
    topic_contract,
    worker_pool,
)

DURABILITY = "bulkheads-topic-live-durability"
RETENTION = "bulkheads-topic-retention-bounds"
SINGLE_WRITER = "bulkheads-topic-single-writer"
DAY_MS = 86_400_000


def run(pack: Pack, rule: str, pack_config: Config | None = None, **props: Any) -> list[str]:
    topic = topic_contract("raw.orders.created", **props)
    return pack.resource(rule, tokens.TOPIC_CONTRACT, topic.name, topic.props, pack_config)


def test_durable_live_topic_passes(pack: Pack) -> None:
    assert run(pack, DURABILITY) == []


def test_live_topic_with_two_replicas(pack: Pack) -> None:
    assert run(pack, DURABILITY, replication_factor=2, config={"min.insync.replicas": "1"}) == [
        "live topic 'raw.orders.created' in 'prod' has replication_factor 2; set it to at least 3",
        "live topic 'raw.orders.created' in 'prod' has min.insync.replicas 1; set it to at least 2",
    ]


def test_live_topic_without_min_isr(pack: Pack) -> None:
    assert run(pack, DURABILITY, config={}) == [
        "live topic 'raw.orders.created' in 'prod' does not set min.insync.replicas "
        "(the broker default is 1); set it to at least 2"
    ]


def test_live_topic_with_min_isr_equal_to_replicas(pack: Pack) -> None:
    assert run(pack, DURABILITY, config={"min.insync.replicas": "3"}) == [
        "live topic 'raw.orders.created' in 'prod' has min.insync.replicas 3 with "
        "replication_factor 3, so one broker down stops all writes; set min.insync.replicas "
        "to at most 2"
    ]


def test_local_and_non_live_topics_are_exempt(pack: Pack) -> None:
    assert run(pack, DURABILITY, environment="local", replication_factor=1, config={}) == []
    assert run(pack, DURABILITY, workload_class="derived", replication_factor=1) == []


def test_durability_thresholds_come_from_stack_config(pack: Pack) -> None:
    pack_config = {"min_replication_factor": 4, "exempt_environments": []}
    assert run(pack, DURABILITY, pack_config, environment="local") == [
        "live topic 'raw.orders.created' in 'local' has replication_factor 3; set it to at least 4"
    ]


def test_retention_within_class_bounds_passes(pack: Pack) -> None:
    assert run(pack, RETENTION) == []


def test_retention_above_live_maximum(pack: Pack) -> None:
    assert run(pack, RETENTION, config={"retention.ms": str(30 * DAY_MS)}) == [
        "live topic 'raw.orders.created' keeps data for 30d, above the live maximum 14d; "
        "set retention.ms between 1d and 14d"
    ]


def test_retention_below_replay_minimum(pack: Pack) -> None:
    assert run(pack, RETENTION, workload_class="replay", config={"retention.ms": "60000"}) == [
        "replay topic 'raw.orders.created' keeps data for 1m, below the replay minimum 1h; "
        "set retention.ms between 1h and 30d"
    ]


def test_retention_forever(pack: Pack) -> None:
    assert run(pack, RETENTION, config={"retention.ms": "-1"}) == [
        "live topic 'raw.orders.created' keeps data forever (retention.ms -1); "
        "set retention.ms between 1d and 14d"
    ]


def test_retention_unset(pack: Pack) -> None:
    assert run(pack, RETENTION, config={}) == [
        "live topic 'raw.orders.created' does not set retention.ms (the broker default "
        "applies); set retention.ms between 1d and 14d"
    ]


def test_retention_not_a_number(pack: Pack) -> None:
    assert run(pack, RETENTION, config={"retention.ms": "7d"}) == [
        "live topic 'raw.orders.created' has retention.ms '7d', not a number of milliseconds; "
        "set retention.ms between 1d and 14d"
    ]


def test_retention_bounds_from_stack_config(pack: Pack) -> None:
    pack_config = {"bounds": {"live": {"min": "1d", "max": "60d"}}}
    assert run(pack, RETENTION, pack_config, config={"retention.ms": str(30 * DAY_MS)}) == []


def test_compacted_and_internal_topics_are_skipped(pack: Pack) -> None:
    assert run(pack, RETENTION, config={"cleanup.policy": "compact"}) == []
    assert run(pack, RETENTION, contract="internal", config={}) == []


def test_one_writer_passes(pack: Pack) -> None:
    resources = [
        worker_pool("live-cdc"),
        topic_contract("raw.orders.created", writer="orders-cdc"),
        connector("orders-cdc", writes=["raw.orders.created"]),
        acl("w", "pipeline.orders-cdc", "raw.orders.created"),
        acl("admin", "admin", "raw.orders.created"),
    ]
    assert pack.stack(SINGLE_WRITER, resources) == []


FIX = "keep one writer: the others read the topic or write their own"


def test_second_pipeline_writing_a_topic(pack: Pack) -> None:
    topic = topic_contract("raw.orders.created", writer="orders-cdc")
    resources = [
        worker_pool("live-cdc"),
        topic,
        connector("orders-cdc", writes=["raw.orders.created"]),
        connector("orders-fixer", writes=["raw.orders.created"]),
    ]
    assert pack.stack(SINGLE_WRITER, resources) == [
        (
            "topic 'raw.orders.created' on cluster 'ingest' has 2 writers: pipeline "
            f"'orders-cdc', pipeline 'orders-fixer'; {FIX}",
            topic.urn,
        )
    ]


def test_write_grant_to_another_principal(pack: Pack) -> None:
    topic = topic_contract("raw.orders.created", writer="orders-cdc")
    access_grant = Res(tokens.ACCESS_GRANT, "pool.backfill", {"cluster": "ingest"})
    grant = acl("w", "pool.backfill", "raw.orders.created")
    grant.parent = access_grant
    resources = [topic, access_grant, grant]
    assert pack.stack(SINGLE_WRITER, resources) == [
        (
            "topic 'raw.orders.created' on cluster 'ingest' has 2 writers: pipeline "
            f"'orders-cdc', pool 'backfill'; {FIX}",
            topic.urn,
        )
    ]


def _on_two_clusters(kind: str) -> list[Res]:
    """raw.orders.created written by orders-cdc on ingest and by a ``kind`` connector
    ``orders-copy`` on delivery."""
    copy = topic_contract("raw.orders.created", cluster="delivery", writer="orders-copy")
    copy.name = "delivery-raw.orders.created"
    return [
        topic_contract("raw.orders.created", writer="orders-cdc"),
        copy,
        connector("orders-copy", kind=kind, cluster="delivery", pool="delivery-mirror"),
    ]


def test_a_mirror_copy_on_another_cluster_is_not_a_second_writer(pack: Pack) -> None:
    assert pack.stack(SINGLE_WRITER, _on_two_clusters("mirror")) == []


def test_a_mirror_known_by_its_principal_alone_is_not_a_second_writer(pack: Pack) -> None:
    """A data plane without its connectors: the copy's principal says it is a mirror."""
    resources = _on_two_clusters("source")[:2]
    mirror = principal("pipeline.orders-copy", pipeline="orders-copy", pipeline_kind="mirror")
    assert pack.stack(SINGLE_WRITER, [*resources, mirror]) == []
    assert pack.stack(SINGLE_WRITER, resources) != []


def test_a_second_producer_on_another_cluster_is_a_second_writer(pack: Pack) -> None:
    resources = _on_two_clusters("source")
    assert pack.stack(SINGLE_WRITER, resources) == [
        (
            "topic 'raw.orders.created' is produced on clusters 'delivery', 'ingest' by 2 "
            "writers: pipeline 'orders-cdc', pipeline 'orders-copy' (only a mirror copies a "
            f"topic under its name to another cluster); {FIX}",
            resources[0].urn,
        )
    ]
