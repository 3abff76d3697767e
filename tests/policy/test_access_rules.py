"""Access rules: wildcard ACLs and sinks writing raw topics."""

from typing import Any

from components import tokens
from policies.rules.model import Config
from tests.policy.builders import Pack, Res, acl, connector, principal

NO_WILDCARDS = "bulkheads-access-no-wildcards"
SINK_RAW = "bulkheads-access-sink-no-raw-write"


def run_acl(pack: Pack, config: Config | None = None, **props: Any) -> list[str]:
    return pack.resource(
        NO_WILDCARDS,
        tokens.KAFKA_ACL,
        "grant",
        acl("grant", "pipeline.orders-cdc", "raw.orders.created", **props).props,
        config,
    )


def test_named_acl_passes(pack: Pack) -> None:
    assert run_acl(pack) == []


def test_wildcard_principal(pack: Pack) -> None:
    assert run_acl(pack, aclPrincipal="User:*") == [
        "ACL principal 'User:*' matches every user; grant to one named principal (User:<name>)"
    ]


def test_wildcard_host(pack: Pack) -> None:
    assert run_acl(pack, aclHost="*") == [
        "ACL for 'User:pipeline.orders-cdc' allows any host ('*'); set the client's address, "
        "or set allow_any_host in this stack's pack config where clients have no fixed address"
    ]


def test_wildcard_host_allowed_by_stack_config(pack: Pack) -> None:
    assert run_acl(pack, config={"allow_any_host": True}, aclHost="*") == []


def test_wildcard_topic(pack: Pack) -> None:
    assert run_acl(pack, aclResourceName="*") == [
        "ACL for 'User:pipeline.orders-cdc' covers every Topic ('*'); "
        "name the Topic the principal needs"
    ]


def test_empty_prefixed_group(pack: Pack) -> None:
    messages = run_acl(
        pack, aclResourceType="Group", aclResourceName="", resourcePatternTypeFilter="Prefixed"
    )
    assert messages == [
        "ACL for 'User:pipeline.orders-cdc' covers every Group (empty Prefixed pattern); "
        "name the Group the principal needs"
    ]


def test_admin_principal_is_exempt(pack: Pack) -> None:
    assert run_acl(pack, aclPrincipal="User:admin", aclHost="*", aclResourceName="*") == []
    config = {"admin_principals": ["ops"]}
    assert run_acl(pack, config, aclPrincipal="User:ops", aclResourceName="*") == []


def test_other_resource_types_are_ignored(pack: Pack) -> None:
    assert pack.resource(NO_WILDCARDS, tokens.KAFKA_TOPIC, "t", {"aclPrincipal": "*"}) == []


def sink_stack(*extra: Res) -> list[Res]:
    return [
        connector("search-index", kind="sink", pool="search-sinks", reads=["raw.orders.created"]),
        principal("pipeline.search-index", pool="search-sinks"),
        acl("read", "pipeline.search-index", "raw.orders.created", "Read"),
        acl("dlq", "pipeline.search-index", "dlq.search-index", "Write"),
        *extra,
    ]


def test_sink_reading_raw_and_writing_its_dlq_passes(pack: Pack) -> None:
    assert pack.stack(SINK_RAW, sink_stack()) == []


def test_sink_declaring_a_raw_write(pack: Pack) -> None:
    sink = connector("search-index", kind="sink", writes=["raw.orders.copy"])
    assert pack.stack(SINK_RAW, [sink]) == [
        (
            "sink pipeline 'search-index' writes raw topic 'raw.orders.copy'; a sink delivers "
            "out of Kafka: write a derived. or delivery. topic from a processor instead",
            sink.urn,
        )
    ]


def test_sink_principal_granted_write_on_raw(pack: Pack) -> None:
    grant = acl("write", "pipeline.search-index", "raw.orders.created", "Write")
    assert pack.stack(SINK_RAW, sink_stack(grant)) == [
        (
            "sink principal 'User:pipeline.search-index' is granted Write on topic "
            "'raw.orders.created' (Literal); remove the grant: a sink reads its topics and "
            "writes only its dead-letter topic",
            grant.urn,
        )
    ]


def test_sink_principal_granted_prefixed_all_covering_raw(pack: Pack) -> None:
    grant = acl("all", "pipeline.search-index", "r", "All", resourcePatternTypeFilter="Prefixed")
    assert pack.stack(SINK_RAW, sink_stack(grant)) == [
        (
            "sink principal 'User:pipeline.search-index' is granted All on topic 'r' "
            "(Prefixed); remove the grant: a sink reads its topics and writes only its "
            "dead-letter topic",
            grant.urn,
        )
    ]


def test_source_principal_may_write_raw(pack: Pack) -> None:
    resources = [
        connector("orders-cdc", writes=["raw.orders.created"]),
        acl("write", "pipeline.orders-cdc", "raw.orders.created", "Write"),
    ]
    assert pack.stack(SINK_RAW, resources) == []
