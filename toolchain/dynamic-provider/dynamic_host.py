"""The engine's Python dynamic provider, exiting with the engine that started it.

Pulumi starts each provider in its own process group, so a SIGKILLed ``bulkheads up``
leaves the SDK's dynamic provider (``python -m pulumi.dynamic``) serving forever. This
script runs that same provider with a watch: once its parent (the engine) is gone, checked
every second, it exits. ``pulumi-resource-pulumi-python`` beside it execs it, so its parent
is the engine itself. The toolchain installs both into its bin dir.
"""

import os
import runpy
import threading
import time

CHECK_EVERY_S = 1.0


def _exit_with(parent: int) -> None:
    while True:
        time.sleep(CHECK_EVERY_S)
        if os.getppid() != parent:
            os._exit(0)


def main() -> None:
    """Start the watch, then serve the SDK's dynamic provider (never returns)."""
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
