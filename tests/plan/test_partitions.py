"""The estate split into partitions (``bulkheads.plan.partitions``) loses nothing and
duplicates nothing, over generated specs and the shipped prod stack, both ways."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulkheads.plan.partitions import NETWORK, Estate, PartitionError, partition_estate
from bulkheads.plan.platform import ConnectorPlan, PlatformPlan, plan_platform
from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import load_platform
from tests.strategies import platform_specs

ROOT = Path(__file__).resolve().parents[2]
MODES = ("cluster", "cluster-owner")


def items(plan: PlatformPlan) -> list[Hashable]:
    """Everything a plan builds, one hashable key per resource-owning entry."""
    found: list[Hashable] = []
    for name, cluster in plan.clusters.items():
        found.append(("cluster", name))
        found += [("topic", name, t.name) for t in cluster.topics]
        found += [("principal", name, p.username) for p in cluster.principals]
        found += [("grant", name, g.principal.username) for g in cluster.grants]
        found += [("quota", name, q.entity_type, q.entity_name) for q in cluster.quotas]
    found += [("pool", p.worker.pool) for p in plan.pools]
    found += [("connector", c.key) for c in plan.connectors]
    found += [("alerts", a.name, a.cluster, a.pool) for a in plan.alerts]
    found += [("scheduler", s.pool) for s in plan.replay_schedulers]
    found += [("cutover", c.cutover) for c in plan.cutovers]
    return found


def check_estate(plan: PlatformPlan, estate: Estate) -> None:
    whole = Counter(items(plan))
    union: Counter[Hashable] = Counter()
    for partition in estate.partitions.values():
        union.update(items(partition.plan))
    assert union == whole, f"lost {whole - union}, doubled {union - whole}"
    assert [p.name for p in estate.partitions.values() if p.network] == [NETWORK]
    order = [name for wave in estate.waves() for name in wave]
    assert sorted(order) == sorted(estate.partitions)
    for partition in estate.partitions.values():
        # every dependency runs in an earlier wave
        assert all(order.index(d) < order.index(partition.name) for d in partition.depends_on)
        assert set(partition.depends_on) == {
            NETWORK,
            *(estate.homes[c] for c in partition.needs),
        } - {partition.name}
        for cluster, usernames in partition.needs.items():
            home = estate.partitions[estate.homes[cluster]]
            assert cluster not in partition.clusters
            assert set(usernames) <= set(home.exports[cluster])
            planned = {p.username for p in plan.clusters[cluster].principals}
            assert set(usernames) <= planned
        # what it logs in as on its own clusters is built here, and what it reads from
        # elsewhere is in its needs: nothing it uses is missing
        for username, cluster in logins(partition.plan):
            assert cluster in partition.clusters or username in partition.needs[cluster]


def logins(plan: PlatformPlan) -> Iterable[tuple[str, str]]:
    for pool in plan.pools:
        yield pool.worker.principal, pool.worker.cluster
    for connector in plan.connectors:
        for cluster in {connector.cluster, *connector.cluster_logins.values()}:
            yield connector.username, cluster


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=platform_specs(), by=st.sampled_from(MODES))
def test_partitions_cover_the_plan_once(spec, by) -> None:  # type: ignore[no-untyped-def]
    plan = plan_platform(spec, ROOT)
    try:
        estate = partition_estate(plan, by)
    except PartitionError as error:
        assert by == "cluster"
        assert "read from each other" in str(error)
        return
    check_estate(plan, estate)


@pytest.mark.parametrize("by", MODES)
def test_prod_partitions_cover_the_plan_once(by: str) -> None:
    plan = plan_platform(load_platform(ROOT / "stacks" / "Pulumi.prod.yaml"), ROOT)
    estate = partition_estate(plan, by)
    check_estate(plan, estate)
    # the mirrors into delivery read from ingest and payments; lake's from delivery; the
    # cutover's mirror into lakehouse (issue 13's worked example) from lake
    delivery = "delivery" if by == "cluster" else "delivery-platform"
    assert set(estate.partitions[delivery].needs) >= {"ingest", "payments"}
    if by == "cluster":
        assert estate.waves() == (
            (NETWORK,),
            ("ingest", "payments"),
            ("delivery",),
            ("lake",),
            ("lakehouse",),
        )
    else:  # the cluster partitions first, then every owner's pools side by side
        clusters = set(plan.clusters)
        assert set(estate.waves()[1]) == clusters
        assert len(estate.waves()) == 3


def test_mirrors_both_ways_are_a_cycle_by_cluster_only() -> None:
    spec = load_platform(ROOT / "stacks" / "Pulumi.prod.yaml")
    plan = plan_platform(spec, ROOT)
    mirror = next(c for c in plan.connectors if c.kind == "mirror")
    source, target = mirror.cluster_logins["source.cluster"], mirror.cluster
    pool = next(p for p in plan.pools if p.worker.cluster == source)
    back: ConnectorPlan = replace(
        mirror,
        pipeline="back",
        pool=pool.worker.pool,
        cluster=source,
        cluster_logins={"source.cluster": target, "target.cluster": source},
    )
    cyclic = replace(plan, connectors=(*plan.connectors, back))
    with pytest.raises(PartitionError, match="cluster-owner"):
        partition_estate(cyclic, "cluster")
    estate = partition_estate(cyclic, "cluster-owner")
    assert estate.dependents(source) and estate.dependents(target)


def test_dependents_are_transitive() -> None:
    plan = plan_platform(load_platform(ROOT / "stacks" / "Pulumi.prod.yaml"), ROOT)
    estate = partition_estate(plan, "cluster")
    assert estate.dependents("ingest") == ("delivery", "lake", "lakehouse")
    assert estate.dependents("lake") == ("lakehouse",)
    assert estate.dependents("lakehouse") == ()
    assert set(estate.dependents(NETWORK)) == set(plan.clusters)


def test_validate_names_the_partition_problem(tmp_path: Path) -> None:
    """A partitioned stack whose mirrors read both ways fails validation at ``partition``
    with the fix, before anything runs; the shipped prod stack validates partitioned."""
    text = (ROOT / "stacks" / "Pulumi.prod.yaml").read_text()
    marker = "    environment: prod\n"
    good = tmp_path / "Pulumi.prod.yaml"
    good.write_text(text.replace(marker, marker + "    partition: cluster\n"))
    assert load_platform(good).partition == "cluster"
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text(text.replace(marker, marker + "    partition: rows\n"))
    with pytest.raises(SpecError, match="partition"):
        load_platform(bad)


@pytest.mark.parametrize("by", ["cluster", "cluster-owner"])
def test_dependencies_are_the_inverse_of_dependents(by: str) -> None:
    plan = plan_platform(load_platform(ROOT / "stacks" / "Pulumi.prod.yaml"), ROOT)
    estate = partition_estate(plan, by)
    names = list(estate.partitions)
    for a in names:
        for b in names:
            assert (b in estate.dependents(a)) == (a in estate.dependencies(b)), (a, b)
    assert estate.dependencies(NETWORK) == ()
