"""Where a stack's platform spec is read from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bulkheads.local.paths import PROJECT_ROOT


def stack_file(stack: str) -> Path:
    """The spec of ``stack``: ``$BULKHEADS_SPEC_FILE`` when set (to rehearse a change
    without editing the stack), else the stack's own ``stacks/Pulumi.<stack>.yaml``."""
    override = os.environ.get("BULKHEADS_SPEC_FILE")
    return Path(override) if override else PROJECT_ROOT / "stacks" / f"Pulumi.{stack}.yaml"


@dataclass(frozen=True)
class PartitionRun:
    """The partition a program run builds and the estate stack it belongs to."""

    estate: str
    partition: str


PARTITION_ENV = "BULKHEADS_PARTITION"
ESTATE_ENV = "BULKHEADS_ESTATE"


def partition_run() -> PartitionRun | None:
    """``$BULKHEADS_ESTATE`` and ``$BULKHEADS_PARTITION`` (set by ``up --all``), if set."""
    partition = os.environ.get(PARTITION_ENV)
    return PartitionRun(os.environ[ESTATE_ENV], partition) if partition else None
