"""What the benchmarks on a real local stack share: a generated estate on free ports and
the environment that points ``bulkheads`` at it, away from the project's own state."""

from __future__ import annotations

import os
from pathlib import Path

from bulkheads.local.ports import free_port
from tests.estates import write_local_estate


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
