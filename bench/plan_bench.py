"""Benchmark: plan a generated 2,000-pipeline spec (a script, not a test).

Run: ``.venv/bin/python bench/plan_bench.py``. Uses ``validate_bench``'s generator and
timing; prints the best and median time of ``plan_platform`` (topics, principals, ACLs,
quotas, pools and connectors of every cluster) as seconds per 500 pipelines and as a ratio
to a budget of 1 s per 500 pipelines, plus what the plan holds.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from validate_bench import RUNS, generate, report, timed  # noqa: E402

from bulkheads.plan.platform import plan_platform  # noqa: E402
from bulkheads.spec.loader import platform_from_mapping  # noqa: E402


def main() -> None:
    spec = platform_from_mapping(generate())
    plan = plan_platform(spec, ROOT)
    clusters = plan.clusters.values()
    print(
        f"spec: {len(spec.pipelines)} pipelines, {RUNS} runs; plan: "
        f"{sum(len(c.topics) for c in clusters)} topics, "
        f"{sum(len(c.principals) for c in clusters)} principals, "
        f"{sum(len(g.bindings) for c in clusters for g in c.grants)} ACLs, "
        f"{sum(len(c.quotas) for c in clusters)} quotas, {len(plan.connectors)} connectors"
    )
    report("plan_platform", timed(lambda: plan_platform(spec, ROOT)), len(spec.pipelines))


if __name__ == "__main__":
    main()
