"""Every stack validates; the CLI verbs print results and exit 0 / 1 / 2 without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bulkheads.cli import main
from bulkheads.spec.loader import load_platform, platform_from_mapping
from bulkheads.spec.model import LocalDeploy, MirrorPipeline

REPO = Path(__file__).resolve().parents[2]
STACKS = sorted((REPO / "stacks").glob("Pulumi.*.yaml"))
INVALID = "tests/spec/fixtures/invalid"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_the_three_stacks_exist() -> None:
    assert {path.name for path in STACKS} >= {
        "Pulumi.local.yaml",
        "Pulumi.dev.yaml",
        "Pulumi.prod.yaml",
    }


@pytest.mark.parametrize("stack", STACKS, ids=lambda p: p.stem)
def test_stack_validates(stack: Path) -> None:
    spec = load_platform(stack)
    assert spec.environment == stack.stem.removeprefix("Pulumi.")


def test_prod_is_connector_heavy() -> None:
    spec = load_platform("stacks/Pulumi.prod.yaml")
    assert len(spec.clusters) >= 3 and len(spec.pools) >= 6
    assert len(spec.pipelines) >= 30 and len(spec.owners) >= 4
    live_ingest = [
        c
        for c in spec.clusters.values()
        if c.engine == "automq" and c.tenancy == "dedicated" and c.serves == ["live"]
    ]
    assert live_ingest
    assert any(isinstance(p, MirrorPipeline) for p in spec.pipelines.values())


def test_local_stack_runs_on_this_machine() -> None:
    spec = load_platform("stacks/Pulumi.local.yaml")
    (cluster,) = spec.clusters.values()
    assert isinstance(cluster.deploy, LocalDeploy)
    assert cluster.deploy.bootstrap == "127.0.0.1:19092"
    ports = {name: pool.runtime.rest_port for name, pool in spec.pools.items()}  # type: ignore[union-attr]
    assert ports == {"live-ingest": 18083, "derived-sinks": 18084, "replay": 18085}
    assert spec.quota_of("orders-rebuild").consumer_byte_rate == 512 * 1024
    assert spec.class_of("orders-rebuild") == "replay"


def test_platform_from_mapping_matches_the_file() -> None:
    import yaml

    data = yaml.safe_load((REPO / "stacks/Pulumi.prod.yaml").read_text())
    from_mapping = platform_from_mapping(data["config"]["bulkheads:platform"], source="prod")
    assert from_mapping == load_platform("stacks/Pulumi.prod.yaml")


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *map(str, STACKS)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "stacks/Pulumi.prod.yaml: ok — prod: 5 clusters, 13 pools, 35 pipelines" in [
        line.replace(str(REPO) + "/", "") for line in out
    ]


def test_validate_invalid_exits_1_listing_problems(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "stacks/Pulumi.local.yaml", f"{INVALID}/dangling_pool.yaml"])
    captured = capsys.readouterr()
    assert code == 1
    assert (
        captured.out == "stacks/Pulumi.local.yaml: ok — local: 1 clusters, 3 pools, 4 pipelines\n"
    )
    assert captured.err == (
        f"{INVALID}/dangling_pool.yaml:27: pipelines.orders-archive.pool: 'sink' — "
        "no pool of that name. Fix: did you mean 'sinks'?\n"
    )


def test_validate_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "stacks/Pulumi.nope.yaml"]) == 2
    assert capsys.readouterr().err == "bulkheads: stacks/Pulumi.nope.yaml: no such stack file\n"


def test_validate_names_stacks_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "local", "prod"]) == 0
    out = capsys.readouterr().out
    assert "Pulumi.local.yaml: ok — local" in out and "Pulumi.prod.yaml: ok — prod" in out


def test_show_summarizes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "stacks/Pulumi.local.yaml"]) == 0
    out = capsys.readouterr().out
    assert "  local  kafka  shared    serves live,derived,replay" in out
    assert "    live-ingest    live    local 1 worker(s) rest 127.0.0.1:18083" in out
    assert (
        "      orders-rebuild         replay pool replay  reads raw.orders.events  "
        "writes derived.orders.rebuilt"
    ) in out
    lines = out.splitlines()
    assert lines.index("  live") < lines.index("  derived") < lines.index("  replay")


def test_show_invalid_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", f"{INVALID}/bad_yaml_syntax.yaml"]) == 1
    assert "invalid YAML" in capsys.readouterr().err


@pytest.mark.parametrize("fixture", ["bad_yaml_syntax", "not_a_mapping", "multiple_errors"])
def test_console_run_has_no_traceback(fixture: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bulkheads.cli", "validate", f"{INVALID}/{fixture}.yaml"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{INVALID}/{fixture}.yaml:")
