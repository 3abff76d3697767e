"""Per-resource work of the Pulumi Python SDK that this program does not need, cut.

``install()`` runs first in the program (``bulkheads/program.py::main``); each part is
measured by ``bench/up_floor.py`` (README "Performance"):

- ``pulumi.log.debug`` is a no-op: the SDK sends several debug lines per resource, each a
  *synchronous* ``Log`` RPC to the engine from the event loop's thread, and the engine
  drops them unless it runs with ``--debug`` (``PULUMI_DEBUG_SDK=true`` keeps them);
- the SDK's final wait for outstanding outputs (``pulumi.runtime.stack.wait_for_rpcs``)
  re-arms a callback on every outstanding output each time one of them completes, which is
  quadratic in the outputs while a real ``up`` resolves them one by one: the replacement
  awaits them all at once (the first failure still raises), then loops as the SDK does
  for what was scheduled meanwhile;
- ``pulumi._types.resource_types`` (a resource class's annotated output types, re-read
  with ``typing.get_type_hints`` for every resource) is cached per class.
"""

from __future__ import annotations

import asyncio
import functools
import os
from typing import Any

import pulumi
import pulumi._types as sdk_types
import pulumi.runtime.stack as sdk_stack
from pulumi.runtime.settings import SETTINGS, _get_rpc_manager

DEBUG_ENV = "PULUMI_DEBUG_SDK"


def install() -> None:
    """Apply every cut above (idempotent)."""
    if os.environ.get(DEBUG_ENV, "").lower() != "true":
        pulumi.log.debug = _no_debug
    sdk_stack.wait_for_rpcs = wait_for_rpcs
    if not hasattr(sdk_types.resource_types, "cache_info"):
        sdk_types.resource_types = functools.cache(sdk_types.resource_types)


def _no_debug(msg: str, *args: Any, **kwargs: Any) -> None:
    """``pulumi.log.debug``, dropped (see the module docstring)."""


async def wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    """The SDK's ``wait_for_rpcs``, linear in the outstanding outputs: wait for every
    registration RPC, then for every outstanding output, until neither is left."""
    manager = _get_rpc_manager()
    while True:
        while manager.rpcs:
            await asyncio.sleep(0)
            try:
                await manager.rpcs.pop()
            except Exception as error:
                if manager.unhandled_exception is not None:  # the SDK's own re-raise
                    cause = manager.unhandled_exception.with_traceback(manager.exception_traceback)
                    raise error from cause
                raise
        if manager.unhandled_exception is not None:
            raise manager.unhandled_exception.with_traceback(manager.exception_traceback)
        if await_all_outstanding_tasks:
            while True:
                with SETTINGS.lock:
                    pending = list(SETTINGS.outputs)
                    SETTINGS.outputs.clear()
                if not pending:
                    break
                await asyncio.gather(*pending)
        if not manager.rpcs:
            break
