"""The pack's process ends with the engine that started it.

The engine starts the pack for a preview or an update and stops it when done. An engine
that goes first (an interrupted or killed ``up``) can leave the pack running as an orphan,
holding its gRPC port: seen once after a SIGINT of ``bulkheads up`` in
``tests/integration/test_up_faults_local.py``, still alive twelve minutes later.
:func:`exit_with_parent` ends the process once its parent is gone.
"""

from __future__ import annotations

import os
import threading
import time


def exit_with_parent(interval: float = 1.0) -> threading.Thread:
    """Start a daemon thread that exits this process (status 0) as soon as its parent
    process is no longer the one that started it, checked every ``interval`` seconds
    (default 1); returns the thread."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(0)

    thread = threading.Thread(target=watch, name="exit-with-parent", daemon=True)
    thread.start()
    return thread
