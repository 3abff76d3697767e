"""Live facts: what the reachable Connect workers report, for the live signals.

Only ``local`` pools (``http://127.0.0.1:<rest_port>``) can be reached from here; each is
probed once (``GET /connector-plugins`` and ``GET /connectors?expand=status``, 2 s each).
A pool that does not answer, and every Kubernetes pool, is listed as offline; the live
signals check nothing for it and the scorecard says so.

- ``installed`` (Compatibility): every class a reachable pool's pipelines use is installed
  on its workers, with the version they report (missing: red).
- ``task-health`` (Observability): every planned connector of a reachable pool runs with
  all its tasks in its declared state (absent: yellow, a failed task: red, first trace line).
"""

from __future__ import annotations

from collections.abc import Iterator

from bulkheads.connect.rest import ConnectRestError, failure_of, is_settled, probe
from bulkheads.plan.platform import ConnectorPlan, LocalPoolRuntime, PlatformPlan
from bulkheads.readiness.facts import Check, Facts, LiveFacts, PoolLive, green


def gather(plan: PlatformPlan) -> LiveFacts:
    """Probe every local pool of ``plan``; the others are offline."""
    live = LiveFacts()
    for pool in plan.pools:
        name = pool.worker.pool
        if not isinstance(pool.runtime, LocalPoolRuntime):
            live.offline[name] = "kubernetes pools, not reachable from here"
            continue
        url = f"http://127.0.0.1:{pool.runtime.rest_port}"
        try:
            plugins = probe(url, "/connector-plugins")
            statuses = probe(url, "/connectors?expand=status")
        except ConnectRestError as error:
            live.offline[name] = (
                "local workers not answering"
                if not error.status
                else (f"local workers answered HTTP {error.status}")
            )
            continue
        live.pools[name] = PoolLive(
            {p["class"]: str(p.get("version", "?")) for p in plugins},
            {c: answer["status"] for c, answer in statuses.items()},
        )
    return live


def _answered(facts: Facts) -> Iterator[tuple[ConnectorPlan, PoolLive]]:
    """Each planned connector whose pool answered, with that pool's answers."""
    for connector in facts.plan.connectors:
        answered = facts.live.pools.get(connector.pool)
        if answered is not None:
            yield connector, answered


def installed(facts: Facts) -> list[Check]:
    """Every class a reachable pool runs is installed on its workers."""
    checks = []
    for connector, answered in _answered(facts):
        where = f"live: pool {connector.pool} /connector-plugins"
        version = answered.plugins.get(connector.connector_class)
        if version is None:
            checks.append(
                Check(
                    "red",
                    where,
                    f"{connector.connector_class} (pipeline {connector.pipeline}) is not "
                    "installed on the workers",
                    "install its plugin on the pool's workers",
                )
            )
        else:
            checks.append(green(where, f"{connector.connector_class} {version}"))
    return checks


def task_health(facts: Facts) -> list[Check]:
    """Every planned connector of a reachable pool is in its declared state."""
    checks = []
    for connector, answered in _answered(facts):
        where = f"live: pool {connector.pool} connector {connector.connector}"
        status = answered.statuses.get(connector.connector)
        failure = failure_of(status) if status else None
        if status is None:
            checks.append(Check("yellow", where, "not deployed", "run bulkheads up for this stack"))
        elif failure is not None:
            checks.append(
                Check("red", where, f"failed: {failure}", "fix the cause, then restart its tasks")
            )
        elif not is_settled(status, connector.state):
            checks.append(
                Check(
                    "yellow",
                    where,
                    f"{status['connector']['state']}, declared {connector.state}",
                    "wait for it to settle, or run bulkheads up",
                )
            )
        else:
            tasks = len(status.get("tasks", []))
            checks.append(green(where, f"{connector.state}, {tasks} tasks"))
    return checks
