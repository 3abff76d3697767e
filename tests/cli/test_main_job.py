"""``preview``/``up`` without an engine: the refusals that come first, the options and the
pack config handed to the Automation API, and the report read from engine events."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pulumi.automation import EngineEvent
from pulumi.automation._stack import _parse_extra_args

from bulkheads.cli import build_parser, main
from bulkheads.engine import LOCAL_STACK, BackendError, Toolchain, backend_url, pulumi_dir
from bulkheads.engine_events import EngineRun
from bulkheads.main_job import PREVIEW_SCHEMA, UP_SCHEMA, engine_options, render_preview
from tests.cli.conftest import REPO, conforming

POLICIES = REPO / "policies"


def engine_argv(*cli: str) -> list[str]:
    """The engine flags ``bulkheads CLI...`` passes (what the Automation API runs)."""
    return list(_parse_extra_args(**engine_options(build_parser().parse_args(list(cli)))))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_cloud_stacks_run_the_pack_with_their_own_config(stack: str) -> None:
    argv = engine_argv("preview", stack)
    assert argv[argv.index("--policy-pack") + 1] == str(POLICIES)
    config = argv[argv.index("--policy-pack-config") + 1]
    assert config == str(POLICIES / "config" / f"{stack}.json")
    assert "bulkheads-access-no-wildcards" in json.loads(Path(config).read_text())


def test_the_local_stack_runs_the_pack_without_a_config() -> None:
    argv = engine_argv("preview")
    assert "--policy-pack" in argv and "--policy-pack-config" not in argv


def test_target_refresh_and_diff_pass_through() -> None:
    argv = engine_argv(
        "up", "prod", "--target", "urn:a", "--target", "urn:b", "--refresh", "--diff"
    )
    assert [argv[i + 1] for i, flag in enumerate(argv) if flag == "--target"] == ["urn:a", "urn:b"]
    assert "--refresh" in argv and "--diff" in argv
    assert "--refresh" not in engine_argv("up", "prod")


def test_up_without_yes_on_a_non_interactive_stdin_refuses() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bulkheads.cli", "up", "prod"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "bulkheads: up of stack 'prod' needs a yes, and stdin is not a terminal to ask on: "
        "review `bulkheads preview` and run `bulkheads up --yes`\n"
    )


@pytest.mark.parametrize("verb", ["preview", "up"])
def test_a_cloud_stack_without_a_backend_is_refused(
    verb: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    assert main([verb, "dev", *(["--yes"] if verb == "up" else [])]) == 2
    err = capsys.readouterr().err
    assert "stack 'dev' is not the local stack, and no backend is configured for it" in err
    assert "set PULUMI_BACKEND_URL" in err


def test_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://state-bucket/bulkheads")
    assert backend_url("prod") == "s3://state-bucket/bulkheads"
    assert backend_url(LOCAL_STACK) == f"file://{pulumi_dir().resolve() / 'backend'}"
    monkeypatch.delenv("PULUMI_BACKEND_URL")
    with pytest.raises(BackendError):
        backend_url("prod")


def test_toolchain_is_read_from_the_builds_json_report() -> None:
    line = json.dumps({"bin_dir": "/c/pulumi/bin", "kafka_provider": "/c/k/pulumi-resource-kafka"})
    assert Toolchain.from_report(line) == Toolchain(
        Path("/c/pulumi/bin"), Path("/c/k/pulumi-resource-kafka")
    )


URN = "urn:pulumi:dev::bulkheads::bulkheads:topic:TopicContract$kafka:index/topic:Topic::raw.x"


def events() -> list[dict[str, Any]]:
    step = {"op": "create", "urn": URN, "type": "kafka:index/topic:Topic", "provider": ""}
    return [
        {"sequence": 1, "timestamp": 1, "resourcePreEvent": {"metadata": step}},
        {"sequence": 2, "timestamp": 1, "resourcePreEvent": {"metadata": {**step, "op": "same"}}},
        {"sequence": 3, "timestamp": 1, "policyEvent": {
            "message": "Kafka ACLs name one principal\nACL principal 'User:*' matches every user",
            "color": "never", "policyName": "bulkheads-access-no-wildcards",
            "policyPackName": "bulkheads", "policyPackVersion": "0.1.0",
            "policyPackVersionTag": "0.1.0", "enforcementLevel": "mandatory", "resourceUrn": URN,
        }},
        {"sequence": 4, "timestamp": 1, "diagnosticEvent": {
            "message": "error: no resource plugin 'pulumi-resource-aws' found in the workspace "
                       "at version v7.51.1\n", "color": "never", "severity": "error",
        }},
        {"sequence": 5, "timestamp": 1, "diagnosticEvent": {
            "message": "Program failed with an unhandled exception:\nTraceback (most recent "
                       "call last):\n  File \"x.py\", line 1\nValueError: no secret 'pw'\n",
            "color": "never", "severity": "error",
        }},
        {"sequence": 6, "timestamp": 1, "summaryEvent": {
            "maybeCorrupt": False, "durationSeconds": 3,
            "resourceChanges": {"create": 1, "same": 1},
            "PolicyPacks": {"bulkheads|local|/repo/policies": "0.1.0"},
        }},
    ]  # fmt: skip


def test_engine_events_make_the_report() -> None:
    heard: list[str] = []
    run = EngineRun(progress=heard.append)
    for event in events():
        run.on_event(EngineEvent.from_json(event))
    assert heard == ["create kafka:index/topic:Topic raw.x"]
    assert run.pending == 1 and [f.policy for f in run.violations] == [
        "bulkheads-access-no-wildcards"
    ]
    document = {
        "schema": PREVIEW_SCHEMA, "stack": "dev", "ok": False,
        "pack_config": "policies/config/dev.json", **run.document(), "diff": None,
    }  # fmt: skip
    conforming(json.dumps(document), "preview")
    assert document["policy"]["packs"] == {"bulkheads": "0.1.0"}
    assert document["errors"][1] == "ValueError: no secret 'pw'"
    assert document["hints"] == [
        "the aws provider plugin is not installed: bulkheads builds only the kafka provider "
        "from the Go module proxy (see TOOLCHAIN.md); run this stack's preview where the "
        "plugin can be installed (its CI job)"
    ]
    text = render_preview(document).splitlines()
    assert text[0] == "stack 'dev': 1 create, 1 same"
    assert "  create   kafka:index/topic:Topic  raw.x" in text
    assert "policy bulkheads@0.1.0 (policies/config/dev.json): 1 finding(s)" in text
    assert (
        "  [mandatory] bulkheads-access-no-wildcards: Kafka ACLs name one principal ACL "
        "principal 'User:*' matches every user"
    ) in text


def test_a_failed_up_document_is_pinned_and_extra_fields_are_refused() -> None:
    run = EngineRun()
    for event in events():
        run.on_event(EngineEvent.from_json(event))
    failed = {"schema": UP_SCHEMA, "stack": "dev", "ok": False, **run.document()}
    conforming(json.dumps(failed), "up")
    for wrong in ({**failed, "seconds": 3}, {**failed, "ok": True}, {**failed, "errors": []}):
        with pytest.raises(jsonschema.ValidationError):
            conforming(json.dumps(wrong), "up")


def test_a_stack_named_by_its_file_takes_its_config_from_it(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.dev.yaml"
    stack_file.write_text((REPO / "stacks" / "Pulumi.dev.yaml").read_text())
    argv = engine_argv("preview", str(stack_file))
    assert argv[argv.index("--config-file") + 1] == str(stack_file)
    assert argv[argv.index("--policy-pack-config") + 1].endswith("policies/config/dev.json")
    assert "--config-file" not in engine_argv("preview", "dev")


def stack_outputs_event(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    urn = "urn:pulumi:local::bulkheads::pulumi:pulumi:Stack::bulkheads-local"
    state = {"type": "pulumi:pulumi:Stack", "urn": urn, "custom": False, "delete": False,
             "id": "", "parent": "", "protect": False, "inputs": {}}  # fmt: skip
    metadata = {"op": "same", "urn": urn, "type": "pulumi:pulumi:Stack", "provider": "",
                "new": {**state, "outputs": new}}  # fmt: skip
    if old is not None:
        metadata["old"] = {**state, "outputs": old}
    return {"sequence": 1, "timestamp": 1, "resOutputsEvent": {"metadata": metadata}}


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        ({"platform": {"pools": {"a": 1}}}, {"platform": {"pools": {"a": 1}}}, False),
        ({"platform": {"pools": {"a": 1}}}, {"platform": {"pools": {"a": 2}}}, True),
        (None, {"platform": {}}, True),
    ],
)
def test_a_preview_tells_whether_the_stacks_outputs_change(
    old: dict[str, Any] | None, new: dict[str, Any], changed: bool
) -> None:
    run = EngineRun()
    assert run.outputs_changed  # nothing heard: an up applies
    run.on_event(EngineEvent.from_json(stack_outputs_event(old, new)))
    assert run.outputs_changed is changed
