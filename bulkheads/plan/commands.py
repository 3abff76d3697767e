"""``bulkheads plan [STACK]``: the offline physical plan, no engine needed.

Per cluster: topics with their configs, principals, ACLs, quotas, worker groups and their
internal topics, connectors; as tables (default) or ``--format json``
(:func:`bulkheads.plan.export.plan_document`). Exit 0, 1 for a spec ``bulkheads validate``
refuses (the same lines, planned pack rules included), 2 for an unknown stack.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from rich.console import Group, RenderableType

from bulkheads.cli_support import (
    EXIT_OK,
    add_format_argument,
    add_stack_argument,
    emit,
    guarded,
    load_checked_spec,
    resolve_stack,
)
from bulkheads.console import table
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.plan.export import plan_document
from bulkheads.plan.platform import plan_platform


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``plan``."""
    parser = verbs.add_parser(
        "plan",
        help="the physical plan of a stack: topics, principals, ACLs, quotas, workers",
        description="What a stack provisions, computed offline from its spec: per cluster "
        "the topics with their configs, principals, ACLs, quotas, worker groups with their "
        "internal topics, and connectors.",
        epilog="example: bulkheads plan prod --json > plan.json",
    )
    add_stack_argument(parser)
    add_format_argument(parser)
    parser.set_defaults(handler=guarded(run_plan))


def run_plan(args: argparse.Namespace) -> int:
    """Print the plan of the named stack."""
    ref = resolve_stack(args)
    plan = plan_platform(load_checked_spec(ref), PROJECT_ROOT)
    emit(args, plan_document(plan, ref.name), render_plan)
    return EXIT_OK


def _pairs(mapping: dict[str, Any]) -> str:
    return " ".join(f"{key}={value}" for key, value in mapping.items())


def render_plan(document: dict[str, Any]) -> RenderableType:
    """The plan document as one titled table per kind of thing, per cluster."""
    parts: list[RenderableType] = []
    for name, cluster in document["clusters"].items():
        counts = ", ".join(f"{len(cluster[k])} {k.replace('_', ' ')}" for k in cluster)
        parts.append(f"cluster {name} ({document['environment']}): {counts}")
        parts.extend(_cluster_tables(name, cluster))
    return Group(*parts)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _joined(items: list[str]) -> str:
    return ",".join(items) or "-"


Column = tuple[str, Callable[[dict[str, Any]], Any]]


def _field(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[key]


# Per kind of thing in a cluster's plan: its table title and columns (header, cell).
TABLES: dict[str, tuple[str, list[Column]]] = {
    "topics": ("topics", [
        ("TOPIC", _field("name")), ("PARTITIONS", _field("partitions")),
        ("RF", _field("replication_factor")), ("CLASS", _field("class")),
        ("OWNER", _field("owner")), ("WRITER", _field("writer")),
        ("PROTECTED", lambda t: _yes_no(t["protected"])), ("CONFIG", lambda t: _pairs(t["config"])),
    ]),
    "principals": ("principals", [
        ("USER", _field("username")), ("KIND", _field("kind")), ("POOL", _field("pool")),
        ("CLASS", _field("class")), ("OWNER", _field("owner")),
        ("PIPELINE", lambda p: p["pipeline"] or "-"),
    ]),
    "acls": ("ACLs (allow)", [
        ("PRINCIPAL", _field("principal")), ("RESOURCE", _field("resource_type")),
        ("NAME", _field("resource_name")), ("PATTERN", _field("pattern_type")),
        ("OPERATION", _field("operation")), ("HOST", _field("host")),
    ]),
    "quotas": ("quotas", [
        ("ENTITY", _field("entity_type")), ("NAME", _field("entity_name")),
        ("CLASS", _field("class")), ("OWNER", _field("owner")),
        ("LIMITS", lambda q: _pairs(q["config"])),
    ]),
    "worker_groups": ("worker groups", [
        ("POOL", _field("pool")), ("CLASS", _field("class")), ("GROUP", _field("group_id")),
        ("PRINCIPAL", _field("principal")),
        ("INTERNAL TOPICS", lambda w: " ".join(w["internal_topics"].values())),
        ("RUNTIME", lambda w: _pairs(w["runtime"])),
    ]),
    "connectors": ("connectors", [
        ("CONNECTOR", _field("name")), ("KIND", _field("kind")), ("POOL", _field("pool")),
        ("CLASS", _field("class")), ("PRINCIPAL", _field("principal")),
        ("STATE", _field("state")), ("READS", lambda c: _joined(c["reads"])),
        ("WRITES", lambda c: _joined(c["writes"])),
    ]),
}  # fmt: skip


def _cluster_tables(name: str, cluster: dict[str, Any]) -> list[RenderableType]:
    return [
        table(
            f"{name}: {title}",
            [header for header, _ in columns],
            [[cell(row) for _, cell in columns] for row in cluster[kind]],
        )
        for kind, (title, columns) in TABLES.items()
    ]
