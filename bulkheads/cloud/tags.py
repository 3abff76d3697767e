"""The tags every cloud resource carries, so ownership and intent survive in AWS."""

from __future__ import annotations

TAG_OWNER = "owner"
TAG_CLASS = "class"
TAG_ENVIRONMENT = "environment"
TAG_MANAGED_BY = "managed-by"
MANAGED_BY = "bulkheads"

# The class tag of resources that serve every workload class (VPC, shared endpoints).
SHARED_CLASS = "shared"


def boundary_tags(
    environment: str, owner: str, workload_class: str, **extra: str
) -> dict[str, str]:
    """Tags naming owner, class and environment, plus ``extra`` (e.g. ``cluster=``)."""
    return {
        TAG_OWNER: owner,
        TAG_CLASS: workload_class,
        TAG_ENVIRONMENT: environment,
        TAG_MANAGED_BY: MANAGED_BY,
        **extra,
    }
