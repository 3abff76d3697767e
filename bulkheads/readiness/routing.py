"""Where a connector's records land, computed from its config (no connector is run).

Inputs: a Debezium source's topic names (``<topic.prefix>.<schema.table>`` from
``table.include.list``, ``<prefix>.<db.collection>`` from ``collection.include.list``),
plus its side topics (MySQL schema changes to ``<prefix>`` unless
``include.schema.changes=false``, heartbeats to ``__debezium-heartbeat.<prefix>``,
transaction metadata to ``<prefix>.transaction``); a FileStream source's ``topic``; the
``reads`` of a MirrorMaker connector; a MirrorCheckpoint connector's
``<source alias>.checkpoints.internal``. Each then passes the connector's ``RegexRouter``
transforms in order (a full match rewrites it, Java ``$n`` groups included).
``landings`` returns ``None`` when the inputs cannot be known statically.
"""

from __future__ import annotations

import re

from bulkheads.plan.cutover import MIRROR_CHECKPOINT_CONNECTOR
from bulkheads.plan.platform import ConnectorPlan
from bulkheads.spec.model import MIRROR_SOURCE_CONNECTOR

DEBEZIUM = "io.debezium.connector."
MYSQL = "io.debezium.connector.mysql.MySqlConnector"
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
REGEX_ROUTER = "org.apache.kafka.connect.transforms.RegexRouter"
TOPIC_CHANGING = ("Router", "ByLogicalTable")
INCLUDE_LISTS = ("table.include.list", "collection.include.list")
_LITERAL_NAME = re.compile(r"^[\w-]+(\\?\.[\w-]+)+$")


def landings(connector: ConnectorPlan) -> dict[str, str] | None:
    """Topic landed on -> the topic name the connector produced, or ``None`` if unknown."""
    produced = _produced(connector)
    if produced is None:
        return None
    routed: dict[str, str] = {}
    for topic in produced:
        landed = _route(connector.config, topic)
        if landed is None:
            return None
        routed[landed] = topic
    return routed


def _produced(connector: ConnectorPlan) -> list[str] | None:
    config, cls = connector.config, connector.connector_class
    if cls == MIRROR_SOURCE_CONNECTOR:
        return list(connector.reads)
    if cls == MIRROR_CHECKPOINT_CONNECTOR and "source.cluster.alias" in config:
        return [f"{config['source.cluster.alias']}.checkpoints.internal"]
    if cls == FILE_SOURCE:
        return [config["topic"]] if "topic" in config else None
    if not cls.startswith(DEBEZIUM) or "topic.prefix" not in config:
        return None
    prefix = config["topic.prefix"]
    entries = [e.strip() for key in INCLUDE_LISTS for e in config.get(key, "").split(",")]
    entries = [e for e in entries if e]
    if not entries or not all(_LITERAL_NAME.match(e) for e in entries):
        return None
    topics = [f"{prefix}." + entry.replace("\\", "") for entry in entries]
    if cls == MYSQL and config.get("include.schema.changes", "true") == "true":
        topics.append(prefix)
    if int(config.get("heartbeat.interval.ms", "0")) > 0:
        topics.append(f"__debezium-heartbeat.{prefix}")
    if config.get("provide.transaction.metadata", "false") == "true":
        topics.append(f"{prefix}.transaction")
    return topics


def _route(config: dict[str, str], topic: str) -> str | None:
    for alias in filter(None, (a.strip() for a in config.get("transforms", "").split(","))):
        kind = config.get(f"transforms.{alias}.type", "")
        if kind == REGEX_ROUTER:
            pattern = config.get(f"transforms.{alias}.regex", "")
            match = re.fullmatch(pattern, topic)
            if match:
                replacement = config.get(f"transforms.{alias}.replacement", "")
                topic = match.expand(re.sub(r"\$(\d+)", r"\\g<\1>", replacement))
        elif any(word in kind for word in TOPIC_CHANGING):
            return None
    return topic
