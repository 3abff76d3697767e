"""One ``bulkheads up`` per stack at a time, and recovery from one that was interrupted.

``up_lock(stack)`` holds an exclusive ``flock`` on ``<pulumi dir>/locks/<stack>.lock`` for
the whole of an ``up`` (local Kafka start included, which Pulumi's own state lock does not
cover). A second ``up`` of the same stack is refused at once with :class:`UpInProgress`,
naming the holder's pid and start time. The kernel drops the lock when its holder dies,
even by SIGKILL, so holding it proves no other ``bulkheads up`` of the stack is running.

``recover_interrupted(stack)`` runs under that lock before the preview and says whether it
recovered an interrupted update. An ``up`` that was killed can leave two things behind,
and both are cleared without hand edits:

- Pulumi's state lock: on the ``local`` stack (a file backend in this checkout) a lock
  held by no live process is removed with ``pulumi cancel`` up front, and
  :func:`unlocked` does the same when an engine command meets one later, unless the lock
  file names a process still alive on this host (a raw ``pulumi`` run, which the up lock
  does not cover). On any other stack the backend is shared with other machines, where
  the lock's update may still run: bulkheads refuses and says how to cancel by hand.
  The local stack skips per-step checkpoints, so the killed update recorded nothing of
  what it made: the topics it created are adopted by the next ``up``
  (``bulkheads/plan/adoption.py``);
- pending operations in the state (creates, updates, deletes the engine started but never
  saw finish): a refresh with ``--clear-pending-creates`` reads every resource back from
  the platform and drops the pending entries; the ``up`` that follows creates what is
  still missing (connectors, workers, users, ACLs and quotas are created idempotently, and
  local topics that exist are adopted).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import TypeVar

import psutil
from pulumi import automation as auto

from bulkheads.engine import LOCAL_STACK, pulumi_dir

T = TypeVar("T")
ENGINE_GRACE = 120.0


class UpInProgress(RuntimeError):
    """Another ``bulkheads up`` of the stack holds the lock (the message names it)."""


class StateLocked(RuntimeError):
    """Pulumi's state lock is held by an update that may be alive (the message says why)."""


def lock_path(stack: str, root: Path | None = None) -> Path:
    """Where the ``up`` lock of ``stack`` lives (under ``root``, default the engine's dir)."""
    return (root or pulumi_dir()) / "locks" / f"{stack}.lock"


@contextlib.contextmanager
def up_lock(stack: str) -> Iterator[None]:
    """Hold the ``up`` lock of ``stack``; raise :class:`UpInProgress` at once if taken."""
    path = lock_path(stack)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise UpInProgress(
                f"another `bulkheads up` of stack {stack!r} is running ({holder}); nothing "
                "was changed: wait for it to finish, then run this again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(
            f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}"
        )
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def sigint_seen() -> Iterator[Callable[[], bool]]:
    """While open (in the main thread), note every SIGINT before handing it on as usual
    (a ``KeyboardInterrupt``); yields whether one came. The engine gets the same SIGINT
    and may fail its update before the interrupt reaches the code that waits on it, so an
    ``up`` that failed after a SIGINT was interrupted, not broken."""
    seen = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield seen.is_set
        return
    previous = signal.getsignal(signal.SIGINT)

    def note(signum: int, frame: FrameType | None) -> None:
        seen.set()
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, note)
    try:
        yield seen.is_set
    finally:
        signal.signal(signal.SIGINT, previous)


def wait_for_engine(timeout: float = ENGINE_GRACE) -> None:
    """Wait (up to ``timeout`` s) for this process's children (the Pulumi CLI and its
    plugins) to exit: after a SIGINT they finish their in-flight steps and write the state,
    and the up lock must outlive them."""
    psutil.wait_procs(psutil.Process().children(recursive=True), timeout=timeout)


def pending_operations(stack: auto.Stack) -> list[dict[str, object]]:
    """The pending operations recorded in ``stack``'s state (empty after a clean run)."""
    deployment = stack.export_stack().deployment or {}
    pending: list[dict[str, object]] = deployment.get("pending_operations") or []
    return pending


