"""Benchmark: a no-op ``preview`` of a large real local stack, without and with the pack.

Run (real Kafka and Connect on 127.0.0.1, the built toolchain; hold the shared lock)::

    flock /tmp/bulkheads-integration.lock .venv/bin/python bench/preview_noop.py --pipelines 200

Brings the generated estate of ``tests/estates.py`` up once on a fresh local Kafka with
``bulkheads up local --yes`` (200 pipelines: about 5,000 resources; not timed against
anything), then previews the unchanged stack ``--repeat`` times in each of four ways,
taking turns so the machine's load falls on all alike:

- the engine alone: the program and the providers' diffs, no policy pack;
- with a pack that checks nothing (one resource policy that returns at once, written to a
  temp dir): what the engine's per-resource calls into any Python pack cost, the floor
  under the pack's share;
- with the policy pack (and the stack's pack config), as ``bulkheads preview`` runs it;
- with the pack and ``--refresh``: every resource read back from Kafka and Connect first.

Each is the Automation API's ``preview`` on the stack ``bulkheads preview`` opens, timed
alone; a preview that plans any change stops the run. Then the whole ``bulkheads preview
local --json`` command once (validate, the Kafka check, the engine). Prints the median of
each, the pack's share over the engine alone (target at most 15%) and how much of it the
pack that checks nothing already takes, refresh's cost, and each against the issue's 30 s
target; per way, the CPU seconds each kind of process used in its last turn (engine,
program, providers, pack, this process reading the engine's events).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.local_estate import CpuSampler, estate_env, generated_estate, machine  # noqa: E402
from bulkheads.local import LocalPlatform  # noqa: E402

TARGET_S = 30.0
PACK_SHARE_TARGET = 0.15
BULKHEADS = ROOT / ".venv" / "bin" / "bulkheads"


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    """Run a ``bulkheads … --json`` command: wall seconds and its document (exit 0)."""
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command[1:])} exited {proc.returncode}\n{proc.stdout[-3000:]}"
                 f"\n{proc.stderr[-3000:]}")  # fmt: skip
    return wall, json.loads(proc.stdout)


EMPTY_PACK = """\
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

PolicyPack(
    name="checks-nothing",
    policies=[ResourceValidationPolicy(
        name="nothing", description="returns at once", validate=lambda args, report: None
    )],
    enforcement_level=EnforcementLevel.ADVISORY,
)
"""


def _empty_pack(work: Path) -> Path:
    """A Python policy pack of one resource policy that checks nothing, on this venv."""
    pack = work / "checks-nothing"
    pack.mkdir()
    (pack / "__main__.py").write_text(EMPTY_PACK)
    (pack / "PulumiPolicy.yaml").write_text(
        "version: 0.1.0\nruntime:\n  name: python\n  options:\n"
        f"    toolchain: pip\n    virtualenv: {ROOT / '.venv'}\n"
    )
    return pack


def _previews(repeat: int, work: Path) -> dict[str, list[float]]:
    """Time the four previews ``repeat`` times each, in turn, in this process (its
    environment already points at the estate)."""
    from bulkheads.cli import build_parser
    from bulkheads.main_job import open_stack, policy_options

    _, stack = open_stack(build_parser().parse_args(["preview", "local"]))
    pack = policy_options("local")
    variants: dict[str, dict[str, Any]] = {
        "engine alone": {},
        "with a pack that checks nothing": {"policy_packs": [str(_empty_pack(work))]},
        "with the pack": pack,
        "with the pack and --refresh": {**pack, "refresh": True},
    }
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    for turn in range(repeat):
        for name, options in variants.items():
            sampler = CpuSampler(os.getpid(), root_label="this process (Automation API)")
            start = time.perf_counter()
            result = stack.preview(color="never", **options)
            seconds[name].append(time.perf_counter() - start)
            if turn == repeat - 1:
                cpu = ", ".join(f"{k} {v:.1f}" for k, v in sampler.totals().items() if v >= 0.1)
                print(f"  cpu s, {name} (last turn): {cpu}", flush=True)
            else:
                sampler.totals()
            changed = {op: n for op, n in (result.change_summary or {}).items() if op != "same"}
            if changed:
                sys.exit(f"the preview {name} was not a no-op: {changed}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipelines", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="preview-noop-") as tmp:
        work = Path(tmp)
        spec_file, port = generated_estate(work, args.pipelines)
        env = estate_env(work, spec_file)
        platform = LocalPlatform(state_dir=work / "up" / "local")
        try:
            platform.start_kafka(port=port, controller_port=port + 1, cluster="local", timeout=300)
            wall, document = _timed([str(BULKHEADS), "up", "local", "--yes", "--json"], env)
            created = document["changes"].get("create", 0)
            print(f"estate: {args.pipelines} pipelines, {created} resources created by the "
                  f"first up in {wall:.0f} s; {machine()}")  # fmt: skip
            os.environ.update(env)
            seconds = _previews(args.repeat, work)
            whole, _ = _timed([str(BULKHEADS), "preview", "local", "--json"], env)
            print(f"after: {machine()}")
        finally:
            platform.down()
    median = {name: statistics.median(values) for name, values in seconds.items()}
    for name, values in seconds.items():
        runs = ", ".join(f"{v:.1f}" for v in values)
        print(f"no-op preview, {name}: median {median[name]:.1f} s ({runs}); "
              f"{median[name] / TARGET_S:.2f}x the 30 s target")  # fmt: skip
    engine, empty, pack, refresh = median.values()
    print(f"the pack adds {(pack - engine) / engine:+.0%} to the engine alone "
          f"(target at most {PACK_SHARE_TARGET:+.0%}), of which a pack that checks nothing "
          f"adds {(empty - engine) / engine:+.0%} and bulkheads' rules "
          f"{(pack - empty) / engine:+.0%}; --refresh adds "
          f"{(refresh - pack) / pack:+.0%} to the preview with the pack")  # fmt: skip
    print(f"whole `bulkheads preview local --json`: {whole:.1f} s; "
          f"{whole / TARGET_S:.2f}x the 30 s target")  # fmt: skip


if __name__ == "__main__":
    main()
