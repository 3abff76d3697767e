"""A pool's AWS identity (IRSA): an IAM role only its workers' service account can assume,
allowed exactly the S3 locations its pipelines declare (``iam.s3_grant_policy``).

The role ARN goes on the service account Strimzi creates for the pool
(``KafkaConnect.spec.template.serviceAccount``), so the connectors' AWS SDK picks up web
identity credentials; pools whose pipelines declare nothing get no role.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from bulkheads.cloud import iam
from bulkheads.cloud.args import IrsaSettings
from bulkheads.plan.identities import S3Grant


def pool_role(
    name: str,
    pool: str,
    service_account: tuple[str, str],
    grants: tuple[S3Grant, ...],
    irsa: IrsaSettings,
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> aws.iam.Role:
    """Create the role of ``pool`` for ``service_account`` (namespace, name) and its policy."""
    namespace, account = service_account
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}-role",
        assume_role_policy=json.dumps(
            iam.irsa_trust_policy(irsa.oidc_provider_arn, irsa.oidc_issuer, namespace, account)
        ),
        description=f"Connect pool {pool}: the S3 locations its pipelines declare",
        tags=tags,
        opts=child,
    )
    aws.iam.RolePolicy(
        f"{name}-role",
        role=role.id,
        policy=json.dumps(iam.s3_grant_policy(grants)),
        opts=child,
    )
    return role
