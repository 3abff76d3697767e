"""No secret in plain text in anything a stack renders: every resource of the local, dev and
prod programs under mocks (inputs, and the config each local connector sends to Connect) is
searched for every secret value — connector secrets, generated passwords, cluster admin
logins. A value may appear only inside a Pulumi secret (encrypted in the state)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bulkheads.spec.loader import load_platform
from components import tokens
from components.connect_provider import rest_config
from tests.policy.test_catalogue_agreement import STACKS, harness_of
from tests.unit.cloud_harness import CloudHarness

SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270"
ADMIN_PASSWORD = "admin-secret"  # the stand-in local cluster's admin login


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG) == SECRET_VALUE


def plain_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string outside a Pulumi secret, with where it is."""
    if is_secret(value):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from plain_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from plain_strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def unwrapped(value: Any) -> Any:
    """``value`` with its Pulumi secrets replaced by what they hold."""
    if is_secret(value):
        return unwrapped(value["value"])
    if isinstance(value, dict):
        return {key: unwrapped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unwrapped(item) for item in value]
    return value


def secret_values(harness: CloudHarness, spec: Any) -> set[str]:
    """Every secret the program handles: what it was given and what it generated."""
    given = {
        f"secret-{name}"
        for pipeline in spec.pipelines.values()
        for name in pipeline.connector.secrets.values()
    }
    generated = {
        f"generated-{r.name}" for r in harness.resources if r.typ.endswith(":GeneratedPassword")
    }
    return given | generated | {ADMIN_PASSWORD}


def leaks(harness: CloudHarness, secrets: set[str]) -> list[str]:
    found = []
    for resource in harness.resources:
        rendered = [("inputs", resource.inputs)]
        if resource.typ == tokens.CONNECT_REST_CONNECTOR:
            rendered.append(("sent to Connect", rest_config(unwrapped(resource.inputs))))
        for what, value in rendered:
            for path, text in plain_strings(value):
                found += [
                    f"{resource.typ} {resource.name} {what}{path}"
                    for secret in secrets
                    if secret in text
                ]
    return found


@pytest.mark.parametrize("env", ["local", "dev", "prod"])
def test_no_rendered_resource_holds_a_secret_in_plain_text(env: str) -> None:
    spec = load_platform(STACKS / f"Pulumi.{env}.yaml")
    harness = harness_of(spec)
    secrets = secret_values(harness, spec)
    assert len(secrets) > 3
    assert leaks(harness, secrets) == []


@pytest.mark.parametrize("env", ["local", "prod"])
def test_generated_passwords_are_secret_outputs(env: str) -> None:
    harness = harness_of(load_platform(STACKS / f"Pulumi.{env}.yaml"))
    passwords = [r for r in harness.resources if r.typ.endswith(":GeneratedPassword")]
    assert passwords
    assert all("result" in r.additional_secret_outputs for r in passwords)


def test_the_search_finds_a_secret_put_in_plain_text() -> None:
    spec = load_platform(STACKS / "Pulumi.local.yaml")
    harness = harness_of(spec)
    connector = next(r for r in harness.resources if r.typ == tokens.CONNECT_REST_CONNECTOR)
    connector.inputs["secrets_dir"] = ""  # values would be sent to Connect as they are
    assert any("sent to Connect" in leak for leak in leaks(harness, secret_values(harness, spec)))
