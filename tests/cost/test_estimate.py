"""The cost formulas on a small estate, every figure computed by hand here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulkheads.cost.estimate import CostReport, estimate
from bulkheads.cost.prices import PriceTable, stack_prices
from bulkheads.plan.platform import plan_platform
from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import load_stack_file, platform_from_mapping
from tests.cost.estate import estate, write_stack

MIB, GIB = 1024**2, 1024**3
DAY, MONTH_DAYS = 86_400, 730 / 24


def priced(engine: str | None = None, prices: PriceTable | None = None) -> CostReport:
    spec = platform_from_mapping(estate())
    return estimate(spec, plan_platform(spec, Path(".")), prices or PriceTable(), engine)  # type: ignore[arg-type]


def item(report: CostReport, category: str, subject: str, cluster: str | None = None) -> float:
    (match,) = [
        i
        for i in report.items
        if i.category == category and i.subject == subject and cluster in (None, i.cluster)
    ]
    return match.monthly_usd


def test_storage_one_copy_on_object_storage_for_automq() -> None:
    report = priced()
    # orders-cdc's 4MiB/s split 3:1 by partitions; live retention 7d; one copy at $0.023
    events_gib = 3 * MIB * 7 * DAY / GIB
    items_gib = 1 * MIB * 7 * DAY / GIB
    assert events_gib == 1771.875
    assert item(report, "storage", "raw.orders.events", "ingest") == pytest.approx(
        events_gib * 0.023
    )
    assert item(report, "storage", "raw.orders.items") == pytest.approx(items_gib * 0.023)
    assert item(report, "wal", "ingest") == pytest.approx(3 * 10 * 0.08)  # EBS WAL


def test_storage_per_replica_on_broker_disks_for_kafka() -> None:
    report = priced()
    # the mirrored copy inherits its origin's live retention 7d; 3 replicas, $0.10
    mirrored_gib = 3 * MIB * 7 * DAY * 3 / GIB
    assert mirrored_gib == 5315.625
    assert item(report, "storage", "raw.orders.events", "delivery") == pytest.approx(
        mirrored_gib * 0.10
    )
    # the replay writes 2MiB/s for 4h a day: a day-average of 1/3 MiB/s, kept 1d
    assert item(report, "storage", "derived.orders.rebuilt") == pytest.approx(
        2 * MIB * 4 / 24 * DAY * 3 / GIB * 0.10
    )


def test_classic_volumes_bill_as_provisioned() -> None:
    report = priced()
    # the mirrored copy (7d, inherited) + the rebuilt topic (1d), 3 replicas each
    held_gib = 3 * MIB * 7 * DAY * 3 / GIB + 2 * MIB * 4 / 24 * DAY * 3 / GIB
    assert held_gib == 5400
    # the estate's MSK brokers: 3 x 2500 GiB
    assert item(report, "storage", "disk headroom") == pytest.approx((7500 - held_gib) * 0.10)
    assert report.total("delivery", "storage") == pytest.approx(7500 * 0.10)
    assert "disk headroom" not in {i.subject for i in priced("automq").items}
    assert [i.cluster for i in priced("kafka").items if i.subject == "disk headroom"] == [
        "delivery"
    ]


def test_replay_traffic_per_window() -> None:
    report = priced()
    per_window_gib = 2 * MIB * 4 * 3600 / GIB
    assert per_window_gib == 28.125
    assert item(report, "replay", "orders-rebuild") == pytest.approx(
        per_window_gib * MONTH_DAYS * 0.02
    )
    (formula,) = [i.formula for i in report.items if i.category == "replay"]
    assert "28.1 GiB/window" in formula and "01:00-05:00" in formula


def test_mirror_traffic_is_what_it_copies() -> None:
    report = priced()
    assert item(report, "mirror", "orders-mirror") == pytest.approx(
        3 * MIB * DAY * MONTH_DAYS / GIB * 0.02
    )


def test_worker_compute() -> None:
    report = priced()
    assert item(report, "compute", "cdc") == pytest.approx(2 * (2 * 0.035 + 4 * 0.0045) * 730)
    assert item(report, "compute", "mirror") == pytest.approx((0.5 * 0.035 + 1 * 0.0045) * 730)
    assert report.total("ingest", "compute") == pytest.approx(128.48)


def test_compare_prices_every_cluster_on_the_other_model() -> None:
    as_automq = priced("automq")
    assert as_automq.engines == {"ingest": "automq", "delivery": "automq"}
    assert item(as_automq, "storage", "raw.orders.events", "delivery") == pytest.approx(
        3 * MIB * 7 * DAY / GIB * 0.023  # one copy, the inherited 7d
    )
    # delivery declares no storage: an S3 WAL, one PUT per 4MiB it takes in
    daily_mib = 3 * DAY + 2 * 4 * 3600
    assert item(as_automq, "wal", "delivery") == pytest.approx(
        daily_mib * MONTH_DAYS / 4 * 0.005 / 1000
    )
    as_kafka = priced("kafka")
    assert as_kafka.total("ingest", "storage") == pytest.approx(  # no headroom: not sized
        (3 + 1) * MIB * 7 * DAY * 3 / GIB * 0.10
    )
    assert as_kafka.total("ingest", "wal") == 0
    assert priced().total("delivery", "compute") == as_kafka.total("delivery", "compute")


def test_prices_come_from_the_stack(tmp_path: Path) -> None:
    stack = load_stack_file(
        write_stack(tmp_path / "s.yaml", estate(), prices={"transfer_gib": 0.01})
    )
    prices = stack_prices(stack)
    assert prices.transfer_gib == 0.01 and prices.broker_disk_gib_month == 0.10
    assert item(priced(prices=prices), "mirror", "orders-mirror") == pytest.approx(
        item(priced(), "mirror", "orders-mirror") / 2
    )


def test_a_writer_without_throughput_is_listed_not_priced() -> None:
    platform = estate()
    del platform["pipelines"]["orders-cdc"]["throughput"]
    spec = platform_from_mapping(platform)
    report = estimate(spec, plan_platform(spec, Path(".")), PriceTable())
    assert report.missing == ("orders-cdc",)
    assert {i.category for i in report.items} == {"storage", "wal", "replay", "compute"}
    assert [i.subject for i in report.items if i.category == "storage"] == [
        "derived.orders.rebuilt",
        "disk headroom",
    ]


def test_bad_prices_are_reported_exactly(tmp_path: Path) -> None:
    prices = {
        "broker_disk_gib_month": -0.1,
        "transfer_gib": None,
        "worker_vcpu_hours": 0.04,
        "object_storage_gib_month": "cheap",
    }
    path = write_stack(tmp_path / "Pulumi.bad.yaml", estate(), prices=prices)
    first = path.read_text().splitlines().index("  bulkheads:prices:") + 2
    with pytest.raises(SpecError) as raised:
        stack_prices(load_stack_file(path))
    assert [p.render() for p in raised.value.problems] == [
        f"{path}:{first}: bulkheads:prices.broker_disk_gib_month: -0.1 — a price cannot be "
        "negative. Fix: write 0 or more, e.g. 0.10.",
        f"{path}:{first + 1}: bulkheads:prices.transfer_gib: None — no price given. Fix: write "
        "a price in USD, e.g. 0.10, or remove the key.",
        f"{path}:{first + 2}: bulkheads:prices.worker_vcpu_hours: 0.04 — unknown key. Fix: did "
        "you mean 'worker_vcpu_hour'?",
        f"{path}:{first + 3}: bulkheads:prices.object_storage_gib_month: 'cheap' — not a "
        "price. Fix: write a plain number of USD, e.g. 0.10.",
    ]
