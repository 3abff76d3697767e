"""AutoMQ's object-storage settings for ``spec.kafka.config`` (see DESIGN.md §3)."""

from __future__ import annotations

from dataclasses import dataclass

# Bucket ids AutoMQ records with each object; distinct ids so that no id names two buckets.
DATA_BUCKET_ID = 0
OPS_BUCKET_ID = 1
WAL_BUCKET_ID = 2


@dataclass(frozen=True)
class AutoMQBuckets:
    """The physical bucket names of one AutoMQ cluster."""

    data: str
    ops: str
    wal: str


def bucket_names(bucket_prefix: str, environment: str) -> AutoMQBuckets:
    """Bucket names ``<prefix>-<environment>-{data,ops,wal}``."""
    base = f"{bucket_prefix}-{environment}"
    return AutoMQBuckets(data=f"{base}-data", ops=f"{base}-ops", wal=f"{base}-wal")


def s3_endpoint(region: str) -> str:
    """The regional S3 endpoint (reached through the VPC's S3 gateway endpoint)."""
    return f"https://s3.{region}.amazonaws.com"


def bucket_uri(bucket_id: int, bucket: str, region: str) -> str:
    """``<id>@s3://<bucket>?region=<region>&endpoint=<endpoint>``."""
    return f"{bucket_id}@s3://{bucket}?region={region}&endpoint={s3_endpoint(region)}"


def automq_storage_config(buckets: AutoMQBuckets, region: str) -> dict[str, str]:
    """The AutoMQ keys: object storage on, data/ops buckets, and the WAL in S3."""
    return {
        "elasticstream.enable": "true",
        "s3.data.buckets": bucket_uri(DATA_BUCKET_ID, buckets.data, region),
        "s3.ops.buckets": bucket_uri(OPS_BUCKET_ID, buckets.ops, region),
        "s3.wal.path": bucket_uri(WAL_BUCKET_ID, buckets.wal, region),
    }
