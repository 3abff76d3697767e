"""Benchmark: refusing hostile stack files (a script, not a test).

Run: ``.venv/bin/python bench/hostile_yaml_bench.py``. For each hostile file of
``tests/spec/hostile.py`` (alias bomb, self-referencing alias, deep nesting, a number with
thousands of digits) prints its size, the best and median time of ``load_platform``
refusing it, as a ratio to a budget of 0.5 s, and its peak traced memory as a ratio to a
budget of 100 MB.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from validate_bench import RUNS, timed  # noqa: E402

from bulkheads.spec.errors import SpecError  # noqa: E402
from bulkheads.spec.loader import load_platform  # noqa: E402
from tests.spec.hostile import HOSTILE  # noqa: E402

TIME_BUDGET = 0.5
MEMORY_BUDGET = 100 * 1024 * 1024


def refuse(path: Path) -> None:
    """Load ``path``, which must be refused with problems."""
    try:
        load_platform(path)
    except SpecError:
        return
    raise AssertionError(f"{path} was accepted")


def peak_memory(path: Path) -> int:
    """Peak traced bytes while refusing ``path``."""
    tracemalloc.start()
    try:
        refuse(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    print(f"{RUNS} runs each; budgets {TIME_BUDGET} s and {MEMORY_BUDGET // 2**20} MB per file")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in HOSTILE.items():
            path = Path(tmp) / f"{name}.yaml"
            path.write_text(make(), encoding="utf-8")
            times = timed(lambda path=path: refuse(path))
            best, median = min(times), statistics.median(times)
            peak = peak_memory(path)
            print(
                f"{name:<13} {path.stat().st_size:>6} B  best {best:.4f} s  median {median:.4f} s"
                f"  time ratio {median / TIME_BUDGET:.3f}  peak {peak / 2**20:.2f} MB"
                f"  memory ratio {peak / MEMORY_BUDGET:.3f}"
            )


if __name__ == "__main__":
    main()
