"""Monthly figures per cluster and class, each with its formula (a month is 730 hours).

- **storage** of every data topic: its day-average rate x retention is what it holds;
  classic Kafka keeps that on broker disks once per replica (``x replication factor x
  broker_disk_gib_month``), AutoMQ once in object storage (``x object_storage_gib_month``).
  A classic cluster's volumes bill as provisioned (``brokers x deploy.volume_gib``), so
  its unused **disk headroom** is a storage item too (not when priced as another engine).
- **wal** (AutoMQ only, per cluster): an EBS WAL is a ``WAL_VOLUME_GIB`` volume per broker
  (``x wal_volume_gib_month``); an S3 WAL uploads what the cluster takes in as objects of
  ``WAL_OBJECT_BYTES`` (``x object_storage_put_1000 / 1000``).
- **replay** traffic of every replay: ``average x window`` per window, a window a day,
  read across zones (``x transfer_gib``).
- **mirror** traffic of every mirror: what it copies a month (``x transfer_gib``).
- **compute** of every Kubernetes worker pool: ``replicas x (cpu x worker_vcpu_hour +
  memory x worker_memory_gib_hour) x 730``; local pools run on this machine, unpriced.

Dead-letter and Connect internal topics are left out (small by design), and so is every
topic whose writer declares no throughput (``CostReport.missing`` lists the writers).
``engine`` prices every cluster as that engine instead (``bulkheads cost --compare``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from bulkheads.cost.prices import PriceTable
from bulkheads.cost.traffic import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    SECONDS_PER_DAY,
    Rate,
    held_bytes,
    mirror_rate,
    missing_throughput,
    window_seconds,
    writer_rates,
)
from bulkheads.plan.cutover import spec_at
from bulkheads.plan.platform import KubernetesPoolRuntime, PlatformPlan
from bulkheads.spec.model import LocalDeploy, MirrorPipeline, PlatformSpec, ReplayPipeline
from bulkheads.spec.units import format_duration

Engine = Literal["automq", "kafka"]
Category = Literal["storage", "wal", "replay", "mirror", "compute"]
CATEGORIES: tuple[Category, ...] = ("storage", "wal", "replay", "mirror", "compute")
DATA_CONTRACTS = ("raw", "derived", "delivery")
GIB = 1024**3
WAL_VOLUME_GIB = 10
WAL_OBJECT_BYTES = 4 * 1024**2
CLUSTER_WIDE = "all"


@dataclass(frozen=True)
class CostItem:
    """One priced thing: where it is, what it is, how it is computed, USD a month."""

    cluster: str
    workload_class: str
    category: Category
    subject: str
    formula: str
    monthly_usd: float


@dataclass(frozen=True)
class CostReport:
    """Every priced item of an estate, the engine each cluster was priced as, and the
    sources and replays left out for lack of a declared throughput."""

    engines: dict[str, Engine]
    items: tuple[CostItem, ...]
    missing: tuple[str, ...] = field(default=())

    def total(self, cluster: str | None = None, category: Category | None = None) -> float:
        """USD a month of the items matching ``cluster`` and ``category`` (None: any)."""
        return sum(
            item.monthly_usd
            for item in self.items
            if cluster in (None, item.cluster) and category in (None, item.category)
        )

    def rows(self) -> list[tuple[str, str]]:
        """The (cluster, class) pairs that have items, in cluster then class order."""
        seen: dict[tuple[str, str], None] = {}
        for cluster in self.engines:
            for item in self.items:
                if item.cluster == cluster:
                    seen.setdefault((cluster, item.workload_class), None)
        return list(seen)


def estimate(
    spec: PlatformSpec, plan: PlatformPlan, prices: PriceTable, engine: Engine | None = None
) -> CostReport:
    """The monthly cost of ``spec`` as planned, each cluster priced as ``engine`` if given;
    replays and mirrors as they run at the plan's cutover phases (a cutover's mirror too)."""
    engines: dict[str, Engine] = {
        name: engine or cluster.engine for name, cluster in spec.clusters.items()
    }
    estate = _Estate(spec, plan, writer_rates(spec), engines, prices)
    running = spec_at(spec, plan.cutovers)
    items = [
        *_storage(estate),
        *_wal(estate),
        *_replays(running, prices),
        *_mirrors(running, estate.rates, prices),
        *_compute(plan, prices),
    ]
    return CostReport(engines, tuple(items), tuple(missing_throughput(spec)))


@dataclass(frozen=True)
class _Estate:
    """What the storage items are computed from."""

    spec: PlatformSpec
    plan: PlatformPlan
    rates: dict[str, Rate | None]
    engines: dict[str, Engine]
    prices: PriceTable


def _storage(estate: _Estate) -> Iterator[CostItem]:
    rates, engines, prices = estate.rates, estate.engines, estate.prices
    for cluster, cluster_plan in estate.plan.clusters.items():
        for topic in cluster_plan.topics:
            rate = rates.get(topic.name)
            if topic.contract not in DATA_CONTRACTS or not rate or not rate.average:
                continue
            retention_ms = int(topic.config["retention.ms"])
            held = held_bytes(rate, retention_ms)
            held_text = f"{rate_text(rate.day_average)} x {format_duration(retention_ms)}"
            if engines[cluster] == "kafka":
                gib = held * topic.replication_factor / GIB
                price = prices.broker_disk_gib_month
                formula = (
                    f"{held_text} x {topic.replication_factor} replicas = {gib:,.1f} GiB "
                    f"x ${price:g}/GiB-month (broker disks)"
                )
            else:
                gib = held / GIB
                price = prices.object_storage_gib_month
                formula = f"{held_text} x 1 copy = {gib:,.1f} GiB x ${price:g}/GiB-month (object)"
            yield CostItem(
                cluster, topic.workload_class, "storage", topic.name, formula, gib * price
            )
        yield from _headroom(estate, cluster)


def _headroom(estate: _Estate, cluster: str) -> Iterator[CostItem]:
    """The provisioned broker disk a classic cluster pays for beyond what it holds."""
    declared = estate.spec.clusters[cluster]
    deploy = declared.deploy
    if declared.engine != "kafka" or estate.engines[cluster] != "kafka":
        return
    if isinstance(deploy, LocalDeploy):
        return
    held = held_on_disks(estate.plan, estate.rates, cluster) / GIB
    provisioned = deploy.brokers * deploy.volume_gib
    free = max(0.0, provisioned - held)
    price = estate.prices.broker_disk_gib_month
    formula = (
        f"{deploy.brokers} brokers x {deploy.volume_gib} GiB provisioned - {held:,.1f} GiB "
        f"held = {free:,.1f} GiB x ${price:g}/GiB-month (volumes bill as provisioned)"
    )
    yield CostItem(cluster, CLUSTER_WIDE, "storage", "disk headroom", formula, free * price)


def held_on_disks(plan: PlatformPlan, rates: dict[str, Rate | None], cluster: str) -> float:
    """Bytes a classic cluster's brokers hold: every data topic's rate x retention x
    replicas (topics without a rate count nothing)."""
    return sum(
        held_bytes(rate, int(topic.config["retention.ms"])) * topic.replication_factor
        for topic in plan.clusters[cluster].topics
        if topic.contract in DATA_CONTRACTS and (rate := rates.get(topic.name)) is not None
    )


def _wal(estate: _Estate) -> Iterator[CostItem]:
    spec, rates, prices = estate.spec, estate.rates, estate.prices
    for cluster, cluster_plan in estate.plan.clusters.items():
        if estate.engines[cluster] != "automq":
            continue
        declared = spec.clusters[cluster].storage
        brokers = spec.clusters[cluster].deploy.brokers
        if declared is not None and declared.wal == "ebs":
            gib = brokers * WAL_VOLUME_GIB
            price = prices.wal_volume_gib_month
            formula = (
                f"{brokers} brokers x {WAL_VOLUME_GIB} GiB EBS WAL = {gib} GiB "
                f"x ${price:g}/GiB-month"
            )
            yield CostItem(cluster, CLUSTER_WIDE, "wal", cluster, formula, gib * price)
            continue
        monthly = DAYS_PER_MONTH * sum(
            rate.daily_bytes
            for topic in cluster_plan.topics
            if (rate := rates.get(topic.name)) is not None and topic.contract in DATA_CONTRACTS
        )
        puts = monthly / WAL_OBJECT_BYTES
        price = prices.object_storage_put_1000
        formula = (
            f"{monthly / GIB:,.1f} GiB/month in / {WAL_OBJECT_BYTES // 1024**2} MiB objects = "
            f"{puts:,.0f} PUTs x ${price:g}/1000 (S3 WAL)"
        )
        yield CostItem(cluster, CLUSTER_WIDE, "wal", cluster, formula, puts * price / 1000)


def _replays(spec: PlatformSpec, prices: PriceTable) -> Iterator[CostItem]:
    window = spec.classes.replay.window
    seconds = window_seconds(window)
    for name, pipeline in spec.pipelines.items():
        if not isinstance(pipeline, ReplayPipeline) or pipeline.throughput is None:
            continue
        per_window = pipeline.throughput.average * seconds / GIB
        gib = per_window * DAYS_PER_MONTH
        formula = (
            f"{rate_text(pipeline.throughput.average)} x {format_duration(seconds * 1000)} "
            f"window ({window} UTC) = {per_window:,.1f} GiB/window x {DAYS_PER_MONTH:.1f} "
            f"windows = {gib:,.0f} GiB x ${prices.transfer_gib:g}/GiB"
        )
        yield CostItem(
            spec.cluster_of(name),
            spec.class_of(name),
            "replay",
            name,
            formula,
            gib * prices.transfer_gib,
        )


def _mirrors(
    spec: PlatformSpec, rates: dict[str, Rate | None], prices: PriceTable
) -> Iterator[CostItem]:
    for name, pipeline in spec.pipelines.items():
        if not isinstance(pipeline, MirrorPipeline):
            continue
        rate = mirror_rate(pipeline, rates)
        if rate is None:
            continue
        gib = rate.day_average * SECONDS_PER_DAY * DAYS_PER_MONTH / GIB
        formula = (
            f"{rate_text(rate.day_average)} {pipeline.source_cluster} -> "
            f"{spec.cluster_of(name)} x {HOURS_PER_MONTH} h = {gib:,.0f} GiB "
            f"x ${prices.transfer_gib:g}/GiB"
        )
        yield CostItem(
            spec.cluster_of(name),
            spec.class_of(name),
            "mirror",
            name,
            formula,
            gib * prices.transfer_gib,
        )


def _compute(plan: PlatformPlan, prices: PriceTable) -> Iterator[CostItem]:
    for pool in plan.pools:
        runtime = pool.runtime
        if not isinstance(runtime, KubernetesPoolRuntime):
            continue
        cpu, memory = cpu_cores(runtime.cpu), memory_gib(runtime.memory)
        hourly = cpu * prices.worker_vcpu_hour + memory * prices.worker_memory_gib_hour
        monthly = runtime.replicas * hourly * HOURS_PER_MONTH
        formula = (
            f"{runtime.replicas} workers x ({cpu:g} vCPU x ${prices.worker_vcpu_hour:g} "
            f"+ {memory:g} GiB x ${prices.worker_memory_gib_hour:g}) x {HOURS_PER_MONTH} h"
        )
        worker = pool.worker
        yield CostItem(
            worker.cluster, worker.workload_class, "compute", worker.pool, formula, monthly
        )


def cpu_cores(quantity: str) -> float:
    """A Kubernetes CPU quantity (``2``, ``1.5``, ``500m``) in cores."""
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def memory_gib(quantity: str) -> float:
    """A Kubernetes memory quantity (``4Gi``, ``512Mi``, ``1024Ki``) in GiB."""
    scale = {"Gi": 1.0, "Mi": 1 / 1024, "Ki": 1 / 1024**2}
    return float(quantity[:-2]) * scale[quantity[-2:]]


def rate_text(bytes_per_second: float) -> str:
    """``2.0 MiB/s``: a rate in the largest binary unit below it."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if bytes_per_second >= size:
            return f"{bytes_per_second / size:,.2f} {unit}/s"
    return f"{bytes_per_second:,.0f} B/s"
