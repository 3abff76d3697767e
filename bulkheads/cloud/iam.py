"""IAM policy documents as plain dicts (serialize with ``json.dumps``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bulkheads.plan.identities import S3Grant

PolicyDocument = dict[str, Any]

VERSION = "2012-10-17"

# What an AutoMQ broker does with its buckets: read, write, list, delete (compaction),
# and multipart uploads. Nothing else in S3.
AUTOMQ_BUCKET_ACTIONS = ("s3:ListBucket", "s3:GetBucketLocation")
AUTOMQ_OBJECT_ACTIONS = (
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
)
KMS_DATA_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")

FLOW_LOG_ACTIONS = (
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
)


def bucket_access_policy(bucket_arns: Sequence[str], kms_key_arn: str) -> PolicyDocument:
    """Allow the AutoMQ actions on exactly ``bucket_arns`` (and their objects) and the key."""
    arns = list(bucket_arns)
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "Buckets",
                "Effect": "Allow",
                "Action": list(AUTOMQ_BUCKET_ACTIONS),
                "Resource": arns,
            },
            {
                "Sid": "Objects",
                "Effect": "Allow",
                "Action": list(AUTOMQ_OBJECT_ACTIONS),
                "Resource": [f"{arn}/*" for arn in arns],
            },
            {
                "Sid": "BucketKey",
                "Effect": "Allow",
                "Action": list(KMS_DATA_KEY_ACTIONS),
                "Resource": [kms_key_arn],
            },
        ],
    }


def irsa_trust_policy(
    oidc_provider_arn: str, oidc_issuer: str, namespace: str, service_account: str
) -> PolicyDocument:
    """Trust only ``system:serviceaccount:<namespace>:<service_account>`` via the OIDC provider.

    ``oidc_issuer`` may carry its ``https://`` scheme; the condition keys use it without.
    """
    issuer = oidc_issuer.removeprefix("https://")
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": oidc_provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{issuer}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                        f"{issuer}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }


def service_trust_policy(service: str) -> PolicyDocument:
    """Trust one AWS service principal, e.g. ``vpc-flow-logs.amazonaws.com``."""
    return {
        "Version": VERSION,
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


def flow_log_delivery_policy(log_group_arn: str) -> PolicyDocument:
    """Allow flow-log delivery into exactly one log group (and its streams)."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": list(FLOW_LOG_ACTIONS),
                "Resource": [log_group_arn, f"{log_group_arn}:*"],
            }
        ],
    }


def deny_insecure_transport_policy(bucket_arn: str) -> PolicyDocument:
    """Deny every request to the bucket that does not use TLS."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


# What a connector does with an S3 location it writes (the S3 sink: multipart uploads,
# reading back what it wrote) or reads; listing is limited to the location's prefix.
S3_WRITE_OBJECT_ACTIONS = (
    "s3:PutObject",
    "s3:GetObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
)
S3_READ_OBJECT_ACTIONS = ("s3:GetObject",)
S3_WRITE_BUCKET_ACTIONS = ("s3:GetBucketLocation", "s3:ListBucketMultipartUploads")
S3_READ_BUCKET_ACTIONS = ("s3:GetBucketLocation",)


def s3_grant_policy(grants: Sequence[S3Grant]) -> PolicyDocument:
    """Allow exactly the declared S3 locations: per grant its objects under the prefix,
    the bucket actions its access needs, and listing only under the prefix."""
    statements: list[dict[str, Any]] = []
    for index, grant in enumerate(grants):
        bucket = f"arn:aws:s3:::{grant.bucket}"
        writes = grant.access == "write"
        statements += [
            {
                "Sid": f"Objects{index}",
                "Effect": "Allow",
                "Action": list(S3_WRITE_OBJECT_ACTIONS if writes else S3_READ_OBJECT_ACTIONS),
                "Resource": [f"{bucket}/{grant.prefix}*"],
            },
            {
                "Sid": f"Bucket{index}",
                "Effect": "Allow",
                "Action": list(S3_WRITE_BUCKET_ACTIONS if writes else S3_READ_BUCKET_ACTIONS),
                "Resource": [bucket],
            },
            {
                "Sid": f"List{index}",
                "Effect": "Allow",
                "Action": ["s3:ListBucket"],
                "Resource": [bucket],
                "Condition": {"StringLike": {"s3:prefix": [f"{grant.prefix}*"]}},
            },
        ]
    return {"Version": VERSION, "Statement": statements}


def msk_monitor_policy(cluster_arn: str, actions: Sequence[str]) -> PolicyDocument:
    """``actions`` on one MSK cluster, all its topics and all its groups (no data read)."""
    prefix, _, rest = cluster_arn.partition(":cluster/")
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": list(actions),
                "Resource": [cluster_arn]
                + [f"{prefix}:{kind}/{rest}/*" for kind in ("topic", "group")],
            }
        ],
    }
