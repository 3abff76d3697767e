"""``examples/ci/pr_check.py`` without an engine: an invalid stack stops at validate, and
the comment lists every problem. (The whole check runs in
``tests/integration/test_ci_workflow.py``.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.cli.conftest import INVALID, REPO

SCRIPT = REPO / "examples" / "ci" / "pr_check.py"
WORKFLOW = REPO / "examples" / "ci" / "bulkheads.yml"


def test_an_invalid_stack_gets_a_comment_listing_its_problems(tmp_path: Path) -> None:
    out = tmp_path / "comment.md"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), f"{INVALID}/multiple_errors.yaml", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    lines = out.read_text().splitlines()
    assert lines[0] == "### bulkheads: stack `multiple_errors`"
    assert lines[2].startswith("**Validate** ❌ ") and lines[2].endswith(" problem(s):")
    problems = [line for line in lines if line.startswith(f"- `{INVALID}/multiple_errors.yaml:")]
    assert len(problems) == int(lines[2].split()[2]) > 1
    assert "**Plan**" not in out.read_text()


def test_the_workflow_previews_pull_requests_and_applies_on_merge() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    preview, up = workflow["jobs"]["preview"], workflow["jobs"]["up"]
    assert "pr_check.py ${{ matrix.stack }}" in " ".join(s.get("run", "") for s in preview["steps"])
    assert any("gh pr comment" in s.get("run", "") for s in preview["steps"])
    assert ".venv/bin/bulkheads up ${{ matrix.stack }} --yes --json > up.json" in [
        s.get("run") for s in up["steps"]
    ]
    caches = [
        [s["with"] for s in job["steps"] if s.get("uses", "").startswith("actions/cache")]
        for job in (preview, up)
    ]
    assert caches[0] == caches[1] and caches[0][0]["path"] == "~/.cache/bulkheads"
