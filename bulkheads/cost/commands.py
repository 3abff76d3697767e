"""``bulkheads cost [STACK] [--compare ENGINE] [--format table|json]``.

Prints the monthly cost of a stack per cluster and class (storage, AutoMQ WAL, replay
and mirror traffic, worker compute) and every item's formula, offline from the stack file
with its ``bulkheads:prices``. ``--compare ENGINE`` prices the same estate with every
cluster on ``ENGINE`` (automq or kafka) beside it.
"""

from __future__ import annotations

import argparse
from typing import Any, get_args

from bulkheads.cli_support import (
    EXIT_OK,
    add_format_argument,
    add_stack_argument,
    emit,
    guarded,
    load_stack,
    resolve_stack,
)
from bulkheads.cost.estimate import CATEGORIES, CostReport, Engine, estimate
from bulkheads.cost.prices import PriceTable, stack_prices
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.plan.platform import plan_platform

EXAMPLE = "example: bulkheads cost prod --compare automq"


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``cost``."""
    summary = "monthly cost of a stack per cluster and class, every formula shown"
    parser = verbs.add_parser("cost", help=summary, description=summary, epilog=EXAMPLE)
    add_stack_argument(parser)
    parser.add_argument(
        "--compare",
        choices=get_args(Engine),
        metavar="ENGINE",
        help="also price every cluster as ENGINE (automq | kafka), side by side",
    )
    add_format_argument(parser)
    parser.set_defaults(handler=guarded(run_cost))


def run_cost(args: argparse.Namespace) -> int:
    """Price the stack (and its ``--compare`` twin); print a table or JSON."""
    ref = resolve_stack(args)
    stack = load_stack(ref)
    prices = stack_prices(stack)
    plan = plan_platform(stack.spec, PROJECT_ROOT)
    report = estimate(stack.spec, plan, prices)
    compared = estimate(stack.spec, plan, prices, args.compare) if args.compare else None
    data = cost_data(ref.name, prices, report, compared)
    emit(args, data, render_cost)
    return EXIT_OK


def cost_data(
    stack: str, prices: PriceTable, report: CostReport, compared: CostReport | None
) -> dict[str, Any]:
    """The JSON form: prices, per-row totals, items with formulas, and the comparison."""
    data: dict[str, Any] = {
        "stack": stack,
        "prices": prices.model_dump(),
        **_report_data(report),
    }
    if compared is not None:
        data["compare"] = _report_data(compared)
    return data


def _report_data(report: CostReport) -> dict[str, Any]:
    rows = []
    for cluster, workload_class in report.rows():
        items = [
            i for i in report.items if (i.cluster, i.workload_class) == (cluster, workload_class)
        ]
        by_category = {c: sum(i.monthly_usd for i in items if i.category == c) for c in CATEGORIES}
        row: dict[str, Any] = {
            "cluster": cluster,
            "engine": report.engines[cluster],
            "class": workload_class,
        }
        row.update({c: round(v, 2) for c, v in by_category.items()})
        row["total"] = round(sum(by_category.values()), 2)
        rows.append(row)
    return {
        "engines": report.engines,
        "rows": rows,
        "total": round(report.total(), 2),
        "items": [
            {
                "cluster": i.cluster,
                "class": i.workload_class,
                "category": i.category,
                "subject": i.subject,
                "formula": i.formula,
                "monthly_usd": round(i.monthly_usd, 2),
            }
            for i in report.items
        ],
        "missing_throughput": list(report.missing),
    }


def render_cost(data: dict[str, Any]) -> str:
    """The totals table, the comparison (if any), then every item with its formula."""
    lines = [f"monthly cost of {data['stack']} (USD; price table: bulkheads:prices)", ""]
    lines += _table(data["rows"], data["total"])
    if "compare" in data:
        lines += ["", *_comparison(data["rows"], data["compare"]["rows"])]
    if data["missing_throughput"]:
        lines += [
            "",
            f"not in the figures (no throughput): {', '.join(data['missing_throughput'])}",
        ]
    lines += ["", "formulas"]
    for item in data["items"]:
        where = f"{item['cluster']}/{item['class']}"
        lines.append(
            f"  {where:<16} {item['category']:<8} {item['subject']}: "
            f"{item['formula']} = ${item['monthly_usd']:,.2f}"
        )
    return "\n".join(lines)


def _table(rows: list[dict[str, Any]], total: float) -> list[str]:
    header = f"{'cluster':<10} {'engine':<7} {'class':<8}" + "".join(
        f" {c:>9}" for c in (*CATEGORIES, "total")
    )
    lines = [header]
    for row in rows:
        lines.append(
            f"{row['cluster']:<10} {row['engine']:<7} {row['class']:<8}"
            + "".join(f" {row[c]:>9,.2f}" for c in (*CATEGORIES, "total"))
        )
    lines.append(f"{'total':<27}" + " " * 10 * len(CATEGORIES) + f" {total:>9,.2f}")
    return lines


def _comparison(rows: list[dict[str, Any]], other: list[dict[str, Any]]) -> list[str]:
    """Storage + WAL (the part the storage model changes) per cluster and class, both ways."""
    here = {(r["cluster"], r["class"]): r for r in rows}
    there = {(r["cluster"], r["class"]): r for r in other}
    keys = list(dict.fromkeys([*here, *there]))
    keys.sort(key=lambda key: [r["cluster"] for r in rows].index(key[0]))
    lines = [
        f"{'cluster':<10} {'class':<8} {'storage+wal now':>22} {'compared':>22} {'change':>11}"
    ]
    totals = [0.0, 0.0]
    for key in keys:
        cells = []
        for index, side in enumerate((here, there)):
            row = side.get(key)
            value = row["storage"] + row["wal"] if row else 0.0
            totals[index] += value
            engine = row["engine"] if row else ""
            cells.append(f"{value:,.2f} ({engine})" if row else "-")
        change = (there[key]["storage"] + there[key]["wal"] if key in there else 0.0) - (
            here[key]["storage"] + here[key]["wal"] if key in here else 0.0
        )
        lines.append(f"{key[0]:<10} {key[1]:<8} {cells[0]:>22} {cells[1]:>22} {change:>+11,.2f}")
    lines.append(
        f"{'total':<19} {totals[0]:>22,.2f} {totals[1]:>22,.2f} {totals[1] - totals[0]:>+11,.2f}"
    )
    return lines
