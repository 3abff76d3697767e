"""Runtime boundaries, as pure comparisons: each pool runs its own connectors, each
connector logs in as its own principal."""

from __future__ import annotations

from bulkheads.plan.platform import PlatformPlan
from bulkheads.verify.findings import Finding, failed, passed
from bulkheads.verify.observe import ObservedPool

_STATE = {"running": "RUNNING", "paused": "PAUSED", "stopped": "STOPPED"}


def runtime_findings(plan: PlatformPlan, pool: str, observed: ObservedPool) -> list[Finding]:
    """What ``pool``'s REST API shows against the plan: foreign or missing connectors,
    a connector in another state than declared (a scheduled replay's state is its
    scheduler's), a login that is not its own."""
    declared = {c.connector: c for c in plan.connectors if c.pool == pool}
    home = {c.connector: c.pool for c in plan.connectors}
    cluster = next(p.worker.cluster for p in plan.pools if p.worker.pool == pool)
    rows: list[Finding] = []
    for name in sorted(set(observed.states) - set(declared)):
        where = f"declared in pool {home[name]!r}" if name in home else "declared nowhere"
        rows.append(
            failed("runtime", "connector-pool", name, f"runs in pool {pool!r}, {where}", cluster)
        )
    for name, connector in sorted(declared.items()):
        state = observed.states.get(name)
        if state is None:
            rows.append(
                failed(
                    "runtime",
                    "connector-pool",
                    name,
                    f"declared in pool {pool!r} but not running there",
                    cluster,
                )
            )
            continue
        if not connector.scheduled and state != _STATE[connector.state]:
            rows.append(
                failed(
                    "runtime",
                    "connector-state",
                    name,
                    f"{state}, declared {connector.state}",
                    cluster,
                )
            )
        logins = observed.logins.get(name, frozenset())
        if logins == {"${...}"}:
            rows.append(
                Finding(
                    "runtime",
                    "connector-login",
                    name,
                    "skip",
                    "its login is a config-provider reference",
                    cluster,
                )
            )
        elif logins != {connector.username}:
            rows.append(
                failed(
                    "runtime",
                    "connector-login",
                    name,
                    f"logs in as {sorted(logins)}, planned {connector.username}",
                    cluster,
                )
            )
    return rows or [
        passed(
            "runtime",
            "connector-pool",
            pool,
            f"runs exactly its {len(declared)} connectors, each as its own principal",
            cluster,
        )
    ]
