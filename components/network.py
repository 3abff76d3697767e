"""The Network component: a private AWS VPC with one security group per boundary, or local.

kind ``aws`` creates, all tagged with owner, class and environment:

- a VPC with DNS on, one private subnet per zone (no public IPs), one route table with
  only the local route (no internet or NAT gateway: nothing routes to the internet);
- the S3 gateway endpoint and the interface endpoints the brokers and workers need;
- security groups: one per cluster's brokers (ingress only from that cluster's worker
  pools, declared clients and the brokers themselves), one per worker pool (egress only to
  its cluster's brokers, the endpoints and its declared endpoints), one for the endpoints;
- VPC flow logs to a CloudWatch log group through a role scoped to that group.

kind ``local`` creates nothing and records the kind.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from bulkheads.cloud import iam
from bulkheads.cloud.args import (
    CONNECT_REST_PORT,
    HTTPS_PORT,
    BrokerBoundary,
    NetworkArgs,
    WorkerBoundary,
)
from bulkheads.cloud.cidr import private_subnet_cidrs
from bulkheads.cloud.tags import SHARED_CLASS, boundary_tags
from components import tokens

ALL_TCP = (0, 65535)


class Network(pulumi.ComponentResource):
    """One environment's network (see the module docstring)."""

    private_subnet_ids: pulumi.Output[list[str]]
    broker_security_groups: dict[str, aws.ec2.SecurityGroup]
    worker_security_groups: dict[str, aws.ec2.SecurityGroup]

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            tokens.NETWORK,
            name,
            {"kind": args.kind, "environment": args.environment, "owner": args.owner},
            opts,
        )
        self._name = name
        self._args = args
        self.broker_security_groups = {}
        self.worker_security_groups = {}
        if args.kind == "aws":
            self._build_aws()
            outputs: dict[str, object] = {
                "vpc_id": self.vpc.id,
                "private_subnet_ids": self.private_subnet_ids,
            }
        else:
            self.private_subnet_ids = pulumi.Output.from_input([])
            outputs = {"kind": args.kind}
        self.register_outputs(outputs)

    # -- helpers -----------------------------------------------------------------------

    def _child(self) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self)

    def _tags(
        self, owner: str | None = None, workload_class: str = SHARED_CLASS, **extra: str
    ) -> dict[str, str]:
        args = self._args
        return boundary_tags(args.environment, owner or args.owner, workload_class, **extra)

    # -- aws ---------------------------------------------------------------------------

    def _build_aws(self) -> None:
        args, name = self._args, self._name
        _check_boundaries(args)
        cidrs = private_subnet_cidrs(args.cidr, args.zones)
        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=self._tags(Name=f"{name}-vpc"),
            opts=self._child(),
        )
        zones = aws.get_availability_zones_output(
            state="available", opts=pulumi.InvokeOptions(parent=self)
        )
        self.route_table = aws.ec2.RouteTable(
            f"{name}-private",
            vpc_id=self.vpc.id,
            tags=self._tags(Name=f"{name}-private"),
            opts=self._child(),
        )
        self.subnets = []
        for index, cidr in enumerate(cidrs):
            subnet = aws.ec2.Subnet(
                f"{name}-private-{index}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone=zones.names[index],
                map_public_ip_on_launch=False,
                tags=self._tags(Name=f"{name}-private-{index}", tier="private"),
                opts=self._child(),
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{index}",
                subnet_id=subnet.id,
                route_table_id=self.route_table.id,
                opts=self._child(),
            )
            self.subnets.append(subnet)
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in self.subnets])
        self._build_security_groups()
        self._build_endpoints()
        self._wire_security_groups()
        self._build_flow_logs()

    def _build_security_groups(self) -> None:
        args, name = self._args, self._name
        self.endpoint_security_group = self._security_group(
            f"{name}-endpoints", "AWS interface endpoints", args.owner, SHARED_CLASS
        )
        for broker in args.brokers:
            self.broker_security_groups[broker.cluster] = self._security_group(
                f"{name}-brokers-{broker.cluster}",
                f"brokers of cluster {broker.cluster}",
                broker.owner,
                broker.workload_class,
                cluster=broker.cluster,
            )
        for worker in args.workers:
            self.worker_security_groups[worker.pool] = self._security_group(
                f"{name}-workers-{worker.pool}",
                f"Connect workers of pool {worker.pool}",
                worker.owner,
                worker.workload_class,
                cluster=worker.cluster,
                pool=worker.pool,
            )

    def _security_group(
        self, resource_name: str, description: str, owner: str, workload_class: str, **extra: str
    ) -> aws.ec2.SecurityGroup:
        # No inline rules: the provider removes AWS's default allow-all egress, and every
        # rule below is its own resource naming exactly one peer.
        return aws.ec2.SecurityGroup(
            resource_name,
            vpc_id=self.vpc.id,
            description=f"bulkheads: {description}",
            revoke_rules_on_delete=True,
            tags=self._tags(owner, workload_class, Name=resource_name, **extra),
            opts=self._child(),
        )

    def _build_endpoints(self) -> None:
        args, name = self._args, self._name
        self.s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[self.route_table.id],
            tags=self._tags(Name=f"{name}-s3"),
            opts=self._child(),
        )
        self.interface_endpoints = {
            service: aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[s.id for s in self.subnets],
                security_group_ids=[self.endpoint_security_group.id],
                tags=self._tags(Name=f"{name}-{service}"),
                opts=self._child(),
            )
            for service in args.interface_endpoints
        }

    def _wire_security_groups(self) -> None:
        for broker in self._args.brokers:
            self._broker_rules(broker)
        for worker in self._args.workers:
            self._worker_rules(worker)

    def _broker_rules(self, broker: BrokerBoundary) -> None:
        group = self.broker_security_groups[broker.cluster]
        prefix = f"{self._name}-brokers-{broker.cluster}"
        pools = [w for w in self._args.workers if w.cluster == broker.cluster]
        for worker in pools:
            self._ingress(
                f"{prefix}-from-{worker.pool}",
                group,
                broker.port,
                f"Kafka clients: pool {worker.pool}",
                source=self.worker_security_groups[worker.pool],
            )
        for index, client in enumerate(broker.clients):
            for port in (broker.port, *broker.client_ports):
                suffix = "" if port == broker.port else f"-{port}"
                self._ingress(
                    f"{prefix}-from-client-{index}{suffix}",
                    group,
                    port,
                    f"Kafka clients: {client.description}",
                    cidr=client.cidr,
                )
        self._ingress(
            f"{prefix}-from-self", group, ALL_TCP, "brokers and controllers", source=group
        )
        self._egress(f"{prefix}-to-self", group, ALL_TCP, "brokers and controllers", dest=group)
        self._egress_to_aws(prefix, group)

    def _worker_rules(self, worker: WorkerBoundary) -> None:
        group = self.worker_security_groups[worker.pool]
        prefix = f"{self._name}-workers-{worker.pool}"
        port = next(b.port for b in self._args.brokers if b.cluster == worker.cluster)
        self._egress(
            f"{prefix}-to-brokers",
            group,
            port,
            f"brokers of cluster {worker.cluster}",
            dest=self.broker_security_groups[worker.cluster],
        )
        for index, endpoint in enumerate(worker.endpoints):
            self._egress(
                f"{prefix}-to-endpoint-{index}",
                group,
                endpoint.port,
                endpoint.description,
                cidr=endpoint.cidr,
            )
        self._ingress(f"{prefix}-from-self", group, CONNECT_REST_PORT, "Connect REST", source=group)
        self._egress(f"{prefix}-to-self", group, CONNECT_REST_PORT, "Connect REST", dest=group)
        self._egress_to_aws(prefix, group)

    def _egress_to_aws(self, prefix: str, group: aws.ec2.SecurityGroup) -> None:
        """HTTPS to the interface endpoints and to S3 through its gateway endpoint."""
        self._egress(
            f"{prefix}-to-endpoints",
            group,
            HTTPS_PORT,
            "AWS interface endpoints",
            dest=self.endpoint_security_group,
        )
        self._egress(
            f"{prefix}-to-s3",
            group,
            HTTPS_PORT,
            "S3 gateway endpoint",
            prefix_list=self.s3_endpoint.prefix_list_id,
        )
        self._ingress(
            f"{self._name}-endpoints-from-{prefix.removeprefix(self._name + '-')}",
            self.endpoint_security_group,
            HTTPS_PORT,
            f"HTTPS from {prefix}",
            source=group,
        )

    def _ingress(
        self,
        resource_name: str,
        group: aws.ec2.SecurityGroup,
        ports: int | tuple[int, int],
        description: str,
        *,
        source: aws.ec2.SecurityGroup | None = None,
        cidr: str | None = None,
    ) -> aws.vpc.SecurityGroupIngressRule:
        low, high = ports if isinstance(ports, tuple) else (ports, ports)
        return aws.vpc.SecurityGroupIngressRule(
            resource_name,
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=low,
            to_port=high,
            referenced_security_group_id=source.id if source else None,
            cidr_ipv4=cidr,
            description=description,
            tags=self._tags(Name=resource_name),
            opts=self._child(),
        )

    def _egress(
        self,
        resource_name: str,
        group: aws.ec2.SecurityGroup,
        ports: int | tuple[int, int],
        description: str,
        *,
        dest: aws.ec2.SecurityGroup | None = None,
        cidr: str | None = None,
        prefix_list: pulumi.Input[str] | None = None,
    ) -> aws.vpc.SecurityGroupEgressRule:
        low, high = ports if isinstance(ports, tuple) else (ports, ports)
        return aws.vpc.SecurityGroupEgressRule(
            resource_name,
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=low,
            to_port=high,
            referenced_security_group_id=dest.id if dest else None,
            cidr_ipv4=cidr,
            prefix_list_id=prefix_list,
            description=description,
            tags=self._tags(Name=resource_name),
            opts=self._child(),
        )

    def _build_flow_logs(self) -> None:
        args, name = self._args, self._name
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            retention_in_days=args.flow_log_retention_days,
            tags=self._tags(Name=f"{name}-flow-logs"),
            opts=self._child(),
        )
        role = aws.iam.Role(
            f"{name}-flow-logs",
            assume_role_policy=json.dumps(iam.service_trust_policy("vpc-flow-logs.amazonaws.com")),
            tags=self._tags(Name=f"{name}-flow-logs"),
            opts=self._child(),
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            policy=log_group.arn.apply(lambda arn: json.dumps(iam.flow_log_delivery_policy(arn))),
            opts=self._child(),
        )
        self.flow_log = aws.ec2.FlowLog(
            f"{name}-flow-logs",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            tags=self._tags(Name=f"{name}-flow-logs"),
            opts=self._child(),
        )


def _check_boundaries(args: NetworkArgs) -> None:
    """Every worker pool names a cluster that has a broker boundary."""
    clusters = {b.cluster for b in args.brokers}
    for worker in args.workers:
        if worker.cluster not in clusters:
            raise ValueError(
                f"network: pool {worker.pool!r} uses cluster {worker.cluster!r}, which has no "
                f"broker boundary; declare it among the brokers ({sorted(clusters)})"
            )
