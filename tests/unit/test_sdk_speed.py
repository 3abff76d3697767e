"""``bulkheads.sdk_speed``: the SDK's per-resource cuts keep what a program relies on —
every resource registered (also those made inside applies, after the first wait), a
failing output still fails the run, debug lines kept on request."""

from __future__ import annotations

import pulumi
import pulumi._types as sdk_types
import pulumi.runtime.stack as sdk_stack
import pytest

from bulkheads import sdk_speed
from tests.unit.cloud_harness import CloudHarness

TOPIC = "kafka:index/topic:Topic"


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """``install()``, undone after the test (every attribute it replaces is restored)."""
    monkeypatch.delenv(sdk_speed.DEBUG_ENV, raising=False)
    monkeypatch.setattr(pulumi.log, "debug", pulumi.log.debug)
    monkeypatch.setattr(sdk_stack, "wait_for_rpcs", sdk_stack.wait_for_rpcs)
    monkeypatch.setattr(sdk_types, "resource_types", sdk_types.resource_types)
    sdk_speed.install()


def chain(depth: int) -> None:
    """A topic, and each next one registered inside an apply of the previous one's id."""

    def after(previous: pulumi.CustomResource, left: int) -> None:
        if left:
            previous.id.apply(lambda _: after(topic(f"t{left}"), left - 1))

    after(topic("t0"), depth)


def topic(name: str) -> pulumi.CustomResource:
    return pulumi.CustomResource(TOPIC, name, {"name": name})


@pytest.mark.usefixtures("installed")
def test_resources_made_inside_applies_are_all_registered() -> None:
    harness = CloudHarness()
    harness.run(lambda: chain(5))
    assert sorted(harness.names(TOPIC)) == ["t0", "t1", "t2", "t3", "t4", "t5"]
    assert sdk_stack.wait_for_rpcs is sdk_speed.wait_for_rpcs


@pytest.mark.usefixtures("installed")
def test_a_failing_output_still_fails_the_run() -> None:
    def build() -> None:
        def fail(_: object) -> None:
            raise ValueError("no secret 'pw'")

        topic("t0").id.apply(fail)

    with pytest.raises(ValueError, match="no secret 'pw'"):
        CloudHarness().run(build)


@pytest.mark.usefixtures("installed")
def test_debug_lines_are_dropped_and_resource_types_cached() -> None:
    assert pulumi.log.debug is sdk_speed._no_debug
    types = sdk_types.resource_types
    assert types(pulumi.CustomResource) is types(pulumi.CustomResource)


def test_debug_lines_are_kept_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    original = pulumi.log.debug
    monkeypatch.setattr(pulumi.log, "debug", original)
    monkeypatch.setattr(sdk_stack, "wait_for_rpcs", sdk_stack.wait_for_rpcs)
    monkeypatch.setattr(sdk_types, "resource_types", sdk_types.resource_types)
    monkeypatch.setenv(sdk_speed.DEBUG_ENV, "true")
    sdk_speed.install()
    assert pulumi.log.debug is original
