"""ReplayScheduler: one Kubernetes pool's replay CronJob (``bulkheads:runtime:ReplayScheduler``).

Arguments: :class:`ReplaySchedulerArgs` — the plan's
:class:`~bulkheads.plan.platform.ReplaySchedulerPlan`, the ``environment``, the pool's
``namespace`` and its cluster ``login`` (from its WorkerPool's target). Registers, named
``<pool>-replay-scheduler`` in that namespace: a ServiceAccount, a Role limited to the
pool's replay KafkaConnectors and their ConfigMaps, its RoleBinding and the CronJob; and per
replay its empty state ConfigMap ``<connector>-replay``, whose data the CronJob owns (the
stack ignores it). Manifests from :mod:`bulkheads.replay.cronjob`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from bulkheads.plan.manifests import core
from bulkheads.plan.manifests.labels import ownership_labels
from bulkheads.plan.manifests.strimzi import KafkaLogin
from bulkheads.plan.platform import ReplaySchedulerPlan
from bulkheads.plan.replay import scheduler_name
from bulkheads.replay import cronjob
from components import tokens
from components.manifests import register


@dataclass(frozen=True)
class ReplaySchedulerArgs:
    """One pool's replay scheduler, where its connectors live and how it reaches Kafka."""

    plan: ReplaySchedulerPlan
    environment: str
    namespace: str
    login: KafkaLogin


class ReplayScheduler(pulumi.ComponentResource):
    """Starts a pool's replays at their declared start, runs them only inside the replay
    window and stops them once done."""

    def __init__(
        self, name: str, args: ReplaySchedulerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        plan = args.plan
        props = {
            tokens.PROP_ENVIRONMENT: args.environment,
            tokens.PROP_POOL: plan.pool,
            tokens.PROP_CLASS: plan.workload_class,
            tokens.PROP_OWNER: plan.owner,
            "window": plan.window,
            "connectors": list(plan.connectors),
        }
        super().__init__(tokens.REPLAY_SCHEDULER, name, props, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = ownership_labels(plan.owner, plan.workload_class, plan.pool, args.environment)
        object_name = scheduler_name(plan.pool)
        namespace = args.namespace
        self.state_config_maps = [
            register(
                f"{name}-state-{connector}",
                cronjob.state_config_map_manifest(connector, namespace, labels),
                pulumi.ResourceOptions(parent=self, ignore_changes=["data"]),
            )
            for connector in plan.connectors
        ]
        self.service_account = register(
            f"{name}-account", cronjob.service_account(object_name, namespace, labels), child
        )
        self.role = register(
            f"{name}-role",
            cronjob.connector_patcher_role(object_name, namespace, labels, plan.connectors),
            child,
        )
        self.role_binding = register(
            f"{name}-binding",
            core.role_binding(object_name, namespace, labels, object_name, object_name),
            child,
        )
        pod = cronjob.pod_spec(object_name, plan.window, namespace, plan.replays, args.login)
        self.cron_job = register(
            f"{name}-cronjob",
            cronjob.cronjob(object_name, namespace, labels, pod),
            pulumi.ResourceOptions(
                parent=self, depends_on=[self.role_binding, *self.state_config_maps]
            ),
        )
        self.register_outputs({"cron_job": object_name})
