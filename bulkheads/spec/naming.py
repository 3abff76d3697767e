"""Naming rules for topics and for the names a stack declares.

Topic names: ``<contract>.<domain>.<dataset>``

- ``contract`` is ``raw`` (as captured from a source system), ``derived`` (computed from
  other topics) or ``delivery`` (shaped for one consumer);
- ``domain`` and ``dataset`` are lowercase segments of ``[a-z0-9-]`` starting with a
  letter or digit, e.g. ``raw.payments.transactions`` or ``derived.orders.daily-totals``;
- at most 200 characters (Kafka allows 249; the rest is headroom for suffixes).

Dead-letter (``dlq.<pipeline>``) and Connect internal topics are derived by the plan layer
and are never declared in a stack.

Declared names (owners, clusters, pools, pipelines) are DNS-label-like: lowercase
``[a-z0-9-]``, starting with a letter, not ending with ``-``, at most 40 characters, so
that they fit Kubernetes names, Kafka principals and group ids once prefixed.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

Contract = Literal["raw", "derived", "delivery"]
CONTRACTS: tuple[str, ...] = get_args(Contract)

TOPIC_MAX_LENGTH = 200
NAME_MAX_LENGTH = 40

_SEGMENT = r"[a-z0-9][a-z0-9-]*"
TOPIC_PATTERN = re.compile(rf"^({'|'.join(CONTRACTS)})\.({_SEGMENT})\.({_SEGMENT})$")
NAME_PATTERN = re.compile(r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$")


def topic_problem(topic: str) -> str | None:
    """Why ``topic`` breaks the naming rule, or None when it is fine."""
    if len(topic) > TOPIC_MAX_LENGTH:
        return f"a topic name has at most {TOPIC_MAX_LENGTH} characters"
    if TOPIC_PATTERN.match(topic):
        return None
    contract = topic.split(".", 1)[0]
    if contract not in CONTRACTS:
        return f"a topic name starts with its contract ({', '.join(CONTRACTS)})"
    return "a topic name is <contract>.<domain>.<dataset> in lowercase [a-z0-9-] segments"


def topic_contract(topic: str) -> str:
    """The contract prefix of a well-formed topic name (``raw``, ``derived``, ``delivery``)."""
    return topic.split(".", 1)[0]


def name_problem(name: str) -> str | None:
    """Why a declared name breaks the naming rule, or None when it is fine."""
    if len(name) > NAME_MAX_LENGTH:
        return f"a name has at most {NAME_MAX_LENGTH} characters"
    if NAME_PATTERN.match(name):
        return None
    return "a name is lowercase [a-z0-9-], starts with a letter and does not end with '-'"


def suggest_name(name: str) -> str:
    """A conforming spelling of ``name`` (lowercased, other characters to ``-``)."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    cleaned = cleaned.lstrip("0123456789-") or "x"
    return cleaned[:NAME_MAX_LENGTH].rstrip("-")
