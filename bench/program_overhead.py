"""Benchmark: the Python layers at scale, under the Pulumi mocks of the unit tests.

Run: ``.venv/bin/python bench/program_overhead.py`` (defaults: ``--pipelines 1000``,
``--curve 100,500,1000,2000``; no engine, no Kafka). Every measurement runs in its own
process, so its peak memory (max RSS, the interpreter and imports included) is its own.
The spec is ``validate_bench``'s generated aws platform (AutoMQ on Strimzi + MSK).

1. Program overhead at ``--pipelines``: the bulkheads program (``build_platform``: plan,
   components) vs a flat program registering the very same resources — same types, names,
   parents, inputs, providers and options, as literals, no spec, plan or components logic —
   under the same mocks, through the generic classes (``flat``) and, the fair baseline,
   through the provider SDKs' typed classes the components use (``flat-typed``: kafka and
   aws); prints each time, the ratios and the peak memories.
2. Scaling curve for each N of ``--curve``: ``validate`` (load + doctrine + the catalogue
   rules, as ``bulkheads validate``), ``plan`` (``plan_platform``), ``program`` (under
   mocks) and ``pack`` (every rule of the policy pack over the program's resources), each
   with its time and peak memory, then the growth exponent ``k`` of time ~ N^k fitted
   (least squares on log-log) per stage: ``k`` near 1 is linear.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

STAGES = ("validate", "plan", "program", "pack")


def _spec(pipelines: int) -> Any:
    from validate_bench import generate

    from bulkheads.spec.loader import platform_from_mapping

    return platform_from_mapping(generate(pipelines))


def _program(pipelines: int, dump: Path | None) -> float:
    from tests.unit.cloud_harness import CloudHarness, run_stack_program
    from tests.unit.test_platform_prod_program import prod_config

    spec = _spec(pipelines)
    harness = CloudHarness()
    start = time.perf_counter()
    run_stack_program(harness, spec, prod_config())
    seconds = time.perf_counter() - start
    if dump is not None:
        dump.write_bytes(pickle.dumps(harness.resources))
    return seconds


def _typed_class(typ: str) -> tuple[type, dict[str, str]] | None:
    """The provider SDK's class of a kafka or aws type token and its wire name -> Python
    name table, as a hand-written program would use them; None for any other type."""
    import importlib

    import pulumi._types as sdk_types

    package, module_path, name = typ.split(":")
    if package not in ("kafka", "aws"):
        return None
    module = importlib.import_module(f"pulumi_{package}")
    if module_path.split("/")[0] != "index":
        module = getattr(module, module_path.split("/")[0])
    cls = getattr(module, name)
    names = sdk_types.input_type_py_to_pulumi_names(getattr(module, f"{name}Args"))
    return cls, {wire: py for py, wire in names.items()}


def _flat(dump: Path, typed: bool = False) -> float:
    """Register the dumped resources as a flat program would, literals only; ``typed``:
    kafka and aws resources through their provider SDK's typed classes, as the
    components do (the fair baseline), else all through the generic classes."""
    import pulumi

    from tests.unit.cloud_harness import CloudHarness

    registered = pickle.loads(dump.read_bytes())
    harness = CloudHarness()

    def build() -> None:
        made: dict[str, pulumi.Resource] = {}
        providers: dict[str, pulumi.ProviderResource] = {}
        for r in registered:
            options = pulumi.ResourceOptions(
                parent=made.get(r.parent_urn),
                provider=providers.get(r.provider.rsplit("::", 1)[0]) if r.provider else None,
                depends_on=[made[urn] for urn in r.dependencies if urn in made],
                protect=r.protect,
                retain_on_delete=r.retain_on_delete,
                additional_secret_outputs=r.additional_secret_outputs or None,
                ignore_changes=r.ignore_changes or None,
            )
            res: pulumi.Resource
            if r.typ.startswith("pulumi:providers:"):
                package = r.typ.removeprefix("pulumi:providers:")
                res = providers[r.urn] = pulumi.ProviderResource(package, r.name, r.inputs, options)
            elif r.typ.startswith("bulkheads:"):
                res = pulumi.ComponentResource(r.typ, r.name, r.inputs, options)
            elif typed and (found := _typed_class(r.typ)) is not None:
                cls, names = found
                res = cls(r.name, opts=options, **{names.get(k, k): v for k, v in r.inputs.items()})
            else:
                res = pulumi.CustomResource(r.typ, r.name, r.inputs, options)
            made[r.urn] = res

    start = time.perf_counter()
    harness.run(build)
    seconds = time.perf_counter() - start
    if len(harness.resources) != len(registered):
        sys.exit(f"the flat program registered {len(harness.resources)} of {len(registered)}")
    flat = {r.urn: r.inputs for r in harness.resources}
    differ = [r.urn for r in registered if flat.get(r.urn) != r.inputs]
    if differ:
        sys.exit(f"the flat program registered other inputs for {len(differ)}, e.g. {differ[0]}")
    return seconds


def _validate(pipelines: int) -> float:
    from validate_bench import generate

    from bulkheads.spec.loader import platform_from_mapping
    from policies.rules import catalogue

    data = generate(pipelines)
    start = time.perf_counter()
    spec = platform_from_mapping(data)
    catalogue.findings(spec, catalogue.pack_config("prod"))
    return time.perf_counter() - start


def _plan(pipelines: int) -> float:
    from bulkheads.plan.platform import plan_platform

    spec = _spec(pipelines)
    start = time.perf_counter()
    plan_platform(spec, ROOT)
    return time.perf_counter() - start


def _pack(dump: Path) -> float:
    from tests.policy.builders import Pack
    from tests.policy.test_stack_data_planes_under_pack import findings, stack_config, stack_members

    members = stack_members(pickle.loads(dump.read_bytes()))
    with tempfile.TemporaryDirectory() as tmp:
        pack = Pack(Path(tmp) / "suppressions.yaml")
        start = time.perf_counter()
        findings(pack, members, stack_config("prod"))
        return time.perf_counter() - start


def child(stage: str, pipelines: int, dump: Path) -> None:
    """One measurement; prints ``{"seconds": …, "peak_mb": …}``."""
    if stage == "program":
        seconds = _program(pipelines, dump)
    elif stage == "flat":
        seconds = _flat(dump)
    elif stage == "flat-typed":
        seconds = _flat(dump, typed=True)
    elif stage == "validate":
        seconds = _validate(pipelines)
    elif stage == "plan":
        seconds = _plan(pipelines)
    else:
        seconds = _pack(dump)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


def measure(stage: str, pipelines: int, dump: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", stage, str(pipelines), str(dump)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"{stage} at {pipelines} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def exponent(sizes: list[int], seconds: list[float]) -> float:
    """The least-squares slope of log(seconds) over log(size)."""
    xs, ys = [math.log(n) for n in sizes], [math.log(s) for s in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipelines", type=int, default=1000)
    parser.add_argument("--curve", default="100,500,1000,2000", help="sizes, or '' for none")
    parser.add_argument("--child", nargs=3, metavar=("STAGE", "N", "DUMP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), Path(args.child[2]))
        return
    with tempfile.TemporaryDirectory(prefix="program-overhead-") as tmp:
        dump = Path(tmp) / "registered.pickle"
        if args.pipelines:
            ours = measure("program", args.pipelines, dump)
            count = len(pickle.loads(dump.read_bytes()))
            print(
                f"program overhead, {args.pipelines} pipelines ({count} resources): bulkheads "
                f"{ours['seconds']:.1f} s / {ours['peak_mb']:.0f} MB"
            )
            for stage in ("flat", "flat-typed"):
                flat = measure(stage, args.pipelines, dump)
                print(
                    f"  vs {stage} {flat['seconds']:.1f} s / {flat['peak_mb']:.0f} MB: ratio "
                    f"{ours['seconds'] / flat['seconds']:.2f}x time, "
                    f"{ours['peak_mb'] / flat['peak_mb']:.2f}x memory"
                )
        sizes = [int(n) for n in args.curve.split(",") if n]
        table: dict[str, list[dict[str, float]]] = {stage: [] for stage in STAGES}
        for n in sizes:
            for stage in STAGES:  # program before pack: the pack reads the program's dump
                table[stage].append(measure(stage, n, dump))
            cells = "  ".join(
                f"{stage} {table[stage][-1]['seconds']:.2f} s/{table[stage][-1]['peak_mb']:.0f} MB"
                for stage in STAGES
            )
            print(f"N={n:>5}: {cells}", flush=True)
        if len(sizes) > 1:
            fitted = ", ".join(
                f"{stage} {exponent(sizes, [m['seconds'] for m in table[stage]]):.2f}"
                for stage in STAGES
            )
            print(f"growth exponent k (time ~ N^k): {fitted}")


if __name__ == "__main__":
    main()
