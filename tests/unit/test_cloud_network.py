"""The Network component under mocks: resources, parentage, tags and security-group peers."""

from __future__ import annotations

import json

import pytest

from bulkheads.cloud.args import (
    SCRAM_TLS_PORT,
    BrokerBoundary,
    Endpoint,
    NetworkArgs,
    WorkerBoundary,
)
from bulkheads.cloud.cidr import private_subnet_cidrs
from components import tokens
from components.network import Network
from tests.unit.cloud_harness import CloudHarness

NAME = "prod-net"
ELASTIC = Endpoint(cidr="10.50.8.0/24", port=443, description="search cluster")
ANALYST = Endpoint(cidr="10.60.0.0/24", port=SCRAM_TLS_PORT, description="analyst VPN")

ARGS = NetworkArgs(
    kind="aws",
    environment="prod",
    owner="platform",
    region="eu-west-1",
    cidr="10.40.0.0/16",
    zones=3,
    brokers=(
        BrokerBoundary(cluster="ingest", owner="payments", workload_class="live"),
        BrokerBoundary(
            cluster="delivery",
            owner="platform",
            workload_class="derived.replay",
            clients=(ANALYST,),
        ),
    ),
    workers=(
        WorkerBoundary(pool="live-cdc", cluster="ingest", owner="payments", workload_class="live"),
        WorkerBoundary(
            pool="search-sinks",
            cluster="delivery",
            owner="search",
            workload_class="derived",
            endpoints=(ELASTIC,),
        ),
        WorkerBoundary(
            pool="backfill", cluster="delivery", owner="platform", workload_class="replay"
        ),
    ),
)

# 2 broker + 3 worker boundaries. Per broker: one ingress per pool of its cluster, one per
# client, self in/out, endpoints out, S3 out; per worker: brokers out, one per endpoint, self
# in/out, endpoints out, S3 out; the endpoints group: one ingress per boundary.
EXPECTED_COUNTS = {
    tokens.NETWORK: 1,
    tokens.AWS_VPC: 1,
    tokens.AWS_SUBNET: 3,
    tokens.AWS_ROUTE_TABLE: 1,
    tokens.AWS_ROUTE_TABLE_ASSOCIATION: 3,
    tokens.AWS_SECURITY_GROUP: 6,
    tokens.AWS_VPC_ENDPOINT: 5,
    tokens.AWS_SECURITY_GROUP_INGRESS_RULE: (1 + 2) + (2 + 1) + 3 + 5,
    tokens.AWS_SECURITY_GROUP_EGRESS_RULE: 2 * 3 + 3 * 4 + 1,
    tokens.AWS_LOG_GROUP: 1,
    tokens.AWS_IAM_ROLE: 1,
    tokens.AWS_IAM_ROLE_POLICY: 1,
    tokens.AWS_FLOW_LOG: 1,
}

TAGGED = (
    tokens.AWS_VPC,
    tokens.AWS_SUBNET,
    tokens.AWS_ROUTE_TABLE,
    tokens.AWS_SECURITY_GROUP,
    tokens.AWS_VPC_ENDPOINT,
    tokens.AWS_SECURITY_GROUP_INGRESS_RULE,
    tokens.AWS_SECURITY_GROUP_EGRESS_RULE,
    tokens.AWS_LOG_GROUP,
    tokens.AWS_IAM_ROLE,
    tokens.AWS_FLOW_LOG,
)


@pytest.fixture
def harness() -> CloudHarness:
    return CloudHarness()


@pytest.fixture
def network(harness: CloudHarness) -> CloudHarness:
    harness.run(lambda: Network(NAME, ARGS))
    return harness


def test_resource_count_per_type(network: CloudHarness) -> None:
    assert network.counts() == EXPECTED_COUNTS


def test_every_child_is_parented_and_prefixed(network: CloudHarness) -> None:
    component = network.one(tokens.NETWORK, NAME)
    assert component.parent_type == "pulumi:pulumi:Stack"
    for resource in network.resources:
        if resource.typ == tokens.NETWORK:
            continue
        assert (resource.parent_type, resource.parent_name) == (tokens.NETWORK, NAME)
        assert resource.name.startswith(f"{NAME}-"), resource.name


def test_component_props(network: CloudHarness) -> None:
    props = network.one(tokens.NETWORK, NAME).inputs
    assert props == {"kind": "aws", "environment": "prod", "owner": "platform"}


