"""A moving source's offsets go with it: the live step ``bulkheads up`` runs before ``done``.

At ``producers`` a moving source is stopped on ``from`` and its connector on ``to`` exists
stopped. Before ``up`` applies ``done`` (which starts it there), :func:`carry_offsets`
writes the old connector's committed offsets (``GET /connectors/NAME/offsets`` on its pool
of ``from``) to the new one (``PATCH`` on its pool of ``to``), so the source resumes where
it stopped instead of re-emitting everything it read. Safe to re-run: both connectors
must be STOPPED (the old one's offsets cannot move then), and writing the same offsets
again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bulkheads.connect import rest
from bulkheads.plan import names
from bulkheads.spec.model import PlatformSpec, SourcePipeline


class Connect(Protocol):
    """The Connect REST calls the carry makes (``bulkheads.connect.rest``)."""

    def get_status(self, base_url: str, name: str) -> dict[str, Any] | None: ...
    def get_offsets(self, base_url: str, name: str) -> list[dict[str, Any]]: ...
    def patch_offsets(self, base_url: str, name: str, offsets: list[dict[str, Any]]) -> None: ...


@dataclass(frozen=True)
class Moved:
    """What a live step of a cutover did (one line per connector) and why it could not."""

    done: tuple[str, ...]
    refused: tuple[str, ...]


def carry_offsets(
    spec: PlatformSpec,
    cutover: str,
    rest_url: Callable[[str], str],
    connect: Connect = rest,
) -> Moved:
    """Copy each moving source's offsets of ``cutover`` from its pool on ``from`` to its
    pool on ``to`` (``rest_url`` maps a pool to its Connect REST URL)."""
    declared = spec.cutovers[cutover]
    done: list[str] = []
    refused: list[str] = []
    for pipeline in declared.pipelines:
        source = spec.pipelines[pipeline]
        if not isinstance(source, SourcePipeline):
            continue
        name = names.connector_name(pipeline)
        old, new = source.pool, declared.pools[source.pool]
        try:
            states = {pool: _state(connect, rest_url(pool), name) for pool in (old, new)}
            if states != {old: "STOPPED", new: "STOPPED"}:
                shown = ", ".join(f"on pool {p!r} {s}" for p, s in states.items())
                refused.append(
                    f"source {pipeline!r}: its offsets move only while both connectors are "
                    f"STOPPED (phase producers applied), found {shown}"
                )
                continue
            offsets = connect.get_offsets(rest_url(old), name)
            if offsets:
                connect.patch_offsets(rest_url(new), name, offsets)
        except rest.ConnectRestError as error:
            refused.append(f"source {pipeline!r}: its offsets could not be carried: {error}")
            continue
        done.append(
            f"source {pipeline!r}: {len(offsets)} offset(s) carried from pool {old!r} to {new!r}"
            f" ({_shown(offsets)})"
        )
    return Moved(tuple(done), tuple(refused))


def _state(connect: Connect, url: str, name: str) -> str:
    status = connect.get_status(url, name)
    return "MISSING" if status is None else rest.observed_state(status)


def _shown(offsets: list[dict[str, Any]]) -> str:
    return "; ".join(f"{o.get('partition')} -> {o.get('offset')}" for o in offsets) or "none"
