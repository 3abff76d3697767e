"""Principal (a SCRAM-SHA-512 user with a generated password) and AccessGrant (its ACLs).

The password is a :class:`~components.secrets.GeneratedPassword`: made once, kept encrypted
in state, exposed only as a secret Output (``Principal.password``), never in plain text.
The credential uses pulumi-kafka's ``password`` input, which the SDK marks secret.

Child names (URNs are a contract, keep them stable):
``<principal>-password``, ``<principal>-scram`` (on MSK: the secret, its version and its
association, all so named) and, per ACL binding,
``<grant>-<operation>-<resource type>-<resource name>-<host>`` (lowercase; ``-prefixed``
appended for prefixed patterns).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kafka

from bulkheads.cloud.tags import boundary_tags
from bulkheads.plan.props import grant_props, principal_props
from bulkheads.plan.types import AccessPlan, AclBinding, PrincipalPlan
from components import tokens
from components.aws_msk import msk_scram_user, msk_secret_name
from components.secrets import GeneratedPassword

SCRAM_MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class MskScramStore:
    """Where an MSK cluster keeps its SCRAM users: ``AmazonMSK_`` secrets
    (``msk_secret_name``) encrypted with ``kms_key_arn``, associated with ``cluster_arn``."""

    cluster_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]


class Principal(pulumi.ComponentResource):
    """A Kafka user; exposes ``username``, ``password`` (secret) and ``credential``.

    The credential is a ``pulumi_kafka.UserScramCredential``, or with an ``msk_store``
    an MSK secret association (``components.aws_msk.msk_scram_user``).
    """

    password: pulumi.Output[str]
    credential: pulumi.CustomResource

    def __init__(
        self,
        name: str,
        plan: PrincipalPlan,
        environment: str,
        password_rotation: str = "",
        msk_store: MskScramStore | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(tokens.PRINCIPAL, name, principal_props(plan, environment), opts)
        self.username = plan.username
        generated = GeneratedPassword(
            f"{name}-password", rotation=password_rotation, opts=pulumi.ResourceOptions(parent=self)
        )
        self.password = pulumi.Output.secret(generated.result)
        child = pulumi.ResourceOptions(parent=self)
        if msk_store is None:
            self.credential = pulumi_kafka.UserScramCredential(
                f"{name}-scram",
                username=plan.username,
                scram_mechanism=SCRAM_MECHANISM,
                password=self.password,
                opts=child,
            )
        else:
            self.credential = msk_scram_user(
                f"{name}-scram",
                msk_secret_name(environment, plan.cluster, plan.username),
                plan.username,
                self.password,
                msk_store.cluster_arn,
                msk_store.kms_key_arn,
                boundary_tags(environment, plan.owner, plan.workload_class, cluster=plan.cluster),
                child,
            )
        self.register_outputs({"username": plan.username, "password": self.password})


def acl_resource_suffix(binding: AclBinding) -> str:
    """The stable, readable name part of one binding's ``pulumi_kafka.Acl``."""
    parts = [binding.operation, binding.resource_type, binding.resource_name, binding.host]
    if binding.pattern_type == "Prefixed":
        parts.append("prefixed")
    return "-".join(parts).lower()


class AccessGrant(pulumi.ComponentResource):
    """One ``pulumi_kafka.Acl`` per binding of a principal; exposes ``acls`` in plan order."""

    acls: list[pulumi_kafka.Acl]

    def __init__(
        self,
        name: str,
        plan: AccessPlan,
        environment: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        principal = plan.principal
        super().__init__(tokens.ACCESS_GRANT, name, grant_props(plan, environment), opts)
        self.acls = [
            pulumi_kafka.Acl(
                f"{name}-{acl_resource_suffix(binding)}",
                **binding.acl_inputs(principal.kafka_principal),
                opts=pulumi.ResourceOptions(parent=self),
            )
            for binding in plan.bindings
        ]
        self.register_outputs({"acl_count": len(self.acls)})
