"""Quota: one ``pulumi_kafka.Quota`` (client quota for a user or a client-id) on a cluster.

Kafka stores quota values as doubles; pulumi-kafka takes them as a ``map[string]string``.
They are rendered the way the provider reads them back — integral values without a
fraction (``10485760``, ``50``), others as Python floats (``12.5``) — so a refresh finds
no drift.
"""

from __future__ import annotations

import pulumi
import pulumi_kafka

from bulkheads.plan.props import quota_inputs, quota_props
from bulkheads.plan.types import QuotaPlan
from components import tokens


class Quota(pulumi.ComponentResource):
    """A client quota (``<name>-quota``); exposes ``quota``."""

    quota: pulumi_kafka.Quota

    def __init__(
        self,
        name: str,
        plan: QuotaPlan,
        environment: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(tokens.QUOTA, name, quota_props(plan, environment), opts)
        self.quota = pulumi_kafka.Quota(
            f"{name}-quota",
            **quota_inputs(plan),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"entity_name": plan.entity_name})
