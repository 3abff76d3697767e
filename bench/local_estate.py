"""What the benchmarks on a real local stack share: a generated estate on free ports, the
environment that points ``bulkheads`` at it, away from the project's own state, and the CPU
seconds each kind of process under a command used."""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from pathlib import Path

from bulkheads.local.ports import free_port
from tests.estates import write_local_estate

TICKS = os.sysconf("SC_CLK_TCK")


def generated_estate(work: Path, pipelines: int) -> tuple[Path, int]:
    """Write the ``tests/estates.py`` estate of ``pipelines`` pipelines under ``work`` on
    free ports: its stack file and its cluster's bootstrap port (the controller's is the
    next one, which :func:`free_port` keeps free)."""
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    spec_file = write_local_estate(
        work / "Pulumi.local.yaml",
        pipelines,
        bootstrap=f"127.0.0.1:{port}",
        rest_ports=(free_port(), free_port(), free_port()),
        data_dir=work / "data",
    )
    return spec_file, port


def estate_env(work: Path, spec_file: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a ``bulkheads`` command on that estate: its platform state and
    engine state under ``work/up``, its spec from ``spec_file``, then ``extra``."""
    return {
        **os.environ,
        "BULKHEADS_STATE_DIR": str(work / "up" / "local"),
        "BULKHEADS_PULUMI_DIR": str(work / "up" / "pulumi"),
        "BULKHEADS_SPEC_FILE": str(spec_file),
        **(extra or {}),
    }


def machine() -> str:
    """Cores and load average: the machine is shared, so the figures move with it."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} (1 min), {five:.1f} (5 min)"


def _label(argv: list[str]) -> str:
    text = " ".join(argv)
    if argv and Path(argv[0]).name == "pulumi":  # before the needles: it names the pack dir
        return "pulumi CLI (engine, go)"
    for needle, label in (
        ("pulumi-resource-kafka", "kafka provider (go)"),
        ("pulumi-resource-pulumi-python", "dynamic providers (python)"),
        ("policies", "policy pack (python)"),
        ("pulumi-language-python-exec", "program (python)"),
        ("pulumi-language-python", "language host (go)"),
    ):
        if needle in text:
            return label
    return Path(argv[0]).name if argv else "?"


class CpuSampler:
    """CPU seconds per kind of process under ``root`` (polled from /proc every 0.2 s), from
    now on: ``root`` itself counts as ``root_label`` (default ``bulkheads CLI (python)``)."""

    def __init__(self, root: int, root_label: str = "bulkheads CLI (python)") -> None:
        self.root, self.root_label = root, root_label
        self.last: dict[int, tuple[str, float]] = {}
        self.sample()
        self.base = {pid: seconds for pid, (_, seconds) in self.last.items()}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            self.sample()

    def sample(self) -> None:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
        for pid in cpu:
            ancestor = pid
            while ancestor not in (self.root, 0, 1) and ancestor in parents:
                ancestor = parents[ancestor]
            if ancestor != self.root:
                continue
            label = self.last.get(pid, ("", 0.0))[0]
            if not label:
                try:
                    argv = (Path("/proc") / str(pid) / "cmdline").read_text().split("\0")
                except OSError:
                    continue
                argv = [a for a in argv if a]
                label = self.root_label if pid == self.root else _label(argv)
            self.last[pid] = (label, cpu[pid])

    def totals(self) -> dict[str, float]:
        self.stop.set()
        self.thread.join()
        summed: dict[str, float] = defaultdict(float)
        for pid, (label, seconds) in self.last.items():
            summed[label] += seconds - self.base.get(pid, 0.0)
        return dict(sorted(summed.items(), key=lambda item: -item[1]))
