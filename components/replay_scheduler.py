"""ReplayScheduler: one Kubernetes pool's replay CronJob (``bulkheads:runtime:ReplayScheduler``).

Arguments: :class:`ReplaySchedulerArgs` — the plan's
:class:`~bulkheads.plan.platform.ReplaySchedulerPlan`, the ``environment`` and the pool's
``namespace`` (an Output of its WorkerPool). Registers, all named
``<pool>-replay-scheduler`` in that namespace: a ServiceAccount, a Role allowing ``get`` and
``patch`` on exactly the pool's replay KafkaConnectors, its RoleBinding and the CronJob
(manifests from :mod:`bulkheads.replay.cronjob`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from bulkheads.plan.platform import ReplaySchedulerPlan
from bulkheads.plan.replay import scheduler_name
from bulkheads.replay.cronjob import cronjob_spec, role_rules, scheduler_script
from components import tokens
from components.worker_pool import object_meta, ownership_labels


@dataclass(frozen=True)
class ReplaySchedulerArgs:
    """One pool's replay scheduler and where its connectors live."""

    plan: ReplaySchedulerPlan
    environment: str
    namespace: pulumi.Output[str]


class ReplayScheduler(pulumi.ComponentResource):
    """Runs a pool's replay connectors only inside the replay window."""

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
        meta = object_meta(object_name, args.namespace, labels)
        self.service_account = k8s.core.v1.ServiceAccount(
            f"{name}-account", metadata=meta, opts=child
        )
        self.role = k8s.rbac.v1.Role(
            f"{name}-role", metadata=meta, rules=role_rules(plan.connectors), opts=child
        )
        self.role_binding = k8s.rbac.v1.RoleBinding(
            f"{name}-binding",
            metadata=meta,
            role_ref=k8s.rbac.v1.RoleRefArgs(
                api_group="rbac.authorization.k8s.io", kind="Role", name=object_name
            ),
            subjects=[
                k8s.rbac.v1.SubjectArgs(
                    kind="ServiceAccount", name=object_name, namespace=args.namespace
                )
            ],
            opts=child,
        )
        spec = args.namespace.apply(
            lambda namespace: cronjob_spec(
                object_name, scheduler_script(plan.window, namespace, plan.connectors)
            )
        )
        self.cron_job = k8s.batch.v1.CronJob(
            f"{name}-cronjob",
            metadata=meta,
            spec=spec,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.role_binding]),
        )
        self.register_outputs({"cron_job": object_name})
