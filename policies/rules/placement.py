"""Placement rules over the whole stack: which work shares a pool, a cluster or a topic."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from bulkheads.plan.names import CONNECTOR_PRINCIPAL_PREFIX, WORKER_PRINCIPAL_PREFIX
from bulkheads.spec import writers
from bulkheads.spec.writers import WriteClaim, pipeline_writer, pool_writer, writer_conflicts
from components import tokens
from policies.rules.access import ADMIN_PRINCIPALS_SCHEMA, WRITE_OPERATIONS
from policies.rules.model import (
    Category,
    Config,
    Finding,
    Resource,
    Rule,
    Stack,
    by_key,
    is_true,
    kafka_user,
    quoted,
)

INTERNAL_TOPIC_ROLES = (
    ("config_topic", "configs"),
    ("offset_topic", "offsets"),
    ("status_topic", "status"),
)


def _pool_clusters(stack: Stack) -> dict[str, str]:
    """Pool name -> the cluster its WorkerPool is attached to."""
    return {
        pool: members[0].get("cluster")
        for pool, members in by_key(stack.of_type(tokens.WORKER_POOL), "pool").items()
        if isinstance(members[0].get("cluster"), str)
    }


def check_live_replay_separation(stack: Stack, config: Config) -> Iterator[Finding]:
    """Live and replay pipelines never run on the same worker pool."""
    pools = {
        p: members[0] for p, members in by_key(stack.of_type(tokens.WORKER_POOL), "pool").items()
    }
    for pool, connectors in sorted(by_key(stack.of_type(tokens.CONNECTOR), "pool").items()):
        live = {c.get("pipeline") for c in connectors if c.get("workload_class") == "live"}
        replay = {
            c.get("pipeline")
            for c in connectors
            if c.get("kind") == "replay" or c.get("workload_class") == "replay"
        }
        owner = pools.get(pool)
        pool_class = owner.get("workload_class") if owner else None
        urn = owner.urn if owner else connectors[0].urn
        if pool_class == "live" and replay:
            yield Finding(
                f"replay pipelines {quoted(replay)} run on live worker pool '{pool}'; "
                "move them to a pool of class replay",
                urn,
            )
        elif pool_class == "replay" and live:
            yield Finding(
                f"live pipelines {quoted(live)} run on replay worker pool '{pool}'; "
                "move them to a pool of class live",
                urn,
            )
        elif live and replay:
            yield Finding(
                f"worker pool '{pool}' runs live pipelines {quoted(live)} and replay pipelines "
                f"{quoted(replay)}; move the replay pipelines to a pool of class replay",
                urn,
            )


def check_unique_worker_groups(stack: Stack, config: Config) -> Iterator[Finding]:
    """No two worker pools on a cluster share a ``group.id`` or an internal topic."""
    for cluster, pools in sorted(by_key(stack.of_type(tokens.WORKER_POOL), "cluster").items()):
        users: dict[tuple[str, str], set[str]] = {}
        for pool in pools:
            name = pool.get("pool", pool.name)
            group = pool.get("group_id")
            if isinstance(group, str):
                users.setdefault(("group.id", group), set()).add(name)
            roles: dict[str, list[str]] = {}
            for key, role in INTERNAL_TOPIC_ROLES:
                topic = pool.get(key)
                if isinstance(topic, str):
                    users.setdefault(("internal topic", topic), set()).add(name)
                    roles.setdefault(topic, []).append(role)
            for topic, used_as in sorted(roles.items()):
                if len(used_as) > 1:
                    yield Finding(
                        f"worker pool '{name}' uses topic '{topic}' as its "
                        f"{' and '.join(used_as)} topic; configs, offsets and status must be "
                        "three different topics",
                        pool.urn,
                    )
        for pool in pools:
            name = pool.get("pool", pool.name)
            for (what, value), sharing in sorted(users.items()):
                others = sharing - {name}
                if name in sharing and others:
                    yield Finding(
                        f"worker pool '{name}' shares {what} '{value}' with {quoted(others)} "
                        f"on cluster '{cluster}'; give each pool its own group.id and "
                        "internal topics",
                        pool.urn,
                    )


def _acl_writer(acl: Resource, admins: list[str]) -> str | None:
    """Who a literal WRITE grant on a topic makes a writer, or None for other ACLs."""
    if str(acl.get("aclPermissionType", "")).lower() != "allow":
        return None
    if str(acl.get("aclOperation", "")).lower() not in WRITE_OPERATIONS:
        return None
    if str(acl.get("aclResourceType", "")).lower() != "topic":
        return None
    if str(acl.get("resourcePatternTypeFilter") or "Literal").lower() != "literal":
        return None
    user = kafka_user(acl.get("aclPrincipal", ""))
    if user in admins:
        return None
    if user.startswith(CONNECTOR_PRINCIPAL_PREFIX):
        return pipeline_writer(user.removeprefix(CONNECTOR_PRINCIPAL_PREFIX))
    if user.startswith(WORKER_PRINCIPAL_PREFIX):
        return pool_writer(user.removeprefix(WORKER_PRINCIPAL_PREFIX))
    return f"principal '{user}'"


def check_single_writer(stack: Stack, config: Config) -> Iterator[Finding]:
    """One writer per topic on a cluster, and one producing writer platform-wide (a
    mirror's copies excepted): ``bulkheads.spec.writers`` over what the resources claim
    (topic contracts, connectors' ``writes``, literal WRITE grants)."""
    for conflict in writer_conflicts(_write_claims(stack, config)):
        yield Finding(conflict.message, str(conflict.first.anchor))


def _write_claims(stack: Stack, config: Config) -> Iterator[WriteClaim]:
    """Who writes which topic on which cluster, as the registered resources say."""
    connectors = stack.of_type(tokens.CONNECTOR)
    mirrors = {  # a mirror pipeline, as its connector or its principal says
        pipeline_writer(r.get("pipeline"))
        for r in (*connectors, *stack.of_type(tokens.PRINCIPAL))
        if "mirror" in (r.get("kind"), r.get("pipeline_kind"))
    }

    def claim(topic: str, writer: str, cluster: str, urn: str) -> WriteClaim:
        return WriteClaim(topic, writer, cluster, copy=writer in mirrors, anchor=urn)

    for contract in stack.of_type(tokens.TOPIC_CONTRACT):
        writer = contract.get("writer")
        if isinstance(writer, str) and writer:
            internal = contract.get("contract") == "internal"
            named = pool_writer(writer) if internal else pipeline_writer(writer)
            topic = contract.get("topic", contract.name)
            yield claim(topic, named, contract.get("cluster", "?"), contract.urn)
    pool_clusters = _pool_clusters(stack)
    for connector in connectors:
        cluster = pool_clusters.get(connector.get("pool"), connector.get("cluster", "?"))
        for topic in connector.get("writes", []):
            if isinstance(topic, str):
                writer = pipeline_writer(connector.get("pipeline"))
                yield claim(topic, writer, cluster, connector.urn)
    for acl in stack.of_type(tokens.KAFKA_ACL):
        writer = _acl_writer(acl, config["admin_principals"])
        topic = acl.get("aclResourceName")
        if writer and isinstance(topic, str):
            yield claim(topic, writer, stack.cluster_of(acl), acl.urn)


def check_regulated_dedicated(stack: Stack, config: Config) -> Iterator[Finding]:
    """A cluster holding regulated data is dedicated and runs only its owner's pools."""
    pools_by_cluster = by_key(stack.of_type(tokens.WORKER_POOL), "cluster")
    for cluster in stack.of_type(tokens.CLUSTER):
        if not is_true(cluster.get("regulated")):
            continue
        name, owner = cluster.get("cluster", cluster.name), cluster.get("owner")
        tenancy = cluster.get("tenancy")
        if tenancy != "dedicated":
            yield Finding(
                f"cluster '{name}' holds regulated data but its tenancy is '{tenancy}'; "
                "set tenancy: dedicated",
                cluster.urn,
            )
        foreign = {
            p.get("owner")
            for p in pools_by_cluster.get(name, [])
            if isinstance(p.get("owner"), str) and p.get("owner") != owner
        }
        if foreign:
            yield Finding(
                f"regulated cluster '{name}' (owner '{owner}') runs worker pools owned by "
                f"{quoted(foreign)}; move those pools to another cluster",
                cluster.urn,
            )


def check_pipeline_on_pool_cluster(stack: Stack, config: Config) -> Iterator[Finding]:
    """A pipeline reads and writes topics only on the cluster its pool is attached to."""
    pool_clusters = _pool_clusters(stack)
    topic_clusters: dict[str, set[str]] = {}
    for contract in stack.of_type(tokens.TOPIC_CONTRACT):
        if isinstance(contract.get("cluster"), str):
            topic = contract.get("topic", contract.name)
            topic_clusters.setdefault(topic, set()).add(contract.get("cluster"))
    for connector in stack.of_type(tokens.CONNECTOR):
        pipeline, pool = connector.get("pipeline"), connector.get("pool")
        home = pool_clusters.get(pool)
        if home is None:
            continue
        declared = connector.get("cluster")
        if isinstance(declared, str) and declared != home:
            yield Finding(
                f"pipeline '{pipeline}' is placed on cluster '{declared}' but its pool "
                f"'{pool}' is attached to cluster '{home}'; run it on a pool of cluster "
                f"'{declared}'",
                connector.urn,
            )
        verbs = [("writes", connector.get("writes", []))]
        if connector.get("kind") != "mirror":
            verbs.append(("reads", connector.get("reads", [])))
        for verb, topics in verbs:
            for topic in topics:
                clusters = topic_clusters.get(topic, set())
                if clusters and home not in clusters:
                    yield Finding(
                        f"pipeline '{pipeline}' {verb} topic '{topic}' on cluster "
                        f"{quoted(clusters)} but its pool '{pool}' is attached to cluster "
                        f"'{home}'; use a pool on that cluster, or mirror the topic to '{home}'",
                        connector.urn,
                    )


RULES = (
    Rule(
        id="bulkheads-runtime-live-replay-separation",
        title="Live and replay pipelines never share a worker pool",
        category=Category.ISOLATION,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.WORKER_POOL, tokens.CONNECTOR),
        rationale=(
            "Connectors on one pool share workers, task slots and rebalances. A backfill on a "
            "live pool competes for CPU with the live path, and its restarts rebalance live "
            "connectors."
        ),
        how_to_fix=(
            "Run replay pipelines on a pool of class `replay`, and live pipelines on a pool "
            "of class `live`."
        ),
        stack_check=check_live_replay_separation,
    ),
    Rule(
        id="bulkheads-runtime-unique-worker-groups",
        title="No two worker pools share a group.id or an internal topic",
        category=Category.ISOLATION,
        severity=Severity.CRITICAL,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.WORKER_POOL,),
        rationale=(
            "A Connect worker group is its `group.id` plus its configs, offsets and status "
            "topics. Two pools sharing any of them join one group or overwrite each other's "
            "connector configs and offsets."
        ),
        how_to_fix=(
            "Leave `group_id` and the internal topics to the plan layer's names "
            "(`connect.<pool>`, `_connect.<pool>.configs|offsets|status`)."
        ),
        stack_check=check_unique_worker_groups,
        suppressible=False,
    ),
    Rule(
        id=writers.RULE_ID,
        title="A topic has exactly one writer",
        category=Category.ISOLATION,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.TOPIC_CONTRACT, tokens.CONNECTOR, tokens.KAFKA_ACL, tokens.PRINCIPAL),
        rationale=(
            "A topic is a data contract owned by its writer. A second writer (a pipeline "
            "declaring it, or a principal granted WRITE, on its cluster or producing a topic "
            "of the same name on another) mixes records of two producers no consumer can "
            "tell apart, and makes the owner answer for data they did not write. A mirror's "
            "copy on another cluster is not a second producer."
        ),
        how_to_fix=(
            "Keep the declared writer. Give other pipelines their own topics, and remove "
            "WRITE grants of principals other than the writer's."
        ),
        stack_check=check_single_writer,
        config={"admin_principals": ADMIN_PRINCIPALS_SCHEMA},
    ),
    Rule(
        id="bulkheads-cluster-regulated-dedicated",
        title="A cluster marked regulated is dedicated to its owner",
        category=Category.ISOLATION,
        severity=Severity.CRITICAL,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.CLUSTER, tokens.WORKER_POOL),
        rationale=(
            "Regulated data must not share brokers, metadata or credentials with workloads "
            "outside its scope of audit; a shared cluster puts every tenant in that scope."
        ),
        how_to_fix=(
            "Set `tenancy: dedicated` on the regulated cluster and attach only pools of the "
            "cluster's owner to it; move other pools to another cluster."
        ),
        stack_check=check_regulated_dedicated,
        suppressible=False,
    ),
    Rule(
        id="bulkheads-runtime-pipeline-on-pool-cluster",
        title="No pipeline uses a topic on a cluster its pool is not attached to",
        category=Category.ISOLATION,
        severity=Severity.HIGH,
        enforcement=EnforcementLevel.MANDATORY,
        applies_to=(tokens.CONNECTOR, tokens.WORKER_POOL, tokens.TOPIC_CONTRACT),
        rationale=(
            "A pool works against exactly one cluster. A pipeline reaching a topic on another "
            "cluster crosses the cluster boundary outside the one sanctioned path, a declared "
            "mirror (whose reads are on the source cluster)."
        ),
        how_to_fix=(
            "Run the pipeline on a pool attached to the topic's cluster, or add a `mirror` "
            "pipeline that copies the topic to the pool's cluster."
        ),
        stack_check=check_pipeline_on_pool_cluster,
    ),
)