def state_locks(stack: str, root: Path | None = None) -> list[dict[str, object]]:
    """The state locks of ``stack`` in the local file backend (under ``root``, default the
    engine's dir), as their lock files say (pid, hostname, …); unreadable ones as {}."""
    locks = (root or pulumi_dir()) / "backend" / ".pulumi" / "locks"
    found: list[dict[str, object]] = []
    for path in locks.glob(f"**/{stack}/*.json"):
        try:
            found.append(dict(json.loads(path.read_text())))
        except (OSError, ValueError, TypeError):
            found.append({})
    return found


def live_lock_holders(stack: str, root: Path | None = None) -> list[int]:
    """Pids alive on this host that hold a state lock of ``stack`` in the local file
    backend (under ``root``, default the engine's dir). A zombie (a killed engine its
    reaper has not yet collected) holds nothing."""
    holders = []
    for lock in state_locks(stack, root):
        with contextlib.suppress(TypeError, ValueError):
            pid = int(str(lock.get("pid", 0)))
            if lock.get("hostname") == socket.gethostname() and _alive(pid):
                holders.append(pid)
    return holders


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a running process on this host, not a zombie."""
    try:
        return bool(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def on_project_backend(stack: auto.Stack, estate: str | None = None) -> bool:
    """Whether ``stack`` lives on the project's file backend: the ``local`` stack and the
    partition stacks of the ``local`` estate (``estate``)."""
    return (estate or stack.name) == LOCAL_STACK


def unlocked(
    stack: auto.Stack,
    operation: Callable[[], T],
    tell: Callable[[str], None] = lambda _: None,
    estate: str | None = None,
) -> T:
    """Run ``operation`` (an engine command on ``stack``, a partition stack of ``estate``);
    if Pulumi's state lock of a stack on the project's backend is held by no live process,
    remove it with ``pulumi cancel`` (saying so through ``tell``) and run it once more;
    otherwise raise :class:`StateLocked`. Must run under :func:`up_lock`, which proves no
    other ``bulkheads up`` holds that lock."""
    try:
        return operation()
    except auto.errors.ConcurrentUpdateError:
        if not on_project_backend(stack, estate):
            raise StateLocked(
                f"stack {stack.name!r} is locked by another update on its backend, which "
                "may still be running elsewhere; nothing was changed. If you know it is "
                f"dead, run `pulumi cancel --stack {stack.name}` and this again"
            ) from None
        holders = live_lock_holders(stack.name)
        if holders:
            raise StateLocked(
                f"stack {stack.name!r} is locked by a running pulumi process (pid "
                f"{', '.join(map(str, holders))}); nothing was changed: wait for it to "
                "finish, then run this again"
            ) from None
        _cancel(stack, tell)
        return operation()


def _cancel(stack: auto.Stack, tell: Callable[[str], None]) -> None:
    stack.cancel()
    tell("removed the state lock of an interrupted update (pulumi cancel)")


def recover_interrupted(
    stack: auto.Stack,
    config_file: str | None = None,
    tell: Callable[[str], None] = lambda _: None,
    estate: str | None = None,
) -> bool:
    """Clear the stale state lock (a stack on the project's backend, see
    :func:`on_project_backend`) and the pending operations an interrupted ``up`` left (see
    the module docstring); must run under :func:`up_lock`; ``config_file`` is the stack
    file when it is not the project's. Says what it cleared through ``tell``; True when
    there was an interrupted update to recover."""
    stale_lock = (
        on_project_backend(stack, estate)
        and bool(state_locks(stack.name))
        and not live_lock_holders(stack.name)
    )
    if stale_lock:
        _cancel(stack, tell)
    pending = pending_operations(stack)
    if not pending:
        return stale_lock

    def refresh() -> auto.RefreshResult:
        return stack.refresh(clear_pending_creates=True, color="never", config_file=config_file)

    unlocked(stack, refresh, tell, estate)
    kinds = sorted({str(op.get("type", "?")) for op in pending})
    tell(
        f"cleared {len(pending)} pending operation(s) ({', '.join(kinds)}) of an interrupted "
        "update: refreshed from the platform with --clear-pending-creates"
    )
    return True
