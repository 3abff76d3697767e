"""The pack converts each resource once per engine call, and finds exactly what it found
when every policy converted its own copy."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from google.protobuf import json_format
from pulumi.runtime import proto
from pulumi_policy import policy

from components import tokens
from policies.rules import per_call
from policies.rules.model import Resource
from tests.policy.builders import Pack, connector, urn, worker_pool
from tests.policy.test_pack import WILDCARD_ACL, servicer, struct


def _requests() -> tuple[list[proto.AnalyzeRequest], proto.AnalyzeStackRequest]:
    components = [
        worker_pool("live-cdc"),
        connector("orders-cdc"),
        connector("backfill", kind="replay"),
    ]
    acls = [(urn(tokens.KAFKA_ACL, f"grant-{i}"), f"grant-{i}") for i in range(4)]
    per_resource = [
        proto.AnalyzeRequest(type=r.type, urn=r.urn, name=r.name, properties=struct(r.props))
        for r in components
    ] + [
        proto.AnalyzeRequest(type=tokens.KAFKA_ACL, urn=u, name=n, properties=struct(WILDCARD_ACL))
        for u, n in acls
    ]
    stack = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(type=r.type, urn=r.urn, name=r.name, properties=r.properties)
            for r in per_resource
        ]
    )
    return per_resource, stack


def _run(pack: Pack, counts: Counter[str]) -> list[tuple[str, str, str]]:
    """Every diagnostic of a resource pass then a stack pass over the same resources."""
    counts.clear()
    analyzer = servicer(pack)
    per_resource, stack = _requests()
    found = [d for r in per_resource for d in analyzer.Analyze(r, None).diagnostics]
    found += list(analyzer.AnalyzeStack(stack, None).diagnostics)
    return sorted((d.policyName, d.urn, d.message) for d in found)


def test_one_conversion_per_call_finds_the_same(
    pack: Pack, monkeypatch: pytest.MonkeyPatch, analyzer_restored: None
) -> None:
    counts: Counter[str] = Counter()
    to_dict = json_format.MessageToDict
    from_stack = Resource.from_policy_resource.__func__  # type: ignore[attr-defined]

    def counted_to_dict(message: Any, *args: Any, **kwargs: Any) -> Any:
        counts["message"] += 1
        return to_dict(message, *args, **kwargs)

    def counted_from_stack(cls: type[Resource], *args: Any) -> Resource:
        counts["stack resource"] += 1
        return from_stack(cls, *args)  # type: ignore[no-any-return]

    proxy = policy.unknown_checking_proxy  # type: ignore[attr-defined]

    def counted_proxy(value: Any) -> Any:
        counts["proxy"] += 1
        return proxy(value)

    monkeypatch.setattr(json_format, "MessageToDict", counted_to_dict)
    monkeypatch.setattr(policy, "unknown_checking_proxy", counted_proxy)
    monkeypatch.setattr(Resource, "from_policy_resource", classmethod(counted_from_stack))
    before = _run(pack, counts)
    every_policy = dict(counts)
    per_call.install()
    after = _run(pack, counts)

    assert after == before
    assert any(name == "bulkheads-access-no-wildcards" for name, _, _ in before)
    stack_policies = sum(
        isinstance(p, policy.StackValidationPolicy) for p in pack.policies.values()
    )
    resources = len(_requests()[1].resources)
    assert every_policy["stack resource"] == stack_policies * resources
    assert counts["stack resource"] == resources
    assert counts["message"] < every_policy["message"] / 5
    resource_policies = sum(
        isinstance(p, policy.ResourceValidationPolicy) for p in pack.policies.values()
    )
    assert every_policy["proxy"] == (resource_policies + stack_policies) * resources
    assert counts["proxy"] == 2 * resources  # one per resource in each of the two passes


def test_outside_an_engine_call_memo_computes_every_time() -> None:
    calls: list[int] = []
    for _ in range(2):
        per_call.memo("key", lambda: calls.append(1))
    assert len(calls) == 2
