"""Where the local platform keeps its jars (cache) and its running state.

Defaults: jars under ``$BULKHEADS_CACHE`` or ``~/.cache/bulkheads``; state under
``$BULKHEADS_STATE_DIR`` or ``<project root>/.state/local`` (gitignored).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_cache_dir() -> Path:
    """The jar cache shared by every checkout on this machine."""
    configured = os.environ.get("BULKHEADS_CACHE")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "bulkheads"


def default_state_dir() -> Path:
    """The state directory (logs, pids, configs, data) of this checkout's local platform."""
    configured = os.environ.get("BULKHEADS_STATE_DIR")
    return Path(configured).expanduser() if configured else PROJECT_ROOT / ".state" / "local"
