"""AutoMQ's object storage: data, ops and (WAL in S3) WAL buckets and the brokers' IRSA role.

Every bucket: SSE-KMS with the cluster's key (bucket key on), ACLs off (owner enforced),
all public access blocked, TLS-only bucket policy, incomplete multipart uploads aborted
after a day. No versioning: AutoMQ deletes compacted objects itself and old versions would
only accumulate. Ops objects (metrics, logs) expire after ``ops_retention_days``.

The role trusts only the brokers' service account through the EKS OIDC provider and may
touch exactly these buckets, their objects, and the key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from bulkheads.cloud import iam
from bulkheads.cloud.args import IrsaSettings, ObjectStorageSettings
from bulkheads.cloud.automq import AutoMQBuckets

ABORT_MULTIPART_AFTER_DAYS = 1


@dataclass(frozen=True)
class ObjectStorage:
    """The created buckets (by purpose) and the brokers' role."""

    buckets: dict[str, aws.s3.Bucket]
    role: aws.iam.Role


def automq_object_storage(
    name: str,
    names: AutoMQBuckets,
    settings: ObjectStorageSettings,
    irsa: IrsaSettings,
    service_account: tuple[str, str],
    kms_key: aws.kms.Key,
    tags: dict[str, str],
    parent: pulumi.Resource,
) -> ObjectStorage:
    """Create the buckets and the IRSA role for ``service_account`` (namespace, name)."""
    child = pulumi.ResourceOptions(parent=parent)
    buckets = {
        purpose: _bucket(
            f"{name}-{purpose}",
            bucket_name,
            kms_key,
            settings.ops_retention_days if purpose == "ops" else None,
            {**tags, "purpose": f"automq-{purpose}"},
            child,
        )
        for purpose, bucket_name in names.by_purpose().items()
    }
    namespace, account = service_account
    role = aws.iam.Role(
        f"{name}-brokers",
        assume_role_policy=json.dumps(
            iam.irsa_trust_policy(irsa.oidc_provider_arn, irsa.oidc_issuer, namespace, account)
        ),
        description=f"AutoMQ brokers of {name}: its buckets only",
        tags=tags,
        opts=child,
    )
    arns = [bucket.arn for bucket in buckets.values()]
    aws.iam.RolePolicy(
        f"{name}-brokers",
        role=role.id,
        policy=pulumi.Output.all(kms_key.arn, *arns).apply(
            lambda values: json.dumps(iam.bucket_access_policy(values[1:], values[0]))
        ),
        opts=child,
    )
    return ObjectStorage(buckets=buckets, role=role)


def _bucket(
    resource_name: str,
    bucket_name: str,
    kms_key: aws.kms.Key,
    expire_after_days: int | None,
    tags: dict[str, str],
    child: pulumi.ResourceOptions,
) -> aws.s3.Bucket:
    bucket = aws.s3.Bucket(resource_name, bucket=bucket_name, tags=tags, opts=child)
    aws.s3.BucketOwnershipControls(
        resource_name,
        bucket=bucket.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=child,
    )
    aws.s3.BucketPublicAccessBlock(
        resource_name,
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        resource_name,
        bucket=bucket.id,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=kms_key.arn
                ),
                bucket_key_enabled=True,
            )
        ],
        opts=child,
    )
    rules = [
        aws.s3.BucketLifecycleConfigurationRuleArgs(
            id="abort-incomplete-uploads",
            status="Enabled",
            filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
            abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                days_after_initiation=ABORT_MULTIPART_AFTER_DAYS
            ),
        )
    ]
    if expire_after_days is not None:
        rules.append(
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(
                    days=expire_after_days
                ),
            )
        )
    aws.s3.BucketLifecycleConfiguration(resource_name, bucket=bucket.id, rules=rules, opts=child)
    aws.s3.BucketPolicy(
        resource_name,
        bucket=bucket.id,
        policy=bucket.arn.apply(lambda arn: json.dumps(iam.deny_insecure_transport_policy(arn))),
        opts=child,
    )
    return bucket
