"""Connector config rules: no secret in plain config, no record routed to an undeclared topic.

- Secret-bearing keys (a ``password``, ``passwd``, ``secret``, ``token``, ``credential(s)``,
  ``jaas`` or ``passphrase`` segment, a name ending in an API/access/private/secret key, or
  a key the connector's plugin types ``PASSWORD``, see ``password_keys``) hold secret
  values: in ``config`` they would be stored and rendered in plain text, so they belong in
  ``secrets`` (a reference to a secret set with ``pulumi config set --secret``).
- A source or replay writes every record to a topic it declares: the topics its config
  routes records to — a ``RegexRouter`` transform's replacement (applied to the topic names
  Debezium derives from ``topic.prefix`` and ``table.include.list`` when both are set, else
  taken literally when it has no group reference), those derived names themselves when no
  transform renames them, and Debezium's
  ``schema.history.internal.kafka.topic`` — are among its ``writes``; otherwise the connector
  fails at runtime on a topic it was granted nothing on.
- An S3 sink (a connector config with ``s3.bucket.name``) writes its objects under
  ``<topics.dir>/`` (default ``topics``) of that bucket: a location its pipeline's ``s3``
  declares for ``write`` must cover them, or its pool's IAM role may not write there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bulkheads.spec.errors import Path, Problem
from bulkheads.spec.model import (
    PlatformSpec,
    ReplayPipeline,
    SinkPipeline,
    SourcePipeline,
)
from bulkheads.spec.password_keys import password_keys

SECRET_SEGMENTS = frozenset(
    {"password", "passwd", "secret", "token", "credential", "credentials", "jaas", "passphrase"}
)
SECRET_ENDINGS = ("api.key", "apikey", "access.key", "private.key", "secret.key", "account.key")
REGEX_ROUTER = "org.apache.kafka.connect.transforms.RegexRouter"
SCHEMA_HISTORY_TOPIC = "schema.history.internal.kafka.topic"
S3_BUCKET_KEY = "s3.bucket.name"
S3_TOPICS_DIR_KEY = "topics.dir"
S3_TOPICS_DIR_DEFAULT = "topics"


def is_secret_key(key: str, connector_class: str = "") -> bool:
    """Whether a config key of ``connector_class`` holds a secret value (see module
    docstring)."""
    lowered = key.lower()
    segments = set(re.split(r"[._\-]", lowered))
    by_name = bool(segments & SECRET_SEGMENTS) or lowered.endswith(SECRET_ENDINGS)
    return by_name or key in password_keys(connector_class)


def connector_problems(spec: PlatformSpec) -> list[Problem]:
    """Secrets in plain config, routing to undeclared topics and S3 sinks writing outside
    their declared locations, for every pipeline."""
    problems: list[Problem] = []
    for name, pipeline in spec.pipelines.items():
        path: Path = ("pipelines", name, "connector", "config")
        for key in pipeline.connector.config:
            if is_secret_key(key, pipeline.connector.connector_class):
                problems.append(
                    Problem(
                        (*path, key),
                        "a secret in plain config (it would be stored and rendered in plain text)",
                        f"move it to `secrets`: {{{key}: <secret name>}}, its value set with "
                        "pulumi config set --secret",
                    )
                )
        if isinstance(pipeline, (SourcePipeline, ReplayPipeline)):
            declared = set(pipeline.written_topics)
            for key, topics in _routed(pipeline.connector.config):
                undeclared = sorted(set(topics) - declared)
                if undeclared:
                    problems.append(
                        Problem(
                            (*path, key),
                            f"routes records to topics the pipeline does not write: "
                            f"{', '.join(undeclared)}",
                            "add them to writes, or route records to a declared topic",
                            pipeline.connector.config[key],
                        )
                    )
        if isinstance(pipeline, SinkPipeline) and S3_BUCKET_KEY in pipeline.connector.config:
            problems.extend(_s3_sink_problems(path, pipeline))
    return problems


def _s3_sink_problems(path: Path, pipeline: SinkPipeline) -> list[Problem]:
    """The sink's bucket and object prefix, unless a declared write location covers them."""
    config = pipeline.connector.config
    bucket = str(config[S3_BUCKET_KEY])
    directory = str(config.get(S3_TOPICS_DIR_KEY, S3_TOPICS_DIR_DEFAULT)).strip("/")
    prefix = f"{directory}/" if directory else ""
    if any(
        location.bucket == bucket
        and location.access == "write"
        and prefix.startswith(location.prefix)
        for location in pipeline.s3
    ):
        return []
    declared = ", ".join(f"{loc.bucket}/{loc.prefix} ({loc.access})" for loc in pipeline.s3)
    return [
        Problem(
            (*path, S3_BUCKET_KEY),
            f"the sink writes objects under s3://{bucket}/{prefix}, which no s3 location of "
            f"the pipeline covers for write (declared: {declared or 'none'}), so its pool's "
            "IAM role may not write there",
            f"add {{bucket: {bucket}, prefix: {prefix}}} to the pipeline's s3, or point "
            f"{S3_BUCKET_KEY} and {S3_TOPICS_DIR_KEY} at a declared location",
            bucket,
        )
    ]


def _routed(config: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """(config key, topic names it routes records to), where they can be told."""
    if SCHEMA_HISTORY_TOPIC in config:
        yield SCHEMA_HISTORY_TOPIC, [config[SCHEMA_HISTORY_TOPIC]]
    derived = _debezium_topics(config)
    last_router = "topic.prefix"
    for alias in (t.strip() for t in config.get("transforms", "").split(",") if t.strip()):
        if config.get(f"transforms.{alias}.type") != REGEX_ROUTER:
            continue
        key = f"transforms.{alias}.replacement"
        replacement = config.get(key)
        if replacement is None:
            continue
        if derived:
            try:
                pattern = re.compile(config.get(f"transforms.{alias}.regex", ""))
                routed = [_route(pattern, replacement, topic) for topic in derived]
            except (re.error, IndexError):
                continue
            derived, last_router = routed, key
        elif "$" not in replacement:
            yield key, [replacement]
    if derived:
        yield last_router, derived


def _debezium_topics(config: dict[str, str]) -> list[str]:
    """``<topic.prefix>.<table>`` for each table of ``table.include.list`` (when both set)."""
    prefix, tables = config.get("topic.prefix"), config.get("table.include.list")
    if not prefix or not tables:
        return []
    return [f"{prefix}.{table.strip()}" for table in tables.split(",") if table.strip()]


def _route(pattern: re.Pattern[str], replacement: str, topic: str) -> str:
    """RegexRouter: a topic matching the whole regex is renamed (``$1`` group references)."""
    if not pattern.fullmatch(topic):
        return topic
    return pattern.sub(re.sub(r"\$(\d+)", r"\\\1", replacement), topic, count=1)
