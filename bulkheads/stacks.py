"""Where a stack's platform spec is read from."""

from __future__ import annotations

import os
from pathlib import Path

from bulkheads.local.paths import PROJECT_ROOT


def stack_file(stack: str) -> Path:
    """The spec of ``stack``: ``$BULKHEADS_SPEC_FILE`` when set (to rehearse a change
    without editing the stack), else the stack's own ``stacks/Pulumi.<stack>.yaml``."""
    override = os.environ.get("BULKHEADS_SPEC_FILE")
    return Path(override) if override else PROJECT_ROOT / "stacks" / f"Pulumi.{stack}.yaml"
