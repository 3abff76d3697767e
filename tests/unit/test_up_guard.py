"""One ``bulkheads up`` per stack, and the recovery of an interrupted one (no engine: the
lock is a real flock, the stack a stand-in recording the engine commands asked for)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psutil
import pytest
from pulumi import automation as auto
from pulumi.automation._cmd import CommandResult

from bulkheads.cli_support import EXIT_FINDINGS
from bulkheads.up_guard import (
    StateLocked,
    UpInProgress,
    live_lock_holders,
    lock_path,
    recover_interrupted,
    sigint_seen,
    unlocked,
    up_lock,
)


@pytest.fixture(autouse=True)
def pulumi_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BULKHEADS_PULUMI_DIR", str(tmp_path))
    return tmp_path


def test_a_second_up_of_the_same_stack_is_refused_naming_the_first() -> None:
    with up_lock("local"):
        refused = r"another `bulkheads up` of stack 'local'.*pid"
        with pytest.raises(UpInProgress, match=refused), up_lock("local"):
            pass
        with up_lock("dev"):  # another stack is not blocked
            pass
    with up_lock("local"):  # released on exit
        pass


def test_the_lock_of_a_killed_holder_is_free_at_once(pulumi_dir: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import time; from bulkheads.up_guard import up_lock\n"
         "with up_lock('local'):\n    print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
        env={"BULKHEADS_PULUMI_DIR": str(pulumi_dir), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(UpInProgress, match=f"pid {holder.pid}"), up_lock("local"):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    started = time.monotonic()
    with up_lock("local"):
        assert f"pid {os.getpid()}" in lock_path("local").read_text()
    assert time.monotonic() - started < 1


class Stack:
    """Records the engine commands; ``locked`` times the state lock is met first."""

    def __init__(self, pending: list[dict[str, Any]], locked: int = 0, name: str = "local") -> None:
        self.pending, self.locked, self.calls = pending, locked, []  # type: list[str]
        self.name = name

    def export_stack(self) -> Any:
        return SimpleNamespace(deployment={"pending_operations": self.pending})

    def refresh(self, **options: Any) -> str:
        self.calls.append(f"refresh {sorted(k for k, v in options.items() if v is True)}")
        if self.locked:
            self.locked -= 1
            result = CommandResult("", "error: the stack is currently locked by 1 lock(s)", 255)
            raise auto.errors.ConcurrentUpdateError(result)
        self.pending = []
        return "refreshed"

    def cancel(self) -> None:
        self.calls.append("cancel")


def test_pending_operations_are_cleared_by_a_refresh_and_a_stale_lock_cancelled() -> None:
    stack = Stack([{"type": "creating", "resource": {}}, {"type": "updating"}], locked=1)
    notes: list[str] = []
    recover_interrupted(stack, tell=notes.append)  # type: ignore[arg-type]
    assert stack.calls == [
        "refresh ['clear_pending_creates']", "cancel", "refresh ['clear_pending_creates']"
    ]  # fmt: skip
    assert stack.pending == []
    assert notes == [
        "removed the state lock of an interrupted update (pulumi cancel)",
        "cleared 2 pending operation(s) (creating, updating) of an interrupted update: "
        "refreshed from the platform with --clear-pending-creates",
    ]


def test_a_clean_state_is_left_alone() -> None:
    stack = Stack([])
    notes: list[str] = []
    recover_interrupted(stack, tell=notes.append)  # type: ignore[arg-type]
    assert notes == []
    assert stack.calls == []


def test_a_lock_held_again_after_cancel_is_an_error() -> None:
    stack = Stack([{"type": "creating"}], locked=2)
    with pytest.raises(auto.errors.ConcurrentUpdateError):
        unlocked(stack, lambda: stack.refresh())  # type: ignore[arg-type]


def test_a_shared_backend_lock_is_never_cancelled() -> None:
    stack = Stack([{"type": "creating"}], locked=1, name="prod")
    with pytest.raises(StateLocked, match=r"pulumi cancel --stack prod"):
        recover_interrupted(stack)  # type: ignore[arg-type]
    assert "cancel" not in stack.calls


def write_lock(pulumi_dir: Path, pid: int) -> None:
    lock = pulumi_dir / "backend/.pulumi/locks/organization/bulkheads/local/1.json"
    lock.parent.mkdir(parents=True)
    lock.write_text(json.dumps({"pid": pid, "hostname": socket.gethostname()}))


def test_a_lock_of_a_live_pulumi_process_is_not_cancelled(pulumi_dir: Path) -> None:
    write_lock(pulumi_dir, os.getpid())  # alive: this process
    assert live_lock_holders("local") == [os.getpid()]
    stack = Stack([{"type": "creating"}], locked=1)
    with pytest.raises(StateLocked, match=f"pid {os.getpid()}"):
        recover_interrupted(stack)  # type: ignore[arg-type]
    assert "cancel" not in stack.calls


def test_a_lock_of_a_dead_process_is_stale(pulumi_dir: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    write_lock(pulumi_dir, dead.pid)
    assert live_lock_holders("local") == []


def test_a_lock_of_a_zombie_is_stale(pulumi_dir: Path) -> None:
    """A SIGKILLed engine stays a zombie until its reaper collects it; it holds nothing."""
    killed = subprocess.Popen(["sleep", "60"])
    killed.kill()
    zombie = psutil.Process(killed.pid)
    for _ in range(50):
        if zombie.status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.05)
    assert zombie.status() == psutil.STATUS_ZOMBIE  # not reaped: no wait() yet
    write_lock(pulumi_dir, killed.pid)
    try:
        assert live_lock_holders("local") == []
    finally:
        killed.wait()


def test_a_stale_lock_alone_is_an_interrupted_update_to_recover(pulumi_dir: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    write_lock(pulumi_dir, dead.pid)  # the local stack skips checkpoints: no pending ops
    stack = Stack([])
    notes: list[str] = []
    assert recover_interrupted(stack, tell=notes.append) is True  # type: ignore[arg-type]
    assert stack.calls == ["cancel"]
    assert notes == ["removed the state lock of an interrupted update (pulumi cancel)"]


def test_no_lock_and_no_pending_operation_is_nothing_to_recover(pulumi_dir: Path) -> None:
    assert recover_interrupted(Stack([])) is False  # type: ignore[arg-type]
    write_lock(pulumi_dir, os.getpid())  # a live raw `pulumi` run: not ours to cancel
    stack = Stack([])
    assert recover_interrupted(stack) is False  # type: ignore[arg-type]
    assert stack.calls == []


@pytest.fixture
def sigint_default() -> Iterator[None]:
    """SIGINT raising ``KeyboardInterrupt``, as in a terminal (a shell's background job,
    a CI runner's say, starts with it ignored)."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.usefixtures("sigint_default")
def test_a_sigint_is_noted_and_still_interrupts() -> None:
    with sigint_seen() as interrupted:
        assert not interrupted()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler raises before this ends
        assert interrupted()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_ignored_sigint_is_noted_and_still_ignored() -> None:
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with sigint_seen() as interrupted:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # no KeyboardInterrupt
            assert interrupted()
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.usefixtures("sigint_default")
def test_an_up_that_fails_after_a_sigint_was_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine got the same SIGINT and failed its update; the interrupt itself was
    swallowed on the way (here: caught), so the up's failure is the interruption's."""
    from bulkheads import main_job

    def up_swallowing_the_interrupt(_args: object) -> int:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        except KeyboardInterrupt:
            pass
        return EXIT_FINDINGS

    monkeypatch.setattr(main_job, "_up", up_swallowing_the_interrupt)
    monkeypatch.setattr(main_job, "resolve_stack", lambda _args: SimpleNamespace(name="local"))
    monkeypatch.setattr(main_job, "wait_for_engine", lambda: None)
    args = SimpleNamespace(all=False, yes=True)
    assert main_job.run_up(args) == main_job.EXIT_INTERRUPTED  # type: ignore[arg-type]
    monkeypatch.setattr(main_job, "_up", lambda _args: EXIT_FINDINGS)
    assert main_job.run_up(args) == EXIT_FINDINGS  # type: ignore[arg-type]
