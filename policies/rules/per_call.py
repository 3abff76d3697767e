"""One conversion per engine call, shared by every policy of the pack.

``pulumi_policy`` runs each policy of a call on its own copy of the call's resources: per
resource it turns the resource's properties from protobuf into Python once per resource
policy (9 here), and per stack check it turns every resource of the stack once per stack
policy (13 here), each time before the rule's own conversion. At 5,000 resources a preview
did 110,000 conversions where 10,000 carry the same information (README "Performance").

:func:`install` (the pack's entry point calls it) wraps the analyzer's ``Analyze`` and
``AnalyzeStack`` so that during one call the protobuf-to-Python steps, and the read-only
proxy that guards unknown values, are done once per message (the proxy copies the whole
property tree: at 5,000 resources it was most of a stack check) and :func:`memo` hands the
rules one value per key. The memo lives in the call's
thread (the engine makes concurrent calls, each on its own server thread) and is dropped
when the call returns; outside a call :func:`memo` computes every time, so rules run
directly (the tests) are unchanged. Nothing a policy receives is mutated by the pack.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

_T = TypeVar("_T")
_CALL = threading.local()


@contextmanager
def _one_call() -> Iterator[None]:
    """Memoize within the current thread until the block ends (not nested: the outer call's
    memo stays)."""
    if getattr(_CALL, "values", None) is not None:
        yield
        return
    _CALL.values = {}
    try:
        yield
    finally:
        _CALL.values = None


def memo(key: Hashable, compute: Callable[[], _T]) -> _T:
    """``compute()``, once per ``key`` within one engine call (every time outside one)."""
    values: dict[Hashable, Any] | None = getattr(_CALL, "values", None)
    if values is None:
        return compute()
    if key not in values:
        values[key] = compute()
    return values[key]  # type: ignore[no-any-return]


def _by_identity(kind: str, convert: Callable[..., Any]) -> Callable[..., Any]:
    """``convert`` memoized on its argument's identity for the call (the argument is kept in
    the memo, so its id is not reused while the call lasts)."""

    def converted(value: Any, *options: Any) -> Any:
        return memo((kind, id(value), options), lambda: (value, convert(value, *options)))[1]

    return converted


def install() -> None:
    """Make the analyzer convert each message once per call (idempotent)."""
    from types import SimpleNamespace

    from google.protobuf import json_format
    from pulumi_policy import policy

    servicer = policy._PolicyAnalyzerServicer
    if getattr(servicer, "_bulkheads_per_call", False):
        return
    module: Any = policy
    module.json_format = SimpleNamespace(
        MessageToDict=_by_identity("message", json_format.MessageToDict),
    )
    module.deserialize_properties = _by_identity("props", module.deserialize_properties)
    module.unknown_checking_proxy = _by_identity("proxy", module.unknown_checking_proxy)
    for name in ("Analyze", "AnalyzeStack"):
        original = getattr(servicer, name)

        def call(self: Any, request: Any, context: Any, _original: Any = original) -> Any:
            with _one_call():
                return _original(self, request, context)

        setattr(servicer, name, call)
    servicer._bulkheads_per_call = True  # type: ignore[attr-defined]
