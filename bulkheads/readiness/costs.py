"""Cost model: the cost view is complete and traffic stays within declared budgets.

- ``throughput``: every source and replay declares its throughput (some missing:
  yellow, all: red), so ``bulkheads cost`` covers the estate.
- ``replay-budget`` / ``mirror-budget``: a replay's throughput, a mirror's copied rate,
  against its quota (the lower of its producer and consumer byte rates; Kafka enforces it
  per broker, so this is the rate guaranteed however partitions are led): a peak above it
  is throttled (yellow), an average above it never catches up (red).
- ``disk-capacity``: what a classic Kafka cluster holds (every topic's rate x retention x
  replicas) against its brokers' disks (``deploy.volume_gib``): above
  80% yellow, above 100% red. AutoMQ keeps data in object storage.
"""

from __future__ import annotations

from bulkheads.cost.estimate import GIB, held_on_disks, rate_text
from bulkheads.cost.traffic import mirror_rate, missing_throughput, writer_rates
from bulkheads.readiness.facts import Check, Facts, Status, green
from bulkheads.spec.model import LocalDeploy, MirrorPipeline, ReplayPipeline

FULL_WARNING = 0.8


def throughput(facts: Facts) -> list[Check]:
    """Every source and replay declares its throughput."""
    missing = missing_throughput(facts.spec)
    writers = [name for name, p in facts.spec.pipelines.items() if p.kind in ("source", "replay")]
    if not missing:
        return [green("pipelines.*.throughput", f"all {len(writers)} sources and replays")]
    status: Status = "red" if len(missing) == len(writers) else "yellow"
    return [
        Check(
            status,
            f"pipelines.{name}.throughput",
            "not declared: its topics are missing from the cost view",
            "declare throughput: {average: ..., peak: ...} in bytes/s",
        )
        for name in missing
    ]


def _budget(facts: Facts, pipeline: str, average: float, peak: float) -> Check:
    quota = facts.running.quota_of(pipeline)
    budget = min(quota.producer_byte_rate, quota.consumer_byte_rate)
    where = f"pipelines.{pipeline}"
    shown = f"average {rate_text(average)}, peak {rate_text(peak)}, quota {rate_text(budget)}"
    if average > budget:
        return Check(
            "red",
            where,
            f"{shown}: it can never keep up",
            "lower its throughput or raise its quota (within its class)",
        )
    if peak > budget:
        return Check(
            "yellow",
            where,
            f"{shown}: throttled at its peak",
            "raise its quota to its peak, or accept the lag at peaks",
        )
    return green(where, shown)


def replay_budget(facts: Facts) -> list[Check]:
    """Each replay's declared throughput fits its quota."""
    return [
        _budget(facts, name, p.throughput.average, p.throughput.peak_rate)
        for name, p in facts.spec.pipelines.items()
        if isinstance(p, ReplayPipeline) and p.throughput is not None
    ]


def mirror_budget(facts: Facts) -> list[Check]:
    """Each mirror's copied rate fits its quota."""
    rates = writer_rates(facts.spec)
    checks = []
    for name, pipeline in facts.running.pipelines.items():  # with each cutover's mirror
        if not isinstance(pipeline, MirrorPipeline):
            continue
        rate = mirror_rate(pipeline, rates)
        if rate is None:
            checks.append(
                Check(
                    "yellow",
                    f"pipelines.{name}.reads",
                    "a topic it copies has no declared rate",
                    "declare the throughput of the pipelines writing its topics",
                )
            )
        else:
            checks.append(_budget(facts, name, rate.day_average, rate.peak))
    return checks


def disk_capacity(facts: Facts) -> list[Check]:
    """What each classic Kafka cluster holds fits its brokers' disks."""
    rates = writer_rates(facts.spec)
    checks = []
    for name, cluster in facts.spec.clusters.items():
        deploy = cluster.deploy
        where = f"clusters.{name}.deploy"
        if cluster.engine == "automq":
            checks.append(green(where, "AutoMQ: data in object storage, no broker disks to fill"))
            continue
        if isinstance(deploy, LocalDeploy):
            checks.append(green(where, "local: this machine's disk"))
            continue
        held = held_on_disks(facts.plan, rates, name)
        disk, source = deploy.volume_gib, f"{where}.volume_gib"
        capacity = deploy.brokers * disk * GIB
        used = held / capacity
        shown = f"holds {held / GIB:,.0f} GiB of {deploy.brokers} x {disk} GiB ({used:.0%})"
        needed = int(held / GIB / deploy.brokers / FULL_WARNING) + 1
        if used > 1:
            checks.append(
                Check("red", source, f"{shown}: the disks fill", f"give brokers {needed} GiB")
            )
        elif used > FULL_WARNING:
            checks.append(
                Check("yellow", source, f"{shown}: little headroom", f"give brokers {needed} GiB")
            )
        else:
            checks.append(green(source, shown))
    return checks
