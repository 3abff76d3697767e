"""Pool identities: the AWS resources each pool's connectors use, from their pipelines'
``s3`` declarations. A pool whose pipelines declare none gets no AWS identity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bulkheads.spec.model import PlatformSpec


@dataclass(frozen=True)
class S3Grant:
    """Objects under ``prefix`` of ``bucket`` (``""``: all), to ``write`` or ``read``."""

    bucket: str
    prefix: str
    access: Literal["write", "read"]
    pipeline: str


def pool_s3_grants(spec: PlatformSpec, pool: str) -> tuple[S3Grant, ...]:
    """Every S3 location the pipelines of ``pool`` declare, in pipeline order."""
    return tuple(
        S3Grant(bucket=a.bucket, prefix=a.prefix, access=a.access, pipeline=name)
        for name, pipeline in sorted(spec.pipelines.items())
        if pipeline.pool == pool
        for a in pipeline.s3
    )
