"""The pull-request check of one stack: validate -> plan -> preview with the policy pack and
the stack's pack config, written as the PR comment (Markdown).

    python examples/ci/pr_check.py STACK [--out comment.md] [--bulkheads .venv/bin/bulkheads]

Every step runs ``bulkheads <verb> STACK --json`` and reads its document (schemas in
``tests/schemas``). The comment has the validation result, the plan's counts per cluster,
the preview's changes, the policy verdict and the engine's diff. Exit 0 when every step
passed, 1 when one found something (the comment says what), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

DEFAULT_BULKHEADS = Path(sys.executable).with_name("bulkheads")
DIFF_LIMIT = 50_000  # a GitHub comment holds 65,536 characters


def bulkheads(command: Path, *args: str) -> tuple[int, dict[str, Any] | None, str]:
    """Run ``bulkheads ARGS --json``: exit code, its document (``None`` if none), stderr."""
    result = subprocess.run(
        [str(command), *args, "--json"], capture_output=True, text=True, check=False
    )
    sys.stderr.write(result.stderr)
    document = json.loads(result.stdout) if result.stdout.strip() else None
    return result.returncode, document, result.stderr


def validate_section(stack: dict[str, Any]) -> str:
    if stack["ok"]:
        return (
            f"✅ valid: {stack['clusters']} clusters, {stack['pools']} pools, "
            f"{stack['pipelines']} pipelines"
        )
    problems = "\n".join(f"- `{p['text']}`" for p in stack["problems"])
    return f"❌ {len(stack['problems'])} problem(s):\n\n{problems}"


def plan_section(plan: dict[str, Any]) -> str:
    rows = [
        "| cluster | topics | principals | ACLs | quotas | worker groups | connectors |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, cluster in plan["clusters"].items():
        counts = " | ".join(
            str(len(cluster[kind]))
            for kind in ("topics", "principals", "acls", "quotas", "worker_groups", "connectors")
        )
        rows.append(f"| {name} | {counts} |")
    return "\n".join(rows)


def preview_section(preview: dict[str, Any]) -> str:
    changes = ", ".join(
        f"{count} to {op}" for op, count in preview["changes"].items() if op != "same"
    )
    unchanged = preview["changes"].get("same", 0)
    mark = "✅" if preview["ok"] else "❌"
    lines = [f"{mark} changes: {changes or 'none'} ({unchanged} unchanged)"]
    packs = ", ".join(f"{name}@{version}" for name, version in preview["policy"]["packs"].items())
    config = f"`{preview['pack_config']}`" if preview["pack_config"] else "no pack config"
    findings = preview["policy"]["violations"]
    mandatory = sum(1 for f in findings if f["level"] == "mandatory")
    verdict = "✅ passed" if not mandatory else f"❌ {mandatory} mandatory violation(s)"
    lines.append(f"\n**Policy** {packs or 'pack'} with {config}: {verdict}")
    if findings:
        lines.append("\n| level | rule | message |\n|---|---|---|")
        lines.extend(f"| {f['level']} | `{f['policy']}` | {f['message']} |" for f in findings)
    lines.extend(f"\n> error: {error}" for error in preview["errors"])
    lines.extend(f"\n> hint: {hint}" for hint in preview["hints"])
    if preview.get("diff"):
        diff = preview["diff"][:DIFF_LIMIT]
        lines.append(f"\n<details><summary>diff</summary>\n\n```diff\n{diff}\n```\n</details>")
    return "\n".join(lines)


def comment(stack: str, command: Path) -> tuple[int, str]:
    """The PR comment for ``stack`` and the check's exit code."""
    code, validated, err = bulkheads(command, "validate", stack)
    if validated is None:
        return 2, f"### bulkheads: stack `{stack}`\n\n❌ `bulkheads validate`:\n\n```\n{err}\n```"
    checked = validated["stacks"][0]
    parts = [
        f"### bulkheads: stack `{checked['stack']}`",
        "**Validate** " + validate_section(checked),
    ]
    if code != 0:
        return code, "\n\n".join(parts)
    _, plan, _ = bulkheads(command, "plan", stack)
    assert plan is not None
    parts.append("**Plan**\n\n" + plan_section(plan))
    code, preview, err = bulkheads(command, "preview", stack, "--diff")
    if preview is None:
        return code, "\n\n".join([*parts, f"❌ `bulkheads preview` failed:\n\n```\n{err}\n```"])
    parts.append("**Preview** " + preview_section(preview))
    return code, "\n\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stack", help="stack name or stack file")
    parser.add_argument("--out", type=Path, help="write the comment here (default: stdout)")
    parser.add_argument("--bulkheads", type=Path, default=DEFAULT_BULKHEADS)
    args = parser.parse_args()
    code, text = comment(args.stack, args.bulkheads)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
