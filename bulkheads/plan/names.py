"""Physical names derived from declared names — one place, so every layer agrees.

Declared pool and pipeline names are ``[a-z0-9-]`` without dots (``bulkheads.spec.naming``),
so the dotted forms below can never collide with each other or with contract topics
(``raw.``/``derived.``/``delivery.``):

=========================  ====================================  ==========================
what                       name                                  example
=========================  ====================================  ==========================
worker principal           ``pool.<pool>``                       ``pool.live-ingest``
connector principal        ``pipeline.<pipeline>``               ``pipeline.orders-cdc``
worker ``group.id``        ``connect.<pool>``                    ``connect.live-ingest``
Connect internal topics    ``_connect.<pool>.configs|offsets|status``
connector name             ``<pipeline>``                        ``orders-cdc``
sink consumer group        ``connect-<pipeline>`` (Connect's own default for a sink)
dead-letter topic          ``dlq.<pipeline>``                    ``dlq.orders-archive``
=========================  ====================================  ==========================

The worker group is ``connect.<pool>`` rather than ``connect-<pool>`` so that it can never
equal a sink's ``connect-<pipeline>`` group when a pool and a pipeline share a name.
Policies may rely on the two principal prefixes to tell worker from connector principals.
"""

from __future__ import annotations

WORKER_PRINCIPAL_PREFIX = "pool."
CONNECTOR_PRINCIPAL_PREFIX = "pipeline."
INTERNAL_TOPIC_PREFIX = "_connect."
DLQ_TOPIC_PREFIX = "dlq."
SINK_GROUP_PREFIX = "connect-"


def worker_principal(pool: str) -> str:
    """SCRAM username of a pool's Connect workers."""
    return f"{WORKER_PRINCIPAL_PREFIX}{pool}"


def connector_principal(pipeline: str) -> str:
    """SCRAM username a pipeline's connector clients authenticate as."""
    return f"{CONNECTOR_PRINCIPAL_PREFIX}{pipeline}"


def worker_group(pool: str) -> str:
    """The Connect ``group.id`` of a pool."""
    return f"connect.{pool}"


def config_topic(pool: str) -> str:
    """The pool's ``config.storage.topic`` (compacted, exactly one partition)."""
    return f"{INTERNAL_TOPIC_PREFIX}{pool}.configs"


def offset_topic(pool: str) -> str:
    """The pool's ``offset.storage.topic`` (compacted)."""
    return f"{INTERNAL_TOPIC_PREFIX}{pool}.offsets"


def status_topic(pool: str) -> str:
    """The pool's ``status.storage.topic`` (compacted)."""
    return f"{INTERNAL_TOPIC_PREFIX}{pool}.status"


def internal_topics(pool: str) -> tuple[str, str, str]:
    """The pool's configs, offsets and status topics, in that order."""
    return config_topic(pool), offset_topic(pool), status_topic(pool)


def connector_name(pipeline: str) -> str:
    """The Connect connector name of a pipeline."""
    return pipeline


def sink_group(pipeline: str) -> str:
    """The consumer group Connect gives a sink connector (``connect-<connector name>``)."""
    return f"{SINK_GROUP_PREFIX}{connector_name(pipeline)}"


def dlq_topic(pipeline: str) -> str:
    """The dead-letter topic of a sink pipeline."""
    return f"{DLQ_TOPIC_PREFIX}{pipeline}"
