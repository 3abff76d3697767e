"""TopicContract: one Kafka topic with the contract, class and owner it was planned with.

Deletion protection: a topic planned ``protected`` (the live class) gets
``retain_on_delete=True`` by default — removing it from the spec, replacing it or
``pulumi destroy`` drops it from the stack but never deletes the topic or its data in Kafka,
and a stack can still be torn down. Pass ``protection="protect"`` for the stricter
``protect=True``, which makes any delete (destroy included) fail until someone unprotects
the resource on purpose.

Adoption: a retained topic outlives its stack, so a later ``up`` would fail to create it
again. ``adopt=True`` imports the existing topic instead (Pulumi's ``import`` option: the
import fails, changing nothing, unless partitions, replication and config match the plan;
once the topic is in the stack the option is a no-op).
"""

from __future__ import annotations

from typing import Literal

import pulumi
import pulumi_kafka

from bulkheads.plan.types import TopicPlan
from components import tokens

Protection = Literal["retain_on_delete", "protect"]
DEFAULT_PROTECTION: Protection = "retain_on_delete"


def protection_options(protected: bool, protection: Protection) -> pulumi.ResourceOptions:
    """Resource options that keep a protected topic's data (none for unprotected topics)."""
    if not protected:
        return pulumi.ResourceOptions()
    if protection == "protect":
        return pulumi.ResourceOptions(protect=True)
    return pulumi.ResourceOptions(retain_on_delete=True)


class TopicContract(pulumi.ComponentResource):
    """A topic (``pulumi_kafka.Topic`` named ``<name>-topic``); exposes ``topic``."""

    topic: pulumi_kafka.Topic

    def __init__(
        self,
        name: str,
        plan: TopicPlan,
        environment: str,
        protection: Protection = DEFAULT_PROTECTION,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = plan.props(environment)
        super().__init__(tokens.TOPIC_CONTRACT, name, props, opts)
        child_opts = pulumi.ResourceOptions.merge(
            pulumi.ResourceOptions(parent=self, import_=plan.name if adopt else None),
            protection_options(plan.protected, protection),
        )
        self.topic = pulumi_kafka.Topic(
            f"{name}-topic",
            name=plan.name,
            partitions=plan.partitions,
            replication_factor=plan.replication_factor,
            config=plan.config,
            opts=child_opts,
        )
        self.register_outputs({"topic": self.topic.name})
