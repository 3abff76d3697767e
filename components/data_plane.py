"""DataPlane: everything Kafka enforces on one cluster, composed from a ClusterPlan.

Children (all parented here; kafka resources inherit ``provider`` through this component):

- ``<name>-topic-<topic>``                    TopicContract per planned topic
- ``<name>-principal-<username>``             Principal per planned principal
- ``<name>-grant-<username>``                 AccessGrant per principal's ACL set
- ``<name>-quota-<entity type>-<entity name>`` Quota per planned quota

Topics named in ``adopt`` (retained by an earlier stack) are imported, not created. With an
``msk_store`` the principals' SCRAM users live in MSK's Secrets Manager store.
Exposed as dicts keyed by topic name, username and ``(entity_type, entity_name)``;
``boundary_of(username)`` is what a client of the cluster waits for.
"""

from __future__ import annotations

import pulumi
import pulumi_kafka

from bulkheads.plan.types import ClusterPlan
from components import tokens
from components.access import AccessGrant, MskScramStore, Principal
from components.quotas import Quota
from components.topics import DEFAULT_PROTECTION, Protection, TopicContract


class DataPlane(pulumi.ComponentResource):
    """Topics, principals, ACLs and quotas of one cluster through its explicit provider."""

    def __init__(
        self,
        name: str,
        plan: ClusterPlan,
        provider: pulumi_kafka.Provider,
        environment: str,
        protection: Protection = DEFAULT_PROTECTION,
        adopt: frozenset[str] = frozenset(),
        msk_store: MskScramStore | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {tokens.PROP_CLUSTER: plan.cluster, tokens.PROP_ENVIRONMENT: environment}
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(providers=[provider]))
        super().__init__(tokens.DATA_PLANE, name, props, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.topics = {
            topic.name: TopicContract(
                f"{name}-topic-{topic.name}",
                topic,
                environment,
                protection,
                adopt=topic.name in adopt,
                opts=child,
            )
            for topic in plan.topics
        }
        self.principals = {
            principal.username: Principal(
                f"{name}-principal-{principal.username}",
                principal,
                environment,
                msk_store=msk_store,
                opts=child,
            )
            for principal in plan.principals
        }
        self.grants = {
            grant.principal.username: AccessGrant(
                f"{name}-grant-{grant.principal.username}", grant, environment, opts=child
            )
            for grant in plan.grants
        }
        self.quotas = {
            (quota.entity_type, quota.entity_name): Quota(
                f"{name}-quota-{quota.entity_type}-{quota.entity_name}",
                quota,
                environment,
                opts=child,
            )
            for quota in plan.quotas
        }
        self._bound_topics = {
            grant.principal.username: sorted(
                {b.resource_name for b in grant.bindings if b.resource_type == "Topic"}
                & self.topics.keys()
            )
            for grant in plan.grants
        }
        self.register_outputs(
            {
                "topics": sorted(self.topics),
                "principals": sorted(self.principals),
            }
        )

    def boundary_of(self, username: str) -> list[pulumi.Resource]:
        """What a client logging in as ``username`` needs before it starts: its principal,
        its ACLs, the topics they name and its user quota on this cluster.

        Depending on these rather than on the whole data plane keeps each dependency list
        (in the program, the engine's graph and every checkpoint) the size of one boundary,
        not of the cluster: a component dependency stands for all of its descendants.
        """
        quota = self.quotas.get(("user", username))
        return [
            self.principals[username],
            self.grants[username],
            *(self.topics[topic] for topic in self._bound_topics[username]),
            *([quota] if quota is not None else []),
        ]
