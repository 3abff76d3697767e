"""What every verb shares: --version, -v and options anywhere, one way to name a stack,
JSON documents that match their pinned schemas, colour through rich, exit codes 0/1/2."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from bulkheads.cli import build_parser, main
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.plan.platform import plan_platform
from bulkheads.spec.loader import load_platform
from tests.cli.conftest import INVALID, REPO, conforming

STACKS = ["local", "dev", "prod"]


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bulkheads.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env},
        check=False,
        timeout=120,
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == "bulkheads 0.1.0\n"


@pytest.mark.parametrize(
    "argv",
    [["-v", "plan", "prod"], ["plan", "prod", "-v"], ["plan", "-v", "--stack", "prod"]],
)
def test_verbose_and_options_are_accepted_before_or_after_the_verb(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert args.verbose is True
    assert "prod" in (args.stack_positional, args.stack_option)


def test_verbose_reaches_actions_of_verb_groups() -> None:
    args = build_parser().parse_args(["local", "status", "-v", "--state-dir", "/tmp/x", "--json"])
    assert (args.verbose, str(args.state_dir), args.format) == (True, "/tmp/x", "json")


def test_a_stack_is_named_alike_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for argv in (["plan", "prod", "--json"], ["plan", "--json", "--stack", "prod"],
                 ["plan", "stacks/Pulumi.prod.yaml", "--format", "json"]):  # fmt: skip
        assert main(argv) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert outputs[2] == outputs[0]


def test_validate_json_lists_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "local", f"{INVALID}/multiple_errors.yaml", "--json"])
    captured = capsys.readouterr()
    assert code == 1 and captured.err == ""
    document = conforming(captured.out, "validate")
    ok, bad = document["stacks"]
    assert ok["ok"] and ok["pipelines"] == 4
    assert not bad["ok"] and len(bad["problems"]) > 1
    assert all(p["text"].startswith(f"{INVALID}/multiple_errors.yaml:") for p in bad["problems"])


def test_show_json_is_the_validated_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "prod", "--json"]) == 0
    document = conforming(capsys.readouterr().out, "show")
    assert document["stack"] == "prod"
    assert document["spec"] == load_platform("stacks/Pulumi.prod.yaml").model_dump(
        mode="json", by_alias=True
    )


@pytest.mark.parametrize("stack", STACKS)
def test_plan_json_is_the_physical_plan(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", stack, "--json"]) == 0
    document = conforming(capsys.readouterr().out, "plan")
    plan = plan_platform(load_platform(f"stacks/Pulumi.{stack}.yaml"), PROJECT_ROOT)
    assert set(document["clusters"]) == set(plan.clusters)
    for name, cluster in plan.clusters.items():
        listed = document["clusters"][name]
        assert [t["name"] for t in listed["topics"]] == [t.name for t in cluster.topics]
        assert len(listed["acls"]) == sum(len(g.bindings) for g in cluster.grants)
        assert [q["entity_name"] for q in listed["quotas"]] == [
            q.entity_name for q in cluster.quotas
        ]
        assert {w["group_id"] for w in listed["worker_groups"]} == {
            w.group_id for w in cluster.worker_pools
        }
    connectors = [
        c["name"] for cluster in document["clusters"].values() for c in cluster["connectors"]
    ]
    assert sorted(connectors) == sorted(c.connector for c in plan.connectors)


def test_plan_json_is_stable(capsys: pytest.CaptureFixture[str]) -> None:
    main(["plan", "prod", "--json"])
    first = capsys.readouterr().out
    main(["plan", "prod", "--json"])
    assert capsys.readouterr().out == first


def test_plan_table_shows_each_kind_per_cluster(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "local"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "cluster local (local): 13 topics, 7 principals, 56 acls, 8 quotas, "
        "3 worker groups, 4 connectors\n"
    )
    for title in ("topics", "principals", "ACLs (allow)", "quotas", "worker groups", "connectors"):
        assert f"\nlocal: {title}\n" in out
    rows = [" ".join(line.split()) for line in out.splitlines()]
    assert (
        "User:pipeline.orders-archive Group connect-orders-archive Literal Read 127.0.0.1" in rows
    )
    assert (
        "replay replay connect.replay pool.replay _connect.replay.configs "
        "_connect.replay.offsets _connect.replay.status kind=local rest_port=18085"
    ) in rows


@pytest.mark.parametrize("verb", ["validate", "show", "plan", "preview", "up"])
def test_an_invalid_spec_exits_1(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([verb, f"{INVALID}/dangling_pool.yaml", *(["--yes"] if verb == "up" else [])]) == 1
    assert "pipelines.orders-archive.pool: 'sink'" in capsys.readouterr().err


@pytest.mark.parametrize("verb", ["validate", "show", "plan", "preview", "up"])
def test_an_unknown_stack_exits_2(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([verb, "nope", *(["--yes"] if verb == "up" else [])]) == 2
    assert "unknown stack 'nope'" in capsys.readouterr().err


def test_a_bad_option_exits_2() -> None:
    result = run_cli("plan", "local", "--format", "yaml")
    assert result.returncode == 2
    assert "invalid choice: 'yaml'" in result.stderr and "Traceback" not in result.stderr


COLOUR = re.compile(r"\x1b\[(?:\d+;)*3[0-8](?:;\d+)*m")


def test_colour_comes_from_rich_and_honours_no_color() -> None:
    coloured = run_cli("plan", "local", FORCE_COLOR="1")
    plain = run_cli("plan", "local", FORCE_COLOR="1", NO_COLOR="1")
    assert COLOUR.search(coloured.stdout)
    assert not COLOUR.search(plain.stdout) and "local: topics" in plain.stdout
