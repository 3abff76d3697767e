"""AutoMQ's object-storage settings for ``spec.kafka.config`` (see DESIGN.md §3)."""

from __future__ import annotations

from dataclasses import dataclass

# Bucket ids AutoMQ records with each object; distinct ids so that no id names two buckets.
DATA_BUCKET_ID = 0
OPS_BUCKET_ID = 1
WAL_BUCKET_ID = 2


# Where the WAL lives when it is on the brokers' volume (``wal: ebs``): Strimzi mounts
# JBOD volume 0 of each node at /var/lib/kafka/data-0.
FILE_WAL_PATH = "/var/lib/kafka/data-0/automq-wal"


@dataclass(frozen=True)
class AutoMQBuckets:
    """The physical bucket names of one AutoMQ cluster; ``wal`` None: WAL on the volume."""

    data: str
    ops: str
    wal: str | None

    def by_purpose(self) -> dict[str, str]:
        """``{"data": ..., "ops": ..., "wal": ...}`` for the buckets that exist."""
        named = {"data": self.data, "ops": self.ops, "wal": self.wal}
        return {purpose: name for purpose, name in named.items() if name}


def bucket_names(bucket_prefix: str, environment: str, wal_in_s3: bool = True) -> AutoMQBuckets:
    """Bucket names ``<prefix>-<environment>-{data,ops[,wal]}`` (unique per environment)."""
    base = f"{bucket_prefix}-{environment}"
    return AutoMQBuckets(
        data=f"{base}-data", ops=f"{base}-ops", wal=f"{base}-wal" if wal_in_s3 else None
    )


def s3_endpoint(region: str) -> str:
    """The regional S3 endpoint (reached through the VPC's S3 gateway endpoint)."""
    return f"https://s3.{region}.amazonaws.com"


def bucket_uri(bucket_id: int, bucket: str, region: str) -> str:
    """``<id>@s3://<bucket>?region=<region>&endpoint=<endpoint>``."""
    return f"{bucket_id}@s3://{bucket}?region={region}&endpoint={s3_endpoint(region)}"


def automq_storage_config(buckets: AutoMQBuckets, region: str) -> dict[str, str]:
    """The AutoMQ keys: object storage on, data/ops buckets, the WAL in its bucket or file."""
    wal = (
        bucket_uri(WAL_BUCKET_ID, buckets.wal, region)
        if buckets.wal
        else f"{DATA_BUCKET_ID}@file://{FILE_WAL_PATH}"
    )
    return {
        "elasticstream.enable": "true",
        "s3.data.buckets": bucket_uri(DATA_BUCKET_ID, buckets.data, region),
        "s3.ops.buckets": bucket_uri(OPS_BUCKET_ID, buckets.ops, region),
        "s3.wal.path": wal,
    }
