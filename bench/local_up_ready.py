"""Benchmark: ``bulkheads local up`` to ready, and ``down`` leaving nothing behind.

Run (real Kafka on 127.0.0.1, jars already cached by ``make up`` or the tests; hold the
shared lock)::

    flock /tmp/bulkheads-integration.lock .venv/bin/python bench/local_up_ready.py --runs 3

Each run takes a fresh state dir and free ports, and times the whole CLI processes:

- ``bulkheads local up --port P --controller-port P+1`` (one cluster), which returns once
  the broker accepts an admin login;
- ``bulkheads local up STACK`` of a stack with two local clusters (the cutover fixture on
  free ports), the same for both;
- ``bulkheads local down`` after each.

After each ``down`` it checks that no process runs from the state dir and that every port
it used binds again. Prints min / median / max per command, its ratio to the issue's
target (30 s to ready) and the leftovers (none expected). Jars must be cached: the first
``make up`` or test run fetches them, which this does not time.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bulkheads.local.ports import free_port  # noqa: E402

TARGET_S = 30.0
TWO_CLUSTERS = ROOT / "tests" / "spec" / "fixtures" / "valid" / "cutover_local.yaml"


def _cli(state: Path, *args: str) -> float:
    """Run ``bulkheads local ARGS`` on ``state``; its wall seconds (exit 0 required)."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bulkheads.cli", "local", *args, "--state-dir", str(state)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "BULKHEADS_STATE_DIR": str(state)},
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"bulkheads local {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return time.monotonic() - started


def _leftovers(state: Path, ports: list[int]) -> list[str]:
    """Processes still running from ``state`` and ``ports`` that no longer bind."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        if str(state) in " ".join(process.info["cmdline"] or []):
            found.append(f"pid {process.info['pid']} still runs")
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                found.append(f"port {port} still taken")
    return found


def _two_cluster_stack(directory: Path) -> tuple[Path, list[int]]:
    """The two-cluster fixture with its clusters on free ports; the file and the ports."""
    document = yaml.safe_load(TWO_CLUSTERS.read_text())
    ports = []
    for cluster in document["config"]["bulkheads:platform"]["clusters"].values():
        port = free_port()
        cluster["deploy"]["bootstrap"] = f"127.0.0.1:{port}"
        ports += [port, port + 1]
    path = directory / "Pulumi.local.yaml"
    path.write_text(yaml.safe_dump(document))
    return path, ports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per command (default 3)")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"up (1 cluster)": [], "up (2 clusters)": [], "down": []}
    leftovers: list[str] = []
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="bench-local-up-") as tmp:
            state, port = Path(tmp) / "one", free_port()
            times["up (1 cluster)"].append(
                _cli(state, "up", "--port", str(port), "--controller-port", str(port + 1))
            )
            times["down"].append(_cli(state, "down"))
            leftovers += _leftovers(state, [port, port + 1])
            stack, ports = _two_cluster_stack(Path(tmp))
            state = Path(tmp) / "two"
            times["up (2 clusters)"].append(_cli(state, "up", str(stack)))
            times["down"].append(_cli(state, "down"))
            leftovers += _leftovers(state, ports)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    header = f"{'command':<18} {'min':>7} {'median':>7} {'max':>7}"
    print(f"{header}  median / target ({TARGET_S:.0f} s)")
    for name, values in times.items():
        median = statistics.median(values)
        ratio = f"{median / TARGET_S:.2f}x" if name.startswith("up") else ""
        print(f"{name:<18} {min(values):>6.1f}s {median:>6.1f}s {max(values):>6.1f}s  {ratio}")
    print(f"left after down: {leftovers or 'nothing (no process, every port binds)'}")


if __name__ == "__main__":
    main()