def test_tags_carry_owner_class_environment(network: CloudHarness) -> None:
    for typ in TAGGED:
        for resource in network.of_type(typ):
            tags = resource.inputs["tags"]
            assert tags["environment"] == "prod", resource.name
            assert tags["owner"] and tags["class"], resource.name
    assert network.one(tokens.AWS_SECURITY_GROUP, f"{NAME}-workers-search-sinks").inputs[
        "tags"
    ] == {
        "owner": "search",
        "class": "derived",
        "environment": "prod",
        "managed-by": "bulkheads",
        "Name": f"{NAME}-workers-search-sinks",
        "cluster": "delivery",
        "pool": "search-sinks",
    }
    assert (
        network.one(tokens.AWS_SECURITY_GROUP, f"{NAME}-brokers-ingest").inputs["tags"]["owner"]
        == "payments"
    )


def test_private_subnets_across_distinct_zones(network: CloudHarness) -> None:
    subnets = sorted(network.of_type(tokens.AWS_SUBNET), key=lambda r: r.name)
    assert [s.inputs["cidrBlock"] for s in subnets] == private_subnet_cidrs("10.40.0.0/16", 3)
    assert len({s.inputs["availabilityZone"] for s in subnets}) == 3
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)
    assert all(s.inputs["vpcId"] == f"{NAME}-vpc-id" for s in subnets)
    associations = network.of_type(tokens.AWS_ROUTE_TABLE_ASSOCIATION)
    assert {a.inputs["subnetId"] for a in associations} == {f"{s.name}-id" for s in subnets}
    assert {a.inputs["routeTableId"] for a in associations} == {f"{NAME}-private-id"}


def test_no_path_to_the_internet(network: CloudHarness) -> None:
    types = {r.typ for r in network.resources}
    assert not any("internetGateway" in t or "natGateway" in t or "eip" in t.lower() for t in types)
    route_table = network.one(tokens.AWS_ROUTE_TABLE, f"{NAME}-private")
    assert not route_table.inputs.get("routes")
    for rule in network.of_type(tokens.AWS_SECURITY_GROUP_INGRESS_RULE) + network.of_type(
        tokens.AWS_SECURITY_GROUP_EGRESS_RULE
    ):
        assert rule.inputs.get("cidrIpv4") not in ("0.0.0.0/0",), rule.name
        assert "cidrIpv6" not in rule.inputs


def test_vpc_endpoints(network: CloudHarness) -> None:
    s3 = network.one(tokens.AWS_VPC_ENDPOINT, f"{NAME}-s3").inputs
    assert s3["serviceName"] == "com.amazonaws.eu-west-1.s3"
    assert s3["vpcEndpointType"] == "Gateway"
    assert s3["routeTableIds"] == [f"{NAME}-private-id"]
    interfaces = {
        r.inputs["serviceName"]: r.inputs
        for r in network.of_type(tokens.AWS_VPC_ENDPOINT)
        if r.inputs["vpcEndpointType"] == "Interface"
    }
    assert sorted(interfaces) == [
        f"com.amazonaws.eu-west-1.{s}" for s in ("ecr.api", "ecr.dkr", "logs", "sts")
    ]
    for inputs in interfaces.values():
        assert inputs["privateDnsEnabled"] is True
        assert inputs["securityGroupIds"] == [f"{NAME}-endpoints-id"]
        assert len(inputs["subnetIds"]) == 3


def _peer(harness: CloudHarness, rule: dict[str, object]) -> str:
    """A rule's peer: a security group name, ``cidr:<block>`` or ``prefix:<id>``."""
    if rule.get("referencedSecurityGroupId"):
        return harness.by_id(str(rule["referencedSecurityGroupId"])).name
    if rule.get("cidrIpv4"):
        return f"cidr:{rule['cidrIpv4']}"
    return f"prefix:{rule['prefixListId']}"


def _rules(harness: CloudHarness, typ: str, group: str) -> set[tuple[str, int, int]]:
    return {
        (_peer(harness, r.inputs), int(r.inputs["fromPort"]), int(r.inputs["toPort"]))
        for r in harness.of_type(typ)
        if r.inputs["securityGroupId"] == f"{group}-id"
    }


