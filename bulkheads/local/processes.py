"""Detached JVM processes tracked by pid files, and stopped only if they are still ours.

Each process gets ``-Dbulkheads.instance=<its state dir>`` on its command line; a pid is
signalled only while its command line (read with ``psutil``) still carries that tag, so a
recycled pid is never touched. Processes run in their own session and outlive the Python
that started them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import psutil

from bulkheads.local.errors import LocalPlatformError

PID_FILE = "pid"
LOG_FILE = "out.log"
INSTANCE_PROPERTY = "-Dbulkheads.instance="


def java_executable() -> str:
    """``$JAVA_HOME/bin/java`` or ``java`` on PATH (Java 17+)."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise LocalPlatformError("java is not on PATH; install Java 17 or newer (openjdk-17-jre)")
    return found


def instance_tag(process_dir: Path) -> str:
    return f"{INSTANCE_PROPERTY}{process_dir.resolve()}"


def start_java(
    process_dir: Path, classpath: Path, jvm_options: list[str], main_class: str, args: list[str]
) -> int:
    """Start ``main_class`` detached, logging to ``<process_dir>/out.log``; return its pid."""
    command = [
        java_executable(),
        *jvm_options,
        instance_tag(process_dir),
        "-cp",
        f"{classpath}/*",
        main_class,
        *args,
    ]
    log_path = process_dir / LOG_FILE
    if log_path.exists():
        log_path.replace(process_dir / f"{LOG_FILE}.1")  # keep the previous run's log
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=process_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (process_dir / PID_FILE).write_text(f"{process.pid}\n")
    # /proc/<pid>/cmdline may still show the forking Python for a moment after Popen returns.
    deadline = time.monotonic() + 10.0
    while not is_ours(process.pid, process_dir) and process.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    return process.pid


def tracked_pid(process_dir: Path) -> int | None:
    """The pid recorded for this process dir, if that process is still alive and ours."""
    try:
        pid = int((process_dir / PID_FILE).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if is_ours(pid, process_dir) else None


def is_ours(pid: int, process_dir: Path) -> bool:
    """Running (not exited) and tagged with ``process_dir``."""
    if has_exited(pid):
        return False
    try:
        cmdline = psutil.Process(pid).cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
    return instance_tag(process_dir) in cmdline


def has_exited(pid: int) -> bool:
    """Gone, or a zombie whose threads have all exited (reaped here if it is our child).

    A JVM's main thread can be a zombie while its other threads still shut down (and still
    hold its ports), so a zombie state alone is not enough.
    """
    try:
        process = psutil.Process(pid)
        if process.status() != psutil.STATUS_ZOMBIE:
            return False
    except psutil.NoSuchProcess:
        return True
    reaped = _reap(pid)
    if reaped is not None:
        return reaped
    try:
        threads: int = process.num_threads()
        return threads <= 1
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return True


def stop(process_dir: Path, timeout: float = 30.0) -> int | None:
    """SIGTERM the tracked process, SIGKILL it after ``timeout`` s; return the pid stopped."""
    pid = tracked_pid(process_dir)
    if pid is not None:
        _send(pid)
        if not wait_gone(pid, timeout):
            _send(pid, kill=True)
            wait_gone(pid, 10.0)
    (process_dir / PID_FILE).unlink(missing_ok=True)
    return pid


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not has_exited(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def log_excerpt(process_dir: Path, lines: int = 15) -> str:
    """The current run's first ERROR with its exception (where the cause is) and the log tail."""
    try:
        log = (process_dir / LOG_FILE).read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return "(no log yet)"
    tail = "\n".join(log[-lines:])
    first = next((index for index, line in enumerate(log) if " ERROR " in line), None)
    if first is None:
        return tail
    causes = [line for line in log[first + 1 : first + 40] if _is_exception_line(line)][:3]
    return "\n".join(["first error:", log[first], *causes, "...", tail])


def _is_exception_line(line: str) -> bool:
    """A stack trace's exception or ``Caused by`` line (not a frame, not a log record)."""
    return not line.startswith(("[", "\tat ", "\t...")) and ("Exception" in line or "Error" in line)


def _send(pid: int, kill: bool = False) -> None:
    """SIGTERM (SIGKILL with ``kill``) ``pid`` unless it is already gone."""
    with contextlib.suppress(psutil.NoSuchProcess):
        process = psutil.Process(pid)
        process.kill() if kill else process.terminate()


def _reap(pid: int) -> bool | None:
    """Reap ``pid`` if it is a child of this Python that has fully exited.

    True: reaped; False: our child, still running; None: not our child.
    """
    try:
        reaped_pid, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    return reaped_pid == pid
