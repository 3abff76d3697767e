"""The README's cutover walkthrough, for real: the fixture ``cutover_local.yaml`` as the
``local`` stack on free ports (state, engine state and connector files under ``--dir``,
default ``/tmp/bulkheads-cutover-walk``). It applies each phase with ``bulkheads up``,
checks and previews the next one from the applied state (and, at ``producers``, the
rollback to ``consumers``), and then previews and applies
the clean-up (the cutover removed, the moved pipelines on their new pools). Run it under
the integration lock:
``flock /tmp/bulkheads-integration.lock .venv/bin/python docs/cutover-walk.py``.
It writes every command's output to ``<dir>/out/`` and always ends with ``local down``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests/spec/fixtures/valid/cutover_local.yaml"
CLI = str(ROOT / ".venv/bin/bulkheads")
CUTOVER = "orders-to-target"
PHASES = ("mirror", "consumers", "producers", "done")


def _free(taken: set[int], pair: bool) -> int:
    """A loopback port, free now, away from ``taken`` (and its successor if ``pair``)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        wanted = {port, port + 1} if pair else {port}
        if not ({port - 1, *wanted, port + 2} & taken):
            taken |= wanted
            return port


class Walk:
    def __init__(self, base: Path) -> None:
        shutil.rmtree(base, ignore_errors=True)
        (base / "data").mkdir(parents=True)
        self.out = base / "out"
        self.out.mkdir()
        self.doc: dict[str, Any] = yaml.safe_load(FIXTURE.read_text())
        spec = self.doc["config"]["bulkheads:platform"]
        taken: set[int] = set()
        for cluster in spec["clusters"].values():
            cluster["deploy"]["bootstrap"] = f"127.0.0.1:{_free(taken, pair=True)}"
        for pool in spec["pools"].values():
            pool["runtime"]["rest_port"] = _free(taken, pair=False)
        for pipeline in spec["pipelines"].values():
            config = pipeline["connector"]["config"]
            config["file"] = str(base / "data" / Path(config["file"]).name)
        self.source = base / "data" / "orders-events.jsonl"
        self.source.touch()
        self.spec_file = base / "Pulumi.local.yaml"
        self.env = {
            **os.environ,
            "NO_COLOR": "1",
            "BULKHEADS_STATE_DIR": str(base / "local"),
            "BULKHEADS_PULUMI_DIR": str(base / "pulumi"),
            "BULKHEADS_SPEC_FILE": str(self.spec_file),
        }

    def write(self, phase: str) -> None:
        self.doc["config"]["bulkheads:platform"]["cutovers"][CUTOVER]["phase"] = phase
        self.spec_file.write_text(yaml.safe_dump(self.doc, sort_keys=False))

    def run(self, tag: str, *args: str, check: bool = True) -> int:
        started = time.monotonic()
        done = subprocess.run(
            [CLI, *args], env=self.env, capture_output=True, text=True, timeout=900, cwd=ROOT
        )
        took = time.monotonic() - started
        text = f"$ bulkheads {' '.join(args)}\n{done.stdout}{done.stderr}\n"
        (self.out / f"{tag}.txt").write_text(f"{text}(exit {done.returncode}, {took:.1f}s)\n")
        print(f"{tag}: exit {done.returncode} in {took:.1f}s", flush=True)
        if check and done.returncode != 0:
            raise SystemExit(f"{tag} failed:\n{text[-3000:]}")
        return done.returncode

    def produce(self, count: int, first: int) -> None:
        with self.source.open("a") as lines:
            lines.writelines(f'{{"order": {i}}}\n' for i in range(first, first + count))

    def check(self, step: int, phase: str) -> None:
        """Wait up to two minutes for the gate of ``phase``, then record it."""
        args = ("cutover", "check", CUTOVER, "--phase", phase, "--stack", "local")
        for _ in range(12):
            quiet = subprocess.run([CLI, *args], env=self.env, capture_output=True, timeout=300)
            if quiet.returncode == 0:
                break
            time.sleep(10)
        self.run(f"{step}a-check-{phase}", *args, check=False)

    def clean_up(self) -> None:
        spec = self.doc["config"]["bulkheads:platform"]
        cutover = spec.pop("cutovers")[CUTOVER]
        for name in cutover["pipelines"]:
            spec["pipelines"][name]["pool"] = cutover["pools"][spec["pipelines"][name]["pool"]]
        self.spec_file.write_text(yaml.safe_dump(self.doc, sort_keys=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bulkheads-cutover-walk"))
    walk = Walk(parser.parse_args().dir)
    try:
        walk.write("mirror")
        walk.run("00-local-up", "local", "up", str(walk.spec_file))
        walk.run("01-up-mirror", "up", "local", "--yes")
        walk.produce(300, 0)
        time.sleep(20)
        for step, phase in enumerate(PHASES[1:], start=1):
            walk.check(step, phase)
            preview = ("cutover", "preview", CUTOVER, "--phase", phase, "--stack", "local")
            walk.run(f"{step}b-preview-{phase}", *preview)
            walk.write(phase)
            walk.run(f"{step}c-up-{phase}", "up", "local", "--yes")
            walk.produce(100, 1000 * step)
            time.sleep(20)
            if phase == "producers":  # the rollback's reverse diff, from the applied state
                back = ("cutover", "preview", CUTOVER, "--phase", "consumers", "--stack", "local")
                walk.run("2d-preview-rollback-consumers", *back)
        walk.clean_up()
        walk.run("5a-preview-cleanup", "preview", "local", "--diff")
        walk.run("5b-up-cleanup", "up", "local", "--yes")
        walk.run("5c-preview-again", "preview", "local")
    finally:
        walk.run("9-local-down", "local", "down", check=False)


if __name__ == "__main__":
    main()
