"""The pack's process exits once the engine that started it is gone (``policies.lifetime``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
PACK_LIKE = (
    "import time; from policies.lifetime import exit_with_parent; "
    "exit_with_parent(0.1); time.sleep(60)"
)
ENGINE_LIKE = (
    "import subprocess, sys, time; "
    f"child = subprocess.Popen([sys.executable, '-c', {PACK_LIKE!r}]); "
    "print(child.pid, flush=True); time.sleep(60)"
)


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_an_orphaned_pack_exits_and_one_with_its_engine_stays() -> None:
    engine = subprocess.Popen(
        [sys.executable, "-c", ENGINE_LIKE], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert engine.stdout is not None
    pack = int(engine.stdout.readline())
    try:
        time.sleep(0.5)
        assert not _gone(pack)  # its engine runs: it stays
        os.kill(engine.pid, signal.SIGKILL)
        engine.wait(timeout=10)
        deadline = time.monotonic() + 10
        while not _gone(pack):
            assert time.monotonic() < deadline, "the orphaned pack is still running"
            time.sleep(0.1)
    finally:
        if not _gone(pack):
            os.kill(pack, signal.SIGKILL)
