"""Access probes: real clients logged in as each principal meet its boundaries.

Per principal: it logs in and sees exactly the topics it was granted (metadata shows only
topics a principal may describe); it is denied a write to a topic it does not write, the
metadata of another pool's internal topic, another pool's group and topic creation.
Probes change nothing that holds: the create is ``validate_only``, the group is only
described, and a foreign write that is (wrongly) accepted is reported with its offset.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from bulkheads.plan import names
from bulkheads.plan.types import AccessPlan, ClusterPlan
from bulkheads.verify.findings import Finding, failed, passed

TIMEOUT = 15.0
PROBE_HEADER = "bulkheads-verify-probe"


def probe_cluster(
    cluster: ClusterPlan, login: dict[str, Any], passwords: dict[str, str]
) -> list[Finding]:
    """Every access probe of every principal on ``cluster``; ``login`` is the cluster's
    client config without credentials."""
    rows: list[Finding] = []
    for grant in cluster.grants:
        username = grant.principal.username
        if username not in passwords:
            rows.append(
                Finding(
                    "access",
                    "login",
                    username,
                    "skip",
                    "no password for it in the stack's state",
                    cluster.cluster,
                )
            )
            continue
        client = {**login, "sasl.username": username, "sasl.password": passwords[username]}
        rows.extend(_probes(cluster, grant, client))
    return rows


def _granted_topics(grant: AccessPlan) -> set[str]:
    return {b.resource_name for b in grant.bindings if b.resource_type == "Topic"}


def _probes(cluster: ClusterPlan, grant: AccessPlan, client: dict[str, Any]) -> Iterator[Finding]:
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient

    user, name = grant.principal.username, cluster.cluster
    admin = AdminClient({**client, "socket.timeout.ms": int(TIMEOUT * 1000)})
    try:
        visible = {t for t in admin.list_topics(timeout=TIMEOUT).topics if not t.startswith("__")}
    except KafkaException as error:
        yield failed("access", "login", user, f"cannot log in: {error}", name)
        return
    existing = {t.name for t in cluster.topics}
    granted = _granted_topics(grant) & (existing | visible)
    if visible == granted:
        yield passed(
            "access",
            "visible-topics",
            user,
            f"sees exactly its {len(granted)} granted topics",
            name,
        )
    else:
        extra, hidden = sorted(visible - granted), sorted(granted - visible)
        yield failed(
            "access",
            "visible-topics",
            user,
            f"sees ungranted {extra}; cannot see granted {hidden}",
            name,
        )
    writable = {
        b.resource_name
        for b in grant.bindings
        if b.resource_type == "Topic" and b.operation == "Write"
    }
    data_topics = {t.name for t in cluster.topics if t.contract != "internal"}
    foreign = sorted(data_topics - writable)
    if foreign:
        yield _foreign_write(client, foreign[0], user, name)
    other_pools = sorted(
        pool.pool for pool in cluster.worker_pools if pool.pool != grant.principal.pool
    )
    if other_pools:
        yield _hidden_topic(admin, names.config_topic(other_pools[0]), user, name)
        yield _denied_group(admin, names.worker_group(other_pools[0]), user, name)
    yield _denied_create(admin, user, name)


def _foreign_write(client: dict[str, Any], topic: str, user: str, cluster: str) -> Finding:
    from confluent_kafka import KafkaError, Producer

    outcome: list[Any] = []
    producer = Producer({**client, "message.timeout.ms": int(TIMEOUT * 1000)})
    producer.produce(
        topic,
        b"",
        headers={PROBE_HEADER: user.encode()},
        on_delivery=lambda error, message: outcome.append((error, message)),
    )
    producer.flush(TIMEOUT + 5)
    error, message = outcome[0] if outcome else (None, None)
    if error is not None and error.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED:
        return passed("access", "foreign-write", user, f"denied WRITE on {topic}", cluster)
    if error is None and message is not None:
        return failed(
            "access",
            "foreign-write",
            user,
            f"a record landed on {topic} at offset {message.offset()}",
            cluster,
        )
    return failed("access", "foreign-write", user, f"write to {topic}: {error}", cluster)


def _hidden_topic(admin: Any, topic: str, user: str, cluster: str) -> Finding:
    from confluent_kafka import KafkaError

    error = admin.list_topics(topic, timeout=TIMEOUT).topics[topic].error
    if error is not None and error.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED:
        return passed("access", "foreign-internal-topic", user, f"denied {topic}", cluster)
    return failed(
        "access",
        "foreign-internal-topic",
        user,
        f"may describe another pool's {topic} ({error})",
        cluster,
    )


def _denied_group(admin: Any, group: str, user: str, cluster: str) -> Finding:
    from confluent_kafka import ConsumerGroupTopicPartitions, KafkaError, KafkaException

    request = [ConsumerGroupTopicPartitions(group)]
    try:
        admin.list_consumer_group_offsets(request)[group].result(timeout=TIMEOUT)
    except KafkaException as error:
        if error.args[0].code() == KafkaError.GROUP_AUTHORIZATION_FAILED:
            return passed("access", "foreign-group", user, f"denied group {group}", cluster)
        return failed("access", "foreign-group", user, f"group {group}: {error}", cluster)
    return failed(
        "access",
        "foreign-group",
        user,
        f"may read the offsets of another pool's group {group}",
        cluster,
    )


def _denied_create(admin: Any, user: str, cluster: str) -> Finding:
    from confluent_kafka import KafkaError, KafkaException
    from confluent_kafka.admin import NewTopic

    topic = f"bulkheads-verify-{uuid.uuid4().hex[:12]}"
    future = admin.create_topics(
        [NewTopic(topic, 1, 1)], validate_only=True, request_timeout=TIMEOUT
    )[topic]
    try:
        future.result(timeout=TIMEOUT)
    except KafkaException as error:
        code = error.args[0].code()
        if code in (KafkaError.TOPIC_AUTHORIZATION_FAILED, KafkaError.CLUSTER_AUTHORIZATION_FAILED):
            return passed("access", "create-topics", user, "denied topic creation", cluster)
        return failed("access", "create-topics", user, f"create: {error}", cluster)
    return failed("access", "create-topics", user, "may create topics", cluster)
