"""The PR workflow for real: ``examples/ci/pr_check.py`` against the ``local`` stack (its
own Kafka on free ports, its own engine state) writes the PR comment, clean and with a
policy violation; and a cloud stack's preview, on a file backend of its own, runs the pack
with that stack's pack config, starts nothing locally and fails cleanly on the provider
plugins this machine cannot build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from bulkheads.cloud.args import PEM_CERTIFICATE
from bulkheads.local import LocalPlatform
from bulkheads.plan.platform import plan_platform
from bulkheads.spec.loader import load_platform
from tests.integration.local_stack import ROOT, isolated_spec

pytestmark = pytest.mark.integration
SCRIPT = ROOT / "examples" / "ci" / "pr_check.py"
TIMEOUT = 600


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Engine and local-platform state of this module; stops the Kafka it started."""
    state = tmp_path_factory.mktemp("ci-workflow")
    env = {
        **os.environ,
        "BULKHEADS_STATE_DIR": str(state / "local"),
        "BULKHEADS_PULUMI_DIR": str(state / "pulumi"),
        "NO_COLOR": "1",
    }
    env.pop("PULUMI_BACKEND_URL", None)
    try:
        yield env
    finally:
        LocalPlatform(state_dir=state / "local").down()


def pr_check(env: dict[str, str], spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "local", "--out", str(out)],
        env={**env, "BULKHEADS_SPEC_FILE": str(spec)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT,
    )


def test_pr_check_of_the_local_stack_writes_the_comment(
    workspace: dict[str, str], free_port: Callable[[], int], tmp_path: Path
) -> None:
    spec, _ = isolated_spec(tmp_path, free_port)
    out = tmp_path / "comment.md"
    result = pr_check(workspace, spec, out)
    assert result.returncode == 0, result.stderr[-3000:]
    text = out.read_text()
    assert text.startswith("### bulkheads: stack `local`\n\n**Validate** ✅ valid: 1 clusters,")
    assert "| local | 13 | 7 | 56 | 8 | 3 | 4 |" in text
    assert "**Preview** ✅ changes: " in text and " to create" in text
    assert "**Policy** bulkheads@0.1.0 with no pack config: ✅ passed" in text
    diff = text.split("<details><summary>diff</summary>", 1)[1]
    assert '"raw.orders.events"' in diff and '"pipeline.orders-archive"' in diff, diff[-2000:]

    violating = yaml.safe_load(spec.read_text())
    violating["config"]["bulkheads:platform"]["pools"]["replay"]["override_policy"] = "All"
    spec.write_text(yaml.safe_dump(violating))
    result = pr_check(workspace, spec, out)
    assert result.returncode == 1, result.stderr[-3000:]
    text = out.read_text()
    assert "**Preview** ❌" in text
    assert "**Policy** bulkheads@0.1.0 with no pack config: ❌ 1 mandatory violation(s)" in text
    assert "| mandatory | `bulkheads-runtime-override-policy` |" in text
    assert "worker pool 'replay' sets connector.client.config.override.policy to 'All'" in text


def test_a_cloud_stack_preview_runs_its_pack_config_and_starts_nothing(
    workspace: dict[str, str], tmp_path: Path
) -> None:
    backend = tmp_path / "backend"
    backend.mkdir()
    local_state = tmp_path / "local"  # where a local Kafka would be started, were one
    env = {**workspace, "PULUMI_BACKEND_URL": f"file://{backend}"}
    env.update(PULUMI_CONFIG_PASSPHRASE="ci-test", BULKHEADS_STATE_DIR=str(local_state))
    # the stack exists on its backend (bulkheads never creates it): init it from a project
    # of the same name elsewhere, so nothing is written into stacks/
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: bulkheads\nruntime: python\n")
    build = subprocess.run(
        ["bash", str(ROOT / "toolchain" / "build.sh")],
        capture_output=True, text=True, check=True, timeout=TIMEOUT,
    )  # fmt: skip
    pulumi = json.loads(build.stdout.splitlines()[-1])["pulumi"]
    subprocess.run(
        [pulumi, "stack", "init", "dev", "--non-interactive"],
        cwd=project, env={**env, "PULUMI_HOME": str(tmp_path / "home")},
        stdin=subprocess.DEVNULL, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    # the stack file, named by path, is also its config: what the program needs beside the
    # spec (Strimzi CA material, connector secrets), as test values
    document = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())
    plan = plan_platform(load_platform(ROOT / "stacks" / "Pulumi.dev.yaml"), ROOT)
    document["config"].update({
        "bulkheads:clusterCaCerts": {"ingest": f"{PEM_CERTIFICATE}\nMIIB\n"},
        "bulkheads:clusterCaKeys": {"ingest": "-----BEGIN PRIVATE KEY-----\nMIIE\n"},
        "bulkheads:secrets": {r: "test-only" for c in plan.connectors for r in c.secrets.values()},
    })  # fmt: skip
    stack_file = tmp_path / "Pulumi.dev.yaml"
    stack_file.write_text(yaml.safe_dump(document))

    result = subprocess.run(
        [sys.executable, "-m", "bulkheads.cli", "preview", str(stack_file), "--json"],
        env=env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        check=False, timeout=TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-3000:]
    preview = json.loads(result.stdout)
    assert preview["stack"] == "dev" and not preview["ok"]
    assert preview["pack_config"] == str(ROOT / "policies" / "config" / "dev.json")
    assert preview["errors"] == [
        "no resource plugin 'pulumi-resource-aws' found in the workspace at version v7.51.1 "
        "or on your $PATH"
    ]
    assert preview["hints"][0].startswith("the aws provider plugin is not installed")
    assert preview["policy"]["packs"] == {"bulkheads": "0.1.0"}
    assert LocalPlatform(state_dir=local_state).status() == []
    assert not local_state.exists()
    assert "encryptionsalt" not in (ROOT / "stacks" / "Pulumi.dev.yaml").read_text()
