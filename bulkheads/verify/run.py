"""One verification of a stack: spec and plan, the stack's state, the live platform.

Clusters are read as their admin where bulkheads holds that login (``local`` clusters,
through the local platform's state dir); other clusters are reported as skipped, with why.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bulkheads.connect.rest import ConnectRestError
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.jars import kafka_home
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.local.platform import LocalPlatform
from bulkheads.plan.platform import LocalPoolRuntime, PlatformPlan, plan_platform
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import LocalDeploy
from bulkheads.verify.drift import drift_findings
from bulkheads.verify.findings import Finding, failed, passed
from bulkheads.verify.observe import observe_cluster, observe_pool
from bulkheads.verify.probes import probe_cluster
from bulkheads.verify.runtime import runtime_findings
from bulkheads.verify.throttle import ProbeError, produce_throttle_ms

Passwords = Callable[[], dict[str, str]]


def verify_stack(
    spec_file: Path,
    passwords: Passwords,
    *,
    throttle_probe: bool = False,
    platform: LocalPlatform | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> list[Finding]:
    """Every finding for the stack declared in ``spec_file``; ``passwords`` reads the
    principals' passwords (called once, and only if a cluster is reachable)."""
    spec = load_platform(spec_file)
    plan = plan_platform(spec, PROJECT_ROOT)
    platform = platform or LocalPlatform()
    logins: dict[str, dict[str, Any]] = {}
    rows: list[Finding] = []
    for name, cluster in spec.clusters.items():
        if not isinstance(cluster.deploy, LocalDeploy):
            rows.append(
                Finding(
                    "access",
                    "reachable",
                    name,
                    "skip",
                    f"a {cluster.deploy.kind} cluster: bulkheads holds no admin login "
                    "for it here; run verify where its brokers are reachable",
                    name,
                )
            )
            continue
        try:
            logins[name] = platform.connection(name).client_config()
        except LocalPlatformError as error:
            rows.append(failed("access", "reachable", name, str(error), name))
    known = passwords() if logins else {}
    libs = kafka_home(platform.cache_dir) / "libs"
    for name, admin in logins.items():
        progress(f"verifying cluster {name}: drift, quotas, access probes")
        cluster_plan = plan.clusters[name]
        rows += drift_findings(cluster_plan, observe_cluster(cluster_plan, admin, libs))
        login = {
            k: v for k, v in admin.items() if not k.startswith("sasl.user") and k != "sasl.password"
        }
        rows += probe_cluster(cluster_plan, login, known)
        rows += _runtime(plan, name)
        if throttle_probe:
            rows += _throttle(plan, name, login, known)
    return rows


def _runtime(plan: PlatformPlan, cluster: str) -> list[Finding]:
    rows: list[Finding] = []
    for pool in (p for p in plan.pools if p.worker.cluster == cluster):
        if not isinstance(pool.runtime, LocalPoolRuntime):
            continue
        url = f"http://127.0.0.1:{pool.runtime.rest_port}"
        try:
            observed = observe_pool(pool.worker.pool, url)
        except (ConnectRestError, OSError) as error:
            rows.append(failed("runtime", "rest", pool.worker.pool, f"{url}: {error}", cluster))
            continue
        rows += runtime_findings(plan, pool.worker.pool, observed)
    return rows


def _throttle(
    plan: PlatformPlan, cluster: str, login: dict[str, str], passwords: dict[str, str]
) -> list[Finding]:
    rows: list[Finding] = []
    for connector in plan.connectors:
        if connector.cluster != cluster or connector.workload_class != "replay":
            continue
        if not connector.writes or connector.username not in passwords:
            continue
        client = {
            **login,
            "sasl.username": connector.username,
            "sasl.password": passwords[connector.username],
        }
        try:
            throttle = produce_throttle_ms(client, connector.writes[0])
        except ProbeError as error:
            rows.append(failed("quota", "throttle", connector.username, str(error), cluster))
            continue
        check = passed if throttle > 0 else failed
        rows.append(
            check(
                "quota",
                "throttle",
                connector.username,
                f"burst to {connector.writes[0]} throttled {throttle:.0f} ms",
                cluster,
            )
        )
    return rows
