"""GeneratedPassword: a random secret made once and kept (encrypted) in the stack state.

A tiny Python dynamic provider instead of pulumi-random, which would need another plugin
binary. The password is generated in ``create`` with :func:`secrets.token_urlsafe` and never
changes on update; changing ``length`` or ``rotation`` (any string, e.g. a date) replaces the
resource and so rotates the password. ``result`` is an additional secret output, so it is
encrypted in state and masked in logs.

The provider object is serialized into the state with dill, so it is self-contained:
imports inside methods, no attributes, no closures over module state.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

DEFAULT_LENGTH = 32


class GeneratedPasswordProvider(ResourceProvider):
    """Create once, keep forever; replace only when ``length`` or ``rotation`` changes."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        import secrets
        import uuid

        length = int(props["length"])
        outs = {
            "length": length,
            "rotation": props.get("rotation", ""),
            "result": secrets.token_urlsafe(length)[:length],
        }
        return CreateResult(id_=uuid.uuid4().hex, outs=outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [key for key in ("length", "rotation") if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(replaces), replaces=replaces, stables=["result"])

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs={**news, "result": olds["result"]})


class GeneratedPassword(pulumi.dynamic.Resource, module="bulkheads", name="GeneratedPassword"):
    """A random URL-safe password of ``length`` characters (default 32) in ``result``."""

    result: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        length: int = DEFAULT_LENGTH,
        rotation: str = "",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=["result"])
        super().__init__(
            GeneratedPasswordProvider(),
            name,
            {"length": length, "rotation": rotation, "result": None},
            pulumi.ResourceOptions.merge(opts, secret_opts),
        )
