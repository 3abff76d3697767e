"""Quota: one ``pulumi_kafka.Quota`` (client quota for a user or a client-id) on a cluster.

Kafka stores quota values as doubles; pulumi-kafka takes them as a ``map[string]string``.
They are rendered the way the provider reads them back — integral values without a
fraction (``10485760``, ``50``), others as Python floats (``12.5``) — so a refresh finds
no drift.
"""

from __future__ import annotations

import pulumi
import pulumi_kafka

from bulkheads.plan.types import QuotaPlan
from components import tokens


def quota_config_strings(config: dict[str, int | float]) -> dict[str, str]:
    """Quota values as the strings pulumi-kafka takes (``50.0`` -> ``"50"``)."""
    return {key: _number(value) for key, value in sorted(config.items())}


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


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
        props = {
            "entity_type": plan.entity_type,
            "entity_name": plan.entity_name,
            "cluster": plan.cluster,
            "config": dict(plan.config),
            tokens.PROP_OWNER: plan.owner,
            tokens.PROP_CLASS: plan.workload_class,
            tokens.PROP_ENVIRONMENT: environment,
        }
        super().__init__(tokens.QUOTA, name, props, opts)
        self.quota = pulumi_kafka.Quota(
            f"{name}-quota",
            entity_type=plan.entity_type,
            entity_name=plan.entity_name,
            config=quota_config_strings(plan.config),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"entity_name": plan.entity_name})
