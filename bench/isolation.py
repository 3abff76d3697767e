"""What isolation buys, in numbers: the four failure scenarios on the real local platform,
with the scenario estate's boundaries and with its no-isolation baseline; prints the
Markdown table the README quotes. Takes a few minutes (two Kafka nodes and four workers,
one run after the other).

    .venv/bin/python bench/isolation.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bulkheads.isolation.report import table
from bulkheads.isolation.run import run_both
from bulkheads.local.ports import free_port


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bulkheads-isolation-") as directory:
        results = run_both(Path(directory), free_port)
    print(table(results))
    errors = [r for mode in results.values() for r in mode.values() if isinstance(r, BaseException)]
    for error in errors:
        print(f"error: {error!r}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
