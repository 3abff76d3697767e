"""The pack as the engine sees it: registry, rule page, analyzer servicer and entry point."""

from __future__ import annotations

import json
import re
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
import pulumi_policy
import pytest
import yaml
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from components import tokens
from policies.docs import RULES_PAGE, render
from policies.rules.model import Category
from policies.rules.registry import PACK_NAME, RULES, all_rules, build_policies
from tests.policy.builders import Pack, connector, urn, worker_pool

POLICIES_DIR = Path(__file__).resolve().parents[2] / "policies"
ID_PATTERN = re.compile(r"^bulkheads-[a-z]+-[a-z0-9-]+$")
WILDCARD_ACL = {
    "aclPrincipal": "User:*",
    "aclHost": "127.0.0.1",
    "aclOperation": "Read",
    "aclPermissionType": "Allow",
    "aclResourceName": "raw.orders.created",
    "aclResourceType": "Topic",
    "resourcePatternTypeFilter": "Literal",
}


def test_every_rule_is_registered_once_with_a_well_formed_id() -> None:
    ids = [rule.id for rule in all_rules()]
    assert len(ids) == len(set(ids)) == 22
    assert all(ID_PATTERN.match(rule_id) for rule_id in ids)
    assert [p.name for p in build_policies()] == ids


def test_isolation_security_and_durability_rules_are_mandatory() -> None:
    strict = {Category.ISOLATION, Category.SECURITY, Category.DURABILITY}
    for rule in RULES:
        if rule.category in strict:
            assert rule.enforcement == EnforcementLevel.MANDATORY, rule.id
        assert rule.rationale and rule.how_to_fix and rule.applies_to, rule.id


def test_rules_page_is_up_to_date() -> None:
    assert RULES_PAGE.read_text(encoding="utf-8") == render(), (
        "policies/RULES.md is stale: run .venv/bin/python -m policies.docs"
    )


def test_docs_check_command_detects_staleness(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "policies.docs", "--check"],
        cwd=POLICIES_DIR.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def servicer(pack: Pack) -> Any:
    return _PolicyAnalyzerServicer(
        PACK_NAME, "0.1.0", list(pack.policies.values()), EnforcementLevel.MANDATORY
    )


def struct(props: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(props)
    return message


def test_analyzer_info_carries_every_policy_and_config_schema(pack: Pack) -> None:
    info = servicer(pack).GetAnalyzerInfo(None, None)
    by_name = {p.name: p for p in info.policies}
    assert set(by_name) == {rule.id for rule in all_rules()}
    retention = by_name["bulkheads-topic-retention-bounds"]
    assert retention.enforcementLevel == proto.ADVISORY
    assert "bounds" in retention.configSchema.properties
    assert by_name["bulkheads-access-no-wildcards"].enforcementLevel == proto.MANDATORY


def test_analyze_reports_through_the_engine_protocol(pack: Pack) -> None:
    request = proto.AnalyzeRequest(
        type=tokens.KAFKA_ACL,
        urn=urn(tokens.KAFKA_ACL, "grant"),
        name="grant",
        properties=struct(WILDCARD_ACL),
    )
    [diagnostic] = servicer(pack).Analyze(request, None).diagnostics
    assert diagnostic.policyName == "bulkheads-access-no-wildcards"
    assert diagnostic.enforcementLevel == proto.MANDATORY
    assert diagnostic.message == (
        "Kafka ACLs of non-admin principals name one principal, host and resource\n"
        "ACL principal 'User:*' matches every user; grant to one named principal (User:<name>)"
    )


def test_unknown_values_during_preview_do_not_abort_rules(pack: Pack) -> None:
    props = {**WILDCARD_ACL, "aclPrincipal": "User:pipeline.x", "aclHost": UNKNOWN_STRING_VALUE}
    request = proto.AnalyzeRequest(
        type=tokens.KAFKA_ACL, urn=urn(tokens.KAFKA_ACL, "g"), name="g", properties=struct(props)
    )
    assert list(servicer(pack).Analyze(request, None).diagnostics) == []


def test_stack_rules_see_component_inputs_recorded_per_resource(pack: Pack) -> None:
    analyzer = servicer(pack)
    components = [
        worker_pool("live-cdc"),
        connector("orders-cdc"),
        connector("backfill", kind="replay"),
    ]
    for res in components:
        request = proto.AnalyzeRequest(
            type=res.type, urn=res.urn, name=res.name, properties=struct(res.props)
        )
        analyzer.Analyze(request, None)
    # A component's stack-time props are only what it registered as outputs: none here.
    stack = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(type=r.type, urn=r.urn, name=r.name, properties=struct({}))
            for r in components
        ]
    )
    diagnostics = analyzer.AnalyzeStack(stack, None).diagnostics
    assert {(d.policyName, d.urn) for d in diagnostics} == {
        ("bulkheads-runtime-live-replay-separation", components[0].urn),
        ("bulkheads-quota-replay-byte-rate", components[2].urn),
    }


def test_main_builds_the_pack(monkeypatch: pytest.MonkeyPatch, analyzer_restored: None) -> None:
    built: dict[str, Any] = {}

    def fake_pack(**kwargs: Any) -> None:
        built.update(kwargs)

    monkeypatch.setattr(pulumi_policy, "PolicyPack", fake_pack)
    runpy.run_path(str(POLICIES_DIR), run_name="__main__")
    assert built["name"] == PACK_NAME
    assert [p.name for p in built["policies"]] == [r.id for r in all_rules()]
    assert isinstance(built["policies"][-1], StackValidationPolicy)


def test_pack_manifest_points_at_the_project_virtualenv() -> None:
    manifest = yaml.safe_load((POLICIES_DIR / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert manifest["runtime"]["name"] == "python"
    venv = POLICIES_DIR / manifest["runtime"]["options"]["virtualenv"]
    assert (venv / "bin" / "python").exists()


def test_language_host_command_starts_the_analyzer(tmp_path: Path) -> None:
    """``python -u -m pulumi.policy <engine> <pack dir>``, from another cwd, serves gRPC."""
    with subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(POLICIES_DIR)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            port = int(process.stdout.readline().strip())
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(
                    empty_pb2.Empty(), timeout=10
                )
            assert info.name == PACK_NAME
            assert len(info.policies) == len(all_rules())
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.parametrize("path", sorted((POLICIES_DIR / "config").glob("*.json")), ids=str)
def test_shipped_stack_configs_name_real_rules_and_properties(path: Path) -> None:
    rules = {rule.id: rule for rule in all_rules()}
    for rule_id, settings in json.loads(path.read_text(encoding="utf-8")).items():
        assert rule_id in rules, f"{path.name}: unknown rule {rule_id}"
        assert set(settings) - {"enforcementLevel"} <= set(rules[rule_id].config), rule_id