def test_brokers_accept_only_their_pools_clients_and_themselves(network: CloudHarness) -> None:
    ingest, delivery = f"{NAME}-brokers-ingest", f"{NAME}-brokers-delivery"
    ingress = tokens.AWS_SECURITY_GROUP_INGRESS_RULE
    assert _rules(network, ingress, ingest) == {
        (f"{NAME}-workers-live-cdc", SCRAM_TLS_PORT, SCRAM_TLS_PORT),
        (ingest, 0, 65535),
    }
    assert _rules(network, ingress, delivery) == {
        (f"{NAME}-workers-search-sinks", SCRAM_TLS_PORT, SCRAM_TLS_PORT),
        (f"{NAME}-workers-backfill", SCRAM_TLS_PORT, SCRAM_TLS_PORT),
        (f"cidr:{ANALYST.cidr}", SCRAM_TLS_PORT, SCRAM_TLS_PORT),
        (delivery, 0, 65535),
    }


def test_workers_reach_only_their_brokers_endpoints_and_aws(network: CloudHarness) -> None:
    egress = tokens.AWS_SECURITY_GROUP_EGRESS_RULE
    aws_paths = {(f"{NAME}-endpoints", 443, 443), (f"prefix:pl-{NAME}-s3", 443, 443)}
    sinks = f"{NAME}-workers-search-sinks"
    assert _rules(network, egress, sinks) == {
        (f"{NAME}-brokers-delivery", SCRAM_TLS_PORT, SCRAM_TLS_PORT),
        (f"cidr:{ELASTIC.cidr}", 443, 443),
        (sinks, 8083, 8083),
        *aws_paths,
    }
    cdc = f"{NAME}-workers-live-cdc"
    assert _rules(network, egress, cdc) == {
        (f"{NAME}-brokers-ingest", SCRAM_TLS_PORT, SCRAM_TLS_PORT),
        (cdc, 8083, 8083),
        *aws_paths,
    }
    ingest = f"{NAME}-brokers-ingest"
    assert _rules(network, egress, ingest) == {(ingest, 0, 65535), *aws_paths}


def test_endpoints_accept_https_from_every_boundary_only(network: CloudHarness) -> None:
    peers = _rules(network, tokens.AWS_SECURITY_GROUP_INGRESS_RULE, f"{NAME}-endpoints")
    assert peers == {
        (f"{NAME}-{kind}-{x}", 443, 443)
        for kind, xs in (
            ("brokers", ("ingest", "delivery")),
            ("workers", ("live-cdc", "search-sinks", "backfill")),
        )
        for x in xs
    }
    assert not _rules(network, tokens.AWS_SECURITY_GROUP_EGRESS_RULE, f"{NAME}-endpoints")


def test_flow_logs_go_to_a_scoped_log_group(network: CloudHarness) -> None:
    flow = network.one(tokens.AWS_FLOW_LOG, f"{NAME}-flow-logs").inputs
    log_group_arn = f"arn:aws:logs:eu-west-1:111111111111:log-group:{NAME}-flow-logs"
    assert flow["vpcId"] == f"{NAME}-vpc-id"
    assert flow["trafficType"] == "ALL"
    assert flow["logDestination"] == log_group_arn
    policy = json.loads(
        network.one(tokens.AWS_IAM_ROLE_POLICY, f"{NAME}-flow-logs").inputs["policy"]
    )
    assert [s["Resource"] for s in policy["Statement"]] == [[log_group_arn, f"{log_group_arn}:*"]]
    trust = json.loads(
        network.one(tokens.AWS_IAM_ROLE, f"{NAME}-flow-logs").inputs["assumeRolePolicy"]
    )
    assert trust["Statement"][0]["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert network.one(tokens.AWS_LOG_GROUP, f"{NAME}-flow-logs").inputs["retentionInDays"] == 365


def test_local_network_has_no_children(harness: CloudHarness) -> None:
    harness.run(
        lambda: Network("local-net", NetworkArgs(kind="local", environment="local", owner="me"))
    )
    assert harness.counts() == {tokens.NETWORK: 1}
    assert harness.one(tokens.NETWORK, "local-net").inputs["kind"] == "local"


def test_pool_on_undeclared_cluster_is_refused(harness: CloudHarness) -> None:
    stray = WorkerBoundary(pool="stray", cluster="nowhere", owner="x", workload_class="live")
    args = NetworkArgs(**{**ARGS.__dict__, "workers": (*ARGS.workers, stray)})
    with pytest.raises(ValueError, match="pool 'stray' uses cluster 'nowhere'"):
        harness.run(lambda: Network(NAME, args))
