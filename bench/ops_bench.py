"""Benchmark: ``bulkheads cost`` and ``bulkheads readiness`` on the prod stack (a script).

Run: ``.venv/bin/python bench/ops_bench.py``. Times, in process, what each verb does
after Python starts: read and validate ``stacks/Pulumi.prod.yaml``, plan it, then price it
(with ``--compare automq``) or score it; prints best and median seconds over ``RUNS`` and
their ratio to a budget of 0.5 s (the issue asks for well under a second).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from validate_bench import RUNS, timed  # noqa: E402

from bulkheads.cost.estimate import estimate  # noqa: E402
from bulkheads.cost.prices import stack_prices  # noqa: E402
from bulkheads.plan.platform import plan_platform  # noqa: E402
from bulkheads.readiness.facts import Facts  # noqa: E402
from bulkheads.readiness.scorecard import score  # noqa: E402
from bulkheads.spec.loader import load_stack_file  # noqa: E402

PROD = ROOT / "stacks" / "Pulumi.prod.yaml"
BUDGET_S = 0.5


def cost() -> None:
    stack = load_stack_file(PROD)
    prices = stack_prices(stack)
    plan = plan_platform(stack.spec, ROOT)
    estimate(stack.spec, plan, prices)
    estimate(stack.spec, plan, prices, "automq")


def readiness() -> None:
    stack = load_stack_file(PROD)
    score("prod", Facts(stack.spec, plan_platform(stack.spec, ROOT), stack.config))


def main() -> None:
    spec = load_stack_file(PROD).spec
    print(f"prod: {len(spec.clusters)} clusters, {len(spec.pipelines)} pipelines, {RUNS} runs")
    for label, action in (("cost --compare automq", cost), ("readiness", readiness)):
        times = timed(action)
        best, median = min(times), statistics.median(times)
        print(
            f"{label:<22} best {best:.4f} s  median {median:.4f} s  ratio to {BUDGET_S} s "
            f"budget: best {best / BUDGET_S:.3f}  median {median / BUDGET_S:.3f}"
        )


if __name__ == "__main__":
    main()
