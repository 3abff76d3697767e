"""Where the local platform keeps its jars (cache) and its running state, and how it writes
files that hold secrets.

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


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner can read (0600), from its first byte on."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    path.chmod(0o600)
