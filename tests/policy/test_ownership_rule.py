"""Ownership rule: components carry owner and workload class per the props contract."""

from components import tokens
from tests.policy.builders import Pack, cluster, topic_contract

OWNERSHIP = "bulkheads-ops-ownership"


def test_owned_components_pass(pack: Pack) -> None:
    topic = topic_contract("raw.orders.created")
    assert pack.resource(OWNERSHIP, topic.type, topic.name, topic.props) == []
    ingest = cluster("ingest")
    assert pack.resource(OWNERSHIP, ingest.type, ingest.name, ingest.props) == []


def test_topic_without_owner_and_class(pack: Pack) -> None:
    topic = topic_contract("raw.orders.created", owner="", workload_class=None)
    assert pack.resource(OWNERSHIP, topic.type, topic.name, topic.props) == [
        "TopicContract 'raw.orders.created' carries no owner and no workload_class; pass owner "
        "and workload_class from the stack's declaration to the component"
    ]


def test_cluster_needs_only_an_owner(pack: Pack) -> None:
    ingest = cluster("ingest", owner=None)
    assert pack.resource(OWNERSHIP, ingest.type, ingest.name, ingest.props) == [
        "Cluster 'ingest' carries no owner; pass owner from the stack's declaration to the "
        "component"
    ]


def test_components_without_ownership_props_are_not_checked(pack: Pack) -> None:
    assert pack.resource(OWNERSHIP, tokens.NETWORK, "net", {"kind": "aws"}) == []
