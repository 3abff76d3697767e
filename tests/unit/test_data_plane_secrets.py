"""GeneratedPassword's dynamic provider, called directly: create once, keep, rotate."""

from __future__ import annotations

import base64

import dill

from components.secrets import GeneratedPasswordProvider


def test_create_makes_a_random_password_of_the_requested_length() -> None:
    provider = GeneratedPasswordProvider()
    first = provider.create({"length": 32, "rotation": ""})
    second = provider.create({"length": 32, "rotation": ""})
    assert first.outs is not None and second.outs is not None
    assert len(first.outs["result"]) == 32
    assert first.outs["result"] != second.outs["result"]
    assert first.id != second.id
    assert set(first.outs["result"]) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )


def test_unchanged_inputs_mean_no_change() -> None:
    olds = {"length": 32, "rotation": "", "result": "kept", "__provider": "old"}
    diff = GeneratedPasswordProvider().diff("id", olds, {"length": 32, "rotation": ""})
    assert (diff.changes, diff.replaces) == (False, [])


def test_rotation_or_length_change_replaces() -> None:
    olds = {"length": 32, "rotation": "", "result": "kept"}
    provider = GeneratedPasswordProvider()
    assert provider.diff("id", olds, {"length": 32, "rotation": "2026-q3"}).replaces == ["rotation"]
    assert provider.diff("id", olds, {"length": 40, "rotation": ""}).replaces == ["length"]


def test_update_never_changes_the_password() -> None:
    olds = {"length": 32, "rotation": "", "result": "kept"}
    result = GeneratedPasswordProvider().update("id", olds, {"length": 32, "rotation": ""})
    assert result.outs == {"length": 32, "rotation": "", "result": "kept"}


def test_provider_survives_the_dill_round_trip_the_engine_does() -> None:
    from pulumi.dynamic.dynamic import serialize_provider

    restored = dill.loads(base64.b64decode(serialize_provider(GeneratedPasswordProvider())))
    assert isinstance(restored, GeneratedPasswordProvider)
    created = restored.create({"length": 16, "rotation": ""})
    assert created.outs is not None and len(created.outs["result"]) == 16
