"""The no-isolation baseline keeps every pipeline and topic and removes exactly the
runtime, principal and quota boundaries (``bulkheads.plan.baseline``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from bulkheads.plan import names
from bulkheads.plan.baseline import BASELINE_PRINCIPAL, baseline_plan, shared_pool
from bulkheads.plan.platform import PlatformPlan, plan_platform
from bulkheads.plan.types import AclBinding, TopicPlan
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import PlatformSpec
from tests.strategies import platform_specs

ROOT = Path(__file__).resolve().parents[2]
PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _data_topics(plan: PlatformPlan) -> dict[str, list[TopicPlan]]:
    return {
        name: [t for t in cluster.topics if t.contract != "internal"]
        for name, cluster in plan.clusters.items()
    }


def _check_baseline(plan: PlatformPlan) -> None:
    base = baseline_plan(plan)
    # every pipeline and its connector is kept, only its pool and login change
    assert [replace(c, pool="", username="") for c in base.connectors] == [
        replace(c, pool="", username="") for c in plan.connectors
    ]
    assert {c.pool for c in base.connectors} <= {p.worker.pool for p in base.pools}
    assert {c.username for c in base.connectors} <= {BASELINE_PRINCIPAL}
    # every data and dead-letter topic is kept unchanged
    assert _data_topics(base) == _data_topics(plan)
    assert list(base.clusters) == list(plan.clusters)
    for name, cluster in base.clusters.items():
        isolated = plan.clusters[name]
        has_pools = bool(isolated.worker_pools)
        # one shared pool (with its own internal topics), one principal, no quotas
        assert [w.pool for w in cluster.worker_pools] == ([shared_pool(name)] if has_pools else [])
        internal = {t.name for t in cluster.topics if t.contract == "internal"}
        assert internal == (set(names.internal_topics(shared_pool(name))) if has_pools else set())
        assert cluster.quotas == ()
        usernames = [p.username for p in cluster.principals]
        assert usernames == ([BASELINE_PRINCIPAL] if isolated.principals else [])
        # the one principal may do whatever any isolated principal may do on data
        # topics and pipeline groups, and nothing more besides its own pool's
        removed = {t.name for t in isolated.topics if t.contract == "internal"}
        removed |= {w.group_id for w in isolated.worker_pools}
        granted = {b for g in cluster.grants for b in g.bindings}
        wanted = {b for g in isolated.grants for b in g.bindings if b.resource_name not in removed}
        own_names = internal | {names.worker_group(shared_pool(name))}
        own = {b for b in granted if b.resource_name in own_names}
        assert granted - own == wanted
    assert all(p.override_policy == "None" for p in base.pools)
    assert base.alerts == ()


@pytest.mark.parametrize("env", ["local", "dev", "prod"])
def test_baseline_of_each_shipped_stack(env: str) -> None:
    _check_baseline(plan_platform(load_platform(ROOT / f"stacks/Pulumi.{env}.yaml"), ROOT))


def test_local_baseline_is_one_pool_one_principal_no_quota() -> None:
    plan = plan_platform(load_platform(ROOT / "stacks/Pulumi.local.yaml"), ROOT)
    base = baseline_plan(plan)
    (pool,) = base.pools
    assert pool.worker.pool == "shared-local"
    assert pool.worker.principal == BASELINE_PRINCIPAL
    assert pool.runtime == plan.pools[0].runtime  # the first pool's REST port
    assert pool.worker.workload_class == "live"  # it carries the live source
    cluster = base.clusters["local"]
    assert [p.username for p in cluster.principals] == [BASELINE_PRINCIPAL]
    assert len(plan.clusters["local"].quotas) > 0 and cluster.quotas == ()
    (grant,) = cluster.grants
    # the sink's login may now write the live source's raw topic
    assert AclBinding("Topic", "raw.orders.events", "Write", "127.0.0.1") in grant.bindings
    assert len(grant.bindings) == len(set(grant.bindings))


@PROPERTY_SETTINGS
@given(platform_specs())
def test_baseline_keeps_pipelines_and_topics_and_removes_the_boundaries(
    spec: PlatformSpec,
) -> None:
    _check_baseline(plan_platform(spec, ROOT))
